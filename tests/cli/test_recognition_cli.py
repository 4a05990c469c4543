"""`prodsec recognition list|reach|graph` on the command line."""

from __future__ import annotations

import json
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py


def test_reach_cls_label_in_gb_as_text(run: Run) -> None:
    code, out, _ = run(
        "recognition", "reach", "-s", "sg-cls", "-l", "2", "-c", "smart-camera",
        "--on", "2026-01-15", "-m", "GB",
    )  # fmt: skip
    assert code == 0
    assert out == (
        "sg-cls level 2 (sg-cls@2025) on a smart-camera, 2026-01-15 in GB\n"
        "counts:\n"
        "  GB, GB-NIR: uk-psti@2025-12-04: deemed compliance covering Sch1-1, Sch1-2, Sch1-3, "
        "Sch4-1\n"
        "    through cls-psti-condition-c (UK SI 2025/1267: Conditions B (JC-STAR STAR-1) and C "
        "(CLS at any level), and reg 4A), since 2025-12-04, while the label is in force\n"
    )
    code, out, _ = run(
        "recognition", "reach", "-s", "sg-cls", "-l", "2", "-c", "smart-camera",
        "--on", "2025-11-01", "-m", "GB",
    )  # fmt: skip
    assert (code, out.splitlines()[1:]) == (
        0,
        [
            "counts nowhere",
            "does not count:",
            "  GB, GB-NIR: uk-psti@2025-02-25 through cls-psti-condition-c",
            "    not in force until 2025-12-04",
        ],
    )


def test_reach_json_for_a_cic_basic_label(run: Run) -> None:
    code, out, _ = run(
        "recognition", "reach", "--scheme", "kr-kisa-cic", "--level", "basic",
        "--category", "wearable", "--on", "2024-12-01", "--format", "json",
    )  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert (doc["scheme"], doc["edition"], doc["level"], doc["counts"]) == (
        "kr-kisa-cic",
        "2021",
        "basic",
        [],
    )
    [path] = doc["does_not_count"]
    assert path == {
        "edge": "cic-basic-cls-level-3",
        "kind": "mutual-recognition",
        "target": "sg-cls@2020",
        "target_title": "Singapore CLS(IoT), 2020 levels",
        "markets": ["SG"],
        "what": "full recognition towards sg-cls level 3",
        "grants": [],
        "target_level": "3",
        "origin_level": "basic",
        "valid_from": "2025-01-01",
        "last_day": None,
        "until": "while the label is in force",
        "current_label": True,
        "arrangement": {
            "id": "sg-kr-mra-2024",
            "title": "Singapore-Korea mutual recognition arrangement (CLS and KISA CIC)",
        },
        "reasons": ["not in force until 2025-01-01"],
        "confidence": "verified",
        "source": "CSA press release 16 Oct 2024 [CSA-KR-DE-2024]",
        "note": "CIC Basic and Standard qualify; Lite does not.",
    }


def test_reach_bad_input_exits_2(run: Run) -> None:
    code, out, err = run("recognition", "reach", "-s", "sg-cls", "-c", "router")
    assert (code, out, err) == (
        2,
        "",
        "error: --level: sg-cls has levels 1, 2, 3, 4; name the label's level\n",
    )
    code, _, err = run("recognition", "reach", "-s", "sg-clss", "-l", "1", "-c", "router")
    assert (code, err.splitlines()[0][:45]) == (2, "error: unknown instrument 'sg-clss'; did you ")
    code, _, err = run(
        "recognition", "reach", "-s", "sg-cls", "-l", "1", "-c", "router", "--valid-until", "soon"
    )
    assert (code, err) == (
        2,
        "error: --valid-until: 'soon' is not a date; write it as YYYY-MM-DD\n",
    )


