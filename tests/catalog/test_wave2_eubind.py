"""Wave 2, EU and UNECE binding regimes and certification: the Machinery Regulation, AI Act
Article 15, UN R155 and R156, the MDR's cyber items, the EUCC, Common Criteria and ETSI
TS 103 701. Expected values come from the reference facts, not from the data files."""

from __future__ import annotations

import datetime as dt

import pytest

from prodsec.assess.applicability import Finding, State, applies
from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Scalar


def _finding(
    catalog: Catalog,
    category: str,
    market: str,
    on: str,
    instrument: str,
    features: tuple[str, ...] = (),
) -> Finding | None:
    answer = applies(catalog, category, [market], dt.date.fromisoformat(on), features)
    [market_answer] = answer.markets
    found = [f for f in market_answer.findings if f.instrument.id == instrument]
    assert len(found) <= 1
    return found[0] if found else None


def _state(catalog: Catalog, category: str, market: str, on: str, instrument: str) -> State:
    finding = _finding(catalog, category, market, on, instrument)
    assert finding is not None
    return finding.state


def _parameters(catalog: Catalog, rid: str) -> dict[str, Scalar]:
    return {p.name: p.value for p in catalog.requirement(rid).parameters}


def _bindings(catalog: Catalog, block: str) -> dict[str, dict[str, Scalar]]:
    """The parameter values each requirement mapped onto `block` binds, by requirement id."""
    return {
        str(mr.requirement): catalog.block_values(mr.requirement, mr.mapping)
        for mr in catalog.mapped_to(block)
    }


# --- UN R155 and R156 ------------------------------------------------------------------


@pytest.mark.parametrize("market", ["EU", "JP"])
def test_a_vehicle_type_is_bound_by_r155_from_july_2022(catalog: Catalog, market: str) -> None:
    assert _state(catalog, "vehicle", market, "2022-06-30", "unece-r155") is State.UPCOMING
    assert _state(catalog, "vehicle", market, "2022-07-06", "unece-r155") is State.BINDS
    assert _state(catalog, "vehicle", market, "2025-01-01", "unece-r155") is State.BINDS


def test_r155_is_not_claimed_where_the_atlas_cannot_date_it(catalog: Catalog) -> None:
    # Great Britain binds from 2026 and Korea runs its own regime: neither is a jurisdiction.
    assert _finding(catalog, "vehicle", "GB", "2027-06-01", "unece-r155") is None
    assert _finding(catalog, "vehicle", "KR", "2027-06-01", "unece-r155") is None
    assert catalog.instrument("unece-r155").jurisdictions == ("EU", "JP")


def test_r155_numbers_and_actors(catalog: Catalog) -> None:
    key = "unece-r155@00-series"
    assert _parameters(catalog, f"{key}:6.1-6.5") == {"certificate_validity_years": 3}
    assert _parameters(catalog, f"{key}:7.4.1") == {"interval_months": 12}
    assert _parameters(catalog, f"{key}:7.3.1") == {"transition_end": dt.date(2024, 7, 1)}
    assert _parameters(catalog, f"{key}:7.3.4") == {"annex5_mitigations": 23}
    assert catalog.requirement(f"{key}:7.4.2").actors == ("government",)
    assert catalog.requirement(f"{key}:7.2.2.3").trigger is not None
    assert catalog.requirement(f"{key}:7.2.2.3").trigger.within_hours is None  # type: ignore[union-attr]
    r155 = catalog.instrument(key)
    assert r155.actors == ("manufacturer", "government")
    assert [(d.kind.value, d.date.isoformat()) for d in r155.dates if d.kind != "milestone"] == [
        ("in-force", "2021-01-22"),
        ("published", "2021-03-04"),
        ("applies", "2022-07-06"),
    ]


def test_a_vehicle_in_the_eu_leaves_the_cra_for_r155(catalog: Catalog) -> None:
    assert _state(catalog, "vehicle", "EU", "2028-01-01", "eu-cra") is State.EXCLUDED
    assert _state(catalog, "vehicle", "EU", "2028-01-01", "unece-r155") is State.BINDS


def test_r156_needs_updatable_software_and_its_ota_rules_need_ota(catalog: Catalog) -> None:
    assert _state(catalog, "vehicle", "EU", "2025-01-01", "unece-r156") is State.OUT_OF_SCOPE
    wired = _finding(catalog, "vehicle", "EU", "2025-01-01", "unece-r156", ("software-updatable",))
    assert wired is not None
    assert wired.state is State.BINDS
    assert set(wired.not_applicable) == {
        "7.1.1.3-7.1.1.4",
        "7.1.4.1-7.1.4.2",
        "7.2.1.2",
        "7.2.2.1.1",
        "7.2.2.1.2",
        "7.2.2.1.3",
        "7.2.2.2",
        "7.2.2.3",
        "7.2.2.4",
        "7.2.2.5",
    }
    ota = _finding(
        catalog,
        "vehicle",
        "EU",
        "2025-01-01",
        "unece-r156",
        ("software-updatable", "network-updates", "rxswin"),
    )
    assert ota is not None
    assert ota.not_applicable == ()
    assert _parameters(catalog, "unece-r156@00-series:6.6-6.9") == {"certificate_validity_years": 3}


