"""Judging a product against every instrument that applies to it in its markets.

The judge (`assess.judge`) gives each requirement its verdict; this module adds them up
per instrument edition for one role (the manufacturer unless told otherwise): compliant
when every obligation the role bears that is in effect (or upcoming) is met or not
applicable, not compliant when one is not met or partly met, incomplete otherwise. A duty
set off by an event (a trigger) counts only when judged not met or partly met: an
unknown one does not make the product incomplete. Obligations only other actors bear are
listed apart and never judged.
Label eligibility (`assess.eligibility`) then follows from the verdicts and from the
instruments the product is compliant with.
"""

from __future__ import annotations

import datetime as dt

from prodsec.assess.applicability import Finding
from prodsec.assess.compiled import BAD, LIMIT, OK, UNKNOWN, Line, Program, effect, program
from prodsec.assess.eligibility import label_results
from prodsec.assess.index import Group
from prodsec.assess.judge import Judge
from prodsec.assess.profile import Profile
from prodsec.assess.verdicts import Assessment, InstrumentResult, Judged, Standing, Verdict
from prodsec.catalog import Catalog
from prodsec.catalog.model import Instrument
from prodsec.catalog.vocab import Actor
from prodsec.errors import choice


def role_of(value: str) -> Actor:
    """The actor a role names; BadInputError naming the value and the choices."""
    return choice(Actor, value, "role", "an actor")


def _program(judge: Judge, finding: Finding, role: Actor) -> Program:
    """The finding compiled for the role and the judge's day, once per combination."""
    index = judge.index
    key = (id(finding), role, judge.on)
    found = index.programs.get(key)
    if found is None or found[0] is not finding:
        inst = finding.instrument
        ruled_out = [
            Judged(slot.ref, Verdict.NOT_APPLICABLE, judge.ruled_out(inst, slot.requirement))
            for slot in index.borne(finding, role).slots
            if slot.obligation is None
        ]
        found = index.programs[key] = (finding, program(index, finding, role, judge.on, ruled_out))
    return found[1]


def _line(judge: Judge, inst: Instrument, line: Line) -> Judged:
    """A requirement judged by the judge, as the instrument's result lists it."""
    found = judge.found(inst, line.requirement)
    ob = line.obligation
    return Judged(
        ob.ref,
        found.verdict,
        found.reasons,
        ob.applies_from,
        ob.in_effect,
        found.blocks,
        found.edge,
        line.requirement.trigger,
    )


def _instrument(judge: Judge, group: Group, role: Actor) -> InstrumentResult:
    finding = group.finding
    compiled = _program(judge, finding, role)
    if judge.req_claims:  # a requirement claim goes through the judge
        return _result(judge, group, compiled)
    key = (judge.state(compiled.decided), group.markets)
    found = compiled.seen.get(key)
    if found is None:
        if len(compiled.seen) >= LIMIT:
            compiled.seen.clear()
        found = compiled.seen[key] = _result(judge, group, compiled)
        judge.index.keep()
    return found


def _result(judge: Judge, group: Group, compiled: Program) -> InstrumentResult:
    finding = group.finding
    lines, standing = _lines(judge, finding.instrument, compiled)
    return InstrumentResult(
        finding.instrument,
        finding.state,
        group.markets,
        standing,
        lines,
        compiled.routes,
        compiled.product_class,
        finding.reason,
        compiled.others,
    )


def _lines(
    judge: Judge, inst: Instrument, compiled: Program
) -> tuple[tuple[Judged, ...], Standing]:
    """The requirements judged and the standing they make."""
    judged: list[Judged] = []
    worst = OK
    direct = not judge.req_claims  # a requirement claim goes through the judge
    claimed, met, width = judge.claimed, judge.met, judge.width
    for line in compiled.lines:
        if isinstance(line, Judged):  # ruled out by the product's features
            judged.append(line)
            continue
        if direct:
            how = line.decided
            if how.plain:  # Judge.state, inline: the common case
                mask = how.mask
                key: object = (claimed & mask) | (met & mask) << width
            else:
                key = judge.state(how)
            hit = line.seen.get(key)
            if hit is None:
                if len(line.seen) >= LIMIT:
                    line.seen.clear()
                made = _line(judge, inst, line)
                hit = line.seen[key] = (made, effect(made, line))
                judge.index.keep()
        else:
            made = _line(judge, inst, line)
            hit = (made, effect(made, line))
        judged.append(hit[0])
        if hit[1] > worst:
            worst = hit[1]
    if worst == BAD:
        standing = Standing.NOT_COMPLIANT
    elif worst == UNKNOWN:
        standing = Standing.INCOMPLETE
    else:
        standing = Standing.COMPLIANT
    return tuple(judged), standing


def assess(
    catalog: Catalog,
    profile: Profile,
    on: dt.date,
    markets: tuple[str, ...] | None = None,
    role: Actor = Actor.MANUFACTURER,
) -> Assessment:
    """Judge a product against every binding and upcoming instrument in its markets, for
    the duties `role` bears, and its eligibility for every labelling scheme level on offer."""
    markets = tuple(markets or profile.markets)
    judge = Judge(catalog, profile, on)
    answer = judge.index.answer(profile.category, markets, on, frozenset(profile.features))
    results = tuple(_instrument(judge, group, role) for group in judge.index.groups(answer))
    compliant = {r.instrument.key for r in results if r.standing is Standing.COMPLIANT}
    labels = label_results(judge, markets, compliant, role)
    notes = tuple(
        f"label {lb.scheme}{' level ' + lb.level if lb.level else ''} expired on {lb.valid_until}"
        for lb in profile.labels
        if lb.valid_until is not None and lb.valid_until < on
    )
    excepted = judge.index.excepted(answer)
    return Assessment(profile, on, markets, results, labels, notes, excepted, role)
