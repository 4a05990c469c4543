"""The public JSON shapes of crosswalks and harmonisation measures, shared by the CLI
(`-f json`) and the REST API, and their rows for tables and CSV. Each shape is a TypedDict
(decision 0010)."""

from __future__ import annotations

from typing import Any, cast

from typing_extensions import TypedDict

from prodsec.catalog import Catalog
from prodsec.catalog.model import Instrument
from prodsec.catalog.views import plain
from prodsec.crosswalk.derive import Crosswalk, Relation
from prodsec.crosswalk.measures import CoverageRow, Milestone, Overlap, Selection, Spread

Value = bool | int | float | str
"""A parameter's value (a date as YYYY-MM-DD)."""


class ScopePublic(TypedDict):
    """The filter a measure was taken under, and the same in words."""

    bindingness: list[str]
    category: str | None
    on: str | None
    jurisdictions: list[str]
    layers: list[str]
    instruments: list[str]
    requirements: str
    grain: str
    themes: str
    described: str


class RelationPublic(TypedDict):
    source: str
    target: str
    relationship: str
    derived: bool
    path: list[str]
    via: list[str]
    confidence: str
    provenance: str
    alternative: str | None
    note: str


class CrosswalkRequirement(TypedDict):
    requirement: str
    relations: list[RelationPublic]


class CrosswalkCounts(TypedDict):
    relations: int
    direct: int
    derived: int
    by_relationship: dict[str, int]
    uncovered_in_target: int


class CrosswalkPublic(TypedDict):
    source: str
    target: str
    requirements: list[CrosswalkRequirement]
    uncovered_in_target: list[str]
    counts: CrosswalkCounts


class CoverageRowPublic(TypedDict):
    instrument: str
    full: int
    partial: int
    total: int
    full_share: float
    any_share: float


class CoveragePublic(TypedDict):
    scope: ScopePublic
    instruments: list[CoverageRowPublic]


class OverlapPublic(TypedDict):
    scope: ScopePublic
    instruments: list[str]
    jaccard_all_requirements: list[list[float | None]]
    jaccard_mandatory_requirements: list[list[float | None]]


class BlockRowPublic(TypedDict):
    block: str
    title: str
    theme: str


class BlocksPublic(TypedDict):
    """Blocks under a filter (the common core, the uncovered), and the instruments asked."""

    scope: ScopePublic
    instruments: list[str]
    blocks: list[BlockRowPublic]


class SettingPublic(TypedDict):
    instrument: str
    jurisdictions: list[str]
    value: Value
    unit: str
    requirement: str
    block: str | None


class SpreadPublic(TypedDict):
    scope: ScopePublic
    parameter: str
    stricter: str
    strictest: Value | None
    blocks: list[str]
    settings: list[SettingPublic]
    sets_none: list[str]


class EventPublic(TypedDict):
    date: str
    jurisdiction: str
    instrument: str
    event: str
    what: str


class TimelinePublic(TypedDict):
    scope: ScopePublic
    events: list[EventPublic]


def scope_view(selection: Selection) -> ScopePublic:
    return cast(ScopePublic, selection.view())


def _ref(rid: str) -> str:
    return rid.partition(":")[2]


def relation_view(r: Relation) -> RelationPublic:
    return {
        "source": r.source,
        "target": r.target,
        "relationship": r.relationship.value,
        "derived": r.derived,
        "path": list(r.path),
        "via": list(r.via),
        "confidence": r.confidence.value,
        "provenance": r.provenance,
        "alternative": None if r.alternative is None else r.alternative.value,
        "note": r.note,
    }


def crosswalk_view(x: Crosswalk) -> CrosswalkPublic:
    by_source: dict[str, list[RelationPublic]] = {}
    for r in x.relations:
        by_source.setdefault(r.source, []).append(relation_view(r))
    return {
        "source": x.source.key,
        "target": x.target.key,
        "requirements": [
            {
                "requirement": rid,
                "relations": by_source.get(rid, []),
            }
            for rid in (x.source.requirement_id(q.ref) for q in x.source.requirements)
        ],
        "uncovered_in_target": list(x.uncovered),
        "counts": {
            "relations": len(x.relations),
            "direct": sum(not r.derived for r in x.relations),
            "derived": sum(r.derived for r in x.relations),
            "by_relationship": _by_relationship(x),
            "uncovered_in_target": len(x.uncovered),
        },
    }


def _by_relationship(x: Crosswalk) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in x.relations:
        counts[r.relationship.value] = counts.get(r.relationship.value, 0) + 1
    return dict(sorted(counts.items()))


CROSSWALK_COLUMNS = ["source", "relationship", "target", "how", "via", "confidence"]


def crosswalk_rows(x: Crosswalk) -> list[dict[str, Any]]:
    rows = []
    for r in x.relations:
        how = "derived" if r.derived else f"direct ({r.provenance})"
        rows.append(
            {
                "source": _ref(r.source),
                "relationship": r.relationship.value,
                "target": _ref(r.target),
                "how": how,
                "via": ", ".join(r.via),
                "confidence": r.confidence.value,
            }
        )
    for rid in x.uncovered:
        rows.append({"source": "", "relationship": "(nothing)", "target": _ref(rid), "how": ""})
    return rows


def coverage_view(rows: list[CoverageRow], selection: Selection) -> CoveragePublic:
    """Hub coverage per instrument; the shares rounded to four places."""
    return {
        "scope": scope_view(selection),
        "instruments": [
            {
                "instrument": r.instrument.key,
                "full": r.full,
                "partial": r.partial,
                "total": r.total,
                "full_share": round(r.full_share, 4),
                "any_share": round(r.any_share, 4),
            }
            for r in rows
        ],
    }


def overlap_view(o: Overlap, selection: Selection) -> OverlapPublic:
    return {
        "scope": scope_view(selection),
        "instruments": [i.key for i in o.instruments],
        "jaccard_all_requirements": [list(row) for row in o.all],
        "jaccard_mandatory_requirements": [list(row) for row in o.mandatory],
    }


def blocks_view(
    catalog: Catalog, selection: Selection, instruments: list[Instrument], blocks: list[str]
) -> BlocksPublic:
    """The common core or the uncovered blocks, with their titles and themes."""
    return {
        "scope": scope_view(selection),
        "instruments": [i.key for i in instruments],
        "blocks": [
            {"block": b, "title": catalog.blocks[b].title, "theme": catalog.blocks[b].theme.value}
            for b in blocks
        ],
    }


def timeline_view(found: list[Milestone], selection: Selection) -> TimelinePublic:
    return {
        "scope": scope_view(selection),
        "events": [
            {
                "date": m.day.isoformat(),
                "jurisdiction": m.jurisdiction,
                "instrument": m.instrument.key,
                "event": m.kind,
                "what": m.what,
            }
            for m in found
        ],
    }


def spread_view(s: Spread, selection: Selection) -> SpreadPublic:
    return {
        "scope": scope_view(selection),
        "parameter": s.parameter,
        "stricter": s.stricter.value,
        "strictest": plain(s.strictest),
        "blocks": list(s.blocks),
        "settings": [
            {
                "instrument": x.instrument.key,
                "jurisdictions": list(x.instrument.jurisdictions),
                "value": plain(x.value),
                "unit": x.unit,
                "requirement": x.ref,
                "block": x.block,
            }
            for x in s.settings
        ],
        "sets_none": [i.key for i in s.silent],
    }
