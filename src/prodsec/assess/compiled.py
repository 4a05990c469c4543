"""What an assessment precompiles, so that judging one more product is a few dictionary
operations per requirement.

A requirement whose blocks bind no parameter, and into which no recognition edge is in
force on the day, has a verdict that follows from two bit masks of the product alone: the
blocks it claims and the blocks it claims met (each block of the catalog one bit, so that
`claimed & mask` and `met & mask` are that requirement's claim states). Such a
requirement's judged line (`Judged`) is built once per pair of masks and shared by every
product with those states; the others go through the judge as before. Products with
requirement claims always go through the judge.

`Program` is one instrument finding compiled for a role and a day (once per
combination); `LevelProgram` one level of a labelling scheme and `SchemeProgram` a whole
scheme (once per catalog, role and day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from prodsec.assess.applicability import Finding, Obligation, State, named_features
from prodsec.assess.index import Index, Row
from prodsec.assess.verdicts import InstrumentResult, Judged, LabelResult, Verdict
from prodsec.catalog.model import Instrument, Requirement
from prodsec.catalog.recognition import Recognition
from prodsec.catalog.vocab import Actor, InstrumentType

OK, UNKNOWN, BAD = 0, 1, 2
"""What a judged obligation does to its instrument's standing, the worst winning: nothing,
makes it incomplete, makes it not compliant."""

Key = object
"""A product's claim state as far as some requirements go (`Judge.state`): a number where
the claim states of the blocks alone decide, else a tuple."""

LIMIT = 256
"""Claim-state pairs kept per requirement before its table starts again."""


@dataclass(slots=True)
class Line:
    """An applicable requirement of a finding: `decided` says what decides it; `seen`
    holds its judged line and effect per claim state met so far."""

    requirement: Requirement
    obligation: Obligation
    row: Row
    decided: Decided
    counts: bool
    """Whether its verdict counts towards the standing (in effect, or upcoming)."""
    seen: dict[Key, tuple[Judged, int]]


@dataclass(frozen=True, slots=True)
class Program:
    """A finding compiled for a role and a day: per requirement the role bears, either its
    judged line when the product's features rule it out (the same for every product of the
    combination) or a `Line`; `decided` says what decides all of them, and `seen` holds
    the instrument's result per product state (and the markets it binds in) met so far."""

    lines: tuple[Judged | Line, ...]
    others: tuple[Requirement, ...]
    routes: tuple[str, ...]
    product_class: str | None
    decided: Decided
    seen: dict[tuple[Key, tuple[str, ...]], InstrumentResult]


@dataclass(frozen=True, slots=True)
class Decided:
    """What decides some requirements for a product of a combination on a day: the claim
    states of the blocks in `mask`, the values the product gives the parameters the
    mappings bind (`params`: each block with a binding and the names it binds), and, when
    a recognition edge from a labelling scheme is in force into one of them, the labels
    the product holds (`labels`). Blocks of an edge's origin count as the requirement's."""

    mask: int
    params: tuple[tuple[str, tuple[str, ...]], ...]
    labels: bool
    edges: bool
    """Whether an edge is in force into one of them (its credit may turn on the product's
    category and features)."""
    plain: bool
    """Whether the claim states of the blocks alone decide them (no parameter, no label)."""


def decided(index: Index, rows: Iterable[Row], on: dt.date) -> Decided:
    """What decides the rows on the day, their edges in force included."""
    mask = 0
    params: dict[tuple[str, tuple[str, ...]], None] = {}
    labels = edges = False
    found = list(rows)
    for row in list(found):
        for edge in row.edges:
            if not edge.current(on):
                continue
            edges = True
            origin = index.origin(edge, on)
            if origin.type is InstrumentType.LABELLING_SCHEME:
                labels = True
                continue
            # an origin's provisions are judged on their blocks alone (no edges)
            at = index.rows(origin)
            if edge.origin_refs:
                found += (at[ref] for ref in edge.origin_refs)
            else:
                found += (at[req.ref] for req in index.mandatory(origin))
    for row in found:
        for binding in row.blocks:
            mask |= index.bit[binding.block]
            if binding.bindings:
                params[binding.block, tuple(binding.bindings)] = None
    return Decided(mask, tuple(params), labels, edges, not params and not labels)


