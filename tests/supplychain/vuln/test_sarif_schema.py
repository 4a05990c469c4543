"""`prodsec vulns scan -f sarif` checked against the OASIS SARIF 2.1.0 schema (draft-04,
tests/assets/sarif/), with jsonschema-rs's Draft4Validator; a broken log is refused with
the path of its fault."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from typer.testing import CliRunner

from prodsec.cli.app import app

ASSETS = Path(__file__).parents[2] / "assets"
SCHEMA = ASSETS / "sarif" / "sarif-schema-2.1.0.json"
CPE = ASSETS / "vulns" / "cpe-wolfssl-freertos.json"


@pytest.fixture(scope="module")
def validator() -> Any:
    return jsonschema_rs.Draft4Validator(json.loads(SCHEMA.read_text()))


@pytest.fixture(scope="module")
def log(corpora: Path) -> dict[str, Any]:
    sbom = corpora / "iot-sboms" / "case-study" / "extended.sbom.json"
    args = ["vulns", "scan", str(sbom), "--cpe", str(CPE), "--on", "2026-11-30", "-f", "sarif"]
    ran = CliRunner().invoke(app, args)
    assert ran.exit_code == 1  # open findings
    parsed: dict[str, Any] = json.loads(ran.stdout)
    return parsed


def faults(validator: Any, instance: Any) -> list[tuple[str, str]]:
    """(JSON path of the fault, the schema keyword it breaks), sorted."""
    return sorted(
        (
            "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e.instance_path),
            str(list(e.schema_path)[-1]),
        )
        for e in validator.iter_errors(instance)
    )


def test_the_scan_s_sarif_is_valid_sarif_2_1_0(validator: Any, log: dict[str, Any]) -> None:
    assert len(log["runs"][0]["results"]) == 2
    assert faults(validator, log) == []


def test_a_broken_log_is_refused_with_its_path(validator: Any, log: dict[str, Any]) -> None:
    broken = copy.deepcopy(log)
    del broken["runs"][0]["tool"]["driver"]["name"]
    broken["runs"][0]["results"][1]["level"] = "fatal"
    assert faults(validator, broken) == [
        ("$.runs[0].results[1].level", "enum"),
        ("$.runs[0].tool.driver", "required"),
    ]
    assert not validator.is_valid(broken)
