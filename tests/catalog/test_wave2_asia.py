"""Binding regimes beyond Europe (Japan, Brazil, India, Vietnam, China, Korea): facts that
could be wrong, and `applies` answers for routers and cameras written from the reference
facts, not read back from the data."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.assess.applicability import Finding, State, applies
from prodsec.catalog import Catalog

LATE_2026 = dt.date(2026, 6, 1)


def standing(
    catalog: Catalog, category: str, market: str, on: dt.date, *features: str
) -> dict[str, tuple[State, dt.date | None]]:
    """Each mandatory instrument of the market's own jurisdiction: its state and start."""
    [answer] = applies(catalog, category, [market], on, features).markets
    own: list[Finding] = [
        f
        for f in answer.findings
        if market in f.instrument.jurisdictions and f.instrument.bindingness == "mandatory"
    ]
    return {f.instrument.key: (f.state, f.starts) for f in own}


def test_a_router_in_japan_brazil_and_india(catalog: Catalog) -> None:
    # UN R155 and R156 bind vehicle types in Japan, not routers
    assert standing(catalog, "router", "JP", LATE_2026) == {
        "jp-mic-terminal-2020@2020": (State.BINDS, dt.date(2020, 4, 1)),
        "unece-r155@00-series": (State.OUT_OF_SCOPE, dt.date(2022, 7, 6)),
        "unece-r156@00-series": (State.OUT_OF_SCOPE, dt.date(2022, 7, 6)),
    }
    assert standing(catalog, "router", "BR", LATE_2026) == {
        "br-anatel-77@2021": (State.BINDS, dt.date(2021, 7, 5)),
        "br-anatel-rciber@2024": (State.BINDS, dt.date(2021, 1, 4)),
    }
    assert standing(catalog, "router", "IN", LATE_2026) == {
        "in-itsar@2024": (State.BINDS, dt.date(2024, 10, 1)),
        "in-meity-cctv-er@2024": (State.OUT_OF_SCOPE, dt.date(2025, 4, 9)),
    }


def test_before_the_start_dates_the_router_rules_are_upcoming(catalog: Catalog) -> None:
    assert standing(catalog, "router", "JP", dt.date(2020, 3, 31)) == {
        "jp-mic-terminal-2020@2020": (State.UPCOMING, dt.date(2020, 4, 1)),
        "unece-r155@00-series": (State.OUT_OF_SCOPE, dt.date(2022, 7, 6)),
        "unece-r156@00-series": (State.OUT_OF_SCOPE, dt.date(2022, 7, 6)),
    }
    brazil = standing(catalog, "router", "BR", dt.date(2021, 7, 4))
    assert brazil["br-anatel-77@2021"] == (State.UPCOMING, dt.date(2021, 7, 5))
    assert standing(catalog, "router", "IN", dt.date(2023, 7, 1))["in-itsar@2024"] == (
        State.UPCOMING,
        dt.date(2024, 10, 1),
    )


def test_a_camera_in_vietnam_korea_and_india(catalog: Catalog) -> None:
    # QCVN 135 is in force from 15 Feb 2025; every imported or made camera from 1 Jan 2026
    assert standing(catalog, "smart-camera", "VN", dt.date(2025, 6, 1)) == {
        "vn-qcvn-135-2024@2024": (State.UPCOMING, dt.date(2026, 1, 1)),
    }
    assert standing(catalog, "smart-camera", "VN", LATE_2026) == {
        "vn-qcvn-135-2024@2024": (State.BINDS, dt.date(2026, 1, 1)),
    }
    assert standing(catalog, "smart-camera", "KR", LATE_2026) == {
        "kr-rra-video-pw-2019@2019": (State.BINDS, dt.date(2019, 2, 1)),
    }
    india = standing(catalog, "smart-camera", "IN", dt.date(2025, 4, 8))
    assert india["in-meity-cctv-er@2024"] == (State.UPCOMING, dt.date(2025, 4, 9))
    assert india["in-itsar@2024"][0] is State.OUT_OF_SCOPE


