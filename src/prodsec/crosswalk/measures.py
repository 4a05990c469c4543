"""Harmonisation measures over the hub: coverage, overlap, common core, uncovered blocks,
the spread of a parameter, and the timeline of obligations.

Every measure runs under a `Selection` (which instruments, which requirements, which blocks)
and states it, because a number without its filter misleads. Defaults:

- the editions in effect on the day (`on`), else the latest edition of each instrument;
- blocks at the *outcome* grain: a block that refines another counts as its parent, and
  a requirement mapped only to the refinement covers the parent partly;
- *security* themes: market obligations (declarations, markings, conformity assessment,
  economic operators' duties) are how a law is enforced, not what it asks of a product,
  and are left out unless `themes` is `all`.

A requirement *requires* a block when it maps onto it with any relationship but
no-relationship; it covers the block *fully* when the mapping is equal or superset-of
(the requirement holds all of the block), *partly* otherwise.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from prodsec.catalog import Catalog
from prodsec.catalog.editions import current_editions, ended, start
from prodsec.catalog.model import BuildingBlock, Instrument
from prodsec.catalog.vocab import Bindingness, Layer, Relationship, Scalar, Stricter, Theme
from prodsec.crosswalk.derive import harbours
from prodsec.errors import NotFoundError


class Grain(StrEnum):
    OUTCOME = "outcome"
    DETAIL = "detail"


class Counted(StrEnum):
    ALL = "all"
    MANDATORY = "mandatory"


class Themes(StrEnum):
    SECURITY = "security"
    ALL = "all"


class Cover(StrEnum):
    FULL = "full"
    PARTIAL = "partial"


FULL = (Relationship.EQUAL, Relationship.SUPERSET_OF)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which instruments, requirements and blocks a measure looks at."""

    bindingness: tuple[Bindingness, ...] = ()
    category: str | None = None
    on: dt.date | None = None
    jurisdictions: tuple[str, ...] = ()
    layers: tuple[Layer, ...] = ()
    instruments: tuple[str, ...] = ()
    requirements: Counted = Counted.ALL
    grain: Grain = Grain.OUTCOME
    themes: Themes = Themes.SECURITY

    def describe(self) -> str:
        """The filter in words, for titles and table captions."""
        parts = [
            "/".join(b.value for b in self.bindingness) if self.bindingness else "any bindingness",
            f"category {self.category}" if self.category else "every category",
            f"on {self.on}" if self.on else "latest editions",
            f"jurisdictions {', '.join(self.jurisdictions)}"
            if self.jurisdictions
            else "every jurisdiction",
        ]
        if self.layers:
            parts.append(f"layers {', '.join(x.value for x in self.layers)}")
        if self.instruments:
            parts.append(f"instruments {', '.join(self.instruments)}")
        parts += [
            f"{self.requirements.value} requirements",
            f"{self.grain.value} grain",
            f"{self.themes.value} themes",
        ]
        return "; ".join(parts)

    def view(self) -> dict[str, object]:
        return {
            "bindingness": [b.value for b in self.bindingness],
            "category": self.category,
            "on": None if self.on is None else self.on.isoformat(),
            "jurisdictions": list(self.jurisdictions),
            "layers": [x.value for x in self.layers],
            "instruments": list(self.instruments),
            "requirements": self.requirements.value,
            "grain": self.grain.value,
            "themes": self.themes.value,
            "described": self.describe(),
        }


# --- which instruments and blocks ----------------------------------------------------


def _editions(catalog: Catalog, selection: Selection) -> Iterable[Instrument]:
    ids = sorted({i.id for i in catalog.instruments.values()})
    for ident in ids:
        if selection.on is None:
            yield catalog.instrument(ident)
            continue
        for inst in current_editions(catalog.editions(ident), selection.on):
            end = ended(inst)
            if start(inst) <= selection.on and (end is None or selection.on < end):
                yield inst


def select(catalog: Catalog, selection: Selection) -> list[Instrument]:
    """The instrument editions a measure runs over, in id order."""
    if selection.instruments:
        return [catalog.instrument(spec) for spec in selection.instruments]
    lineage = set(catalog.lineage(selection.category)) if selection.category else set()
    wanted = set(selection.jurisdictions)
    found = []
    for inst in _editions(catalog, selection):
        if selection.bindingness and inst.bindingness not in selection.bindingness:
            continue
        if wanted and not wanted & set(inst.jurisdictions):
            continue
        if selection.layers and inst.layer not in selection.layers:
            continue
        if lineage and inst.scope.leaves_out(lineage) is not None:
            continue
        found.append(inst)
    return found


