"""`prodsec map`, `prodsec harmonise ...` and `prodsec catalog export` on the command line."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py

GB_AU = ["-b", "mandatory", "-c", "consumer-iot-device", "--on", "2026-06-01", "-j", "GB,AU"]


def test_common_core_as_markdown_states_its_filter(run: Run) -> None:
    code, out, _ = run("harmonise", "common-core", *GB_AU, "-f", "md")
    assert code == 0
    assert out == (
        "**Common core (mandatory; category consumer-iot-device; on 2026-06-01; jurisdictions "
        "GB, AU; mandatory requirements; outcome grain; security themes)**\n\n"
        "| block | title |\n"
        "|---|---|\n"
        "| no-universal-default-passwords | No universal default passwords |\n"
        "| vulnerability-disclosure-policy | Published vulnerability-reporting contact with "
        "response timelines |\n"
        "| published-support-period | Published support period with an end date |\n"
    )


def test_common_core_json(run: Run) -> None:
    code, out, _ = run("harmonise", "common-core", *GB_AU, "-f", "json")
    doc = json.loads(out)
    assert (code, doc["instruments"], doc["scope"]["requirements"]) == (
        0,
        ["au-smart-devices@2025", "uk-psti@2025-12-04"],
        "mandatory",
    )
    assert [b["block"] for b in doc["blocks"]] == [
        "no-universal-default-passwords",
        "vulnerability-disclosure-policy",
        "published-support-period",
    ]


def test_overlap_csv_for_psti_and_australia(run: Run) -> None:
    code, out, _ = run(
        "harmonise", "overlap", "-i", "uk-psti", "-i", "au-smart-devices", "--themes", "all",
        "-f", "csv",
    )  # fmt: skip
    assert (code, out) == (
        0,
        "a,b,all,mandatory\nuk-psti@2025-12-04,au-smart-devices@2025,"
        "0.6666666666666666,0.6666666666666666\n",
    )


def test_spread_names_who_sets_nothing(run: Run) -> None:
    code, out, _ = run(
        "harmonise", "spread", "early_warning_hours", "-b", "mandatory", "-f", "json"
    )
    doc = json.loads(out)
    assert (code, doc["strictest"], doc["stricter"]) == (0, 24, "lower")
    assert [(s["instrument"], s["requirement"], s["value"]) for s in doc["settings"]] == [
        ("cn-vuln-2021@2021", "Art7(2)-report", 48),
        ("eu-cra@2024-2847", "Art14-1", 24),
        ("eu-cra@2024-2847", "Art14-3", 24),
    ]
    assert "uk-psti@2025-12-04" in doc["sets_none"]
    code, out, _ = run("harmonise", "spread", "early_warning_hours", "-b", "mandatory", "-f", "md")
    assert out.splitlines()[4:8] == [
        "| CN | cn-vuln-2021@2021 | 48 | hours | Art7(2)-report | exploited-vulnerability-reporting |",
        "| EU | eu-cra@2024-2847 | 24 | hours | Art14-1 | exploited-vulnerability-reporting |",
        "| EU | eu-cra@2024-2847 | 24 | hours | Art14-3 | incident-reporting |",
        "| AU | au-smart-devices@2025 | (sets none) |  |  |  |",
    ]
    code, _, err = run("harmonise", "spread", "early_warning")
    assert code == 2
    assert err.startswith("error: unknown parameter 'early_warning'; valid values: ")


def test_charts_render_with_a_title_that_states_the_filter(run: Run, tmp_path: Path) -> None:
    for command, title in (
        ("coverage", "Coverage of the hub (72 building blocks)"),
        ("overlap", "Overlap of required building blocks (Jaccard, all requirements)"),
        ("timeline", "When obligations start and end"),
    ):
        target = tmp_path / f"{command}.svg"
        code, _, _ = run(
            "harmonise",
            command,
            "-b",
            "mandatory",
            "--on",
            "2028-01-01",
            "-f",
            "svg",
            "-o",
            str(target),
        )
        texts = {(el.text or "").strip() for el in ET.fromstring(target.read_text()).iter()}
        assert code == 0
        assert title in texts, command
        assert (
            "mandatory; every category; on 2028-01-01; every jurisdiction; all requirements; "
            "outcome grain; security themes"
        ) in texts
    png = tmp_path / "overlap.png"
    code, _, _ = run("harmonise", "overlap", "-b", "mandatory", "-f", "png", "-o", str(png))
    data = png.read_bytes()
    assert (code, data[:8]) == (0, b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", data[16:24])[0] > 400


def test_no_chart_for_a_list_and_bad_filters_exit_2(run: Run) -> None:
    # a command without a chart does not offer svg or png (it used to, then refused them)
    code, out, err = run("harmonise", "common-core", "-f", "svg")
    assert (code, out) == (2, "")
    assert err.endswith(
        "Error: Invalid value for '--format' / '-f': 'svg' is not one of 'table', 'json', "
        "'csv', 'md'.\n"
    )
    code, _, err = run("harmonise", "coverage", "-c", "smart-camra")
    assert (code, err.splitlines()[0][:53]) == (
        2,
        "error: unknown category 'smart-camra'; did you mean s",
    )
    code, _, err = run("harmonise", "coverage", "--on", "2026/06/01")
    assert (code, err) == (2, "error: --on: '2026/06/01' is not a date; write it as YYYY-MM-DD\n")


def test_map_table_and_json(run: Run) -> None:
    code, out, _ = run("map", "uk-psti@2025-12-04", "etsi-en-303-645@2.1.1", "-f", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        "source,relationship,target,how,via,confidence",
        "Sch1-1,equal,5.1-1,direct (official-text),,verified",
        "Sch1-1,intersects-with,5.1-2,direct (official-text),,verified",
    ]
    # the second route runs through the refinement the Schedule also maps to
    assert lines[5] == (
        "Sch1-3,intersects-with,5.3-14,derived,"
        '"published-support-period, support-period-at-purchase -> published-support-period",'
        "secondary"
    )
    assert lines[6] == ",(nothing),4-1,,,"
    code, out, _ = run("map", "uk-psti@2025-12-04", "etsi-en-303-645@2.1.1", "-f", "json")
    doc = json.loads(out)
    assert doc["counts"] == {
        "relations": 5,
        "direct": 4,
        "derived": 1,
        "by_relationship": {"equal": 3, "intersects-with": 2},
        "uncovered_in_target": 63,
    }


def test_oscal_exports_write_whole_files(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "psti.json"
    code, _, err = run("catalog", "export", "uk-psti", "-f", "oscal", "-o", str(target))
    assert (code, err) == (0, f"wrote {target}\n")
    assert json.loads(target.read_text())["catalog"]["metadata"]["version"] == "2025-12-04"
    code, out, _ = run("map", "uk-psti", "etsi-en-303-645@2.1.1", "-f", "oscal")
    assert json.loads(out)["mapping-collection"]["metadata"]["oscal-version"] == "1.2.3"
    missing = tmp_path / "nowhere" / "x.json"
    code, _, err = run("catalog", "export", "uk-psti", "-o", str(missing))
    assert code == 2
    assert err.startswith(f"error: --output: cannot write {missing}")
    assert not list(tmp_path.glob("nowhere"))


def test_conflicts_lists_differing_parameter_values_stricter_first(run: Run) -> None:
    code, out, _ = run("harmonise", "conflicts", "-b", "mandatory", "-j", "GB,AU", "-f", "csv")
    assert code == 0
    assert out.splitlines() == [
        "block,parameter,requirement,value,relation,other,other_value",
        "declaration-of-conformity,retention_years,uk-psti@2025-12-04:Sch4-1,10,stricter-than,"
        "au-smart-devices@2025:S9,5",
    ]


def test_support_end_says_per_regime_what_it_covers(run: Run) -> None:
    code, out, _ = run("harmonise", "support-end", "-b", "mandatory", "-j", "GB,AU", "-f", "json")
    assert code == 0
    assert json.loads(out)["instruments"] == [
        {
            "instrument": "au-smart-devices@2025",
            "jurisdictions": "AU",
            "end_of_support": "Sch1-4",
            "end_of_life": "",
            "answer": "end of support only",
        },
        {
            "instrument": "uk-psti@2025-12-04",
            "jurisdictions": "GB",
            "end_of_support": "Sch1-3",
            "end_of_life": "",
            "answer": "end of support only",
        },
    ]
