"""Which OSV package a component is: its purl's type mapped to the OSV ecosystem and its
namespace and name joined the way that ecosystem's advisories spell the package."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from packageurl import PackageURL

from prodsec.supplychain.vuln.osv import normalise_name

# purl type -> OSV ecosystem, and the separator between namespace and name
_TYPES: dict[str, tuple[str, str]] = {
    "pypi": ("PyPI", ""),
    "npm": ("npm", "/"),
    "golang": ("Go", "/"),
    "cargo": ("crates.io", ""),
    "hex": ("Hex", ""),
    "maven": ("Maven", ":"),
    "nuget": ("NuGet", ""),
    "gem": ("RubyGems", ""),
    "composer": ("Packagist", "/"),
    "pub": ("Pub", ""),
    "cran": ("CRAN", ""),
    "hackage": ("Hackage", ""),
    "swift": ("SwiftURL", "/"),
}
_DISTROS = {"debian": "Debian", "ubuntu": "Ubuntu", "alpine": "Alpine"}


@dataclass(frozen=True, slots=True)
class Package:
    ecosystem: str
    name: str
    version: str


@lru_cache(maxsize=65_536)
def package_of(purl: str) -> Package | None:
    """The OSV package a purl names, or None when its type has no OSV ecosystem here
    (`generic`, `github`: such components are matched on their CPEs)."""
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        return None
    version = parsed.version or ""
    namespace = parsed.namespace or ""
    if parsed.type in ("deb", "apk"):
        ecosystem = _DISTROS.get(namespace.lower())
        return Package(ecosystem, parsed.name, version) if ecosystem else None
    known = _TYPES.get(parsed.type)
    if known is None:
        return None
    ecosystem, separator = known
    name = f"{namespace}{separator}{parsed.name}" if namespace and separator else parsed.name
    if parsed.type == "npm" and namespace and not namespace.startswith("@"):
        name = f"@{name}"
    return Package(ecosystem, normalise_name(ecosystem, name), version)
