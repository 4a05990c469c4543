"""Incidents in the database: recorded with their clocks, a fix and reports sent, every
change audited, bad moments refused with nothing written, other organisations' incidents
not stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError, ConflictError
from prodsec.store import accounts, audit, repo
from prodsec.store.db import Database
from prodsec.store.incidents import (
    get_incident,
    incident_view,
    incidents_of,
    record_incident,
    send_report,
    update_incident,
)
from prodsec.store.models import AuditEntry, IncidentReportRow, IncidentRow
from prodsec.store.repo import NotStoredError

CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera.yaml"
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
EARLY = "eu-cra@2024-2847:Art14-1/early-warning"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def setup(db: Database, catalog: Catalog) -> tuple[str, repo.Visibility, audit.Actor]:
    data = yaml.safe_load(CAMERA.read_text())
    with db.session() as s:
        user = accounts.create_user(
            s,
            "sec@cams.example",
            "long enough password",
            organisation="Cams",
            create_organisation=True,
        )
        sight = repo.Visibility.of(user)
        by = audit.Actor.of(user, "10.0.0.9")
        product = repo.create_product(s, sight, repo.parse(catalog, data, "camera"), data, by)
        return product.id, sight, by


def test_an_incident_runs_its_clocks(database: Database, catalog: Catalog) -> None:
    product, sight, by = setup(database, catalog)
    with database.session() as s:
        row = record_incident(
            s,
            catalog,
            sight,
            by,
            product,
            event="exploited-vulnerability",
            title="RCE in the web UI",
            aware=at("2026-11-30T10:15:00+01:00"),
            zone_name="Europe/Berlin",
            now=NOW,
            size="small",
            facts={"member_states": "DE, FR"},
        )
        ident = row.id
    with database.session() as s:
        view = incident_view(catalog, s, get_incident(s, sight, ident), NOW)
    assert view["aware"] == "2026-11-30T09:15:00Z"
    assert view["aware_given"] == "2026-11-30T10:15:00+01:00"
    assert [
        (c["step"], c["state"], c["due"], c["due_local"], c["left"]) for c in view["clocks"]
    ] == [
        (
            EARLY,
            "open",
            "2026-12-01T09:15:00Z",
            "2026-12-01 10:15 CET (+01:00)",
            "21 h 15 min left",
        ),
        (
            "eu-cra@2024-2847:Art14-1/notification",
            "open",
            "2026-12-03T09:15:00Z",
            "2026-12-03 10:15 CET (+01:00)",
            "2 d 21 h left",
        ),
        ("eu-cra@2024-2847:Art14-1/final-report", "waiting", None, "", ""),
        ("eu-cra@2024-2847:Art14-8/report", "no-deadline", None, "", ""),
    ]
    assert view["clocks"][0]["relief"].startswith("Micro and small enterprises")
    assert view["drafts"][0]["items"][0]["answer"] == "DE, FR"
    later = NOW + dt.timedelta(days=3)
    with database.session() as s:
        update_incident(s, sight, by, ident, now=later, fix=at("2026-12-02T18:00:00+00:00"))
        send_report(
            s, catalog, sight, by, ident, EARLY, sent=at("2026-11-30T15:00:00+00:00"), now=later
        )
    with database.session() as s:
        view = incident_view(catalog, s, get_incident(s, sight, ident), later)
        kept = s.scalars(select(IncidentReportRow)).one()
        actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.at, AuditEntry.id)))
    assert [c["state"] for c in view["clocks"]] == ["sent", "overdue", "open", "no-deadline"]
    assert view["clocks"][2]["due"] == "2026-12-16T18:00:00Z"
    assert kept.content["report"] == "Early warning"
    assert kept.content["due"] == "2026-12-01T09:15:00Z"
    assert actions[-3:] == ["incident-recorded", "incident-changed", "report-sent"]
    with database.session() as s, pytest.raises(ConflictError) as caught:
        send_report(
            s, catalog, sight, by, ident, EARLY, sent=at("2026-11-30T16:00:00+00:00"), now=later
        )
    assert str(caught.value) == f"the report {EARLY!r} was already sent"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"aware": at("2026-12-24T00:00:00+00:00")},
            "aware: the moment of awareness is in the future",
        ),
        (
            {"aware": at("2025-06-01T00:00:00+00:00")},
            "aware: the product did not exist yet (it dates from 2025-09-01)",
        ),
        (
            {"aware": dt.datetime(2026, 11, 1, 9)},
            "aware: give the time with its UTC offset (2026-10-25T01:30:00+02:00)",
        ),
        (
            {"event": "support-period"},
            "event: not an event that sets reports off; one of exploited-vulnerability, severe-incident, noncompliance-known, vulnerability-known, vulnerability-report",
        ),
        ({"zone_name": "Mars/Olympus"}, "zone: unknown time zone 'Mars/Olympus'"),
        ({"facts": {"password": "x"}}, "facts: unknown item 'password'"),
        ({"title": "  "}, "title: must not be empty"),
        ({"size": "huge"}, "size: one of micro, small, medium, large"),
    ],
)
def test_bad_incidents_are_refused_and_nothing_is_written(
    database: Database, catalog: Catalog, given: dict[str, object], message: str
) -> None:
    product, sight, by = setup(database, catalog)
    fields: dict[str, object] = {
        "event": "severe-incident",
        "title": "Outage",
        "aware": at("2026-11-29T08:00:00+00:00"),
        "zone_name": "UTC",
        "now": NOW,
    } | given
    with database.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
    with database.session() as s, pytest.raises(BadInputError) as caught:
        record_incident(s, catalog, sight, by, product, **fields)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(IncidentRow)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_another_organisations_incident_is_not_stored(database: Database, catalog: Catalog) -> None:
    product, sight, by = setup(database, catalog)
    with database.session() as s:
        ident = record_incident(
            s,
            catalog,
            sight,
            by,
            product,
            event="severe-incident",
            title="Outage",
            aware=at("2026-11-29T08:00:00+00:00"),
            zone_name="UTC",
            now=NOW,
        ).id
        other = accounts.create_user(
            s,
            "x@other.example",
            "long enough password",
            organisation="Other",
            create_organisation=True,
        )
        stranger = repo.Visibility.of(other)
    with database.session() as s:
        with pytest.raises(NotStoredError) as caught:
            get_incident(s, stranger, ident)
        assert str(caught.value) == f"no incident '{ident}'"
        assert incidents_of(s, stranger) == []
        assert [r.id for r in incidents_of(s, sight)] == [ident]
        with pytest.raises(BadInputError) as bad:
            send_report(s, catalog, sight, by, ident, "no/step", sent=NOW, now=NOW)
        assert str(bad.value).startswith(
            "step: no step 'no/step' for this incident; one of eu-cra@2024-2847:Art14-3/early-warning"
        )