def test_vehicle_blocks_refine_the_hub(catalog: Catalog) -> None:
    refines = {
        b: catalog.block(b).refines
        for b in (
            "certified-security-management-system",
            "fleet-attack-monitoring",
            "safe-update-execution",
            "certified-update-management-system",
            "periodic-security-reporting",
        )
    }
    assert refines == {
        "certified-security-management-system": "secure-development",
        "fleet-attack-monitoring": "vulnerability-monitoring",
        "safe-update-execution": "secure-update-mechanism",
        "certified-update-management-system": None,
        "periodic-security-reporting": None,
    }
    bound = _bindings(catalog, "periodic-security-reporting")
    assert bound["unece-r155@00-series:7.4.1"] == {"interval_months": 12}


# --- a consumer camera is bound by neither ---------------------------------------------


@pytest.mark.parametrize("instrument", ["eu-machinery", "unece-r155", "unece-r156", "eu-ai-act"])
def test_a_consumer_camera_is_not_bound_by_machinery_vehicle_or_ai_rules(
    catalog: Catalog, instrument: str
) -> None:
    state = _state(catalog, "smart-camera", "EU", "2028-09-01", instrument)
    assert state is State.OUT_OF_SCOPE


def test_a_consumer_camera_in_the_eu_is_still_bound_by_the_cra_alone(catalog: Catalog) -> None:
    answer = applies(catalog, "smart-camera", ["EU"], dt.date(2028, 9, 1), ["radio"])
    [eu] = answer.markets
    assert sorted(f.instrument.key for f in eu.of(State.BINDS)) == ["eu-cra@2024-2847"]


# --- Machinery Regulation --------------------------------------------------------------


def test_machinery_is_bound_from_20_january_2027(catalog: Catalog) -> None:
    assert _state(catalog, "machinery", "EU", "2027-01-19", "eu-machinery") is State.UPCOMING
    assert _state(catalog, "machinery", "EU", "2027-01-20", "eu-machinery") is State.BINDS
    assert _state(catalog, "machinery", "DE", "2027-01-20", "eu-machinery") is State.BINDS
    # Connected machinery is a product with digital elements: the CRA applies alongside.
    assert _state(catalog, "machinery", "EU", "2027-12-11", "eu-cra") is State.BINDS


def test_machinery_numbers_and_self_evolving_class(catalog: Catalog) -> None:
    key = "eu-machinery@2023-1230"
    assert _parameters(catalog, f"{key}:1.2.1(f)") == {"retention_years": 5}
    assert _parameters(catalog, f"{key}:1.2.1-SE(b)") == {"retention_years": 1}
    plain = _finding(catalog, "machinery", "EU", "2027-02-01", "eu-machinery")
    assert plain is not None
    assert plain.product_class is not None
    assert plain.product_class.id == "default"
    assert "1.2.1-SE(a)" in plain.not_applicable
    learning = _finding(
        catalog,
        "machinery-safety-component",
        "EU",
        "2027-02-01",
        "eu-machinery",
        ("self-evolving-behaviour",),
    )
    assert learning is not None
    assert learning.product_class is not None
    assert learning.product_class.id == "annex-i-part-a"
    assert [r.id for r in learning.routes] == ["module-b-c", "module-h", "module-g"]


def test_eucc_presumes_machinery_cyber_requirements_but_the_cra_does_not(
    catalog: Catalog,
) -> None:
    into = {(e.origin, e.kind.value) for e in catalog.recognitions if e.target == "eu-machinery"}
    assert into == {("eu-eucc", "presumption-of-conformity")}
    [edge] = [e for e in catalog.recognitions if e.id == "eucc-machinery-art20-9"]
    assert edge.valid_from == dt.date(2027, 1, 20)
    parents = {catalog.requirement(f"eu-machinery@2023-1230:{g}").parent for g in edge.grants}
    assert parents == {"1.1.9", "1.2.1"}
    assert len(edge.grants) == 17


# --- AI Act ----------------------------------------------------------------------------


def test_a_high_risk_ai_system_is_bound_by_article_15_from_2_december_2027(
    catalog: Catalog,
) -> None:
    before = _finding(catalog, "high-risk-ai-system", "EU", "2027-12-01", "eu-ai-act")
    assert before is not None
    assert before.state is State.BINDS
    live = {o.ref for o in before.obligations if o.in_effect}
    assert live == {"73(1-2)", "73(3)", "73(5)", "73(6-7)"}
    after = _finding(catalog, "high-risk-ai-system", "EU", "2027-12-02", "eu-ai-act")
    assert after is not None
    assert {"15(1)", "15(5)-1", "15(5)(iii)"} <= {o.ref for o in after.obligations if o.in_effect}
    assert _state(catalog, "high-risk-ai-system", "EU", "2026-08-01", "eu-ai-act") is (
        State.UPCOMING
    )


