"""Package URLs: parsed and written back in the canonical form the purl specification
sets (type and, per type, namespace and name case-folded, qualifiers sorted, the
percent-encoding normalised), through packageurl-python (docs/decisions/0019)."""

from __future__ import annotations

from functools import lru_cache

from packageurl import PackageURL


@lru_cache(maxsize=65_536)
def canonical_purl(text: str) -> str | None:
    """The canonical form of `text`, or None when it is no valid purl."""
    try:
        return str(PackageURL.from_string(text).to_string())
    except ValueError:
        return None


def normalise_purl(text: str) -> str:
    """The canonical form where `text` parses; else `text` as given, so that a component
    keeps what its SBOM says (`prodsec sbom validate` reports it)."""
    return canonical_purl(text) or text
