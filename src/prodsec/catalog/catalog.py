"""The loaded catalog: instruments, requirements, blocks and mappings with their indexes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from prodsec.catalog.model import (
    BuildingBlock,
    Category,
    Instrument,
    Mapping,
    MappingSet,
    Market,
    ProductFeature,
    Region,
    Requirement,
)
from prodsec.catalog.recognition import Arrangement, Recognition
from prodsec.catalog.vocab import BlockId, RequirementId, Scalar, quick_unpickle
from prodsec.errors import NotFoundError


@quick_unpickle
@dataclass(frozen=True, slots=True)
class MappedRequirement:
    """A mapping seen from its target: which requirement points here, and how."""

    requirement: RequirementId
    mapping: Mapping


@quick_unpickle
@dataclass(frozen=True, slots=True)
class SearchHit:
    instrument: str
    ref: str
    kind: str
    text: str


def near(wanted: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The closest existing names to a mistyped one."""
    import difflib  # only when a name is not found

    return difflib.get_close_matches(wanted, list(choices), n=n, cutoff=0.6)


def region_of(regions: Iterable[Region], jurisdiction: str) -> Region | None:
    """The first region that names the code, or the code's country (the part before `-`)."""
    country = jurisdiction.partition("-")[0]
    for wanted in dict.fromkeys((jurisdiction, country)):
        for region in regions:
            if wanted in region.jurisdictions:
                return region
    return None


V = TypeVar("V")


def _lookup(kind: str, table: dict[str, V], ident: str, *, listed: bool = False) -> V:
    """An entry by id, or NotFoundError with near matches (and every id when `listed`)."""
    found = table.get(ident)
    if found is None:
        raise NotFoundError(kind, ident, near(ident, table), sorted(table) if listed else None)
    return found


