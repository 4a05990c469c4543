"""The duties an event sets off for one product: which requirements with a `trigger` of
that event bind the product in its markets on a day, for the role asking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from prodsec.assess.applicability import State, applies
from prodsec.catalog import Catalog
from prodsec.catalog.model import Instrument, Requirement
from prodsec.catalog.vocab import Actor, TriggerEvent


def event_duties(
    catalog: Catalog,
    category: str,
    markets: Sequence[str],
    on: dt.date,
    event: TriggerEvent,
    *,
    features: Iterable[str] = (),
    role: Actor = Actor.MANUFACTURER,
) -> list[tuple[Instrument, Requirement]]:
    """Each binding requirement in effect on `on` that `event` sets off and `role` bears,
    once, in the order of the markets and then of the instruments' requirements."""
    answer = applies(catalog, category, markets, on, features)
    seen: set[str] = set()
    out: list[tuple[Instrument, Requirement]] = []
    for market in answer.markets:
        for finding in market.of(State.BINDS):
            inst = finding.instrument
            in_effect = {o.ref for o in finding.obligations if o.in_effect}
            for req in inst.requirements:
                ident = inst.requirement_id(req.ref)
                if (
                    req.ref in in_effect
                    and req.trigger is not None
                    and req.trigger.event is event
                    and role in req.actors
                    and ident not in seen
                ):
                    seen.add(ident)
                    out.append((inst, req))
    return out