def test_list_on_a_day_shows_the_edges_in_force(run: Run) -> None:
    code, out, _ = run("recognition", "list", "--on", "2025-11-01", "-f", "csv")
    assert code == 0
    rows = out.splitlines()
    assert rows[0] == "id,kind,from,to,map,valid_from,valid_until,current_label,arrangement"
    ids = [row.split(",")[0] for row in rows[1:]]
    assert "cls-psti-condition-c" not in ids
    assert (
        "fi-label-cls-level-3,mutual-recognition,fi-traficom-label,sg-cls,label \u2192 L3,"
        "2021-10-06,,True,sg-fi-mou-2021"
    ) in rows
    assert len(ids) == 18  # 13 between instruments, 5 safe harbours inside one


def test_graph_json_filters_by_date(run: Run) -> None:
    code, out, _ = run("recognition", "graph", "--on", "2025-11-01")
    assert code == 0
    doc = json.loads(out)
    assert doc["on"] == "2025-11-01"
    assert [n["id"] for n in doc["nodes"]] == [
        "de-bsi-itsk",
        "en-18031@1-2024",
        "en-18031@2-2024",
        "en-18031@3-2024",
        "etsi-en-303-645@2.1.1",
        "eu-red-da@2022-30",
        "fi-traficom-label",
        "iso-iec-29147@2018",
        "kr-kisa-cic",
        "sg-cls",
        "uk-psti",
    ]
    code, out, _ = run("recognition", "graph")
    every = json.loads(out)
    assert (every["on"], len(every["nodes"]), len(every["edges"])) == (None, 16, 22)
    [edge] = [e for e in every["edges"] if e["id"] == "cls-level-3-cic-basic"]
    assert edge["label"] == "L3+ \u2192 basic"


def test_graph_svg_is_a_labelled_drawing(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "graph.svg"
    code, _, err = run("recognition", "graph", "-f", "svg", "--on", "2026-01-15", "-o", str(target))
    assert (code, err) == (0, f"wrote {target}\n")
    root = ET.fromstring(target.read_text(encoding="utf-8"))
    # every piece of text, multi-line labels included (one tspan per line)
    texts = {(el.text or "").strip() for el in root.iter()} - {""}
    assert "Recognition between labelling schemes and regimes" in texts
    assert "in force on 2026-01-15; an arrow runs from what is held to where it counts" in texts
    for expected in (
        "uk-psti",
        "sg-cls",
        "deemed compliance",
        "mutual recognition",
        "L3+ \u2192 basic",
    ):
        assert expected in texts
    assert not list(tmp_path.glob("*.part"))


def test_graph_png_needs_an_output_file(tmp_path: Path, run: Run) -> None:
    code, out, err = run("recognition", "graph", "-f", "png")
    assert (code, out, err) == (2, "", "error: --format png needs --output FILE\n")
    target = tmp_path / "graph.png"
    code, _, _ = run("recognition", "graph", "-f", "png", "-o", str(target))
    data = target.read_bytes()
    assert (code, data[:8]) == (0, b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (2608, 1522)


def test_reach_reads_the_expiry_from_a_registration_id(run: Run) -> None:
    args = ["recognition", "reach", "-s", "sg-cls", "-l", "2", "-c", "smart-camera", "-m", "GB"]
    code, out, _ = run(*args, "--on", "2028-07-01", "-r", "CSA/310528/PM2-0042", "-f", "json")
    doc = json.loads(out)
    assert (code, doc["label_valid_until"], doc["counts"]) == (0, "2028-05-31", [])
    assert doc["does_not_count"][0]["reasons"] == [
        "needs a label in force; this one expired on 2028-05-31"
    ]
    code, _, err = run(*args, "-r", "CSA/2028/PM2")
    assert (code, err) == (
        2,
        "error: --registration: 'CSA/2028/PM2' is not a sg-cls registration ID "
        "(CSA/<expiry DDMMYY>/<product ID>)\n",
    )
    code, _, err = run(*args, "-r", "CSA/310528/PM2", "--valid-until", "2028-06-01")
    assert (code, err) == (
        2,
        "error: --valid-until: 2028-06-01 is not the expiry the registration ID carries "
        "(2028-05-31)\n",
    )