class Catalog:
    """Everything the data files hold, indexed for lookups. Built once per data hash."""

    __slots__ = (
        "__weakref__",
        "_by_block",
        "_haystack",
        "_latest",
        "_mappings_of",
        "_owner",
        "_requirements",
        "arrangements",
        "blocks",
        "categories",
        "data_hash",
        "features",
        "instruments",
        "mapping_sets",
        "markets",
        "recognitions",
        "regions",
    )

    def __init__(
        self,
        instruments: Iterable[Instrument],
        blocks: Iterable[BuildingBlock],
        features: Iterable[ProductFeature],
        categories: Iterable[Category],
        mapping_sets: Iterable[MappingSet],
        markets: Iterable[Market] = (),
        recognitions: Iterable[Recognition] = (),
        arrangements: Iterable[Arrangement] = (),
        data_hash: str = "",
        regions: Iterable[Region] = (),
    ) -> None:
        self.data_hash = data_hash
        self.regions: dict[str, Region] = {r.id: r for r in regions}
        self.markets: dict[str, Market] = {m.id: m for m in markets}
        self.recognitions: tuple[Recognition, ...] = tuple(recognitions)
        self.arrangements: dict[str, Arrangement] = {a.id: a for a in arrangements}
        self.instruments: dict[str, Instrument] = {i.key: i for i in instruments}
        self.blocks: dict[str, BuildingBlock] = {b.id: b for b in blocks}
        self.features: dict[str, ProductFeature] = {f.id: f for f in features}
        self.categories: dict[str, Category] = {c.id: c for c in categories}
        self.mapping_sets: dict[str, MappingSet] = {
            f"{m.instrument}@{m.edition}": m for m in mapping_sets
        }
        self._requirements: dict[str, Requirement] = {}
        self._owner: dict[str, str] = {}
        for inst in self.instruments.values():
            for req in inst.requirements:
                rid = inst.requirement_id(req.ref)
                self._requirements[rid] = req
                self._owner[rid] = inst.key
        self._mappings_of: dict[str, list[Mapping]] = defaultdict(list)
        self._by_block: dict[str, list[MappedRequirement]] = defaultdict(list)
        for key, mset in self.mapping_sets.items():
            for m in mset.mappings:
                rid = RequirementId(f"{key}:{m.ref}")
                self._mappings_of[rid].append(m)
                self._by_block[m.target].append(MappedRequirement(rid, m))
        self._latest = self._latest_editions()
        self._haystack = self._search_index()

    # --- instruments ----------------------------------------------------------------

    def _latest_editions(self) -> dict[str, str]:
        editions: dict[str, list[Instrument]] = defaultdict(list)
        for inst in self.instruments.values():
            editions[inst.id].append(inst)
        latest: dict[str, str] = {}
        for ident, items in editions.items():
            named_previous = {i.previous_edition for i in items}
            heads = [i for i in items if i.edition not in named_previous]
            heads.sort(key=lambda i: min((d.date for d in i.dates), default=dt.date.min))
            latest[ident] = heads[-1].edition
        return latest

    def instrument(self, spec: str) -> Instrument:
        """`id@edition`, or a bare id for its latest edition."""
        ident, _, edition = spec.partition("@")
        if not edition:
            edition = self._latest.get(ident, "")
        found = self.instruments.get(f"{ident}@{edition}")
        if found is None:
            choices = [*self.instruments, *self._latest]
            raise NotFoundError("instrument", spec, near(spec, choices))
        return found

    def editions(self, ident: str) -> list[Instrument]:
        """Every edition of an instrument, oldest first by its earliest date."""
        found = [i for i in self.instruments.values() if i.id == ident]
        return sorted(found, key=lambda i: min((d.date for d in i.dates), default=dt.date.min))

    # --- vocabularies ---------------------------------------------------------------

    def category(self, ident: str) -> Category:
        return _lookup("category", self.categories, ident, listed=True)

    def lineage(self, ident: str) -> list[str]:
        """A category and all its ancestors, nearest first, each once."""
        order: list[str] = []
        todo = [self.category(ident).id]
        while todo:
            current = todo.pop(0)
            if current not in order:
                order.append(current)
                todo.extend(self.categories[current].parents)
        return order

    def implied_features(self, ident: str) -> frozenset[str]:
        """The features every product of a category has, through its ancestors."""
        return frozenset(f for c in self.lineage(ident) for f in self.categories[c].features)

    def feature(self, ident: str) -> ProductFeature:
        return _lookup("product feature", self.features, ident, listed=True)

    def market(self, ident: str) -> Market:
        return _lookup("market", self.markets, ident, listed=True)

    def region(self, ident: str) -> Region:
        return _lookup("region", self.regions, ident, listed=True)

    def region_of(self, jurisdiction: str) -> Region | None:
        """The region a jurisdiction code belongs to; `US-CA` goes with `US`."""
        return region_of(self.regions.values(), jurisdiction)

    # --- requirements ---------------------------------------------------------------

    def requirement(self, rid: str) -> Requirement:
        """A requirement by its full id, `instrument@edition:ref`."""
        found = self._requirements.get(rid)
        if found is None:
            raise NotFoundError("requirement", rid, near(rid, self._requirements))
        return found

    def owner(self, rid: str) -> Instrument:
        """The instrument edition a requirement belongs to."""
        self.requirement(rid)
        return self.instruments[self._owner[rid]]

    def owner_key(self, rid: str) -> str | None:
        """The key of the instrument edition a requirement id belongs to, if it exists."""
        return self._owner.get(rid)

    def requirement_ids(self) -> Iterable[str]:
        return self._requirements.keys()

    def mappings_of(self, rid: str) -> list[Mapping]:
        return self._mappings_of.get(rid, [])

    def block_values(self, rid: str, mapping: Mapping) -> dict[str, Scalar]:
        """The values a requirement sets for the parameters of the block it maps onto: the
        mapping's bindings, and the requirement's own parameters that the block names
        (a binding wins over a requirement parameter of the same name)."""
        block = self.blocks.get(mapping.block or "")
        if block is None:
            return dict(mapping.bindings)
        names = {p.name for p in block.parameters}
        own = {p.name: p.value for p in self.requirement(rid).parameters if p.name in names}
        return {**own, **mapping.bindings}

    # --- blocks ---------------------------------------------------------------------

    def block(self, ident: str) -> BuildingBlock:
        return _lookup("building block", self.blocks, ident)

    def mapped_to(self, target: BlockId | RequirementId | str) -> list[MappedRequirement]:
        """The requirements that map onto a block (or onto a requirement), in catalog order."""
        return self._by_block.get(target, [])

    # --- search ---------------------------------------------------------------------

    def _search_index(self) -> list[tuple[str, SearchHit]]:
        rows: list[tuple[str, SearchHit]] = []
        for inst in self.instruments.values():
            text = f"{inst.title} {inst.short_title}"
            rows.append((f"{inst.key} {text}".lower(), SearchHit(inst.key, "", "instrument", text)))
            for sec in inst.sections:
                rows.append(
                    (
                        f"{sec.ref} {sec.title}".lower(),
                        SearchHit(inst.key, sec.ref, "section", sec.title),
                    )
                )
            for req in inst.requirements:
                hay = f"{req.ref} {req.title} {req.gist}".lower()
                rows.append((hay, SearchHit(inst.key, req.ref, "requirement", req.gist)))
        for block in self.blocks.values():
            hay = f"{block.id} {block.title} {block.description}".lower()
            rows.append((hay, SearchHit("", block.id, "block", block.title)))
        return rows

    def search(self, text: str) -> list[SearchHit]:
        """Entries whose ref, title or gist holds every word of `text`, case-insensitive."""
        words = text.lower().split()
        if not words:
            return []
        return [hit for hay, hit in self._haystack if all(w in hay for w in words)]
