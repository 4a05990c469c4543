"""The public JSON shapes of catalog objects, shared by the CLI (`-f json`) and the REST
API, and the functions that build them.

Each shape is a TypedDict (decision 0010): free at start-up, checked by mypy where it is
built, and the API's response schema. These shapes are documented in docs/cli.md and kept
stable: fields are added, never renamed or removed without a new major version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import Any, NotRequired, cast

from typing_extensions import TypedDict

from prodsec.catalog.atlas import FactCounts, GroupBy, WorldStatus, fact_counts, groups
from prodsec.catalog.catalog import Catalog
from prodsec.catalog.diff import EditionDiff
from prodsec.catalog.editions import current_editions, ended, lineage_start, start
from prodsec.catalog.model import BuildingBlock, Instrument, Mapping, Requirement, Trigger
from prodsec.catalog.recognition import Recognition
from prodsec.catalog.vocab import Bindingness, Layer

Json = dict[str, Any]
"""A nested value whose shape follows the catalog's data format (docs/catalog-format.md)."""


class MappingPublic(TypedDict):
    """A mapping of a requirement onto a hub block, or onto another requirement."""

    block: NotRequired[str]
    requirement: NotRequired[str]
    relationship: str
    rationale: str
    provenance: str
    status: str
    confidence: str
    bindings: Json
    note: str


class TriggerPublic(TypedDict):
    """The event that sets a duty off and how soon the actor must act."""

    event: str
    deadline: str
    within_hours: int | None


def trigger_view(t: Trigger | None) -> TriggerPublic | None:
    if t is None:
        return None
    return {"event": t.event.value, "deadline": t.deadline, "within_hours": t.within_hours}


def trigger_text(t: Trigger) -> str:
    """A trigger in words: `on exploited-vulnerability, early warning within 24 h ...`."""
    return f"on {t.event.value}, {t.deadline}"


class RequirementPublic(TypedDict):
    ref: str
    id: str
    parent: str | None
    title: str
    gist: str
    strength: str
    status: str
    status_code: str
    mandatory_type: bool
    conditions: list[str]
    features: list[str]
    levels: list[str]
    phases: list[str]
    actors: list[str]
    """Who bears the requirement."""
    trigger: TriggerPublic | None
    """The event that sets the duty off, or None for a property of the product."""
    parameters: list[Json]
    evidence: list[str]
    source: str
    confidence: str
    previous: list[str] | None
    superseded_by: str | None
    note: str
    mappings: list[MappingPublic]


class CountsPublic(TypedDict):
    """How many facts stand at each confidence."""

    verified: int
    secondary: int
    unverified: int
    total: int


class ConfidencePublic(TypedDict):
    """An instrument's facts by confidence (docs/catalog-format.md, "Facts and their
    confidence"): its requirements, its dates that state a confidence, and both."""

    requirements: CountsPublic
    dates: CountsPublic
    facts: CountsPublic


class InstrumentSummary(TypedDict):
    """An instrument edition in a list."""

    id: str
    edition: str
    key: str
    title: str
    short_title: str
    issuer: str
    type: str
    bindingness: str
    layer: str
    jurisdictions: list[str]
    revision: int
    requirement_count: int
    mandatory_count: int
    confidence: ConfidencePublic


class InstrumentGroupPublic(TypedDict):
    """Instruments under one layer or region (`prodsec catalog list --group-by`)."""

    group: str
    title: str
    instruments: list[InstrumentSummary]


class InstrumentPublic(InstrumentSummary):
    """An instrument edition with everything about it and its requirements."""

    previous_edition: str | None
    dates: list[Json]
    scope: Json
    actors: list[str]
    conformity_routes: list[Json]
    conditions: list[Json]
    features: list[Json]
    levels: list[Json]
    classes: list[Json]
    label: Json | None
    sections: list[Json]
    sources: list[Json]
    text_licence: str
    note: str
    requirements: list[RequirementPublic]


class EditionMappingsPublic(TypedDict):
    """Every mapping of one edition's requirements."""

    instrument: str
    mappings: list[MappingPublic]


class BlockSummary(TypedDict):
    """A building block in a list."""

    id: str
    title: str
    theme: str
    refines: str | None


class MappedFromPublic(MappingPublic):
    """A requirement's mapping onto a block, with the values it sets for the block's
    parameters."""

    values: Json


class BlockPublic(TypedDict):
    id: str
    title: str
    description: str
    theme: str
    duty_of_care: str
    parameters: list[Json]
    refines: str | None
    mapped_from: list[MappedFromPublic]


