"""The public JSON shapes of catalog objects, shared by the CLI and (later) the REST API.

These shapes are documented in docs/cli.md and kept stable: fields are added, never
renamed or removed without a new major version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any

from prodsec.catalog.catalog import Catalog
from prodsec.catalog.diff import EditionDiff
from prodsec.catalog.model import BuildingBlock, Instrument, Mapping, Requirement
from prodsec.catalog.recognition import Recognition

Json = dict[str, Any]


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


def mapping_view(m: Mapping) -> Json:
    target = {"block": m.block} if m.block else {"requirement": m.requirement}
    return {
        **target,
        "relationship": m.relationship.value,
        "rationale": m.rationale.value,
        "provenance": m.provenance.value,
        "status": m.status.value,
        "confidence": m.confidence.value,
        "bindings": plain(m.bindings),
        "note": m.note,
    }


def requirement_view(catalog: Catalog, inst: Instrument, req: Requirement) -> Json:
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
        "parameters": plain(req.parameters),
        "evidence": plain(req.evidence),
        "source": req.source,
        "confidence": req.confidence.value,
        "previous": None if req.previous is None else list(req.previous),
        "superseded_by": req.superseded_by,
        "note": req.note,
        "mappings": [mapping_view(m) for m in catalog.mappings_of(rid)],
    }


def instrument_summary(inst: Instrument) -> Json:
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


def instrument_view(catalog: Catalog, inst: Instrument) -> Json:
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


def block_view(catalog: Catalog, block: BuildingBlock) -> Json:
    return {
        **plain(block),
        "mapped_from": [
            {
                "requirement": mr.requirement,
                **mapping_view(mr.mapping),
                "values": plain(catalog.block_values(mr.requirement, mr.mapping)),
            }
            for mr in catalog.mapped_to(block.id)
        ],
    }


def diff_view(diff: EditionDiff) -> Json:
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