def effect(judged: Judged, line: Line) -> int:
    verdict = judged.verdict
    if not line.counts:
        return OK
    if verdict is Verdict.NOT_MET or verdict is Verdict.PARTIALLY_MET:
        return BAD
    if verdict is Verdict.UNKNOWN and line.requirement.trigger is None:
        return UNKNOWN
    return OK


def program(
    index: Index, finding: Finding, role: Actor, on: dt.date, ruled_out: list[Judged]
) -> Program:
    """A finding compiled; `ruled_out` holds, in order, the judged lines of the borne
    requirements the product's features rule out."""
    inst = finding.instrument
    upcoming = finding.state is State.UPCOMING
    borne = index.borne(finding, role)
    rows = index.rows(inst)
    lines: list[Judged | Line] = []
    skipped = iter(ruled_out)
    for slot in borne.slots:
        ob = slot.obligation
        if ob is None:
            lines.append(next(skipped))
            continue
        row = rows[slot.ref]
        how = decided(index, (row,), on)
        lines.append(Line(slot.requirement, ob, row, how, ob.in_effect or upcoming, {}))
    return Program(
        tuple(lines),
        borne.others,
        tuple(r.id for r in finding.routes),
        None if finding.product_class is None else finding.product_class.id,
        decided(index, (line.row for line in lines if isinstance(line, Line)), on),
        {},
    )


@dataclass(frozen=True, slots=True)
class LevelProgram:
    """A scheme level's requirements for a role: those it bears and the refs of those it
    does not; `decided` says what decides the first; `seen` holds (missing, unknown) per
    claim state met so far (with the product's features and category: an edge's credit
    may turn on them, and a level is compiled once for every combination)."""

    requirements: tuple[Requirement, ...]
    others: tuple[str, ...]
    decided: Decided
    seen: dict[Key, tuple[tuple[str, ...], tuple[str, ...]]]


def level_program(
    index: Index, scheme: Instrument, level: str, role: Actor, on: dt.date
) -> LevelProgram:
    mine: list[Requirement] = []
    others: list[str] = []
    for req in index.level_requirements(scheme, level):
        if role in req.actors:
            mine.append(req)
        else:
            others.append(req.ref)
    rows = index.rows(scheme)
    how = decided(index, (rows[req.ref] for req in mine), on)
    return LevelProgram(tuple(mine), tuple(others), how, {})


@dataclass(frozen=True, slots=True)
class SchemeProgram:
    """A labelling scheme compiled for a role and a day: the recognition edges in force
    into each level (`routes`), the keys of the non-scheme editions those start from (a
    route's credit turns on the product being compliant with them), and what decides
    every level's requirements; `seen` holds the scheme's label results per product state
    met so far."""

    routes: dict[str, tuple[Recognition, ...]]
    origins: tuple[str, ...]
    decided: Decided
    seen: dict[Key, tuple[LabelResult, ...]]
    named: frozenset[str]
    """The features the scheme's results can turn on (`applicability.named_features`)."""


def scheme_program(index: Index, scheme: Instrument, role: Actor, on: dt.date) -> SchemeProgram:
    routes: dict[str, list[Recognition]] = {}
    issuing = scheme.label is None or scheme.label.issuing
    for edge in index.edges[scheme.key] if issuing else ():
        if edge.target_level is not None and edge.current(on):
            routes.setdefault(edge.target_level, []).append(edge)
    origins = {
        index.origin(edge, on).key
        for edges in routes.values()
        for edge in edges
        if index.origin(edge, on).type is not InstrumentType.LABELLING_SCHEME
    }
    rows = index.rows(scheme)
    mine = [
        rows[req.ref]
        for level in scheme.levels
        for req in index.level_requirements(scheme, level.id)
        if role in req.actors
    ]
    return SchemeProgram(
        {level: tuple(edges) for level, edges in routes.items()},
        tuple(sorted(origins)),
        decided(index, mine, on),
        {},
        named_features(index.catalog, scheme),
    )
