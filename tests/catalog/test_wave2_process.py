"""Process and supply-chain standards (issue 15, wave 2): SSDF 1.1, the NTIA and CISA SBOM
minimum elements, IEC 62443-4-1 and ISO/IEC 30111, pinned to the reference's facts, with
the hub's refinements of secure-development and sbom they land on."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from prodsec.assess.applicability import Answer, applies
from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Actor, Bindingness, Confidence, TriggerEvent

PROCESS = (
    "us-nist-sp-800-218@1.1",
    "us-ntia-sbom-min@2021",
    "us-cisa-sbom-min@2025",
    "iec-62443-4-1@2018",
    "iso-iec-30111@2019",
)


def ask(catalog: Catalog, category: str, market: str, on: str) -> dict[str, str]:
    answer: Answer = applies(catalog, category, [market], dt.date.fromisoformat(on), ())
    [found] = answer.markets
    return {f.instrument.key: f.state.value for f in found.findings}


def values(catalog: Catalog, key: str, ref: str, block: str) -> dict[str, object]:
    rid = catalog.instrument(key).requirement_id(ref)
    [mapping] = [m for m in catalog.mappings_of(rid) if m.block == block]
    return dict(catalog.block_values(rid, mapping))


# --- SSDF 1.1 ---------------------------------------------------------------------------


def test_ssdf_has_42_tasks_in_four_groups_all_recommended(catalog: Catalog) -> None:
    ssdf = catalog.instrument("us-nist-sp-800-218@1.1")
    groups = Counter(r.ref.split(".")[0] for r in ssdf.requirements)
    assert groups == {"PO": 13, "PS": 4, "PW": 16, "RV": 9}
    assert len({r.parent for r in ssdf.requirements}) == 19
    assert {r.status for r in ssdf.requirements} == {"R"}
    refs = {r.ref for r in ssdf.requirements}
    # PW.3 is retired and PW.4.3 and PW.4.5 moved in 1.1
    assert not refs & {"PW.3.1", "PW.4.3", "PW.4.5"}
    assert ssdf.bindingness is Bindingness.VOLUNTARY
    assert ssdf.jurisdictions == ("US",)


def test_ssdf_tasks_land_on_the_process_blocks(catalog: Catalog) -> None:
    def blocks(ref: str) -> set[str]:
        rid = catalog.instrument("us-nist-sp-800-218@1.1").requirement_id(ref)
        return {m.block for m in catalog.mappings_of(rid) if m.block}

    assert "threat-modelling" in blocks("PW.1.1")
    assert blocks("PO.5.1") == {"secure-development-environment"}
    assert blocks("PW.7.2") == {"code-review-and-analysis"}
    assert "release-integrity-and-provenance" in blocks("PS.3.2")
    assert blocks("RV.3.4") == {"root-cause-improvement"}


def test_ssdf_response_tasks_are_set_off_by_vulnerabilities(catalog: Catalog) -> None:
    ssdf = catalog.instrument("us-nist-sp-800-218@1.1")
    events = {r.ref: r.trigger.event for r in ssdf.requirements if r.trigger}
    assert events["RV.1.1"] is TriggerEvent.VULNERABILITY_REPORT
    assert events["RV.2.2"] is TriggerEvent.VULNERABILITY_KNOWN
    # the SSDF sets no deadline as a number anywhere
    assert all(r.trigger.within_hours is None for r in ssdf.requirements if r.trigger)


# --- SBOM minimum elements --------------------------------------------------------------


def test_ntia_sets_seven_fields_at_top_level_depth(catalog: Catalog) -> None:
    ntia = catalog.instrument("us-ntia-sbom-min@2021")
    [published] = ntia.dates
    assert published.date == dt.date(2021, 7, 12)
    key = "us-ntia-sbom-min@2021"
    assert values(catalog, key, "data-fields", "sbom-data-fields") == {"data_fields": 7}
    assert values(catalog, key, "depth", "sbom-coverage") == {"depth": "top-level"}
    practices = [r.ref for r in ntia.requirements if r.parent == "PP"]
    assert len(practices) == 6


def test_cisa_draft_tightens_depth_drops_swid_and_was_replaced(catalog: Catalog) -> None:
    cisa = catalog.instrument("us-cisa-sbom-min@2025")
    dates = {d.kind.value: d.date for d in cisa.dates}
    assert dates["published"] == dt.date(2025, 8, 22)
    assert dates["withdrawn"] == dt.date(2026, 7, 29)
    assert values(catalog, "us-cisa-sbom-min@2025", "coverage", "sbom-coverage") == {
        "depth": "transitive"
    }
    # the NTIA seven under new names, and four added: hash, licence, tool, generation context
    assert values(catalog, "us-cisa-sbom-min@2025", "data-fields", "sbom-data-fields") == {
        "data_fields": 11
    }
    [formats] = [r for r in cisa.requirements if r.ref == "formats"]
    assert "SWID tags are no longer listed" in formats.gist
    assert {r.confidence for r in cisa.requirements} == {Confidence.SECONDARY}


# --- IEC 62443-4-1 ----------------------------------------------------------------------


def test_62443_4_1_has_47_shall_requirements_in_eight_practices(catalog: Catalog) -> None:
    sdl = catalog.instrument("iec-62443-4-1@2018")
    assert Counter(r.parent for r in sdl.requirements) == {
        "SM": 13,
        "SR": 5,
        "SD": 4,
        "SI": 2,
        "SVV": 5,
        "DM": 6,
        "SUM": 5,
        "SG": 7,
    }
    assert {(r.strength.value, r.status) for r in sdl.requirements} == {("shall", "M")}
    [sum5] = [r for r in sdl.requirements if r.ref == "SUM-5"]
    # the patch timeframe is the supplier's own policy: no number
    assert sum5.trigger is not None
    assert (sum5.trigger.event, sum5.trigger.within_hours) == (
        TriggerEvent.VULNERABILITY_KNOWN,
        None,
    )
    assert not any(r.parameters for r in sdl.requirements)


def test_62443_4_1_maps_threat_model_and_coding_standards(catalog: Catalog) -> None:
    key = "iec-62443-4-1@2018"
    inst = catalog.instrument(key)
    found = {
        (ref, m.block, m.relationship.value)
        for ref in ("SR-2", "SI-2")
        for m in catalog.mappings_of(inst.requirement_id(ref))
    }
    assert found == {
        ("SR-2", "threat-modelling", "equal"),
        ("SI-2", "secure-coding-practices", "equal"),
    }


# --- ISO/IEC 30111 ----------------------------------------------------------------------


def test_30111_phases_are_unverified_and_not_an_edge_to_29147(catalog: Catalog) -> None:
    handling = catalog.instrument("iso-iec-30111@2019")
    assert [r.ref for r in handling.requirements] == [
        "preparation",
        "receipt",
        "verification",
        "remediation-development",
        "release",
        "post-release",
    ]
    assert {r.confidence for r in handling.requirements} == {Confidence.UNVERIFIED}
    assert handling.dates[0].date == dt.date(2019, 10, 1)
    assert "iso-iec-29147" in handling.note
    touching = [e for e in catalog.recognitions if "iso-iec-30111" in (e.origin + " " + e.target)]
    assert touching == []


# --- actors and the hub -----------------------------------------------------------------


def test_every_requirement_names_its_actors(catalog: Catalog) -> None:
    for key in PROCESS:
        inst = catalog.instrument(key)
        assert all(r.actors for r in inst.requirements), key
        union = {a for r in inst.requirements for a in r.actors}
        assert union == set(inst.actors), key
    ssdf = catalog.instrument("us-nist-sp-800-218@1.1")
    assert set(ssdf.actors) == {Actor.MANUFACTURER, Actor.DEVELOPER}


def test_new_process_blocks_refine_secure_development_or_sbom(catalog: Catalog) -> None:
    refining = Counter(b.refines for b in catalog.blocks.values())
    assert refining["secure-development"] == 14
    assert refining["sbom"] == 5
    assert catalog.block("sbom-data-fields").parameter("data_fields") is not None
    assert catalog.block("vulnerability-handling-process").refines is None


# --- applies --------------------------------------------------------------------------


def test_software_in_the_us_is_offered_ssdf_and_ntia_not_the_replaced_draft(
    catalog: Catalog,
) -> None:
    found = ask(catalog, "software-product", "US", "2026-11-30")
    assert found["us-nist-sp-800-218@1.1"] == "voluntary"
    assert found["us-ntia-sbom-min@2021"] == "voluntary"
    assert found["us-cisa-sbom-min@2025"] == "repealed"
    assert found["iso-iec-30111@2019"] == "voluntary"
    # while the draft was out for comment it was on offer
    assert ask(catalog, "software-product", "US", "2026-01-15")["us-cisa-sbom-min@2025"] == (
        "voluntary"
    )


def test_ssdf_was_not_out_in_january_2022(catalog: Catalog) -> None:
    found = ask(catalog, "operating-system", "US", "2022-01-15")
    assert found["us-nist-sp-800-218@1.1"] == "upcoming"
    assert found["us-ntia-sbom-min@2021"] == "voluntary"


def test_us_process_guidance_stays_out_of_other_markets(catalog: Catalog) -> None:
    found = ask(catalog, "software-product", "GB", "2026-11-30")
    assert not any(key.startswith(("us-nist-sp-800-218", "us-ntia", "us-cisa")) for key in found)


def test_62443_4_1_is_for_industrial_components_not_consumer_cameras(catalog: Catalog) -> None:
    assert ask(catalog, "industrial-device", "EU", "2026-11-30")["iec-62443-4-1@2018"] == (
        "voluntary"
    )
    assert ask(catalog, "smart-camera", "EU", "2026-11-30")["iec-62443-4-1@2018"] == (
        "out-of-scope"
    )
