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

from prodsec.assess.applicability import State
from prodsec.assess.eligibility import label_results
from prodsec.assess.index import Group
from prodsec.assess.judge import Judge
from prodsec.assess.profile import Profile
from prodsec.assess.verdicts import Assessment, InstrumentResult, Judged, Standing, Verdict
from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Actor
from prodsec.errors import choice


def role_of(value: str) -> Actor:
    """The actor a role names; BadInputError naming the value and the choices."""
    return choice(Actor, value, "role", "an actor")


def _instrument(judge: Judge, group: Group, role: Actor) -> InstrumentResult:
    finding = group.finding
    inst = finding.instrument
    upcoming = finding.state is State.UPCOMING
    judged: list[Judged] = []
    bad = unknown = False
    borne = judge.index.borne(finding, role)
    for slot in borne.slots:
        ob = slot.obligation
        if ob is None:
            reasons = judge.ruled_out(inst, slot.requirement)
            judged.append(Judged(slot.ref, Verdict.NOT_APPLICABLE, reasons))
            continue
        found = judge.found(inst, slot.requirement)
        verdict = found.verdict
        judged.append(
            Judged(
                slot.ref,
                verdict,
                found.reasons,
                ob.applies_from,
                ob.in_effect,
                found.blocks,
                found.edge,
                slot.requirement.trigger,
            )
        )
        if ob.in_effect or upcoming:
            if verdict is Verdict.NOT_MET or verdict is Verdict.PARTIALLY_MET:
                bad = True
            elif verdict is Verdict.UNKNOWN and slot.requirement.trigger is None:
                unknown = True
    if bad:
        standing = Standing.NOT_COMPLIANT
    elif unknown:
        standing = Standing.INCOMPLETE
    else:
        standing = Standing.COMPLIANT
    return InstrumentResult(
        inst,
        finding.state,
        group.markets,
        standing,
        tuple(judged),
        tuple(r.id for r in finding.routes),
        None if finding.product_class is None else finding.product_class.id,
        finding.reason,
        borne.others,
    )


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
