"""Reporting clocks for the CRA's Article 14 and other regimes' event duties: deadlines
from the catalog's parameters, across a clock change, from a fix date, by calendar month,
and the relief for small enterprises."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.assess.events import event_duties
from prodsec.catalog import Catalog
from prodsec.catalog.vocab import TriggerEvent
from prodsec.errors import BadInputError
from prodsec.supplychain.cvd.clocks import (
    ClockState,
    EnterpriseSize,
    Moments,
    add_months,
    check_moments,
    clocks,
    left_words,
    shown,
    steps_for,
    zone,
)
from prodsec.supplychain.cvd.drafts import draft, markdown

BERLIN = zone("Europe/Berlin")
EXPLOITED = TriggerEvent.EXPLOITED_VULNERABILITY
INCIDENT = TriggerEvent.SEVERE_INCIDENT


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def camera_steps(catalog: Catalog, event: TriggerEvent, markets: list[str] | None = None):  # type: ignore[no-untyped-def]
    duties = event_duties(catalog, "smart-camera", markets or ["EU"], dt.date(2026, 11, 30), event)
    return steps_for(duties)


def test_the_cra_duties_a_camera_bears(catalog: Catalog) -> None:
    steps = camera_steps(catalog, EXPLOITED, ["EU", "GB"])
    assert [(s.key, s.anchor.value, s.amount, s.unit) for s in steps] == [
        ("eu-cra@2024-2847:Art14-1/early-warning", "awareness", 24, "hours"),
        ("eu-cra@2024-2847:Art14-1/notification", "awareness", 72, "hours"),
        ("eu-cra@2024-2847:Art14-1/final-report", "fix-available", 14, "days"),
        ("eu-cra@2024-2847:Art14-8/report", "awareness", None, "hours"),
    ]
    # before 11 Sep 2026 the CRA's reporting did not apply yet
    early = event_duties(catalog, "smart-camera", ["EU"], dt.date(2026, 9, 10), EXPLOITED)
    assert early == []
    psti = steps_for(
        event_duties(
            catalog, "smart-camera", ["GB"], dt.date(2026, 11, 30), TriggerEvent.NONCOMPLIANCE_KNOWN
        )
    )
    assert [(s.key, s.amount, s.period) for s in psti] == [
        ("uk-psti@2025-12-04:Duties-1/report", None, "as soon as possible")
    ]


def test_deadlines_across_the_end_of_summer_time(catalog: Catalog) -> None:
    """Awareness on Saturday 24 Oct 2026 at 10:15 in Berlin (CEST, +02:00); clocks go
    back at 03:00 on Sunday. 24 hours later it is 09:15 by the Berlin clock (CET)."""
    steps = camera_steps(catalog, EXPLOITED)
    aware = utc("2026-10-24T10:15:00+02:00")
    now = utc("2026-10-25T07:00:00+00:00")
    found = clocks(steps, Moments(aware), now)
    early, notice, final, users = found
    assert early.due == utc("2026-10-25T08:15:00+00:00")
    assert shown(early.due, BERLIN) == "2026-10-25 09:15 CET (+01:00)"
    assert shown(early.due) == "2026-10-25 08:15 UTC (+00:00)"
    assert early.state is ClockState.OPEN
    assert left_words(early.left) == "1 h 15 min left"
    assert shown(notice.due, BERLIN) == "2026-10-27 09:15 CET (+01:00)"
    assert final.state is ClockState.WAITING  # no fix yet
    assert final.due is None
    assert users.state is ClockState.NO_DEADLINE
    later = clocks(steps, Moments(aware), utc("2026-10-25T13:45:00+01:00"))
    assert later[0].state is ClockState.OVERDUE
    assert left_words(later[0].left) == "4 h 30 min overdue"


def test_the_final_report_counts_from_the_fix(catalog: Catalog) -> None:
    steps = camera_steps(catalog, EXPLOITED)
    aware = utc("2026-10-24T10:15:00+02:00")
    fix = utc("2026-10-30T16:00:00+01:00")
    sent = {
        "eu-cra@2024-2847:Art14-1/early-warning": utc("2026-10-24T20:00:00+00:00"),
        "eu-cra@2024-2847:Art14-1/notification": utc("2026-10-27T09:00:00+00:00"),
    }
    found = clocks(steps, Moments(aware, fix, sent), utc("2026-11-02T00:00:00+00:00"))
    assert [c.state for c in found] == [
        ClockState.SENT,
        ClockState.SENT_LATE,  # 72 h ended at 08:15 UTC
        ClockState.OPEN,
        ClockState.NO_DEADLINE,
    ]
    assert found[2].due == utc("2026-11-13T15:00:00+00:00")
    assert left_words(found[2].left) == "11 d 15 h left"


def test_an_incident_report_is_due_a_calendar_month_after_the_notification(
    catalog: Catalog,
) -> None:
    steps = camera_steps(catalog, INCIDENT)
    aware = utc("2027-01-28T10:00:00+00:00")
    notice = "eu-cra@2024-2847:Art14-3/notification"
    waiting = clocks(steps, Moments(aware), utc("2027-01-29T00:00:00+00:00"))
    assert waiting[2].state is ClockState.WAITING
    sent = {notice: utc("2027-01-31T10:00:00+00:00")}
    found = clocks(steps, Moments(aware, None, sent), utc("2027-02-01T00:00:00+00:00"))
    assert found[2].due == utc("2027-02-28T10:00:00+00:00")  # no 31 February
    assert add_months(utc("2028-01-31T23:30:00+00:00"), 1) == utc("2028-02-29T23:30:00+00:00")
    assert add_months(utc("2027-11-15T12:00:00+00:00"), 3) == utc("2028-02-15T12:00:00+00:00")


def test_small_enterprises_are_told_of_the_relief(catalog: Catalog) -> None:
    steps = camera_steps(catalog, EXPLOITED)
    now = utc("2026-11-30T12:00:00+00:00")
    aware = Moments(utc("2026-11-30T09:00:00+00:00"))
    small = clocks(steps, aware, now, EnterpriseSize.SMALL)
    assert small[0].relief.startswith("Micro and small enterprises are not fined")
    assert [c.relief for c in small[1:]] == ["", "", ""]
    large = clocks(steps, aware, now, EnterpriseSize.LARGE)
    assert large[0].relief == ""


@pytest.mark.parametrize(
    ("moments", "message"),
    [
        (Moments(dt.datetime(2026, 11, 1, 9)), "aware: give the time with its UTC offset"),
        (
            Moments(utc("2026-12-01T00:00:00+00:00")),
            "aware: the moment of awareness is in the future",
        ),
        (
            Moments(utc("2024-01-01T00:00:00+00:00")),
            "aware: the product did not exist yet (it dates from 2025-03-01)",
        ),
        (
            Moments(utc("2026-11-10T00:00:00+00:00"), utc("2026-11-09T00:00:00+00:00")),
            "fix: the moment is before awareness",
        ),
        (
            Moments(
                utc("2026-11-10T00:00:00+00:00"),
                None,
                {"x/early-warning": utc("2026-12-10T00:00:00+00:00")},
            ),
            "sent.x/early-warning: the moment is in the future",
        ),
    ],
)
def test_impossible_moments_are_refused(moments: Moments, message: str) -> None:
    with pytest.raises(BadInputError) as caught:
        check_moments(moments, utc("2026-11-30T12:00:00+00:00"), dt.date(2025, 3, 1))
    assert str(caught.value).startswith(message)


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(BadInputError) as caught:
        zone("Europe/Atlantis")
    assert str(caught.value) == "zone: unknown time zone 'Europe/Atlantis'"


def test_drafts_list_what_each_report_must_hold(catalog: Catalog) -> None:
    steps = camera_steps(catalog, EXPLOITED)
    aware = utc("2026-11-30T09:00:00+00:00")
    found = clocks(steps, Moments(aware), utc("2026-11-30T10:00:00+00:00"))
    product = {"manufacturer": "Acme", "model": "Cam 2", "version": "1.4"}
    early = draft(found[0], EXPLOITED, product, {"member_states": "DE, FR, NL"})
    assert early == {
        "report": "Early warning",
        "duty": "eu-cra@2024-2847:Art14-1",
        "step": "early-warning",
        "to": "the CSIRT designated as coordinator and ENISA at once, through the single reporting platform",
        "due": "2026-12-01T09:00:00Z",
        "period": "24 hours after becoming aware",
        "product": product,
        "items": [
            {
                "id": "member_states",
                "asks": "Member States where the product is made available, as far as known",
                "answer": "DE, FR, NL",
            }
        ],
        "missing": [],
    }
    notice = draft(found[1], EXPLOITED, product, {"exploit": "Remote code execution"})
    assert notice["missing"] == [
        "product",
        "vulnerability",
        "measures_taken",
        "user_measures",
        "sensitivity",
    ]
    users = draft(found[3], EXPLOITED, product, {})
    assert users["to"].startswith("the users affected")
    text = markdown([early, notice])
    assert text.splitlines()[:4] == [
        "## Early warning (eu-cra@2024-2847:Art14-1)",
        "",
        "- To: the CSIRT designated as coordinator and ENISA at once, through the single reporting platform",
        "- Due: 2026-12-01T09:00:00Z (24 hours after becoming aware)",
    ]
    assert "**The general nature of the exploit**\n\nRemote code execution\n" in text
    assert "**The general nature of the vulnerability**\n\n_to be written_\n" in text