def test_ai_act_reports_in_days_and_provider_is_manufacturer(catalog: Catalog) -> None:
    ai = catalog.instrument("eu-ai-act@2024-1689")
    assert ai.actors == ("manufacturer",)
    hours = {r.ref: r.trigger.within_hours for r in ai.requirements if r.trigger is not None}
    assert hours == {"73(1-2)": 360, "73(3)": 48, "73(5)": 240, "73(6-7)": None}
    assert {r.trigger.event.value for r in ai.requirements if r.trigger} == {"severe-incident"}


def test_article_15_cybersecurity_is_presumed_from_eucc_and_deemed_from_the_cra(
    catalog: Catalog,
) -> None:
    edges = {e.id: e for e in catalog.recognitions if e.target == "eu-ai-act"}
    assert sorted(edges) == ["cra-ai-act-art15", "eucc-ai-act-art15"]
    assert edges["cra-ai-act-art15"].kind.value == "deemed-compliance"
    assert edges["cra-ai-act-art15"].valid_from == dt.date(2027, 12, 11)
    for edge in edges.values():
        assert "15(1)" not in edge.grants  # accuracy and robustness are not covered
        assert edge.categories == ("high-risk-ai-system",)


# --- EUCC ------------------------------------------------------------------------------


def test_eucc_deadlines_are_parameters(catalog: Catalog) -> None:
    key = "eu-eucc@2024-482"
    assert _parameters(catalog, f"{key}:Art28(3)") == {"remedy_days": 30}
    assert _parameters(catalog, f"{key}:Art29") == {"remedy_days": 30}
    assert _parameters(catalog, f"{key}:Art30") == {
        "suspension_days": 42,
        "max_suspension_years": 1,
    }
    assert _parameters(catalog, f"{key}:AnnexIV.4") == {"patch_report_working_days": 5}
    assert _parameters(catalog, f"{key}:AnnexIV.1(2)") == {"review_window_months": 9}
    assert _parameters(catalog, f"{key}:Art41") == {"retention_years": 5}
    assert _parameters(catalog, f"{key}:Art12") == {"max_validity_years": 5}
    bound = _bindings(catalog, "certificate-holder-vulnerability-handling")
    assert bound[f"{key}:Art28(3)"] == {"remedy_days": 30}
    assert bound[f"{key}:AnnexIV.4"] == {"patch_report_working_days": 5}


def test_eucc_is_voluntary_with_legal_effect_from_27_february_2025(catalog: Catalog) -> None:
    eucc = catalog.instrument("eu-eucc@2024-482")
    assert eucc.bindingness == "voluntary-with-legal-effect"
    assert [d.date for d in eucc.dates if d.kind == "applies"] == [dt.date(2025, 2, 27)]
    assert _state(catalog, "smartcard", "EU", "2025-02-26", "eu-eucc") is State.UPCOMING
    assert _state(catalog, "smartcard", "EU", "2025-02-27", "eu-eucc") is State.VOLUNTARY
    # The patch rule only holds for a certified patch-management procedure.
    assert catalog.requirement(f"{eucc.key}:AnnexIV.4").status == "M C"


# --- MDR, Common Criteria, TS 103 701 ---------------------------------------------------


def test_a_medical_device_in_the_eu_is_bound_by_the_mdr_not_the_cra(catalog: Catalog) -> None:
    assert _state(catalog, "medical-device", "EU", "2021-05-25", "eu-mdr-cyber") is (State.UPCOMING)
    assert _state(catalog, "medical-device", "EU", "2021-05-26", "eu-mdr-cyber") is State.BINDS
    assert _state(catalog, "medical-device", "EU", "2028-01-01", "eu-cra") is State.EXCLUDED
    assert [r.ref for r in catalog.instrument("eu-mdr-cyber").requirements] == [
        "14.2(d)",
        "17.1",
        "17.2",
        "17.4",
        "18.8",
        "23.4(ab)",
    ]


def test_common_criteria_is_a_voluntary_framework_everywhere(catalog: Catalog) -> None:
    cc = catalog.instrument("iso-iec-15408-2022")
    assert (cc.bindingness, cc.jurisdictions, cc.layer) == ("voluntary", ("INT",), "specification")
    assert _state(catalog, "router", "JP", "2027-01-01", "iso-iec-15408-2022") is State.VOLUNTARY


def test_ts_103_701_counts_test_groups_not_ixit_sections(catalog: Catalog) -> None:
    key = "etsi-ts-103-701@1.1.1"
    assert _parameters(catalog, f"{key}:Proc-5") == {"test_groups": 68, "test_cases": 108}
    assert _parameters(catalog, f"{key}:Proc-3") == {"ixit_sections": 29}
    assert _state(catalog, "smart-camera", "SG", "2027-01-01", "etsi-ts-103-701") is (
        State.VOLUNTARY
    )
    assert _state(catalog, "vehicle", "EU", "2027-01-01", "etsi-ts-103-701") is (State.OUT_OF_SCOPE)
