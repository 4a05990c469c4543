"""`prodsec assess` and `prodsec plan` on the command line: output, exit codes, batches."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def ex(name: str) -> str:
    return str(EXAMPLES / f"{name}.yaml")


def test_exit_0_when_every_binding_instrument_is_met(run: Run) -> None:
    code, out, _ = run("assess", ex("smart-plug-cls"), "--on", "2026-01-15")
    assert code == 0
    assert out.splitlines()[:3] == [
        "Example Home Pte Ltd PlugMate 2 (smart-appliance) in GB on 2026-01-15: every binding "
        "instrument met",
        "",
        "compliant      uk-psti@2025-12-04 [binds in GB]; routes: statement-of-compliance, "
        "schedule-2-standards, jc-star-star-1-label, sg-cls-label",
    ]
    code, out, _ = run("assess", ex("smart-plug-cls"), "--on", "2025-11-01")
    assert code == 1
    assert "incomplete     uk-psti@2025-02-25 [binds in GB]" in out


def test_json_and_markets_override(run: Run) -> None:
    code, out, _ = run("assess", ex("smart-camera"), "--on", "2028-01-01", "-m", "EU", "-f", "json")
    doc = json.loads(out)
    assert (code, doc["markets"], doc["all_binding_met"]) == (1, ["EU"], False)
    [cra] = doc["instruments"]
    assert (cra["instrument"], cra["standing"], cra["product_class"]) == (
        "eu-cra@2024-2847",
        "not-compliant",
        "important-class-i",
    )
    [support] = [r for r in cra["requirements"] if r["ref"] == "Art13-8"]
    assert support["blocks"] == [
        {"block": "minimum-support-period", "verdict": "not-met"},
        {"block": "support-period-rationale", "verdict": "unknown"},
        {"block": "vulnerability-monitoring", "verdict": "unknown"},
    ]


def test_markdown_and_html_reports(run: Run) -> None:
    code, out, _ = run(
        "assess", ex("smart-camera-default-password"), "--on", "2026-06-01", "-m", "GB", "-f", "md"
    )
    assert code == 1
    assert out.splitlines()[0] == (
        "# Example Cameras Ltd HomeCam 3 (default password) (smart-camera) in GB on 2026-06-01: "
        "not every binding instrument met"
    )
    assert "| Sch1-1 | not-met | no-universal-default-passwords: claimed not met; " in out
    code, out, _ = run("assess", ex("laptop"), "--on", "2026-06-01", "-f", "html")
    assert code == 0
    assert out.startswith("<!doctype html><html lang='en'>")
    assert (
        "<h1>Example Computers plc Notebook 14 (laptop) in GB on 2026-06-01: every binding " in out
    )


def test_bad_profiles_and_options_exit_2(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("manufacturer: Acme\nmodel: X\ncategory: laptopp\nmarkets: [GB]\n")
    code, out, err = run("assess", str(bad))
    assert (code, out) == (2, "")
    assert err == (
        "error: 1 problem in the product profile\n"
        f"{bad}:3: category: unknown category 'laptopp'; did you mean laptop?\n"
    )
    code, _, err = run("assess", ex("laptop"), "--on", "2026-6-1")
    assert (code, err) == (2, "error: --on: '2026-6-1' is not a date; write it as YYYY-MM-DD\n")
    code, _, err = run("assess")
    assert (code, err) == (2, "error: give one PRODUCT file or --batch DIR|FILE.jsonl\n")


def test_batch_of_a_folder_and_of_json_lines(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("assess", "--batch", str(EXAMPLES), "--on", "2026-06-01", "-f", "json")
    doc = json.loads(out)
    assert code == 1
    assert [(Path(r["source"]).name, r["all_binding_met"]) for r in doc["products"]] == [
        ("laptop.yaml", True),
        ("smart-camera-default-password.yaml", False),
        ("smart-camera.yaml", False),
        ("smart-plug-cls.yaml", True),
        ("smart-speaker-bsi.yaml", False),
    ]
    lines = tmp_path / "fleet.jsonl"
    good = yaml.safe_load((EXAMPLES / "smart-plug-cls.yaml").read_text())
    lines.write_text(
        json.dumps(good, default=str) + "\n"
        + json.dumps({**good, "category": "plug"}, default=str) + "\n"
        + "{not json\n",
        encoding="utf-8",
    )  # fmt: skip
    code, out, err = run("assess", "--batch", str(lines), "--on", "2026-01-15", "-f", "csv")
    assert code == 2
    assert out.splitlines() == [
        "source,product,compliant,not_compliant,incomplete,all_binding_met",
        f"{lines}:1,Example Home Pte Ltd PlugMate 2,1,0,0,True",
    ]
    assert err.splitlines()[-2:] == [
        f"error: {lines}:2: category: unknown category 'plug'",
        f"error: {lines}:3: (syntax): Expecting property name enclosed in double quotes",
    ]


def test_plan_table_and_json(run: Run) -> None:
    code, out, _ = run(
        "plan",
        ex("smart-camera-default-password"),
        "-m",
        "GB,AU",
        "--on",
        "2026-06-01",
        "-f",
        "csv",
    )
    assert (code, out.splitlines()) == (
        0,
        [
            "fix,cost,parameters,markets,helps",
            'no-universal-default-passwords,3,,"AU, GB","au-smart-devices@2025:Sch1-2, '
            'uk-psti@2025-12-04:Sch1-1"',
            'strong-preinstalled-passwords,4,,"AU, GB","au-smart-devices@2025:Sch1-2, '
            'uk-psti@2025-12-04:Sch1-1"',
        ],
    )
    code, out, _ = run(
        "plan", ex("smart-camera"), "--on", "2028-01-01", "--drop-market", "SG,AU,GB", "-f", "json"
    )
    doc = json.loads(out)
    assert (code, doc["markets"]) == (0, ["EU"])
    assert {"block": "sbom", "cost": 4.0, "parameters": {"depth": "top-level"}, "markets": ["EU"],
            "helps": ["eu-cra@2024-2847:AnnexI-II-1", "eu-cra@2024-2847:Conf-1"]} in doc["fixes"]  # fmt: skip
    code, out, _ = run(
        "plan", ex("laptop"), "--on", "2026-06-01", "--add-market", "AU", "-f", "json"
    )
    assert (code, json.loads(out)["markets"]) == (0, ["GB", "AU"])
    code, out, _ = run(
        "plan", ex("smart-camera"), "-m", "JP", "--on", "2026-06-01", "-l", "jp-jc-star:3",
        "-f", "csv",
    )  # fmt: skip
    assert (code, out.splitlines()) == (0, ["fix,cost,parameters,markets,helps",
                                            "(out of reach),,,,jp-jc-star 3"])  # fmt: skip
    # JC-STAR STAR-1 requirements that blocks only intersect need evidence of their own;
    # S1.1-01 does not: authentication and access control together cover it (joint)
    code, out, _ = run(
        "plan", ex("smart-camera"), "-m", "JP", "--on", "2026-06-01", "-l", "jp-jc-star:1",
        "-f", "csv",
    )  # fmt: skip
    assert (code, out.splitlines()[-3:]) == (0, [
        "obtain jp-jc-star level 1,4,,,jp-jc-star 1",
        "claim jp-jc-star@1.1:S1.1-06 with evidence,2,,,jp-jc-star 1",
        "claim jp-jc-star@1.1:checklist with evidence,2,,,jp-jc-star 1",
    ])  # fmt: skip


def test_plan_bad_input_exits_2(run: Run, tmp_path: Path) -> None:
    code, _, err = run("plan", ex("laptop"), "--labels", "sg-cls")
    assert (code, err) == (
        2,
        "error: --labels: 'sg-cls' is not SCHEME:LEVEL (for example sg-cls:2)\n",
    )
    code, _, err = run("plan", ex("laptop"), "--drop-market", "GB")
    assert (code, err) == (2, "error: --drop-market: no market is left to plan for\n")
    costs = tmp_path / "c.yaml"
    costs.write_text("[1, 2]\n")
    code, _, err = run("plan", ex("laptop"), "--costs", str(costs))
    assert code == 2
    assert err.startswith(f"error: --costs: {costs}: a costs file is a mapping")


def test_an_excepted_product_is_told_so_with_the_exception_and_its_source(run: Run) -> None:
    code, out, _ = run("assess", ex("laptop"), "--on", "2026-06-01")
    assert (code, out.splitlines()) == (
        0,
        [
            "Example Computers plc Notebook 14 (laptop) in GB on 2026-06-01: "
            "every binding instrument met",
            "",
            "excepted       uk-psti@2025-12-04 [GB]: Laptop computers are excepted unless "
            "designed exclusively for children under 14 (Sch 3 para 5 [UK-1007])",
        ],
    )
    code, out, _ = run("assess", ex("laptop"), "--on", "2026-06-01", "-f", "json")
    assert json.loads(out)["excepted"] == [
        {
            "instrument": "uk-psti@2025-12-04",
            "markets": ["GB"],
            "reason": "Laptop computers are excepted unless designed exclusively for children "
            "under 14",
            "source": "Sch 3 para 5 [UK-1007]",
        }
    ]


def test_an_upcoming_instrument_is_one_line_in_text_and_whole_in_json(run: Run) -> None:
    args = ("assess", ex("smart-camera"), "--on", "2026-06-01", "-m", "EU")
    code, out, _ = run(*args)
    assert code == 1
    assert (
        "upcoming       EU Cyber Resilience Act (eu-cra@2024-2847) binds from 2026-09-11 "
        "(all from 2027-12-11) in EU: 37 obligations, 8 claimed"
    ) in out.splitlines()
    assert "AnnexI-II-1" not in out
    code, out, _ = run(*args, "-f", "json")
    [cra] = [r for r in json.loads(out)["instruments"] if r["instrument"] == "eu-cra@2024-2847"]
    assert (cra["state"], len(cra["requirements"])) == ("upcoming", 37)


def test_batch_json_is_written_as_the_products_are_assessed(run: Run, tmp_path: Path) -> None:
    """The streamed document reads byte for byte as one `json.dumps(..., indent=2)`."""
    lines = tmp_path / "fleet.jsonl"
    good = yaml.safe_load((EXAMPLES / "smart-plug-cls.yaml").read_text())
    lines.write_text(json.dumps(good, default=str) + "\n{not json\n", encoding="utf-8")
    code, out, _ = run("assess", "--batch", str(lines), "--on", "2026-01-15", "-f", "json")
    row = {
        "source": f"{lines}:1",
        "product": "Example Home Pte Ltd PlugMate 2",
        "compliant": 1,
        "not_compliant": 0,
        "incomplete": 0,
        "all_binding_met": True,
    }
    problem = f"{lines}:2: (syntax): Expecting property name enclosed in double quotes"
    document = {"on": "2026-01-15", "products": [row], "problems": [problem]}
    assert (code, out) == (2, json.dumps(document, indent=2) + "\n")
    lines.write_text("{not json\n", encoding="utf-8")
    code, out, _ = run("assess", "--batch", str(lines), "--on", "2026-01-15", "-f", "json")
    document = {"on": "2026-01-15", "products": [], "problems": [problem.replace(":2:", ":1:")]}
    assert (code, out) == (2, json.dumps(document, indent=2) + "\n")
