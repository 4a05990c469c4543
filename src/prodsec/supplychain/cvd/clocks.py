"""Reporting clocks: when each report about a vulnerability or an incident is due.

A duty the catalog sets off by an event (`trigger`) becomes one or more *steps*, each due a
time after an *anchor*: the moment the manufacturer became aware, the moment a fix or
mitigation became available, or the moment an earlier report was sent. The CRA's Article 14
duties carry their numbers as parameters (`early_warning_hours: 24`, `notification_hours:
72`, `final_report_days: 14` after the fix, `final_report_months: 1` after the
notification); other duties give `within_hours`, or only words ("as soon as possible"),
and then have a step without a due time.

Times are instants: every moment given must carry its UTC offset, deadlines are kept in
UTC, and shown in any IANA time zone. Hours are counted as elapsed time, so a clock change
between awareness and the deadline moves the local reading of the deadline, never the
deadline. prodsec counts the strictest way: exactly N hours, days or calendar months from
the anchor. EU acts count periods under Regulation 1182/71 (a period in hours starts at the
next full hour, one in days on the next day and ends at the end of its last day), which
gives a later deadline than the one shown here, never an earlier one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from prodsec.catalog.model import Instrument, Requirement
from prodsec.errors import BadInputError


class Anchor(StrEnum):
    AWARENESS = "awareness"
    FIX = "fix-available"
    NOTIFICATION = "notification-sent"


class ClockState(StrEnum):
    SENT = "sent"
    OPEN = "open"
    OVERDUE = "overdue"
    SENT_LATE = "sent-late"
    WAITING = "waiting"
    """Its anchor has not happened yet (no fix yet, no notification sent yet)."""
    NO_DEADLINE = "no-deadline"


class EnterpriseSize(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


@dataclass(frozen=True, slots=True)
class Rule:
    """How a duty's parameter becomes a step: its id, name, anchor and unit."""

    step: str
    title: str
    anchor: Anchor
    unit: str  # hours, days or months


# The parameters the catalog gives Article 14-like duties, and what each one times.
RULES: Mapping[str, Rule] = {
    "early_warning_hours": Rule("early-warning", "Early warning", Anchor.AWARENESS, "hours"),
    "notification_hours": Rule("notification", "Notification", Anchor.AWARENESS, "hours"),
    "final_report_days": Rule("final-report", "Final report", Anchor.FIX, "days"),
    "final_report_months": Rule("final-report", "Final report", Anchor.NOTIFICATION, "months"),
}


@dataclass(frozen=True, slots=True)
class Step:
    """One report a duty asks for. `key` is unique within an incident
    (`eu-cra@2024-2847:Art14-1/early-warning`)."""

    key: str
    step: str
    title: str
    instrument: str
    requirement: str
    anchor: Anchor
    amount: int | None
    unit: str
    wording: str
    jurisdictions: tuple[str, ...]

    def due(self, anchor_at: dt.datetime) -> dt.datetime | None:
        if self.amount is None:
            return None
        match self.unit:
            case "hours":
                return anchor_at + dt.timedelta(hours=self.amount)
            case "days":
                return anchor_at + dt.timedelta(days=self.amount)
            case _:
                return add_months(anchor_at, self.amount)

    @property
    def period(self) -> str:
        if self.amount is None:
            return self.wording
        unit = self.unit if self.amount != 1 else self.unit.rstrip("s")
        return f"{self.amount} {unit} after {ANCHOR_WORDS[self.anchor]}"


