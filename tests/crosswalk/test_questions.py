"""The checkable questions of the policy-mapping notes that the catalog answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Bindingness, Layer
from prodsec.crosswalk.measures import Counted, Selection, select, spread
from prodsec.crosswalk.questions import (
    duty_gaps,
    layer_gaps,
    parameter_pairs,
    requirement_row,
    spine_coverage,
    spine_uncovered,
    support_and_end_of_life,
    uncovered_categories,
)

BINDING_2028 = Selection(bindingness=(Bindingness.MANDATORY,), on=dt.date(2028, 1, 1))


def test_q3_who_requires_a_support_period_with_an_end_date(catalog: Catalog) -> None:
    rows = [
        (r["instrument"], r["requires"], r["requirements"])
        for r in (
            requirement_row(catalog, BINDING_2028, inst, "published-support-period")
            for inst in [
                catalog.instrument(k)
                for k in ("uk-psti", "au-smart-devices", "eu-cra", "us-ca-sb327")
            ]
        )
    ]
    assert rows == [
        ("uk-psti@2025-12-04", "full", "Sch1-3"),
        ("au-smart-devices@2025", "full", "Sch1-4"),
        ("eu-cra@2024-2847", "full", "Art13-19, AnnexII-1"),
        ("us-ca-sb327@2018", "no", ""),
    ]


def test_q16_who_requires_a_reporting_contact_but_no_response_timelines(
    catalog: Catalog,
) -> None:
    rows = [
        (r["instrument"], r["requires"], r["parameters"])
        for r in (
            requirement_row(catalog, BINDING_2028, inst, "vulnerability-disclosure-policy")
            for inst in select(catalog, BINDING_2028)
        )
        if r["requires"] != "no"
    ]
    assert rows == [
        ("au-smart-devices@2025", "full", "language=English, response_timelines=true"),
        ("br-anatel-77@2021", "partial", ""),
        ("cn-vuln-2021@2021", "partial", ""),
        ("eu-cra@2024-2847", "partial", ""),
        ("sg-imda-rg-sec@2", "partial", ""),
        ("uk-psti@2025-12-04", "full", "language=English, response_timelines=true"),
        ("us-fda-524b@2022", "partial", ""),
        ("vn-qcvn-135-2024@2024", "partial", ""),
    ]
    # the voluntary baseline asks for timelines in its current edition
    v3 = requirement_row(
        catalog,
        BINDING_2028,
        catalog.instrument("etsi-en-303-645@3.1.3"),
        "vulnerability-disclosure-policy",
    )
    assert (v3["requirements"], v3["parameters"]) == ("5.2-1", "response_timelines=true")


def test_q5_en_303_645_provisions_no_binding_regime_asks_for(catalog: Catalog) -> None:
    # Consumer devices only: a provision that vehicle, machinery or AI law asks of its own
    # products is still asked of no consumer device.
    selection = Selection(
        bindingness=(Bindingness.MANDATORY,),
        category="consumer-iot-device",
        on=dt.date(2028, 1, 1),
        jurisdictions=("GB", "AU", "EU"),
        requirements=Counted.MANDATORY,
    )
    insts, refs = spine_uncovered(catalog, selection, catalog.instrument("etsi-en-303-645@2.1.1"))
    assert [i.key for i in insts] == [
        "au-smart-devices@2025",
        "eu-cra@2024-2847",
        "uk-psti@2025-12-04",
    ]
    assert {"5.1-4", "5.1-5", "5.13-1", "6-1"} <= refs
    assert {"5.1-1", "5.2-1", "5.3-13"}.isdisjoint(refs)
    # the CRA's confidentiality of data in transit holds 5.5-6, 5.5-7, 5.8-1 and 5.8-2
    assert {"5.5-6", "5.5-7", "5.8-1", "5.8-2"}.isdisjoint(refs)
    assert len(refs) == 23


def test_q6_scheme_coverage_of_en_303_645_and_the_cls_redefinition(catalog: Catalog) -> None:
    spine = catalog.instrument("etsi-en-303-645@3.1.3")
    rows = {
        r["instrument"]: (r["full"], r["partial"])
        for r in spine_coverage(
            catalog,
            Selection(instruments=("sg-cls@2020", "sg-cls@2025", "fi-traficom-label")),
            spine,
        )
    }
    # through the hub's refinements each scheme's password requirement holds 5.1-2, and
    # the CLS update requirements share ground with 5.3-9 and 5.3-10
    assert rows == {
        "sg-cls@2020": (2, 7),
        "sg-cls@2025": (6, 16),
        "fi-traficom-label@2019": (8, 4),
    }


def test_q8_categories_every_binding_regime_leaves_out(catalog: Catalog) -> None:
    # China's vulnerability provisions reach every network product, so worldwide no
    # category is left out; without China, the CRA's exclusions are left to no one
    assert uncovered_categories(catalog, BINDING_2028) == []
    outside_china = dataclasses.replace(
        BINDING_2028,
        jurisdictions=("AU", "BR", "EU", "GB", "IN", "JP", "KR", "SG", "US-CA", "US-OR", "VN"),
    )
    rows = uncovered_categories(catalog, outside_china)
    assert [(r["category"], r["why"]) for r in rows] == [
        ("aircraft-equipment", "excluded by eu-cra@2024-2847"),
        ("marine-equipment", "excluded by eu-cra@2024-2847"),
        ("defence-product", "excluded by eu-cra@2024-2847"),
    ]


def test_q9_duty_of_care_gaps_per_jurisdiction(catalog: Catalog) -> None:
    rows = {r["jurisdiction"]: r["missing"] for r in duty_gaps(catalog, BINDING_2028)}
    assert rows == {
        "AU": "by-design, end-of-life",
        "BR": "",
        "CN": "by-default, end-of-life",
        "EU": "",
        "GB": "by-design, end-of-life",
        "IN": "by-default, end-of-life, transparency",
        # UN R155 and R156 bind vehicle types in Japan; neither asks anything at end of life
        "JP": "end-of-life",
        "KR": "by-design, lifecycle, end-of-life, transparency",
        "SG": "end-of-life, transparency",
        "US": "by-default, end-of-life, transparency",
        "US-CA": "lifecycle, end-of-life, transparency",
        "US-OR": "lifecycle, end-of-life, transparency",
        "VN": "transparency",
    }


def test_q10_what_only_principles_and_outcomes_ask_for(catalog: Catalog) -> None:
    selection = Selection(
        jurisdictions=("US", "INT"), layers=(Layer.PRINCIPLE, Layer.OUTCOME, Layer.BASELINE)
    )
    # in the US and internationally, sharing vulnerability information is asked for only
    # by the OECD and UN norms and the industry's own charters, with no baseline beneath
    rows = {r["block"]: r["asked_by"] for r in layer_gaps(catalog, selection)}
    assert rows == {
        "vulnerability-information-sharing": "charter-of-trust@2018 (partly), oecd-0482@2022, "
        "paris-call@2018 (partly), tech-accord@2018 (partly), un-gge-2021@A-76-135",
        "support-period-rationale": "us-nist-ir-8259b@2021 (partly)",
        "component-inventory": "us-nist-ir-8425@2022 (partly)",
        "secure-by-default-configuration": "charter-of-trust@2018, oecd-0481@2022, "
        "us-nist-ir-8259a@2020 (partly), "
        "us-nist-ir-8425@2022 (partly), us-nist-sp-800-218@1.1 (partly)",
        # SSDF's policy for handling vulnerabilities; the standards that spell the process
        # out (IEC 62443-4-1, ISO/IEC 30111) are specifications, outside this selection
        "vulnerability-handling-process": "us-nist-sp-800-218@1.1 (partly)",
        "user-incident-notification": "us-nist-ir-8259b@2021 (partly)",
        # IR 8259A's cryptographic modules keep stored and sent data intact, too
        "data-integrity": "us-nist-ir-8259a@2020 (partly)",
    }


def test_q7_over_the_atlas_one_unordered_pair_and_the_rest_ordered(catalog: Catalog) -> None:
    rows = parameter_pairs(catalog, Selection())
    assert Counter(r["relation"] for r in rows) == {"stricter-than": 27, "conflicts-with": 2}
    # SBOM depth has no direction in the hub, so the CISA draft's transitive bill and the
    # top-level bills of NTIA and the CRA come out as unordered pairs (docs/harmonisation.md)
    unordered = [
        (r["block"], r["parameter"], r["requirement"], r["value"], r["other"], r["other_value"])
        for r in rows
        if r["relation"] == "conflicts-with"
    ]
    assert unordered == [
        (
            "sbom-coverage",
            "depth",
            "eu-cra@2024-2847:AnnexI-II-1",
            "top-level",
            "us-cisa-sbom-min@2025:coverage",
            "transitive",
        ),
        (
            "sbom-coverage",
            "depth",
            "us-cisa-sbom-min@2025:coverage",
            "transitive",
            "us-ntia-sbom-min@2021:depth",
            "top-level",
        ),
    ]
    reporting = {
        (r["requirement"], r["other"])
        for r in rows
        if r["parameter"] in ("early_warning_hours", "notification_hours")
    }
    assert reporting == {
        ("eu-cra@2024-2847:Art14-1", "cn-vuln-2021@2021:Art7(2)-report"),
        ("eu-cra@2024-2847:Art14-3", "eu-ai-act@2024-1689:73(1-2)"),
        ("eu-ai-act@2024-1689:73(3)", "eu-cra@2024-2847:Art14-3"),
        ("eu-cra@2024-2847:Art14-3", "eu-ai-act@2024-1689:73(5)"),
    }


def test_q17_over_the_atlas(catalog: Catalog) -> None:
    rows = support_and_end_of_life(catalog, Selection())
    assert Counter(r["answer"] for r in rows) == {
        "distinguishes": 9,
        "ties together": 2,
        "end of support only": 7,
        "end of life only": 3,
        "neither": 40,
    }
    answers = {r["instrument"]: r["answer"] for r in rows}
    assert [k for k, v in answers.items() if v == "ties together"] == [
        "oecd-0481@2022",
        "uk-cop-iot@2018",
    ]
    assert (
        answers["br-anatel-77@2021"],
        answers["unece-r155@00-series"],
        answers["vn-qcvn-135-2024@2024"],
        answers["eu-ai-act@2024-1689"],
    ) == ("distinguishes", "end of support only", "end of life only", "neither")


def test_q2_two_binding_regimes_set_a_reporting_deadline(catalog: Catalog) -> None:
    found = spread(catalog, Selection(bindingness=(Bindingness.MANDATORY,)), "early_warning_hours")
    assert sorted({(s.instrument.key, s.value) for s in found.settings}) == [
        ("cn-vuln-2021@2021", 48),
        ("eu-cra@2024-2847", 24),
    ]
    assert len(found.silent) == 20
