"""Plain dicts and rows of crosswalks and harmonisation measures, for JSON, CSV and tables."""

from __future__ import annotations

from typing import Any

from prodsec.crosswalk.derive import Crosswalk, Relation
from prodsec.crosswalk.measures import Overlap, Selection, Spread


def _ref(rid: str) -> str:
    return rid.partition(":")[2]


def relation_view(r: Relation) -> dict[str, Any]:
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


def crosswalk_view(x: Crosswalk) -> dict[str, Any]:
    by_source: dict[str, list[dict[str, Any]]] = {}
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


def overlap_view(o: Overlap, selection: Selection) -> dict[str, Any]:
    return {
        "scope": selection.view(),
        "instruments": [i.key for i in o.instruments],
        "jaccard_all_requirements": [list(row) for row in o.all],
        "jaccard_mandatory_requirements": [list(row) for row in o.mandatory],
    }


def spread_view(s: Spread, selection: Selection) -> dict[str, Any]:
    return {
        "scope": selection.view(),
        "parameter": s.parameter,
        "stricter": s.stricter.value,
        "strictest": s.strictest,
        "blocks": list(s.blocks),
        "settings": [
            {
                "instrument": x.instrument.key,
                "jurisdictions": list(x.instrument.jurisdictions),
                "value": x.value,
                "unit": x.unit,
                "requirement": x.ref,
                "block": x.block,
            }
            for x in s.settings
        ],
        "sets_none": [i.key for i in s.silent],
    }