ANCHOR_WORDS = {
    Anchor.AWARENESS: "becoming aware",
    Anchor.FIX: "a fix or mitigation is available",
    Anchor.NOTIFICATION: "the notification is sent",
}


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months later, in UTC; a day the month does
    not have becomes its last day (31 January + 1 month = 28 or 29 February)."""
    at = moment.astimezone(dt.UTC)
    index = at.month - 1 + months
    year, month = at.year + index // 12, index % 12 + 1
    day = min(at.day, calendar.monthrange(year, month)[1])
    return at.replace(year=year, month=month, day=day)


def steps_of(inst: Instrument, req: Requirement) -> list[Step]:
    """The reports a duty with a trigger asks for: one per timing parameter; else one
    `report` due `within_hours` after awareness; else one without a due time."""
    if req.trigger is None:
        return []
    ident = inst.requirement_id(req.ref)
    where = tuple(inst.jurisdictions)
    params = {p.name: p.value for p in req.parameters}
    out = []
    for name, rule in RULES.items():
        value = params.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            out.append(
                Step(
                    f"{ident}/{rule.step}",
                    rule.step,
                    rule.title,
                    inst.key,
                    ident,
                    rule.anchor,
                    value,
                    rule.unit,
                    req.trigger.deadline,
                    where,
                )
            )
    if out:
        return out
    hours = req.trigger.within_hours
    return [
        Step(
            f"{ident}/report",
            "report",
            req.title or "Report",
            inst.key,
            ident,
            Anchor.AWARENESS,
            hours,
            "hours",
            req.trigger.deadline,
            where,
        )
    ]


@dataclass(frozen=True, slots=True)
class Moments:
    """What happened when, each an aware datetime: awareness, the fix or mitigation being
    available, and each report sent (by step key)."""

    aware: dt.datetime
    fix: dt.datetime | None = None
    sent: Mapping[str, dt.datetime] | None = None

    def anchor(self, step: Step, steps: Sequence[Step]) -> dt.datetime | None:
        match step.anchor:
            case Anchor.AWARENESS:
                return self.aware
            case Anchor.FIX:
                return self.fix
            case _:
                notice = next(
                    (
                        s
                        for s in steps
                        if s.requirement == step.requirement and s.step == "notification"
                    ),
                    None,
                )
                return (self.sent or {}).get(notice.key) if notice else None


@dataclass(frozen=True, slots=True)
class Clock:
    step: Step
    state: ClockState
    due: dt.datetime | None
    sent: dt.datetime | None
    left: dt.timedelta | None
    """Time left until due (negative when overdue); None without a due time."""
    relief: str = ""


# Where a regime eases the consequences of missing a step for some enterprises.
# Source: CRA Article 64(10)(a) (reference: regimes-addendum-eu-uk-au.md 3d, secondary).
RELIEF: Mapping[tuple[str, str], tuple[frozenset[EnterpriseSize], str]] = {
    ("eu-cra", "early-warning"): (
        frozenset({EnterpriseSize.MICRO, EnterpriseSize.SMALL}),
        "Micro and small enterprises are not fined for missing the 24-hour early warning "
        "(CRA Art 64(10)(a)); the duty to send it stands, and the 72-hour and final "
        "deadlines are not eased.",
    ),
}


def relief_of(step: Step, size: EnterpriseSize | None) -> str:
    found = RELIEF.get((step.instrument.partition("@")[0], step.step))
    if found is None or size is None or size not in found[0]:
        return ""
    return found[1]


def clocks(
    steps: Sequence[Step],
    moments: Moments,
    now: dt.datetime,
    size: EnterpriseSize | None = None,
) -> list[Clock]:
    """Every step's clock at `now`, in the order of the steps."""
    aware(now, "now")
    out = []
    for step in steps:
        sent = (moments.sent or {}).get(step.key)
        start = moments.anchor(step, steps)
        due = step.due(start) if start is not None else None
        relief = relief_of(step, size)
        if step.amount is None:
            state = ClockState.SENT if sent else ClockState.NO_DEADLINE
        elif due is None:
            state = ClockState.SENT if sent else ClockState.WAITING
        elif sent is not None:
            state = ClockState.SENT if sent <= due else ClockState.SENT_LATE
        else:
            state = ClockState.OVERDUE if now > due else ClockState.OPEN
        left = due - now if due is not None and sent is None else None
        out.append(Clock(step, state, due.astimezone(dt.UTC) if due else None, sent, left, relief))
    return out


def aware(moment: dt.datetime, name: str) -> dt.datetime:
    """`moment` if it carries a UTC offset; a BadInputError naming `name` otherwise."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadInputError(
            "give the time with its UTC offset (2026-10-25T01:30:00+02:00)", field=name
        )
    return moment


def zone(name: str) -> ZoneInfo:
    """An IANA time zone (`Europe/Berlin`); BadInputError for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInputError(f"unknown time zone {name!r}", field="zone") from None


def shown(moment: dt.datetime | None, where: ZoneInfo | None = None) -> str:
    """A moment as `2026-10-25 22:30 CET (+01:00)` in a zone, or in UTC."""
    if moment is None:
        return ""
    local = moment.astimezone(where or dt.UTC)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({offset[:3]}:{offset[3:]})"


def left_words(left: dt.timedelta | None) -> str:
    """`2 d 3 h left`, `5 h 20 min overdue`."""
    if left is None:
        return ""
    seconds = int(left.total_seconds())
    word = "left" if seconds >= 0 else "overdue"
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours)
    if not days:
        parts.append(f"{mins} min")
    return f"{' '.join(parts)} {word}"


def steps_for(duties: Iterable[tuple[Instrument, Requirement]]) -> list[Step]:
    """The steps of several duties, each key once, in the duties' order."""
    seen: dict[str, Step] = {}
    for inst, req in duties:
        for step in steps_of(inst, req):
            seen.setdefault(step.key, step)
    return list(seen.values())


def check_moments(moments: Moments, now: dt.datetime, product_since: dt.date | None = None) -> None:
    """Refuse moments that cannot be: without a UTC offset, in the future, before the
    product existed (its general availability, or the day it was recorded), or a fix or a
    report before awareness. BadInputError naming the field."""
    aware(moments.aware, "aware")
    if moments.aware > now:
        raise BadInputError("the moment of awareness is in the future", field="aware")
    if product_since is not None and moments.aware.astimezone(dt.UTC).date() < product_since:
        raise BadInputError(
            f"the product did not exist yet (it dates from {product_since})",
            field="aware",
        )
    named = [("fix", moments.fix)] + [
        (f"sent.{key}", at) for key, at in sorted((moments.sent or {}).items())
    ]
    for name, at in named:
        if at is None:
            continue
        aware(at, name)
        if at > now:
            raise BadInputError("the moment is in the future", field=name)
        if at < moments.aware:
            raise BadInputError("the moment is before awareness", field=name)