def _counts(block: BuildingBlock, selection: Selection) -> bool:
    return selection.themes is Themes.ALL or block.theme is not Theme.MARKET_OBLIGATIONS


def hub(catalog: Catalog, selection: Selection) -> list[BuildingBlock]:
    """The blocks measured: every block, or only outcome-level ones, within the themes."""
    return [
        b
        for b in catalog.blocks.values()
        if _counts(b, selection) and (selection.grain is Grain.DETAIL or b.refines is None)
    ]


def footprint(
    catalog: Catalog, inst: Instrument, selection: Selection, counted: Counted | None = None
) -> dict[str, Cover]:
    """The blocks an instrument requires, each fully or partly. Counting mandatory
    requirements only, a safe harbour's provisions that shelter a mandatory duty count too,
    partly: they are one way of meeting the duty, not a duty of their own."""
    counted = counted or selection.requirements
    sheltering: set[str] = set()
    if counted is Counted.MANDATORY:
        duties = {str(inst.requirement_id(r.ref)) for r in inst.requirements if r.mandatory_type}
        sheltering = {
            provision
            for duty, ways in harbours(catalog, inst).items()
            if duty in duties
            for _, provision in ways
        }
    found: dict[str, Cover] = {}
    for req in inst.requirements:
        rid = inst.requirement_id(req.ref)
        harbour = rid in sheltering and not req.mandatory_type
        if counted is Counted.MANDATORY and not req.mandatory_type and not harbour:
            continue
        for m in catalog.mappings_of(rid):
            if m.block is None or m.relationship is Relationship.NO_RELATIONSHIP:
                continue
            block = catalog.blocks[m.block]
            cover = Cover.FULL if m.relationship in FULL and not harbour else Cover.PARTIAL
            if selection.grain is Grain.OUTCOME and block.refines is not None:
                block, cover = catalog.blocks[block.refines], Cover.PARTIAL
            if not _counts(block, selection):
                continue
            if found.get(block.id) is not Cover.FULL:
                found[block.id] = cover
    return found


# --- the measures --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoverageRow:
    instrument: Instrument
    full: int
    partial: int
    total: int

    @property
    def full_share(self) -> float:
        return self.full / self.total if self.total else 0.0

    @property
    def any_share(self) -> float:
        return (self.full + self.partial) / self.total if self.total else 0.0


def coverage(catalog: Catalog, selection: Selection) -> list[CoverageRow]:
    total = len(hub(catalog, selection))
    rows = []
    for inst in select(catalog, selection):
        fp = footprint(catalog, inst, selection)
        full = sum(c is Cover.FULL for c in fp.values())
        rows.append(CoverageRow(inst, full, len(fp) - full, total))
    return rows


def jaccard(a: set[str], b: set[str]) -> float | None:
    """Shared over combined (intersection over union); None when both are empty."""
    union = a | b
    return len(a & b) / len(union) if union else None


@dataclass(frozen=True, slots=True)
class Overlap:
    instruments: tuple[Instrument, ...]
    all: tuple[tuple[float | None, ...], ...]
    mandatory: tuple[tuple[float | None, ...], ...]


def overlap(catalog: Catalog, selection: Selection) -> Overlap:
    """Jaccard similarity of the required blocks of every pair, on all requirements and on
    mandatory-type requirements only."""
    insts = tuple(select(catalog, selection))
    bit = {block: 1 << n for n, block in enumerate(catalog.blocks)}
    matrices = []
    for counted in (Counted.ALL, Counted.MANDATORY):
        masks = [sum(bit[b] for b in footprint(catalog, i, selection, counted)) for i in insts]
        matrices.append(jaccard_matrix(masks))
    return Overlap(insts, matrices[0], matrices[1])


def jaccard_matrix(masks: list[int]) -> tuple[tuple[float | None, ...], ...]:
    """`jaccard` of every pair of block sets, each given as a bitset (one bit per block):
    one AND and one bit count per pair, each pair computed once and mirrored."""
    sizes = [m.bit_count() for m in masks]
    rows: list[list[float | None]] = [[None] * len(masks) for _ in masks]
    for i, (a, size_a) in enumerate(zip(masks, sizes, strict=True)):
        row = rows[i]
        for j in range(i, len(masks)):
            shared = (a & masks[j]).bit_count()
            union = size_a + sizes[j] - shared
            row[j] = rows[j][i] = shared / union if union else None
    return tuple(tuple(row) for row in rows)


def common_core(catalog: Catalog, selection: Selection) -> tuple[list[Instrument], list[str]]:
    """The blocks every selected instrument requires, in hub order."""
    insts = select(catalog, selection)
    if not insts:
        return [], []
    sets = [set(footprint(catalog, i, selection)) for i in insts]
    shared = set.intersection(*sets)
    return insts, [b.id for b in hub(catalog, selection) if b.id in shared]


