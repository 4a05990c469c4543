"""Who bears a duty: `assess --role`, event duties with their trigger, other actors'
duties listed apart, with profiles written from the regimes' texts (tests/assets/actors)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from prodsec.assess.evaluate import role_of
from prodsec.catalog.vocab import Actor
from prodsec.errors import BadInputError

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py
ASSETS = Path(__file__).resolve().parents[1] / "assets" / "actors"
PSTI = (
    "compliant      uk-psti@2025-12-04 [binds in GB]; routes: statement-of-compliance, "
    "schedule-2-standards, jc-star-star-1-label, sg-cls-label"
)
DUTIES_1 = (
    "               event duty     Duties-1 (on noncompliance-known, as soon as possible): "
    "unknown: non-compliance-notification: nothing claimed"
)


def asset(name: str) -> str:
    return str(ASSETS / f"{name}.yaml")


def test_schedule_1_met_with_a_statement_is_compliant(run: Run) -> None:
    code, out, _ = run("assess", asset("camera-psti-manufacturer"), "--on", "2026-01-15")
    assert code == 0
    assert out.splitlines() == [
        "Actors Cameras Ltd DoorCam 2 (smart-camera) in GB on 2026-01-15: every binding "
        "instrument met",
        "",
        PSTI,
        "               4 met, 1 unknown",
        DUTIES_1,
        "               other actors   importer, distributor: Duties-2",
    ]


def test_the_json_keeps_the_trigger_and_the_other_actors(run: Run) -> None:
    code, out, _ = run(
        "assess", asset("camera-psti-manufacturer"), "--on", "2026-01-15", "-f", "json"
    )
    doc = json.loads(out)
    assert (code, doc["role"], doc["all_binding_met"]) == (0, "manufacturer", True)
    [psti] = doc["instruments"]
    assert psti["standing"] == "compliant"
    duties = {j["ref"]: j["trigger"] for j in psti["requirements"]}
    assert duties == {
        "Sch1-1": None,
        "Sch1-2": None,
        "Sch1-3": None,
        "Sch4-1": None,
        "Duties-1": {
            "event": "noncompliance-known",
            "deadline": "as soon as possible",
            "within_hours": None,
        },
    }
    assert psti["other_actors"] == [
        {
            "ref": "Duties-2",
            "title": "Importer and distributor checks",
            "actors": ["importer", "distributor"],
        }
    ]


def test_a_current_cls_label_is_deemed_compliance_in_gb(run: Run) -> None:
    code, out, _ = run("assess", asset("plug-cls-no-duties"), "--on", "2026-01-15")
    assert code == 0
    lines = out.splitlines()
    assert lines[2:6] == [
        PSTI,
        "               4 met, 1 unknown",
        DUTIES_1,
        "               other actors   importer, distributor: Duties-2",
    ]
    code, out, _ = run("assess", asset("plug-cls-no-duties"), "--on", "2026-01-15", "-f", "json")
    [psti] = json.loads(out)["instruments"]
    edges = {j["ref"]: j["edge"] for j in psti["requirements"]}
    assert {ref: edges[ref] for ref in ("Sch1-1", "Sch1-2", "Sch1-3", "Sch4-1")} == dict.fromkeys(
        ("Sch1-1", "Sch1-2", "Sch1-3", "Sch4-1"), "cls-psti-condition-c"
    )


def test_the_cra_reporting_duties_show_24_and_72_hours(run: Run) -> None:
    code, out, _ = run("assess", asset("router-cra"), "--on", "2026-10-01")
    assert code == 1
    lines = out.splitlines()
    assert (
        "               event duty     Art14-1 (on exploited-vulnerability, early warning "
        "within 24 h of becoming aware, notification within 72 h, final report within 14 days "
        "of a corrective or mitigating measure): met: exploited-vulnerability-reporting: "
        "claimed met"
    ) in lines
    assert (
        "               event duty     Art14-3 (on severe-incident, early warning within 24 h "
        "of becoming aware, notification within 72 h, final report within one month of the "
        "notification): unknown: incident-reporting: nothing claimed"
    ) in lines
    code, out, _ = run("assess", asset("router-cra"), "--on", "2026-10-01", "-f", "json")
    cra = next(r for r in json.loads(out)["instruments"] if r["instrument"] == "eu-cra@2024-2847")
    triggers = {j["ref"]: j["trigger"] for j in cra["requirements"] if j["trigger"]}
    assert triggers["Art14-1"]["within_hours"] == 24
    assert triggers["Art14-3"]["within_hours"] == 24
    assert sorted(triggers) == [
        "AnnexI-II-2",
        "Art13-6",
        "Art13-corrective",
        "Art14-1",
        "Art14-3",
        "Art14-8",
    ]
    # the reporting duties are in effect from 2026-09-11; an unknown one (Art14-3) does not
    # make the CRA incomplete, and nothing else is in effect yet
    assert cra["standing"] == "compliant"


def test_an_importer_bears_and_is_judged_on_its_own_duties(run: Run) -> None:
    code, out, _ = run(
        "assess", asset("camera-psti-manufacturer"), "--on", "2026-01-15", "--role", "importer"
    )
    assert code == 1
    assert out.splitlines() == [
        "Actors Cameras Ltd DoorCam 2 (smart-camera) in GB on 2026-01-15 as importer: not every "
        "binding instrument met",
        "",
        "incomplete     uk-psti@2025-12-04 [binds in GB]; routes: statement-of-compliance, "
        "schedule-2-standards, jc-star-star-1-label, sg-cls-label",
        "               1 met, 2 unknown",
        DUTIES_1,
        "               unknown        Duties-2: economic-operator-duties: nothing claimed",
        "               other actors   manufacturer: Sch1-1, Sch1-2, Sch1-3",
    ]
    code, out, _ = run(
        "assess",
        asset("camera-psti-manufacturer"),
        "--on",
        "2026-01-15",
        "--role",
        "importer",
        "-f",
        "json",
    )
    [psti] = json.loads(out)["instruments"]
    assert [j["ref"] for j in psti["requirements"]] == ["Sch4-1", "Duties-1", "Duties-2"]
    assert psti["counts"] == {"met": 1, "unknown": 2}


def test_a_bad_role_names_the_value_and_the_choices(run: Run) -> None:
    code, _, err = run("assess", asset("camera-psti-manufacturer"), "--role", "seller")
    assert code == 2
    assert (
        "Invalid value for '--role': 'seller' is not one of 'manufacturer', 'importer', "
        "'distributor', 'authorised-representative', 'open-source-steward', 'developer', "
        "'scheme-owner', 'lab', 'government', 'operator', 'deployer'."
    ) in " ".join(err.replace("│", " ").split())
    with pytest.raises(BadInputError) as caught:
        role_of("seller")
    assert str(caught.value) == (
        "role: 'seller' is not an actor; choose one of manufacturer, importer, distributor, "
        "authorised-representative, open-source-steward, developer, scheme-owner, lab, "
        "government, operator, deployer"
    )
    assert role_of("importer") is Actor.IMPORTER


def test_the_plan_never_proposes_another_actors_duty(run: Run) -> None:
    code, out, _ = run(
        "plan", asset("camera-psti-manufacturer"), "--on", "2026-01-15", "-f", "json"
    )
    doc = json.loads(out)
    assert (code, doc["role"], doc["fixes"], doc["total_cost"]) == (0, "manufacturer", [], 0)
    assert doc["duties"] == [
        {
            "requirement": "uk-psti@2025-12-04:Duties-1",
            "trigger": {
                "event": "noncompliance-known",
                "deadline": "as soon as possible",
                "within_hours": None,
            },
            "verdict": "unknown",
            "blocks": ["non-compliance-notification"],
        }
    ]
    code, out, _ = run(
        "plan", asset("camera-psti-manufacturer"), "--on", "2026-01-15", "--role", "importer",
        "-f", "json",
    )  # fmt: skip
    doc = json.loads(out)
    assert [(f["block"], f["helps"]) for f in doc["fixes"]] == [
        ("economic-operator-duties", ["uk-psti@2025-12-04:Duties-2"])
    ]


def test_markdown_and_html_show_excepted_event_and_other_duties(run: Run) -> None:
    code, out, _ = run(
        "assess", asset("camera-psti-manufacturer"), "--on", "2026-01-15", "-f", "md"
    )
    assert code == 0
    assert "| Duties-1 | noncompliance-known | as soon as possible | unknown |" in out
    assert "| Duties-2 | importer, distributor |" in out
    laptop = str(Path(__file__).resolve().parents[2] / "examples" / "laptop.yaml")
    code, out, _ = run("assess", laptop, "--on", "2026-01-15", "-m", "GB", "-f", "md")
    assert "## Excepted" in out
    assert (
        "| uk-psti@2025-12-04 | GB | Laptop computers are excepted unless designed exclusively "
        "for children under 14 (Sch 3 para 5 [UK-1007]) |"
    ) in out
    code, out, _ = run("assess", laptop, "--on", "2026-01-15", "-m", "GB", "-f", "html")
    assert "<h2>Excepted</h2>" in out
    assert "<td>Sch 3 para 5 [UK-1007]</td>" in out
    code, out, _ = run(
        "assess", asset("camera-psti-manufacturer"), "--on", "2026-01-15", "-f", "html"
    )
    assert "<td>on noncompliance-known, as soon as possible</td>" in out
    assert "<caption>Duties of other actors</caption>" in out
