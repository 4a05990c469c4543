"""The public JSON shapes of catalog objects, shared by the CLI (`-f json`) and the REST
API, and the functions that build them.

Each shape is a TypedDict (decision 0010): free at start-up, checked by mypy where it is
built, and the API's response schema. These shapes are documented in docs/cli.md and kept
stable: fields are added, never renamed or removed without a new major version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any, NotRequired, cast

from typing_extensions import TypedDict

from prodsec.catalog.catalog import Catalog
from prodsec.catalog.diff import EditionDiff
from prodsec.catalog.model import BuildingBlock, Instrument, Mapping, Requirement, Trigger
from prodsec.catalog.recognition import Recognition

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