def test_cameras_and_laptops_fall_outside_the_router_rules(catalog: Catalog) -> None:
    camera = standing(catalog, "smart-camera", "BR", LATE_2026)
    assert {k: s for k, (s, _) in camera.items()} == {
        "br-anatel-77@2021": State.OUT_OF_SCOPE,
        "br-anatel-rciber@2024": State.OUT_OF_SCOPE,
    }
    for market in ("JP", "BR", "IN", "VN", "KR"):
        laptop = standing(catalog, "laptop", market, LATE_2026)
        assert State.BINDS not in {s for s, _ in laptop.values()}, market
    # a router in Korea or Vietnam: the camera rules do not reach it
    assert standing(catalog, "router", "KR", LATE_2026)["kr-rra-video-pw-2019@2019"][0] == (
        State.OUT_OF_SCOPE
    )
    assert standing(catalog, "router", "VN", LATE_2026)["vn-qcvn-135-2024@2024"][0] == (
        State.OUT_OF_SCOPE
    )


def test_japan_reaches_cellular_cameras_but_not_phones_or_pcs(catalog: Catalog) -> None:
    rule = "jp-mic-terminal-2020@2020"
    assert standing(catalog, "smart-camera", "JP", LATE_2026)[rule][0] is State.OUT_OF_SCOPE
    cellular = standing(catalog, "smart-camera", "JP", LATE_2026, "cellular")
    assert cellular[rule][0] is State.BINDS
    # a smartphone attaches over cellular, yet user-installable software keeps it out
    assert standing(catalog, "smartphone", "JP", LATE_2026)[rule][0] is State.EXCLUDED
    assert standing(catalog, "laptop", "JP", LATE_2026, "cellular")[rule][0] is State.EXCLUDED


def test_china_binds_catalogued_equipment_and_every_network_product(catalog: Catalog) -> None:
    home = standing(catalog, "router", "CN", LATE_2026)
    assert home == {
        "cn-gb-40050@2021": (State.OUT_OF_SCOPE, dt.date(2021, 8, 1)),
        "cn-vuln-2021@2021": (State.BINDS, dt.date(2021, 9, 1)),
    }
    core = standing(catalog, "router", "CN", LATE_2026, "critical-network-equipment")
    assert core["cn-gb-40050@2021"] == (State.BINDS, dt.date(2021, 8, 1))
    assert standing(catalog, "laptop", "CN", LATE_2026)["cn-vuln-2021@2021"][0] is State.BINDS


def test_the_numbers_and_actors_of_the_new_regimes(catalog: Catalog) -> None:
    anatel = catalog.instrument("br-anatel-77@2021")
    [support] = [r for r in anatel.requirements if r.ref == "6.1.4"]
    assert [(p.name, p.value) for p in support.parameters] == [("min_support_years", 2)]
    assert len([r for r in anatel.requirements if r.parent not in ("Homologation",)]) == 43
    assert [
        (m.block, m.relationship, m.bindings)
        for m in catalog.mappings_of("br-anatel-77@2021:6.1.4")
    ] == [
        ("minimum-support-period", "equal", {"min_support_years": 2}),
        ("timely-security-updates", "intersects-with", {}),
    ]

    report = catalog.requirement("cn-vuln-2021@2021:Art7(2)-report")
    assert report.trigger is not None
    assert (report.trigger.event, report.trigger.within_hours) == ("vulnerability-known", 48)
    [to_miit] = catalog.mappings_of("cn-vuln-2021@2021:Art7(2)-report")
    assert (to_miit.block, to_miit.relationship, to_miit.bindings) == (
        "exploited-vulnerability-reporting",
        "intersects-with",
        {"early_warning_hours": 48},
    )

    rciber = catalog.instrument("br-anatel-rciber@2024")
    assert rciber.actors == ("operator",)
    assert {a for r in rciber.requirements for a in r.actors} == {"operator"}

    japan = catalog.instrument("jp-mic-terminal-2020@2020")
    assert [r.ref for r in japan.requirements] == ["34-10(1)", "34-10(2)", "34-10(3)", "34-10(4)"]
    assert [e.category for e in japan.scope.exclusions][:4] == [
        "laptop",
        "desktop",
        "smartphone",
        "tablet",
    ]


@pytest.mark.parametrize(
    "key",
    [
        "jp-mic-terminal-2020@2020",
        "br-anatel-77@2021",
        "br-anatel-rciber@2024",
        "in-itsar@2024",
        "in-meity-cctv-er@2024",
        "vn-qcvn-135-2024@2024",
        "cn-gb-40050@2021",
        "cn-vuln-2021@2021",
        "kr-rra-video-pw-2019@2019",
    ],
)
def test_every_requirement_names_its_actors(catalog: Catalog, key: str) -> None:
    inst = catalog.instrument(key)
    assert all(r.actors for r in inst.requirements)
    assert {a for r in inst.requirements for a in r.actors} == set(inst.actors)
