"""What a person types, read as the name they meant: one helper for every id option.

People write `UK` for Great Britain, `gb` in lower case, `smart camera` for the category
`smart-camera`. `resolve` maps such spellings onto the one existing name (exact first,
then an alias, then ignoring case, spaces and underscores); what still matches nothing is
handed on unchanged, so the catalog's lookup reports it with its near matches.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from prodsec.catalog import Catalog
from prodsec.errors import NotFoundError

# Codes people use that the catalog spells otherwise (ISO 3166 is GB; the EU writes EL).
MARKET_ALIASES: Mapping[str, str] = {
    "UK": "GB",
    "EL": "GR",
    "USA": "US",
    "NI": "GB-NIR",
    "UK-NIR": "GB-NIR",
}


def _key(text: str) -> str:
    return "-".join(text.strip().lower().replace("_", " ").split())


def resolve(text: str, names: Collection[str], aliases: Mapping[str, str] | None = None) -> str:
    """The existing name `text` means, or `text` itself when it means none."""
    if text in names:
        return text
    wanted = _key(text)
    for alias, name in (aliases or {}).items():
        if _key(alias) == wanted and name in names:
            return name
    found = [n for n in names if _key(n) == wanted]
    return found[0] if len(found) == 1 else text


def market(catalog: Catalog, text: str) -> str:
    """A market's id (NotFoundError with near matches when there is none)."""
    return catalog.market(resolve(text, catalog.markets.keys(), MARKET_ALIASES)).id


def markets(catalog: Catalog, texts: list[str]) -> list[str]:
    return [market(catalog, t) for t in texts]


def category(catalog: Catalog, text: str) -> str:
    """A category's id (NotFoundError with near matches when there is none)."""
    return catalog.category(resolve(text, catalog.categories.keys())).id


def features(catalog: Catalog, texts: list[str]) -> list[str]:
    return [resolve(t, catalog.features.keys()) for t in texts]


def jurisdictions(catalog: Catalog, texts: list[str]) -> tuple[str, ...]:
    """Jurisdiction codes as the instruments name them; an unknown one is an error with
    near matches (a filter on it would silently match nothing)."""
    known = {j for i in catalog.instruments.values() for j in i.jurisdictions}
    out = []
    for text in texts:
        found = resolve(text, known, MARKET_ALIASES)
        if found not in known:
            from prodsec.catalog.catalog import near

            raise NotFoundError("jurisdiction", text, near(text.upper(), known), sorted(known))
        out.append(found)
    return tuple(out)