def uncovered(catalog: Catalog, selection: Selection) -> tuple[list[Instrument], list[str]]:
    """The blocks that no selected instrument requires, in hub order."""
    insts = select(catalog, selection)
    required: set[str] = set()
    for inst in insts:
        required |= set(footprint(catalog, inst, selection))
    return insts, [b.id for b in hub(catalog, selection) if b.id not in required]


@dataclass(frozen=True, slots=True)
class Setting:
    """One instrument's value for a parameter, and where it comes from."""

    instrument: Instrument
    value: Scalar
    unit: str
    ref: str
    block: str | None


@dataclass(frozen=True, slots=True)
class Spread:
    parameter: str
    stricter: Stricter
    settings: tuple[Setting, ...]
    silent: tuple[Instrument, ...]
    """Selected instruments that set no value."""
    blocks: tuple[str, ...] = field(default=())

    @property
    def strictest(self) -> Scalar | None:
        values = [s.value for s in self.settings]
        if not values or self.stricter is Stricter.NONE:
            return None
        if self.stricter is Stricter.LOWER:
            return min(values)
        return max(values)


def parameters(catalog: Catalog) -> dict[str, tuple[Stricter, str]]:
    """Every parameter name known to the hub or set by a requirement, with its direction
    and unit."""
    found: dict[str, tuple[Stricter, str]] = {}
    for block in catalog.blocks.values():
        for p in block.parameters:
            found.setdefault(p.name, (p.stricter, p.unit))
    for inst in catalog.instruments.values():
        for req in inst.requirements:
            for given in req.parameters:
                found.setdefault(given.name, (Stricter.NONE, given.unit))
    return found


def spread(catalog: Catalog, selection: Selection, parameter: str) -> Spread:
    """A parameter's values across the selected instruments, and who sets none."""
    known = parameters(catalog)
    if parameter not in known:
        raise NotFoundError("parameter", parameter, [], sorted(known))
    stricter, unit = known[parameter]
    settings: list[Setting] = []
    silent: list[Instrument] = []
    for inst in select(catalog, selection):
        found = _settings(catalog, inst, parameter, unit)
        settings += found
        if not found:
            silent.append(inst)
    blocks = tuple(b.id for b in catalog.blocks.values() if b.parameter(parameter))
    return Spread(parameter, stricter, tuple(settings), tuple(silent), blocks)


def _settings(catalog: Catalog, inst: Instrument, name: str, unit: str) -> list[Setting]:
    found: list[Setting] = []
    seen: set[tuple[str, str]] = set()
    for req in inst.requirements:
        rid = inst.requirement_id(req.ref)
        for m in catalog.mappings_of(rid):
            if m.block is not None and name in m.bindings:
                found.append(Setting(inst, m.bindings[name], unit, req.ref, m.block))
                seen.add((req.ref, str(m.bindings[name])))
        for p in req.parameters:
            if p.name == name and (req.ref, str(p.value)) not in seen:
                found.append(Setting(inst, p.value, p.unit or unit, req.ref, None))
    return found


@dataclass(frozen=True, slots=True)
class Milestone:
    day: dt.date
    jurisdiction: str
    instrument: Instrument
    kind: str
    what: str


TIMELINE_KINDS = ("adopted", "in-force", "applies", "transition-end", "repealed", "milestone")


def timeline(catalog: Catalog, selection: Selection) -> list[Milestone]:
    """When each obligation starts (and ends), per jurisdiction, for every edition of the
    selected instruments; with `on`, up to that day."""
    undated = dataclasses.replace(selection, on=None)
    ids = {i.id for i in select(catalog, undated)}
    found: list[Milestone] = []
    for ident in sorted(ids):
        for inst in catalog.editions(ident):
            for event in inst.dates:
                if event.kind.value not in TIMELINE_KINDS:
                    continue
                if selection.on is not None and event.date > selection.on:
                    continue
                what = _what(inst, event.refs, event.kind.value)
                note = f"{what}: {event.note}" if event.note else what
                for place in inst.jurisdictions:
                    if selection.jurisdictions and place not in selection.jurisdictions:
                        continue
                    found.append(Milestone(event.date, place, inst, event.kind.value, note))
    found.sort(key=lambda m: (m.jurisdiction, m.day, m.instrument.key, m.kind))
    return found


def _what(inst: Instrument, refs: tuple[str, ...], kind: str) -> str:
    if not refs:
        return f"{inst.key} {kind}"
    shown = ", ".join(refs[:4]) + (f" and {len(refs) - 4} more" if len(refs) > 4 else "")
    return f"{inst.key} {kind} for {shown}"
