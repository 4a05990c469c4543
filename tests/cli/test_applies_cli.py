"""`prodsec applies` on the command line: text, JSON, CSV and bad input."""

from __future__ import annotations

import json
from collections.abc import Callable

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py


def test_radio_smart_speaker_in_the_eu_as_text(run: Run) -> None:
    code, out, _ = run(
        "applies", "-c", "smart-speaker", "-m", "EU", "--on", "2025-09-01", "--feature", "radio"
    )
    assert code == 0
    assert out.splitlines()[:16] == [
        "smart-speaker on 2025-09-01 (features: internet-connectable, radio)",
        "",
        "EU: European Union (the single market as a whole)",
        "  binds        eu-red-da@2022-30: applies since 2025-08-01, until 2027-12-11",
        "               from 2025-08-01: Art3-3d",
        "               not applicable to this product: Art3-3e, Art3-3f",
        "               routes: module-a-harmonised, module-b-c, module-h",
        "               presumption of conformity from en-18031@1-2024: met \u2192 Art3-3d "
        "(2 restrictions)",
        "               presumption of conformity from en-18031@2-2024: met \u2192 Art3-3e "
        "(3 restrictions)",
        "               presumption of conformity from en-18031@3-2024: met \u2192 Art3-3f "
        "(3 restrictions)",
        "  upcoming     eu-cra@2024-2847: applies from 2026-09-11",
        "               class: Default product",
        "               from 2026-09-11: Art14-1, Art14-3, Art14-8",
        "               from 2027-12-11: 38 requirements",
        "               routes: module-a, module-b-c, module-h, eu-certification",
        "  voluntary    en-18031@1-2024: voluntary-with-legal-effect; on offer to the product",
    ]


def test_json_groups_findings_per_market(run: Run) -> None:
    code, out, _ = run(
        "applies", "--category", "smart-camera", "--market", "GB", "--market", "AU,EU",
        "--on", "2026-06-01", "--format", "json",
    )  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert (doc["category"], doc["on"], doc["features"], doc["implied_features"]) == (
        "smart-camera",
        "2026-06-01",
        [],
        ["internet-connectable"],
    )
    summary = {
        m["market"]: {
            group: [f["instrument"] for f in m[group]]
            for group in ("binds", "upcoming", "voluntary", "not_applicable")
        }
        for m in doc["markets"]
    }
    assert summary == {
        "GB": {
            "binds": ["uk-psti@2025-12-04"],
            "upcoming": [],
            "voluntary": [
                "etsi-en-303-645@3.1.3",
                "etsi-ts-103-701@1.1.1",
                "iso-iec-15408-2022@2022",
                "iso-iec-29147@2018",
                "iso-iec-30111@2019",
                "uk-cop-iot@2018",
            ],
            "not_applicable": ["iec-62443-4-1@2018", "iec-62443-4-2@2019"],
        },
        "AU": {
            "binds": ["au-smart-devices@2025"],
            "upcoming": [],
            "voluntary": [
                "etsi-en-303-645@3.1.3",
                "etsi-ts-103-701@1.1.1",
                "iso-iec-15408-2022@2022",
                "iso-iec-29147@2018",
                "iso-iec-30111@2019",
            ],
            "not_applicable": ["iec-62443-4-1@2018", "iec-62443-4-2@2019"],
        },
        "EU": {
            "binds": [],
            "upcoming": ["eu-cra@2024-2847"],
            "voluntary": [
                "etsi-en-303-645@3.1.3",
                "etsi-ts-103-701@1.1.1",
                "eu-eucc@2024-482",
                "iso-iec-15408-2022@2022",
                "iso-iec-29147@2018",
                "iso-iec-30111@2019",
            ],
            "not_applicable": [
                "en-18031@1-2024",
                "en-18031@2-2024",
                "en-18031@3-2024",
                "eu-ai-act@2024-1689",
                "eu-machinery@2023-1230",
                "eu-mdr-cyber@2017-745",
                "eu-red-da@2022-30",
                "iec-62443-4-1@2018",
                "iec-62443-4-2@2019",
                "unece-r155@00-series",
                "unece-r156@00-series",
            ],
        },
    }
    # Labels held in Singapore or Japan count for PSTI (Conditions B and C).
    [psti] = doc["markets"][0]["binds"]
    assert [(e["id"], e["origin"], e["origin_level"]) for e in psti["recognitions"]] == [
        ("psti-sch2-passwords", "etsi-en-303-645@2.1.1", None),
        ("psti-sch2-reporting", "etsi-en-303-645@2.1.1", None),
        ("psti-sch2-reporting-iso", "iso-iec-29147@2018", None),
        ("psti-sch2-support-period", "etsi-en-303-645@2.1.1", None),
        ("cls-psti-condition-c", "sg-cls", "1"),
        ("jc-star-psti-condition-b", "jp-jc-star", "1"),
    ]
    [cra] = doc["markets"][2]["upcoming"]
    assert cra["product_class"] == {
        "id": "important-class-i",
        "title": "Important product, class I (Annex III)",
    }
    [informing] = [o for o in cra["obligations"] if o["ref"] == "Art14-8"]
    assert informing == {
        "ref": "Art14-8",
        "title": "Inform users",
        "applies_from": "2026-09-11",
        "in_effect": False,
        "confidence": "verified",
    }


def test_csv_names_the_exclusion_that_rules_an_instrument_out(run: Run) -> None:
    code, out, _ = run("applies", "-c", "laptop", "-m", "GB", "--on", "2026-06-01", "-f", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "market,instrument,state,starts,ends,class,routes,obligations,reason"
    assert [line for line in lines if ",uk-psti@" in line] == [
        (
            "GB,uk-psti@2025-12-04,excluded,2025-12-04,,,,,"
            "Laptop computers are excepted unless designed exclusively for children under 14."
        )
    ]


def test_bad_date_exits_2_and_says_the_format(run: Run) -> None:
    code, out, err = run("applies", "-c", "router", "-m", "SG", "--on", "01/06/2026")
    assert (code, out) == (2, "")
    assert err == "error: --on: '01/06/2026' is not a date; write it as YYYY-MM-DD\n"


def test_unknown_market_exits_2_with_valid_values(run: Run) -> None:
    code, out, err = run("applies", "-c", "router", "-m", "GB,US-NY", "--on", "2026-06-01")
    assert (code, out) == (2, "")
    assert err.startswith("error: unknown market 'US-NY'; did you mean US-OR, US-CA?")
    assert err.rstrip().endswith("valid values: " + (
        "AT, AU, BE, BG, BR, CN, CY, CZ, DE, DK, EE, ES, EU, FI, FR, GB, GB-NIR, GR, HR, HU, "
        "IE, IN, IT, JP, KR, LT, LU, LV, MT, NL, PL, PT, RO, SE, SG, SI, SK, US, US-CA, US-OR, VN"
    ))  # fmt: skip


def test_unknown_category_exits_2_with_near_matches(run: Run) -> None:
    code, _, err = run("applies", "-c", "smart-watch", "-m", "GB")
    assert code == 2
    assert err.startswith("error: unknown category 'smart-watch'; did you mean ")
    assert "valid values: aircraft-equipment, anti-malware, baby-monitor" in err
