"""Editions over time: when an edition starts to count, when it ends, which is current.

An edition counts from its first `applies` date (else its entry into force, publication
or adoption) until a later edition that names it as `previous_edition` starts, or until
it is repealed or withdrawn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from prodsec.catalog.catalog import Catalog
from prodsec.catalog.model import Instrument
from prodsec.catalog.vocab import DateKind

START_KINDS = (DateKind.APPLIES, DateKind.IN_FORCE, DateKind.PUBLISHED, DateKind.ADOPTED)


def start(inst: Instrument) -> dt.date:
    """The day an edition starts to count: its first `applies` date, else the first of
    entry into force, publication or adoption, else its earliest date."""
    for kind in START_KINDS:
        dates = [d.date for d in inst.dates if d.kind is kind]
        if dates:
            return min(dates)
    return min((d.date for d in inst.dates), default=dt.date.min)


def current_editions(editions: Sequence[Instrument], on: dt.date) -> list[Instrument]:
    """The editions in effect on a date; when none has started yet, the first to come."""
    successors: dict[str, list[Instrument]] = {}
    for inst in editions:
        if inst.previous_edition is not None:
            successors.setdefault(inst.previous_edition, []).append(inst)
    started = [
        inst
        for inst in editions
        if start(inst) <= on and not any(start(s) <= on for s in successors.get(inst.edition, []))
    ]
    if started:
        return started
    upcoming = sorted(editions, key=start)
    return [inst for inst in upcoming if inst.previous_edition is None][:1] or upcoming[:1]


def lineage_start(catalog: Catalog, inst: Instrument) -> dt.date:
    """The start of the first edition in an edition's chain of previous editions."""
    first = start(inst)
    seen = {inst.key}
    while inst.previous_edition is not None:
        before = catalog.instruments.get(f"{inst.id}@{inst.previous_edition}")
        if before is None or before.key in seen:
            break
        inst = before
        seen.add(inst.key)
        first = min(first, start(inst))
    return first


def ended(inst: Instrument) -> dt.date | None:
    ends = [d.date for d in inst.dates if d.kind in (DateKind.REPEALED, DateKind.WITHDRAWN)]
    return min(ends) if ends else None
