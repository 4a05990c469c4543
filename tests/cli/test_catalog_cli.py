"""The `prodsec` command run for real against the packaged catalog, exact output compared."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py


Editor = Callable[[Path, str, str], None]


def test_show_v2_as_json_lists_68_requirements_33_mandatory(run: Run) -> None:
    code, out, _ = run("catalog", "show", "etsi-en-303-645@2.1.1", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["id"], doc["edition"], doc["type"], doc["bindingness"]) == (
        "etsi-en-303-645",
        "2.1.1",
        "standard",
        "voluntary-with-legal-effect",
    )
    assert doc["jurisdictions"] == ["INT"]
    assert len(doc["requirements"]) == 68
    assert sum(r["status"].startswith("M") for r in doc["requirements"]) == 33
    first = doc["requirements"][1]
    assert {
        k: first[k] for k in ("ref", "id", "status", "conditions", "strength", "confidence")
    } == {
        "ref": "5.1-1",
        "id": "etsi-en-303-645@2.1.1:5.1-1",
        "status": "M C",
        "conditions": ["1"],
        "strength": "shall",
        "confidence": "verified",
    }
    assert first["mappings"] == [
        {
            "block": "no-universal-default-passwords",
            "relationship": "equal",
            "rationale": "semantic",
            "provenance": "our-analysis",
            "status": "draft",
            "confidence": "secondary",
            "bindings": {},
            "note": "",
        }
    ]


def test_show_one_requirement_as_csv(run: Run) -> None:
    code, out, _ = run("catalog", "show", "etsi-en-303-645@3.1.3", "5.1-5", "-f", "csv")
    assert code == 0
    rows = dict(list(csv.reader(io.StringIO(out)))[1:4])
    assert rows == {"ref": "5.1-5", "id": "etsi-en-303-645@3.1.3:5.1-5", "parent": "5.1"}
    assert 'status_code,"M C F (14, e)"' in out
    assert out.rstrip().endswith("mapping,brute-force-protection (equal)")


def test_show_one_requirement_names_who_bears_it_and_what_sets_it_off(run: Run) -> None:
    code, out, _ = run("catalog", "show", "eu-cra", "Art19-vulnerability", "-f", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert ["actors", "importer"] in rows
    assert [
        "trigger",
        "on vulnerability-known, without undue delay; at once where the product presents a "
        "significant cybersecurity risk",
    ] in rows
    assert [r[1] for r in rows if r[0] == "mapping"] == [
        "vulnerability-information-sharing (intersects-with)",
        "non-compliance-notification (intersects-with)",
    ]
    code, out, _ = run("catalog", "show", "eu-cra", "Art20-checks", "-f", "json")
    doc = json.loads(out)
    assert (doc["actors"], doc["trigger"], doc["confidence"]) == (
        ["distributor"],
        None,
        "unverified",
    )


def test_list_filters_by_type_and_jurisdiction(run: Run) -> None:
    code, out, _ = run("catalog", "list", "--jurisdiction", "gb", "--format", "csv")
    assert code == 0
    assert out == (
        "key,title,type,bindingness,jurisdictions,requirement_count\n"
        "fvey-iot-soi-2019@2019,Statement of Intent regarding the security of the Internet of "
        'Things,norm,voluntary,"AU, CA, NZ, GB, US",3\n'
        "uk-cop-iot@2018,Code of Practice for Consumer IoT Security,code-of-practice,voluntary,GB,13\n"
        'uk-psti@2024-04-29,"Product Security and Telecommunications Infrastructure Act 2022, Part 1, '
        "with the Product Security and Telecommunications Infrastructure (Security Requirements for "
        'Relevant Connectable Products) Regulations 2023 (SI 2023/1007)",regulation,mandatory,GB,6\n'
        'uk-psti@2025-02-25,"Product Security and Telecommunications Infrastructure Act 2022, Part 1, '
        "with the Product Security and Telecommunications Infrastructure (Security Requirements for "
        "Relevant Connectable Products) Regulations 2023 (SI 2023/1007), as amended by SI 2025/211"
        '",regulation,mandatory,GB,6\n'
        'uk-psti@2025-12-04,"Product Security and Telecommunications Infrastructure Act 2022, Part 1, '
        "with the Product Security and Telecommunications Infrastructure (Security Requirements for "
        "Relevant Connectable Products) Regulations 2023 (SI 2023/1007), as amended by SI 2025/211 "
        'and SI 2025/1267",regulation,mandatory,GB,7\n'
    )
    code, out, _ = run("catalog", "list", "--type", "standard", "-f", "json")
    assert [i["key"] for i in json.loads(out)] == [
        "cn-gb-40050@2021",
        "etsi-en-303-645@2.1.1",
        "etsi-en-303-645@3.1.3",
        "etsi-ts-103-701@1.1.1",
        "iec-62443-4-1@2018",
        "iec-62443-4-2@2019",
        "iso-iec-15408-2022@2022",
        "iso-iec-29147@2018",
        "iso-iec-30111@2019",
        "mds2@hn-1-2019",
    ]


def test_search_matches_every_word(run: Run) -> None:
    code, out, _ = run("catalog", "search", "support period", "-f", "json")
    assert code == 0
    found = [(h["kind"], h["instrument"], h["ref"]) for h in json.loads(out)]
    assert ("requirement", "etsi-en-303-645@2.1.1", "5.3-13") in found
    assert ("block", "", "published-support-period") in found
    assert (
        "requirement",
        "uk-cop-iot@2018",
        "3",
    ) not in found  # says "update period", not "support"


def test_diff_as_json(run: Run) -> None:
    code, out, _ = run(
        "catalog", "diff", "etsi-en-303-645@2.1.1", "etsi-en-303-645@3.1.3", "-f", "json"
    )
    assert code == 0
    doc = json.loads(out)
    assert (doc["old"], doc["new"], doc["unchanged"]) == (
        "etsi-en-303-645@2.1.1",
        "etsi-en-303-645@3.1.3",
        28,
    )
    assert doc["changes"][0] == {
        "kind": "split",
        "old": ["5.3-4"],
        "new": ["5.3-4A", "5.3-4B"],
        "detail": "5.3-4A R F (g), 5.3-4B R F (h)",
    }
    kinds = [c["kind"] for c in doc["changes"]]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "split": 6,
        "renumbered": 1,
        "added": 4,
        "status-changed": 30,
        "gist-changed": 10,
    }


def test_unknown_ids_exit_2_with_near_matches(run: Run) -> None:
    code, out, err = run("catalog", "show", "etsi-en-303-646@2.1.1")
    assert (code, out) == (2, "")
    assert err == (
        "error: unknown instrument 'etsi-en-303-646@2.1.1'; did you mean "
        "etsi-en-303-645@2.1.1, etsi-en-303-645@3.1.3, etsi-en-303-645?\n"
    )
    code, _, err = run("blocks", "show", "secure-bot")
    assert code == 2
    assert err.startswith("error: unknown building block 'secure-bot'; did you mean secure-boot, ")
    code, _, err = run("catalog", "show", "uk-cop-iot", "14")
    assert code == 2
    assert err == (
        "error: unknown requirement 'uk-cop-iot@2018:14'; "
        "did you mean uk-cop-iot@2018:4, uk-cop-iot@2018:1, uk-cop-iot@2018:13?\n"
    )


def test_diff_of_two_instruments_is_a_usage_error(run: Run) -> None:
    code, _, err = run("catalog", "diff", "uk-cop-iot@2018", "etsi-en-303-645@2.1.1")
    assert code == 2
    assert err == (
        "error: cannot diff editions of different instruments: uk-cop-iot@2018 and etsi-en-303-645@2.1.1\n"
    )


def test_blocks_show_lists_who_requires_it(run: Run) -> None:
    code, out, _ = run("blocks", "show", "no-universal-default-passwords", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["theme"], doc["duty_of_care"]) == ("authentication", "by-default")
    assert [m["requirement"] for m in doc["mapped_from"]] == [
        "au-smart-devices@2025:Sch1-2",
        "br-anatel-77@2021:5.1.4a",
        "br-anatel-77@2021:5.1.4c",
        "br-anatel-rciber@2024:Art8",
        "en-18031@1-2024:AUM-5-1",
        "en-18031@2-2024:AUM-5-1",
        "en-18031@3-2024:AUM-5-1",
        "etsi-en-303-645@2.1.1:5.1-1",
        "etsi-en-303-645@3.1.3:5.1-1",
        "eu-cra@2024-2847:AnnexI-I-2b",
        "fi-traficom-label@2019:5.1-1",
        "fvey-iot-soi-2019@2019:C1",
        "jp-jc-star@1.1:S1.1-02",
        "jp-mic-terminal-2020@2020:34-10(2)",
        "kr-kisa-cic@2021:A1",
        "kr-rra-video-pw-2019@2019:15-3",
        "oecd-0481@2022:P2",
        "sg-cls@2020:passwords",
        "sg-cls@2025:passwords",
        "sg-imda-rg-sec@2:L1",
        "uk-cop-iot@2018:1",
        "uk-psti@2024-04-29:Sch1-1",
        "uk-psti@2025-02-25:Sch1-1",
        "uk-psti@2025-12-04:Sch1-1",
        "us-ca-sb327@2018:1798.91.04(b)",
        "us-ca-sb327@2018:1798.91.04(b)(1)",
        "us-ca-sb327@2018:1798.91.04(b)(2)",
        "us-cisa-sbd-pledge@2024:2",
        "us-or-hb2395@2019:646A.813(3)",
        "us-or-hb2395@2019:646A.813(3)(a)(A)",
        "us-or-hb2395@2019:646A.813(3)(a)(B)",
        "vn-qcvn-135-2024@2024:G01",
    ]


def test_blocks_list_by_theme(run: Run) -> None:
    code, out, _ = run("blocks", "list", "--theme", "reporting", "-f", "csv")
    assert code == 0
    assert out.splitlines()[1:] == [
        "exploited-vulnerability-reporting,Actively exploited vulnerabilities reported to an authority,"
        'reporting,"early_warning_hours, notification_hours, final_report_days",2',
        "incident-reporting,Severe incidents reported to an authority,reporting,"
        '"early_warning_hours, notification_hours, final_report_months",5',
        "user-incident-notification,Users told of vulnerabilities and incidents,reporting,,4",
        "periodic-security-reporting,Periodic security report to an authority,reporting,"
        "interval_months,2",
    ]


def test_validate_packaged_data(run: Run) -> None:
    code, out, _ = run("catalog", "validate")
    assert code == 0
    assert (
        out == "ok: 67 instrument editions, 1026 requirements, 103 building blocks, 1480 mappings\n"
    )


def test_validate_broken_folder_exits_1_with_every_error(
    data_copy: Path, edit: Editor, run: Run
) -> None:
    edit(
        data_copy / "instruments/uk-cop-iot/2018.yaml",
        "bindingness: voluntary",
        "bindingness: optional",
    )
    edit(data_copy / "instruments/uk-cop-iot/2018.yaml", "layer: outcome", "layer: outcomes")
    code, out, _ = run("catalog", "validate", str(data_copy))
    assert code == 1
    name = data_copy / "instruments/uk-cop-iot/2018.yaml"
    assert out == (
        "2 problems in the catalog data\n"
        f"{name}:12: bindingness: Input should be 'mandatory', 'voluntary', "
        "'voluntary-with-legal-effect' or 'procurement'\n"
        f"{name}:13: layer: Input should be 'principle', 'outcome', 'baseline' or 'specification'\n"
    )


def test_schemas_are_current(tmp_path: Path, run: Run) -> None:
    code, _, _ = run("catalog", "schemas", str(tmp_path))
    assert code == 0
    packaged = Path(__file__).resolve().parents[2] / "src/prodsec/data/schemas"
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [
        "building-blocks.schema.json",
        "categories.schema.json",
        "features.schema.json",
        "instrument.schema.json",
        "mapping-set.schema.json",
        "markets.schema.json",
        "product.schema.json",
        "recognition.schema.json",
        "regions.schema.json",
    ]
    for name in written:
        assert (tmp_path / name).read_text() == (packaged / name).read_text(), name


def test_installed_console_script_runs(run: Run) -> None:
    exe = Path(sys.executable).with_name("prodsec")
    env = {**os.environ, "COLUMNS": "120"}
    done = subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, env=env, check=False
    )
    assert (done.returncode, done.stdout) == (0, "0.1.0\n")
    done = subprocess.run(
        [str(exe), "catalog", "frobnicate"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 2
    assert "No such command 'frobnicate'" in done.stderr


def test_tour_runs_and_every_suggestion_works(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("tour")
    assert code == 0
    assert "The catalog holds 67 instrument editions" in out
    tries = [line.strip() for line in out.split("Try:\n", 1)[1].splitlines() if line.strip()]
    assert tries[-2] == "prodsec recognition reach -s sg-cls -l 2 -c smart-camera --on 2026-01-15"
    cwd = os.getcwd()
    os.chdir(tmp_path)  # nothing may land in the working folder
    try:
        for example in tries:  # the graph example writes to /tmp/: here, the test's folder
            args = shlex.split(example.replace("/tmp/", f"{tmp_path}/pictures/"))[1:]
            (tmp_path / "pictures").mkdir(exist_ok=True)
            assert run(*args)[0] == 0, example
    finally:
        os.chdir(cwd)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pictures"]
    svg = tmp_path / "pictures/recognition.svg"
    assert svg.read_text(encoding="utf-8").startswith("<svg")


def test_show_a_scheme_with_its_levels_and_label(run: Run) -> None:
    code, out, _ = run("catalog", "show", "jp-jc-star", "-f", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["label"]["validity_years"] == 2
    assert [lv["id"] for lv in doc["levels"]] == ["1", "2", "3", "4"]
    assert doc["classes"] == []


def test_q12_instruments_that_bind_importers(run: Run) -> None:
    code, out, _ = run("catalog", "list", "--actor", "importer", "-f", "json")
    assert code == 0
    # an instrument's actors are those its requirements name: the CRA's importer and
    # distributor articles (19 and 20) are in; the RED delegated act names none
    assert [i["key"] for i in json.loads(out)] == [
        "eu-cra@2024-2847",
        "in-itsar@2024",
        "sg-imda-rg-sec@2",
        "uk-psti@2024-04-29",
        "uk-psti@2025-02-25",
        "uk-psti@2025-12-04",
    ]
