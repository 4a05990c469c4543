"""Answers to the checkable questions of the policy-mapping notes (section 8) that the
catalog supports, built on the crosswalk and the measures."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from prodsec.catalog import Catalog
from prodsec.catalog.model import Instrument, Requirement
from prodsec.catalog.vocab import (
    DutyOfCare,
    Layer,
    Phase,
    Relationship,
    Scalar,
    Stricter,
    Theme,
    TriggerEvent,
    shown,
)
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.measures import Counted, Cover, Selection, footprint, select

FULL = (Relationship.EQUAL, Relationship.SUPERSET_OF)
BELOW = (Layer.BASELINE, Layer.SPECIFICATION)


def _counted(catalog: Catalog, selection: Selection, rid: str) -> bool:
    return selection.requirements is Counted.ALL or catalog.requirement(rid).mandatory_type


def spine_coverage(
    catalog: Catalog, selection: Selection, spine: Instrument
) -> list[dict[str, Any]]:
    """For each selected instrument, how many of the spine's requirements it relates to:
    fully (equal, or its requirement holds the spine's) or partly."""
    total = len(spine.requirements)
    rows = []
    for inst in select(catalog, selection):
        if inst.key == spine.key:
            continue
        best: dict[str, bool] = {}
        for r in crosswalk(catalog, inst, spine).relations:
            if _counted(catalog, selection, r.source):
                best[r.target] = best.get(r.target, False) or r.relationship in FULL
        full = sum(best.values())
        rows.append(
            {
                "instrument": inst.key,
                "full": full,
                "partial": len(best) - full,
                "total": total,
                "full_share": round(full / total, 4) if total else 0.0,
                "any_share": round(len(best) / total, 4) if total else 0.0,
            }
        )
    return rows


def spine_uncovered(
    catalog: Catalog, selection: Selection, spine: Instrument
) -> tuple[list[Instrument], set[str]]:
    """The spine's requirement refs that no selected instrument relates to."""
    insts = [i for i in select(catalog, selection) if i.key != spine.key]
    reached: set[str] = set()
    for inst in insts:
        for r in crosswalk(catalog, inst, spine).relations:
            if _counted(catalog, selection, r.source):
                reached.add(r.target.partition(":")[2])
    return insts, {r.ref for r in spine.requirements} - reached


def requirement_row(
    catalog: Catalog, selection: Selection, inst: Instrument, block: str
) -> dict[str, Any]:
    """Whether an instrument requires a block, through which requirements, by which routes."""
    covers = footprint(catalog, inst, selection).get(block)
    family = {block} | {b.id for b in catalog.blocks.values() if b.refines == block}
    found = [
        r
        for r in inst.requirements
        if (selection.requirements is Counted.ALL or r.mandatory_type)
        and any(m.block in family for m in catalog.mappings_of(inst.requirement_id(r.ref)))
    ]
    return {
        "instrument": inst.key,
        "jurisdictions": ", ".join(inst.jurisdictions),
        "requires": "no" if covers is None else covers.value,
        "requirements": ", ".join(r.ref for r in found),
        "parameters": _block_values(catalog, inst, found, family),
        "routes": ", ".join(sorted({r.kind.value for r in inst.conformity_routes})),
    }


def _block_values(
    catalog: Catalog, inst: Instrument, found: list[Requirement], family: set[str]
) -> str:
    """The values these requirements set for the block's parameters (in their mappings'
    bindings or as requirement parameters), as `name=value`, in the hub's order."""
    names = [p.name for b in sorted(family) for p in catalog.blocks[b].parameters]
    values: dict[str, set[str]] = {}
    for req in found:
        rid = inst.requirement_id(req.ref)
        for m in catalog.mappings_of(rid):
            if m.block in family:
                for name, value in catalog.block_values(rid, m).items():
                    values.setdefault(name, set()).add(shown(value))
    return ", ".join(
        f"{name}={'/'.join(sorted(values[name]))}"
        for name in dict.fromkeys(names)
        if name in values
    )


def uncovered_categories(catalog: Catalog, selection: Selection) -> list[dict[str, Any]]:
    """Categories that no selected instrument covers, with why."""
    insts = select(catalog, selection)
    rows = []
    for cat in catalog.categories.values():
        lineage = set(catalog.lineage(cat.id))
        named = [i for i in insts if lineage & set(i.scope.categories)]
        kept = [i for i in named if i.scope.leaves_out(lineage) is None]
        if kept:
            continue
        why = (
            "excluded by " + ", ".join(i.key for i in named)
            if named
            else "no selected instrument's scope names it"
        )
        rows.append({"category": cat.id, "title": cat.title, "why": why})
    return rows


def duty_gaps(catalog: Catalog, selection: Selection) -> list[dict[str, Any]]:
    """Per jurisdiction, which duty-of-care principles the selected requirements cover."""
    covered: dict[str, set[DutyOfCare]] = defaultdict(set)
    for inst in select(catalog, selection):
        duties = {catalog.blocks[b].duty_of_care for b in footprint(catalog, inst, selection)}
        for place in inst.jurisdictions:
            covered[place] |= duties
    return [
        {
            "jurisdiction": place,
            "covered": ", ".join(d.value for d in DutyOfCare if d in covered[place]),
            "missing": ", ".join(d.value for d in DutyOfCare if d not in covered[place]),
        }
        for place in sorted(covered)
    ]


def layer_gaps(catalog: Catalog, selection: Selection) -> list[dict[str, Any]]:
    """Blocks that principle or outcome instruments ask for and no baseline or
    specification in the selection does."""
    above: dict[str, list[str]] = defaultdict(list)
    below: set[str] = set()
    for inst in select(catalog, selection):
        blocks = footprint(catalog, inst, selection)
        if inst.layer in BELOW:
            below |= set(blocks)
        else:
            for block, cover in blocks.items():
                above[block].append(inst.key + ("" if cover is Cover.FULL else " (partly)"))
    return [
        {"block": b.id, "title": b.title, "asked_by": ", ".join(above[b.id])}
        for b in catalog.blocks.values()
        if b.id in above and b.id not in below
    ]


def _compare(stricter: Stricter, left: Scalar, right: Scalar) -> str:
    """How one value of a block parameter stands to another: a parameter with a stricter
    direction orders them; one without (a language, a format) cannot be ordered, so two
    different values ask for different things and cannot both be the one value a product
    has."""
    if stricter is Stricter.NONE:
        return "conflicts-with"
    if stricter is Stricter.TRUE:
        return "stricter-than" if left is True else "looser-than"
    if not isinstance(left, int | float) or not isinstance(right, int | float):
        return "conflicts-with"
    higher = left > right
    return "stricter-than" if higher == (stricter is Stricter.HIGHER) else "looser-than"


def parameter_pairs(catalog: Catalog, selection: Selection) -> list[dict[str, Any]]:
    """Question 7: pairs of requirements of different instruments that set different
    values for one block parameter, and whether one is merely stricter than the other
    (the parameter has a direction) or they conflict (it has none). Each pair once, the
    stricter side on the left."""
    values: dict[tuple[str, str], list[tuple[str, str, Scalar]]] = defaultdict(list)
    for inst in select(catalog, selection):
        for req in inst.requirements:
            rid = inst.requirement_id(req.ref)
            if not _counted(catalog, selection, rid):
                continue
            for m in catalog.mappings_of(rid):
                for name, value in catalog.block_values(rid, m).items():
                    if m.block is not None:
                        values[(m.block, name)].append((inst.id, rid, value))
    rows = []
    for (block, name), found in values.items():
        param = catalog.blocks[block].parameter(name)
        stricter = Stricter.NONE if param is None else param.stricter
        for i, (left_id, left, lvalue) in enumerate(found):
            for right_id, right, rvalue in found[i + 1 :]:
                if left_id == right_id or lvalue == rvalue:
                    continue
                relation = _compare(stricter, lvalue, rvalue)
                pair = [(left, lvalue), (right, rvalue)]
                if relation == "looser-than":
                    pair.reverse()
                    relation = "stricter-than"
                (first, fvalue), (second, svalue) = pair
                rows.append(
                    {
                        "block": block,
                        "parameter": name,
                        "requirement": first,
                        "value": shown(fvalue),
                        "relation": relation,
                        "other": second,
                        "other_value": shown(svalue),
                    }
                )
    return sorted(rows, key=lambda r: (r["relation"], r["block"], r["parameter"]))


SUPPORT_EVENTS = (TriggerEvent.SUPPORT_PERIOD, TriggerEvent.END_OF_SUPPORT)


def support_and_end_of_life(catalog: Catalog, selection: Selection) -> list[dict[str, Any]]:
    """Question 17: per regime, the provisions on the end of security support (onto a
    support-period block, or set off by the support period or its end) and those on end
    of life (the end-of-life phase, or onto an end-of-life block of the duty of care).
    A regime `distinguishes` them when some provision speaks to each alone, and `ties
    together` when they meet only in provisions that speak to both. End of sales is not a
    fact the catalog holds, so no answer names it."""
    rows = []
    for inst in select(catalog, selection):
        support: list[str] = []
        end: list[str] = []
        for req in inst.requirements:
            rid = inst.requirement_id(req.ref)
            if not _counted(catalog, selection, rid):
                continue
            blocks = [catalog.blocks[m.block] for m in catalog.mappings_of(rid) if m.block]
            if any(b.theme is Theme.SUPPORT_PERIOD for b in blocks) or (
                req.trigger is not None and req.trigger.event in SUPPORT_EVENTS
            ):
                support.append(req.ref)
            if Phase.END_OF_LIFE in req.phases or any(
                b.duty_of_care is DutyOfCare.END_OF_LIFE for b in blocks
            ):
                end.append(req.ref)
        rows.append(
            {
                "instrument": inst.key,
                "jurisdictions": ", ".join(inst.jurisdictions),
                "end_of_support": ", ".join(support),
                "end_of_life": ", ".join(end),
                "answer": _support_answer(support, end),
            }
        )
    return rows


def _support_answer(support: list[str], end: list[str]) -> str:
    if set(support) - set(end) and set(end) - set(support):
        return "distinguishes"
    if set(support) & set(end):
        return "ties together"
    if support:
        return "end of support only"
    return "end of life only" if end else "neither"
