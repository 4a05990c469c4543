"""Tables at 80 columns: identifiers and file names whole, booleans as yes/no, and a
footer naming the columns left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from prodsec.catalog import load_catalog
from prodsec.cli.app import app

ROOT = Path(__file__).resolve().parents[2]


def _table(*args: str, width: int = 80) -> list[str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(width)})
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout.splitlines()


def _first_cells(lines: list[str]) -> list[str]:
    return [line.split("│")[1].strip() for line in lines if line.startswith("│")]


def test_catalog_list_keeps_every_key_whole_at_80_columns() -> None:
    lines = _table("catalog", "list")
    assert max(len(line) for line in lines) <= 80
    assert _first_cells(lines) == sorted(load_catalog().instruments)
    assert lines[-2:] == [
        "(title, bindingness, jurisdictions, requirement_count left out to fit 80 ",
        "columns; -f json or -f md shows them)",
    ]


def test_a_wide_terminal_shows_every_column() -> None:
    lines = _table("catalog", "list", width=250)
    assert "requirement_count" in lines[2]
    assert not lines[-1].startswith("(")


@pytest.mark.parametrize(
    ("args", "whole"),
    [
        (("blocks", "list"), "no-universal-default-passwords"),
        (("catalog", "search", "support period"), "etsi-en-303-645@2.1.1"),
        (("recognition", "list"), "psti-sch2-support-period"),
        (("assess", "--batch", str(ROOT / "examples"), "--on", "2026-06-01"),
         str(ROOT / "examples/smart-camera-default-password.yaml")),
    ],
)  # fmt: skip
def test_ids_and_file_names_are_never_cut(args: tuple[str, ...], whole: str) -> None:
    lines = _table(*args)
    assert any(f"│ {whole} " in line for line in lines)
    assert not any("…" in line for line in lines)


def test_booleans_print_as_yes_or_no() -> None:
    lines = _table("assess", "--batch", str(ROOT / "examples"), "--on", "2026-06-01", width=200)
    assert lines[2].split("┃")[-2].strip() == "all_binding_met"
    assert [line.split("│")[-2].strip() for line in lines if line.startswith("│ ")] == [
        "yes",
        "no",
        "no",
        "yes",
        "no",
    ]
    assert not any("True" in line or "False" in line for line in lines)
