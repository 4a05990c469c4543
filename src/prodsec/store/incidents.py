"""Incidents and the reports sent for them: recording, the fix, each report sent, and the
clocks and drafts of one incident (the rules: supplychain/cvd/clocks.py and drafts.py).

Every change is audited in the same transaction (`incident-recorded`, `incident-changed`,
`report-sent`). Another organisation's product or incident is "not stored", as everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from prodsec.assess.events import event_duties
from prodsec.catalog import Catalog, limits
from prodsec.catalog.vocab import TriggerEvent
from prodsec.errors import BadInputError, ConflictError
from prodsec.store.audit import Action, Actor, Target, record
from prodsec.store.models import IncidentReportRow, IncidentRow
from prodsec.store.repo import NotStoredError, Visibility, current_profile, get_product
from prodsec.supplychain.cvd.clocks import (
    Clock,
    EnterpriseSize,
    Moments,
    Step,
    aware,
    check_moments,
    clocks,
    left_words,
    shown,
    steps_for,
    zone,
)
from prodsec.supplychain.cvd.drafts import CONTENT, GENERAL, Draft, draft

# The events an incident can record: those that set reporting duties off.
EVENTS = (
    TriggerEvent.EXPLOITED_VULNERABILITY,
    TriggerEvent.SEVERE_INCIDENT,
    TriggerEvent.NONCOMPLIANCE_KNOWN,
    TriggerEvent.VULNERABILITY_KNOWN,
    TriggerEvent.VULNERABILITY_REPORT,
)
ITEMS = frozenset(i.id for items in (*CONTENT.values(), GENERAL) for i in items)
MAX_FACTS = 40


def _event(value: str) -> TriggerEvent:
    try:
        event = TriggerEvent(value)
    except ValueError:
        event = None
    if event not in EVENTS:
        choices = ", ".join(e.value for e in EVENTS)
        raise BadInputError(f"not an event that sets reports off; one of {choices}", field="event")
    return event


def _size(value: str | None) -> EnterpriseSize | None:
    if value is None or value == "":
        return None
    try:
        return EnterpriseSize(value)
    except ValueError:
        choices = ", ".join(s.value for s in EnterpriseSize)
        raise BadInputError(f"one of {choices}", field="size") from None


def _facts(facts: Mapping[str, str]) -> dict[str, str]:
    if len(facts) > MAX_FACTS:
        raise BadInputError(f"at most {MAX_FACTS} answers", field="facts")
    out = {}
    for key, value in facts.items():
        if key not in ITEMS:
            raise BadInputError(
                f"unknown item {key!r}; one of {', '.join(sorted(ITEMS))}", field="facts"
            )
        problem = limits.plain_text_problem(value, limits.TEXT_LENGTH, lines=True)
        if problem:
            raise BadInputError(problem, field=f"facts.{key}")
        out[key] = value
    return out


def _title(title: str) -> str:
    problem = limits.plain_text_problem(title, limits.NAME_LENGTH) or (
        "must not be empty" if not title.strip() else None
    )
    if problem:
        raise BadInputError(problem, field="title")
    return title.strip()


def record_incident(
    session: Session,
    catalog: Catalog,
    visibility: Visibility,
    by: Actor,
    product_id: str,
    *,
    event: str,
    title: str,
    aware: dt.datetime,
    zone_name: str,
    now: dt.datetime,
    fix: dt.datetime | None = None,
    size: str | None = None,
    facts: Mapping[str, str] | None = None,
) -> IncidentRow:
    """Record an incident for a product the caller may see; every check runs before
    anything is written."""
    kind = _event(event)
    zone(zone_name)
    _, profile = current_profile(session, visibility, catalog, product_id)
    check_moments(Moments(aware, fix), now, profile.lifecycle.general_availability)
    product = get_product(session, visibility, product_id)
    offset = aware.utcoffset() or dt.timedelta()
    row = IncidentRow(
        product_id=product.id,
        organisation_id=product.organisation_id,
        event=kind.value,
        title=_title(title),
        aware_at=aware.astimezone(dt.UTC),
        aware_offset=int(offset.total_seconds() // 60),
        zone=zone_name,
        fix_at=fix.astimezone(dt.UTC) if fix else None,
        size=(s.value if (s := _size(size)) else None),
        markets=list(profile.markets),
        facts=_facts(facts or {}),
        author=by.name,
    )
    session.add(row)
    session.flush()
    record(
        session,
        by,
        Action.INCIDENT_RECORDED,
        Target("incident", row.id),
        by.client,
        {"product": product.id, "event": kind.value, "aware": _stamp(row.aware_at)},
        organisation=product.organisation_id,
    )
    return row


def get_incident(session: Session, visibility: Visibility, ident: str) -> IncidentRow:
    found = session.get(IncidentRow, ident)
    if found is None:
        raise NotStoredError("incident", ident)
    try:
        get_product(session, visibility, found.product_id)
    except NotStoredError:
        raise NotStoredError("incident", ident) from None
    return found


def incidents_of(
    session: Session, visibility: Visibility, product_id: str | None = None
) -> list[IncidentRow]:
    """The incidents the caller may see (of one product, or all), newest awareness first."""
    query = select(IncidentRow).order_by(IncidentRow.aware_at.desc(), IncidentRow.id)
    if product_id is not None:
        get_product(session, visibility, product_id)
        query = query.where(IncidentRow.product_id == product_id)
    elif not visibility.everything:
        query = query.where(IncidentRow.organisation_id == visibility.organisation_id)
    return list(session.scalars(query))


def update_incident(
    session: Session,
    visibility: Visibility,
    by: Actor,
    ident: str,
    *,
    now: dt.datetime,
    fix: dt.datetime | None = None,
    facts: Mapping[str, str] | None = None,
) -> IncidentRow:
    """Set the moment a fix was available, and add or change answers."""
    row = get_incident(session, visibility, ident)
    changed: dict[str, object] = {}
    if fix is not None:
        check_moments(Moments(_aware(row), fix), now)
        row.fix_at = fix.astimezone(dt.UTC)
        changed["fix"] = _stamp(row.fix_at)
    if facts:
        row.facts = _facts({**row.facts, **facts})
        changed["facts"] = sorted(facts)
    if not changed:
        raise BadInputError("nothing to change: give a fix time or answers")
    record(
        session,
        by,
        Action.INCIDENT_CHANGED,
        Target("incident", row.id),
        by.client,
        changed,
        organisation=row.organisation_id,
    )
    return row


def steps_of_incident(catalog: Catalog, session: Session, row: IncidentRow) -> list[Step]:
    """The reports the incident calls for: the duties its event sets off that bind the
    product in its markets on the day of awareness."""
    _, profile = current_profile(session, Visibility(everything=True), catalog, row.product_id)
    duties = event_duties(
        catalog,
        profile.category,
        row.markets,
        row.aware_at.date(),
        TriggerEvent(row.event),
        features=profile.features,
    )
    return steps_for(duties)


def send_report(
    session: Session,
    catalog: Catalog,
    visibility: Visibility,
    by: Actor,
    ident: str,
    step_key: str,
    *,
    sent: dt.datetime,
    now: dt.datetime,
) -> IncidentReportRow:
    """Record that the report of one step was sent at `sent`, keeping the draft as sent."""
    row = get_incident(session, visibility, ident)
    steps = {s.key: s for s in steps_of_incident(catalog, session, row)}
    if step_key not in steps:
        raise BadInputError(
            f"no step {step_key!r} for this incident; one of {', '.join(steps) or 'none'}",
            field="step",
        )
    if any(r.step == step_key for r in row.reports):
        raise ConflictError(f"the report {step_key!r} was already sent")
    check_moments(Moments(_aware(row), None, {step_key: sent}), now)
    view = incident_view(catalog, session, row, now)
    content = next(d for d in view["drafts"] if d["duty"] + "/" + d["step"] == step_key)
    report = IncidentReportRow(
        incident_id=row.id,
        step=step_key,
        sent_at=sent.astimezone(dt.UTC),
        content=dict(content),
        author=by.name,
    )
    row.reports.append(report)
    session.flush()
    record(
        session,
        by,
        Action.REPORT_SENT,
        Target("incident", row.id),
        by.client,
        {"step": step_key, "sent": _stamp(report.sent_at)},
        organisation=row.organisation_id,
    )
    return report


class ClockView(TypedDict):
    step: str
    report: str
    duty: str
    period: str
    state: str
    due: str | None
    due_local: str
    sent: str | None
    left: str
    relief: str


class IncidentView(TypedDict):
    id: str
    product: str
    event: str
    title: str
    aware: str
    aware_given: str
    aware_local: str
    zone: str
    fix: str | None
    size: str | None
    markets: list[str]
    facts: dict[str, str]
    clocks: list[ClockView]
    drafts: list[Draft]


def _aware(row: IncidentRow) -> dt.datetime:
    return _utc(row.aware_at)


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment as an aware UTC datetime (SQLite gives them back naive)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _stamp(moment: dt.datetime | None) -> str | None:
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _clock_view(clock: Clock, where: Any) -> ClockView:
    return {
        "step": clock.step.key,
        "report": clock.step.title,
        "duty": clock.step.requirement,
        "period": clock.step.period,
        "state": clock.state.value,
        "due": _stamp(clock.due),
        "due_local": shown(clock.due, where),
        "sent": _stamp(clock.sent),
        "left": left_words(clock.left),
        "relief": clock.relief,
    }


def incident_view(
    catalog: Catalog, session: Session, row: IncidentRow, now: dt.datetime
) -> IncidentView:
    """The incident with every clock at `now` and every report's draft."""
    steps = steps_of_incident(catalog, session, row)
    sent = {r.step: _utc(r.sent_at) for r in row.reports}
    moments = Moments(_aware(row), _utc(row.fix_at) if row.fix_at else None, sent)
    found = clocks(steps, moments, now, _size(row.size))
    where = zone(row.zone)
    product = get_product(session, Visibility(everything=True), row.product_id)
    facts = {"manufacturer": product.manufacturer, "model": product.model}
    event = TriggerEvent(row.event)
    given_offset = dt.timezone(dt.timedelta(minutes=row.aware_offset))
    return {
        "id": row.id,
        "product": row.product_id,
        "event": row.event,
        "title": row.title,
        "aware": _stamp(row.aware_at) or "",
        "aware_given": _aware(row).astimezone(given_offset).isoformat(),
        "aware_local": shown(_aware(row), where),
        "zone": row.zone,
        "fix": _stamp(row.fix_at),
        "size": row.size,
        "markets": list(row.markets),
        "facts": dict(row.facts),
        "clocks": [_clock_view(c, where) for c in found],
        "drafts": [draft(c, event, facts, row.facts) for c in found],
    }


def overdue(views: Sequence[IncidentView]) -> int:
    return sum(1 for v in views for c in v["clocks"] if c["state"] == "overdue")


def aware_now(now: dt.datetime | None) -> dt.datetime:
    """The moment to read clocks at: `now` (with its offset) or the present, in UTC."""
    if now is None:
        return dt.datetime.now(dt.UTC)
    return aware(now, "now")
