"""Wave 2, US federal buying and medical devices: EO 14028 section 4, the OMB attestation
memoranda and their rescission, CISA's attestation form, FD&C Act 524B and MDS2.

The expected facts come from the reference notes (the order's text, the memoranda's
dates, the 524B clauses as FDA's guidance quotes them), not from the data files."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.assess.applicability import Answer, Finding, applies
from prodsec.catalog import Catalog
from prodsec.catalog.editions import ended, start

FEDERAL = (
    "us-eo-14028@2021",
    "us-omb-m-22-18@2022-09-14",
    "us-omb-m-23-16@2023-06-09",
    "us-cisa-ssdf-attest-form@2024-03",
    "us-omb-m-26-05@2026-01-23",
    "us-iot-cia-2020@2020",
)
MEDICAL = ("us-fda-524b@2022", "mds2@hn-1-2019")
PLEDGE = ("us-cisa-sbd-pledge@2024",)


def ask(catalog: Catalog, category: str, on: str, *features: str, market: str = "US") -> Answer:
    return applies(catalog, category, [market], dt.date.fromisoformat(on), features)


def finding(answer: Answer, key: str) -> Finding:
    [m] = answer.markets
    [f] = [f for f in m.findings if f.instrument.key == key]
    return f


def states(answer: Answer, keys: tuple[str, ...]) -> dict[str, str]:
    return {k: finding(answer, k).state.value for k in keys}


def test_eo_14028_directs_officials_and_lists_producer_practices(catalog: Catalog) -> None:
    eo = catalog.instrument("us-eo-14028")
    assert (eo.type.value, eo.bindingness.value, eo.jurisdictions) == (
        "executive-order",
        "procurement",
        ("US",),
    )
    assert [(d.kind.value, d.date.isoformat()) for d in eo.dates[:2]] == [
        ("adopted", "2021-05-12"),
        ("published", "2021-05-17"),
    ]
    assert ended(eo) is None
    practices = [r for r in eo.requirements if r.parent == "4(e)(i)-(x)"]
    assert [r.ref for r in practices] == [
        "4(e)(i)(A)",
        "4(e)(i)(B)",
        "4(e)(i)(C)",
        "4(e)(i)(D)",
        "4(e)(i)(E)",
        "4(e)(i)(F)",
        "4(e)(ii)",
        "4(e)(iii)",
        "4(e)(iv)",
        "4(e)(v)",
        "4(e)(vi)",
        "4(e)(vii)",
        "4(e)(viii)",
        "4(e)(ix)",
        "4(e)(x)",
    ]
    assert {(r.status, r.actors) for r in practices} == {("R", ("manufacturer",))}
    directions = {r.ref: r for r in eo.requirements if r.parent == "4"}
    assert {r.actors for r in directions.values()} == {("government",)}
    days = {ref: r.parameters[0].value for ref, r in directions.items() if r.parameters}
    assert (days["4(f)"], days["4(g)"], days["4(t)"]) == (60, 45, 270)


def test_m_22_18_and_m_23_16_rescinded_by_m_26_05(catalog: Catalog) -> None:
    for key, adopted in (
        ("us-omb-m-22-18@2022-09-14", "2022-09-14"),
        ("us-omb-m-23-16@2023-06-09", "2023-06-09"),
    ):
        memo = catalog.instrument(key)
        assert start(memo) == dt.date.fromisoformat(adopted)
        assert ended(memo) == dt.date(2026, 1, 23)
        [repeal] = [d for d in memo.dates if d.kind.value == "repealed"]
        assert "us-omb-m-26-05" in repeal.note
    m2605 = catalog.instrument("us-omb-m-26-05")
    assert (start(m2605), ended(m2605)) == (dt.date(2026, 1, 23), None)
    form = catalog.instrument("us-cisa-ssdf-attest-form")
    assert ended(form) is None
    assert start(form) == dt.date(2024, 3, 11)


def test_m_22_18_attestation_falls_on_the_producer_and_the_gate_on_agencies(
    catalog: Catalog,
) -> None:
    memo = catalog.instrument("us-omb-m-22-18")
    actors = {r.ref: r.actors for r in memo.requirements}
    assert actors["gate"] == ("government",)
    assert actors["attest"] == ("manufacturer",)
    collect = {
        p.name: p.value for p in catalog.requirement("us-omb-m-22-18@2022-09-14:collect").parameters
    }
    assert collect == {"critical_software_days": 270, "all_software_days": 365}
    timeline = catalog.requirement("us-omb-m-23-16@2023-06-09:timeline")
    assert {p.name: p.value for p in timeline.parameters} == {
        "critical_software_months": 3,
        "all_software_months": 6,
    }


def test_a_consumer_camera_in_the_us_is_not_bound_by_the_federal_buying_rules(
    catalog: Catalog,
) -> None:
    for on in ("2023-01-01", "2026-11-30"):
        answer = ask(catalog, "smart-camera", on, "radio")
        found = {k: finding(answer, k) for k in FEDERAL}
        assert {f.state.value for f in found.values()} == {"out-of-scope"}
        assert {f.reason for f in found.values()} == {
            "the scope needs the product to have sold-to-us-federal-agencies"
        }


def test_software_sold_to_agencies_is_offered_the_memoranda_never_bound(
    catalog: Catalog,
) -> None:
    before = ask(catalog, "software-product", "2023-01-01", "sold-to-us-federal-agencies")
    assert states(before, FEDERAL[:2]) == {
        "us-eo-14028@2021": "voluntary",
        "us-omb-m-22-18@2022-09-14": "voluntary",
    }
    assert finding(before, "us-omb-m-22-18@2022-09-14").reason == (
        "procurement; on offer to the product"
    )
    after = ask(catalog, "software-product", "2026-11-30", "sold-to-us-federal-agencies")
    assert states(after, FEDERAL) == {
        "us-eo-14028@2021": "voluntary",
        "us-omb-m-22-18@2022-09-14": "repealed",
        "us-omb-m-23-16@2023-06-09": "repealed",
        "us-cisa-ssdf-attest-form@2024-03": "voluntary",
        "us-omb-m-26-05@2026-01-23": "voluntary",
        "us-iot-cia-2020@2020": "out-of-scope",
    }
    assert finding(after, "us-omb-m-22-18@2022-09-14").reason == "stopped applying on 2026-01-23"


def test_a_connected_infusion_pump_in_the_us_is_bound_by_524b(catalog: Catalog) -> None:
    pump = ask(catalog, "medical-device", "2026-11-30", "contains-software", "internet-connectable")
    b = finding(pump, "us-fda-524b@2022")
    assert (b.state.value, b.reason) == ("binds", "applies since 2023-03-29")
    assert [o.ref for o in b.obligations] == [
        "524B(a)-1",
        "524B(b)(1)",
        "524B(b)(2)",
        "524B(b)(2)(A)",
        "524B(b)(2)(B)",
        "524B(b)(3)",
    ]
    assert [r.id for r in b.routes] == ["premarket-submission"]
    assert finding(pump, "mds2@hn-1-2019").state.value == "voluntary"
    early = ask(
        catalog, "medical-device", "2023-01-01", "contains-software", "internet-connectable"
    )
    assert finding(early, "us-fda-524b@2022").reason == "applies from 2023-03-29"


@pytest.mark.parametrize(
    ("features", "state"),
    [
        (("contains-software", "radio"), "binds"),
        (("contains-software", "data-interface"), "binds"),
        (("contains-software",), "out-of-scope"),
        (("internet-connectable",), "out-of-scope"),
    ],
)
def test_524b_reaches_only_cyber_devices(
    catalog: Catalog, features: tuple[str, ...], state: str
) -> None:
    """Software, plus a connection by any means (FDA counts Bluetooth and USB)."""
    answer = ask(catalog, "medical-device", "2026-11-30", *features)
    assert finding(answer, "us-fda-524b@2022").state.value == state


def test_524b_does_not_reach_other_products_or_markets(catalog: Catalog) -> None:
    camera = ask(catalog, "smart-camera", "2026-11-30", "contains-software", "internet-connectable")
    assert finding(camera, "us-fda-524b@2022").state.value == "out-of-scope"
    eu = ask(catalog, "medical-device", "2026-11-30", "contains-software", market="EU")
    assert not [f for f in eu.markets[0].findings if f.instrument.id == "us-fda-524b"]


def test_524b_postmarket_fixes_are_triggered_by_known_vulnerabilities(catalog: Catalog) -> None:
    cycle = catalog.requirement("us-fda-524b@2022:524B(b)(2)(A)")
    critical = catalog.requirement("us-fda-524b@2022:524B(b)(2)(B)")
    for req in (cycle, critical):
        assert req.trigger is not None
        assert (req.trigger.event.value, req.trigger.within_hours) == ("vulnerability-known", None)
    assert critical.trigger is not None
    assert critical.trigger.deadline == "as soon as possible and outside the regular cycle"
    sbom = catalog.mappings_of("us-fda-524b@2022:524B(b)(3)")
    assert [(m.block, m.relationship.value) for m in sbom] == [
        ("sbom-data-fields", "intersects-with")
    ]


def test_named_practices_land_on_the_refinement_that_holds_them(catalog: Catalog) -> None:
    def blocks(key: str, *refs: str) -> list[tuple[str, str]]:
        return [
            (m.block, m.relationship.value)
            for ref in refs
            for m in catalog.mappings_of(f"{key}:{ref}")
            if m.block
        ]

    order = "us-eo-14028@2021"
    build = [f"4(e)(i)({x})" for x in "ABCDEF"]
    assert set(blocks(order, *build)) == {("secure-development-environment", "subset-of")}
    assert blocks(order, "4(e)(iii)", "4(e)(vi)", "4(e)(vii)", "4(e)(x)", "4(f)") == [
        ("code-integrity-protection", "intersects-with"),
        ("release-integrity-and-provenance", "intersects-with"),
        ("sbom-delivery", "subset-of"),
        ("producer-attestation", "intersects-with"),
        ("third-party-component-management", "subset-of"),
        ("sbom-data-fields", "intersects-with"),
    ]
    form = "us-cisa-ssdf-attest-form@2024-03"
    assert set(blocks(form, "1a", "1b", "1c", "1d", "1e", "1f")) == {
        ("secure-development-environment", "subset-of")
    }
    assert blocks(form, "2", "3") == [
        ("code-integrity-protection", "intersects-with"),
        ("release-integrity-and-provenance", "subset-of"),
    ]
    assert blocks("mds2@hn-1-2019", "SBOM") == [
        ("user-security-information", "intersects-with"),
        ("sbom-machine-readable", "intersects-with"),
        ("sbom-refresh", "intersects-with"),
    ]
    assert blocks("us-cisa-sbd-pledge@2024", "3") == [
        ("root-cause-improvement", "intersects-with"),
        ("input-validation", "intersects-with"),
    ]


def test_every_requirement_names_its_actors_and_is_mapped(catalog: Catalog) -> None:
    for key in (*FEDERAL, *MEDICAL, *PLEDGE):
        inst = catalog.instrument(key)
        named = {a for r in inst.requirements for a in r.actors}
        assert all(r.actors for r in inst.requirements), key
        assert named == set(inst.actors), key
        unmapped = [
            r.ref for r in inst.requirements if not catalog.mappings_of(inst.requirement_id(r.ref))
        ]
        assert unmapped == [], key


def test_the_form_items_follow_the_order_by_cisas_crosswalk(catalog: Catalog) -> None:
    form = catalog.instrument("us-cisa-ssdf-attest-form")
    assert [r.ref for r in form.requirements] == [
        "1a",
        "1b",
        "1c",
        "1d",
        "1e",
        "1f",
        "2",
        "3",
        "4a",
        "4b",
        "4c",
        "signature",
    ]
    edges = {
        m.requirement: m.relationship.value
        for m in catalog.mappings_of("us-cisa-ssdf-attest-form@2024-03:1a")
        if m.requirement
    }
    assert edges == {"us-eo-14028@2021:4(e)(i)(A)": "equal"}
    mds2 = catalog.instrument("mds2")
    assert (mds2.bindingness.value, len(mds2.requirements)) == ("voluntary", 23)


def test_the_pledge_is_for_enterprise_software_not_devices(catalog: Catalog) -> None:
    pledge = catalog.instrument("us-cisa-sbd-pledge")
    assert (pledge.type.value, pledge.bindingness.value) == ("pledge", "voluntary")
    assert [r.ref for r in pledge.requirements] == ["report", "1", "2", "3", "4", "5", "6", "7"]
    [years] = pledge.requirements[0].parameters
    assert (years.name, years.value) == ("progress_years", 1)
    software = ask(catalog, "software-product", "2026-11-30")
    assert finding(software, "us-cisa-sbd-pledge@2024").state.value == "voluntary"
    camera = ask(catalog, "smart-camera", "2026-11-30", "radio")
    assert finding(camera, "us-cisa-sbd-pledge@2024").state.value == "out-of-scope"


def test_the_iot_act_bans_devices_from_4_december_2022_for_agencies_only(
    catalog: Catalog,
) -> None:
    act = catalog.instrument("us-iot-cia-2020")
    assert (act.type.value, act.bindingness.value, start(act)) == (
        "law",
        "procurement",
        dt.date(2020, 12, 4),
    )
    agency = ask(catalog, "smart-camera", "2026-11-30", "radio", "sold-to-us-federal-agencies")
    sold = finding(agency, "us-iot-cia-2020@2020")
    assert (sold.state.value, sold.reason) == ("voluntary", "procurement; on offer to the product")
    dates = {o.ref: o.applies_from.isoformat() for o in sold.obligations}
    assert (dates["7(a)"], dates["device-compliance"], dates["4(a)"]) == (
        "2022-12-04",
        "2022-12-04",
        "2020-12-04",
    )
    shop = ask(catalog, "smart-camera", "2026-11-30", "radio")
    assert finding(shop, "us-iot-cia-2020@2020").state.value == "out-of-scope"
    laptop = ask(catalog, "laptop", "2026-11-30", "sold-to-us-federal-agencies")
    assert finding(laptop, "us-iot-cia-2020@2020").state.value == "excluded"
