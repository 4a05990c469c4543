"""OSCAL 1.2 exports: an instrument edition as a catalog, a crosswalk as a
mapping-collection. Validated in the tests against NIST's JSON Schemas for OSCAL 1.2.3
(docs/decisions/0005).

OSCAL ids are XML names, so a requirement ref becomes `req-<ref>` with every character
outside letters, digits, `.`, `-` and `_` turned into `_` (the ref itself rides along as
the `label` property); a section becomes `sec-<ref>`. An OSCAL group holds either
controls or groups: a section with requirements of its own and sub-sections as well
gets a first sub-group `own-<ref>` (class `own-requirements`) for its own requirements.
UUIDs are derived from the keys (version 5), so the same data exports to the same
document. What OSCAL has no field for (status codes, strength, confidence, jurisdiction,
bindingness) goes into properties in prodsec's namespace.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from prodsec import __version__
from prodsec.catalog.model import Instrument, Requirement
from prodsec.catalog.vocab import Confidence, Relationship
from prodsec.crosswalk.derive import Crosswalk, Relation

OSCAL_VERSION = "1.2.3"
NS = "urn:prodsec:oscal"
_UUID_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, NS)
_INVALID = re.compile(r"[^A-Za-z0-9.\-_]")
CONFIDENCE = {
    Confidence.VERIFIED: "high",
    Confidence.SECONDARY: "medium",
    Confidence.UNVERIFIED: "low",
}

Json = dict[str, Any]


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_UUID_ROOT, "|".join(parts)))


def token(prefix: str, ref: str) -> str:
    return f"{prefix}-{_INVALID.sub('_', ref)}"


def _prop(name: str, value: str) -> Json:
    return {"name": name, "ns": NS, "value": value}


def _last_modified(inst: Instrument) -> str:
    day = max((d.date for d in inst.dates), default=None)
    return f"{day.isoformat() if day else '1970-01-01'}T00:00:00Z"


def _metadata(title: str, version: str, last_modified: str, props: list[Json]) -> Json:
    return {
        "title": title,
        "last-modified": last_modified,
        "version": version,
        "oscal-version": OSCAL_VERSION,
        "props": [_prop("generator", f"prodsec {__version__}"), *props],
    }


# --- catalog -------------------------------------------------------------------------


def _control(inst: Instrument, req: Requirement, children: dict[str, list[Requirement]]) -> Json:
    ident = token("req", req.ref)
    props = [
        {"name": "label", "value": req.ref},
        _prop("status", req.status_code),
        _prop("strength", req.strength.value),
        _prop("confidence", req.confidence.value),
    ]
    props += [_prop("level", level) for level in req.levels]
    props += [_prop("phase", phase.value) for phase in req.phases]
    control: Json = {
        "id": ident,
        "title": req.title or req.ref,
        "props": props,
        "parts": [{"id": f"{ident}_smt", "name": "statement", "prose": req.gist}],
    }
    notes = "; ".join(x for x in (f"Source: {req.source}", req.note) if x)
    control["parts"].append({"id": f"{ident}_src", "name": "guidance", "prose": notes})
    nested = [_control(inst, child, children) for child in children.get(req.ref, [])]
    if nested:
        control["controls"] = nested
    return control


def catalog_document(inst: Instrument) -> Json:
    """One instrument edition as an OSCAL catalog: sections as groups, requirements as
    controls (a requirement under another requirement as a nested control)."""
    refs = {r.ref for r in inst.requirements}
    children: dict[str, list[Requirement]] = {}
    in_section: dict[str | None, list[Requirement]] = {}
    for req in inst.requirements:
        if req.parent in refs:
            children.setdefault(req.parent or "", []).append(req)
        else:
            in_section.setdefault(req.parent, []).append(req)
    subsections: dict[str | None, list[str]] = {}
    for sec in inst.sections:
        subsections.setdefault(sec.parent, []).append(sec.ref)
    titles = {s.ref: s.title for s in inst.sections}

    def group(ref: str, prefix: str = "sec") -> Json:
        return {
            "id": token(prefix, ref),
            "title": titles[ref],
            "props": [{"name": "label", "value": ref}],
        }

    def section(ref: str) -> Json:
        found = group(ref)
        controls = [_control(inst, r, children) for r in in_section.get(ref, [])]
        groups = [section(sub) for sub in subsections.get(ref, [])]
        if controls and groups:
            # An OSCAL group holds controls or groups, never both: the section's own
            # requirements go first, into a group of their own.
            own = {**group(ref, "own"), "class": "own-requirements", "controls": controls}
            found["groups"] = [own, *groups]
        elif controls:
            found["controls"] = controls
        elif groups:
            found["groups"] = groups
        return found

    props = [
        _prop("instrument", inst.key),
        _prop("bindingness", inst.bindingness.value),
        _prop("type", inst.type.value),
        _prop("layer", inst.layer.value),
        *(_prop("jurisdiction", j) for j in inst.jurisdictions),
    ]
    body: Json = {
        "uuid": _uuid("catalog", inst.key),
        "metadata": {
            **_metadata(inst.title, inst.edition, _last_modified(inst), props),
            "remarks": inst.text_licence,
        },
    }
    top = [_control(inst, r, children) for r in in_section.get(None, [])]
    if top:
        body["controls"] = top
    groups = [section(ref) for ref in subsections.get(None, [])]
    if groups:
        body["groups"] = groups
    resources = [
        {
            "uuid": _uuid("source", inst.key, s.key),
            "title": s.title,
            "props": [{"name": "label", "value": s.key}],
            **({"rlinks": [{"href": s.url}]} if s.url else {}),
        }
        for s in inst.sources
    ]
    body["back-matter"] = {"resources": resources}
    return {"catalog": body}


# --- mapping-collection --------------------------------------------------------------

RELATIONSHIP = {
    Relationship.EQUAL: "equivalent-to",
    Relationship.SUBSET_OF: "subset-of",
    Relationship.SUPERSET_OF: "superset-of",
    Relationship.INTERSECTS_WITH: "intersects-with",
    Relationship.NO_RELATIONSHIP: "no-relationship",
}


def _map(x: Crosswalk, r: Relation) -> Json:
    props = [
        _prop("derived", "true" if r.derived else "false"),
        _prop("provenance", r.provenance),
        _prop("path", " > ".join(r.path)),
    ]
    props += [_prop("via-block", block) for block in r.via]
    if r.alternative is not None:
        props.append(_prop("derived-alternative", r.alternative.value))
    found: Json = {
        "uuid": _uuid("map", r.source, r.target),
        "matching-rationale": "semantic",
        "relationship": RELATIONSHIP[r.relationship],
        "sources": [{"type": "control", "id-ref": token("req", r.source.partition(":")[2])}],
        "targets": [{"type": "control", "id-ref": token("req", r.target.partition(":")[2])}],
        "confidence-score": {"category": CONFIDENCE[r.confidence]},
        "props": props,
    }
    if r.note:
        found["remarks"] = r.note
    return found


def _nothing(x: Crosswalk) -> Json:
    """OSCAL needs at least one map: with no relation at all, say so for the whole set."""

    def items(inst: Instrument) -> list[Json]:
        return [{"type": "control", "id-ref": token("req", r.ref)} for r in inst.requirements]

    return {
        "uuid": _uuid("nothing", x.source.key, x.target.key),
        "matching-rationale": "semantic",
        "relationship": "no-relationship",
        "sources": items(x.source),
        "targets": items(x.target),
        "remarks": "No requirement of the source relates to any of the target, directly or "
        "through a building block.",
    }


def mapping_document(x: Crosswalk) -> Json:
    """A crosswalk as an OSCAL mapping-collection; the target's requirements that nothing
    relates to are its target gap summary. Its timestamp is the later of the two
    editions' latest dates, so the same data exports to the same document."""
    a, b = x.source, x.target
    stamp = max(_last_modified(a), _last_modified(b))
    title = f"{a.short_title or a.title} ({a.key}) to {b.short_title or b.title} ({b.key})"
    mapping: Json = {
        "uuid": _uuid("mapping", a.key, b.key),
        "source-resource": {"type": "catalog", "href": f"{a.key}.oscal.json"},
        "target-resource": {"type": "catalog", "href": f"{b.key}.oscal.json"},
        "maps": [_map(x, r) for r in x.relations] or [_nothing(x)],
    }
    if x.uncovered:
        mapping["target-gap-summary"] = {
            "uuid": _uuid("gap", a.key, b.key),
            "unmapped-controls": [
                {"with-ids": [token("req", rid.partition(":")[2]) for rid in x.uncovered]}
            ],
        }
    description = (
        "Relations between the two instruments' requirements through prodsec's hub of "
        "building blocks: direct mappings where one exists (official ones such as UK PSTI "
        "Schedule 2), otherwise derived through one shared block (never a longer chain). "
        "A derived relation's path and block are in its properties; its confidence is the "
        "weakest on the path."
    )
    return {
        "mapping-collection": {
            "uuid": _uuid("collection", a.key, b.key),
            "metadata": _metadata(f"Crosswalk: {title}", "1", stamp, []),
            "provenance": {
                "method": "hybrid",
                "matching-rationale": "semantic",
                "status": "draft",
                "mapping-description": description,
            },
            "mappings": [mapping],
        }
    }