class ChangePublic(TypedDict):
    kind: str
    old: list[str]
    new: list[str]
    detail: str


class DiffPublic(TypedDict):
    old: str
    new: str
    unchanged: int
    changes: list[ChangePublic]


def plain(value: Any) -> Any:
    """Dataclasses, enums, tuples and dates as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def mapping_view(m: Mapping) -> MappingPublic:
    view: Json = {"block": m.block} if m.block else {"requirement": m.requirement}
    view |= {
        "relationship": m.relationship.value,
        "rationale": m.rationale.value,
        "provenance": m.provenance.value,
        "status": m.status.value,
        "confidence": m.confidence.value,
        "bindings": plain(m.bindings),
        "note": m.note,
    }
    return cast(MappingPublic, view)


def requirement_view(catalog: Catalog, inst: Instrument, req: Requirement) -> RequirementPublic:
    rid = inst.requirement_id(req.ref)
    return {
        "ref": req.ref,
        "id": rid,
        "parent": req.parent,
        "title": req.title,
        "gist": req.gist,
        "strength": req.strength.value,
        "status": req.status,
        "status_code": req.status_code,
        "mandatory_type": req.mandatory_type,
        "conditions": list(req.conditions),
        "features": list(req.features),
        "levels": list(req.levels),
        "phases": plain(req.phases),
        "actors": plain(req.actors),
        "trigger": trigger_view(req.trigger),
        "parameters": plain(req.parameters),
        "evidence": plain(req.evidence),
        "source": req.source,
        "confidence": req.confidence.value,
        "previous": None if req.previous is None else list(req.previous),
        "superseded_by": req.superseded_by,
        "note": req.note,
        "mappings": [mapping_view(m) for m in catalog.mappings_of(rid)],
    }


def instrument_summary(inst: Instrument) -> InstrumentSummary:
    return {
        "id": inst.id,
        "edition": inst.edition,
        "key": inst.key,
        "title": inst.title,
        "short_title": inst.short_title,
        "issuer": inst.issuer,
        "type": inst.type.value,
        "bindingness": inst.bindingness.value,
        "layer": inst.layer.value,
        "jurisdictions": list(inst.jurisdictions),
        "revision": inst.revision,
        "requirement_count": len(inst.requirements),
        "mandatory_count": sum(r.mandatory_type for r in inst.requirements),
        "confidence": confidence_view(inst),
    }


def grouped_view(
    catalog: Catalog, insts: Iterable[Instrument], by: GroupBy
) -> list[InstrumentGroupPublic]:
    return [
        {
            "group": name,
            "title": catalog.regions[name].title if by is GroupBy.REGION else name,
            "instruments": [instrument_summary(i) for i in found],
        }
        for name, found in groups(catalog, insts, by)
    ]


def counts_view(counts: FactCounts) -> CountsPublic:
    return {
        "verified": counts.verified,
        "secondary": counts.secondary,
        "unverified": counts.unverified,
        "total": counts.total,
    }


def confidence_view(inst: Instrument) -> ConfidencePublic:
    requirements, dates = fact_counts(inst)
    return {
        "requirements": counts_view(requirements),
        "dates": counts_view(dates),
        "facts": counts_view(requirements + dates),
    }


def instrument_view(catalog: Catalog, inst: Instrument) -> InstrumentPublic:
    return {
        **instrument_summary(inst),
        "previous_edition": inst.previous_edition,
        "dates": plain(inst.dates),
        "scope": plain(inst.scope),
        "actors": plain(inst.actors),
        "conformity_routes": plain(inst.conformity_routes),
        "conditions": plain(inst.conditions),
        "features": plain(inst.features),
        "levels": plain(inst.levels),
        "classes": plain(inst.classes),
        "label": plain(inst.label),
        "sections": plain(inst.sections),
        "sources": plain(inst.sources),
        "text_licence": inst.text_licence,
        "note": inst.note,
        "requirements": [requirement_view(catalog, inst, r) for r in inst.requirements],
    }


def edition_mappings_view(catalog: Catalog, inst: Instrument) -> EditionMappingsPublic:
    """An edition's mappings, in the order of its requirements; `requirement` is the
    mapped requirement (the target's, for a mapping onto another requirement)."""
    return {
        "instrument": inst.key,
        "mappings": [
            {"requirement": inst.requirement_id(r.ref), **view}
            for r in inst.requirements
            for view in requirement_view(catalog, inst, r)["mappings"]
        ],
    }


def block_summary(block: BuildingBlock) -> BlockSummary:
    return {
        "id": block.id,
        "title": block.title,
        "theme": block.theme.value,
        "refines": block.refines,
    }


def block_view(catalog: Catalog, block: BuildingBlock) -> BlockPublic:
    return {
        "id": block.id,
        "title": block.title,
        "description": block.description,
        "theme": block.theme.value,
        "duty_of_care": block.duty_of_care.value,
        "parameters": plain(block.parameters),
        "refines": block.refines,
        "mapped_from": [
            {
                "requirement": mr.requirement,
                **mapping_view(mr.mapping),
                "values": plain(catalog.block_values(mr.requirement, mr.mapping)),
            }
            for mr in catalog.mapped_to(block.id)
        ],
    }


def diff_view(diff: EditionDiff) -> DiffPublic:
    return {
        "old": diff.old,
        "new": diff.new,
        "unchanged": diff.unchanged,
        "changes": [
            {"kind": c.kind.value, "old": list(c.old), "new": list(c.new), "detail": c.detail}
            for c in diff.changes
        ],
    }


def _level(level: str) -> str:
    return level if level == "label" else f"L{level}" if level.isdigit() else level


def _refs(refs: tuple[str, ...]) -> str:
    return ", ".join(refs) if len(refs) <= 2 else f"{refs[0]} \u2026 {refs[-1]}"


def edge_label(edge: Recognition) -> str:
    """A short label: `L1+ -> Sch1-1 ... Sch4-1`, `basic+ -> L3`, `5.2-1 -> Sch1-2`."""
    if edge.origin_level is not None:
        left = _level(edge.origin_level) + ("" if edge.origin_level == "label" else "+")
    else:
        left = _refs(edge.origin_refs) or "met"
    right = _refs(edge.grants)
    if edge.target_level is not None:
        right = _level(edge.target_level) + (f" ({right})" if right else "")
    return f"{left} \u2192 {right}"


class WorldEntryPublic(TypedDict):
    """One instrument in a cell of the world view; `since` is the day it binds, will
    bind or counts from (its first edition's start when it already binds)."""

    instrument: str
    title: str
    status: str
    bindingness: str
    since: str


class WorldRowPublic(TypedDict):
    """A jurisdiction's instruments per layer: `cells` maps each layer to its entries."""

    jurisdiction: str
    cells: dict[str, list[WorldEntryPublic]]


class WorldRegionPublic(TypedDict):
    region: str
    title: str
    rows: list[WorldRowPublic]


class WorldPublic(TypedDict):
    """The atlas at a glance: jurisdictions by region against layers, on a day."""

    on: str
    layers: list[str]
    regions: list[WorldRegionPublic]


def world_view(catalog: Catalog, on: dt.date) -> WorldPublic:
    """What binds, is coming or is voluntary in each jurisdiction on a day, per layer: the
    editions current on that day (or the first to come), none that has ended."""
    entries: dict[str, dict[str, list[WorldEntryPublic]]] = {}
    for ident in sorted({i.id for i in catalog.instruments.values()}):
        for inst in current_editions(catalog.editions(ident), on):
            stop = ended(inst)
            if stop is not None and stop <= on:
                continue
            for code in inst.jurisdictions:
                cells = entries.setdefault(code, {layer.value: [] for layer in Layer})
                cells[inst.layer.value].append(_world_entry(catalog, inst, on))
    return {
        "on": on.isoformat(),
        "layers": [layer.value for layer in Layer],
        "regions": [
            {
                "region": region.id,
                "title": region.title,
                "rows": [
                    {"jurisdiction": code, "cells": entries[code]}
                    for code in sorted(entries)
                    if catalog.region_of(code) is region
                ],
            }
            for region in catalog.regions.values()
        ],
    }


def _world_entry(catalog: Catalog, inst: Instrument, on: dt.date) -> WorldEntryPublic:
    if inst.bindingness is not Bindingness.MANDATORY:
        status, since = WorldStatus.VOLUNTARY, start(inst)
    elif start(inst) <= on:
        status, since = WorldStatus.BINDS, lineage_start(catalog, inst)
    else:
        status, since = WorldStatus.UPCOMING, start(inst)
    return {
        "instrument": inst.key,
        "title": inst.short_title or inst.title,
        "status": status.value,
        "bindingness": inst.bindingness.value,
        "since": since.isoformat(),
    }
