"""CVSS computation, the limits of the reader, the model's located errors and single
mandatory tests on made-up documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from prodsec.errors import DataError, LimitExceededError
from prodsec.supplychain.csaf import cvss
from prodsec.supplychain.csaf.document import parse_json, read_json
from prodsec.supplychain.csaf.model import from_data
from prodsec.supplychain.csaf.validate import validate

from ..vuln.conftest import corpora_root

VALID = corpora_root() / "csaf/validator-data/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-01-11.json"


@pytest.mark.parametrize(
    ("vector", "base", "temporal", "environmental"),
    [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8),
        ("CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H", 6.5, 6.5, 6.5),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, 10.0, 10.0),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, 0.0, 0.0),
        (
            "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:C/C:L/I:L/A:N/E:P/RL:T/RC:R/CR:H/IR:L/AR:M/MAV:A/MS:C/MC:H",
            4.4,
            3.9,
            6.6,
        ),
    ],
)
def test_cvss_v3_scores(vector: str, base: float, temporal: float, environmental: float) -> None:
    version = vector[5:8]
    metrics = cvss.parse_vector(vector, version)
    assert metrics is not None
    s = cvss.compute(metrics, version)
    assert (s.base, s.temporal, s.environmental) == (base, temporal, environmental)


def test_cvss_v2_scores() -> None:
    full = cvss.parse_vector("AV:N/AC:L/Au:N/C:C/I:C/A:C", "2.0")
    assert full is not None
    assert cvss.scores_v2(full).base == 10.0
    vector = "AV:N/AC:M/Au:S/C:P/I:P/A:N/E:POC/RL:OF/RC:C/CDP:LM/TD:H/CR:H/IR:M/AR:L"
    metrics = cvss.parse_vector(vector, "2.0")
    assert metrics is not None
    s = cvss.scores_v2(metrics)
    assert (s.base, s.temporal, s.environmental) == (4.9, 3.8, 6.2)


def test_a_vector_with_a_metric_twice_or_missing_does_not_parse() -> None:
    assert cvss.parse_vector("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3.1") is None
    assert cvss.parse_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "3.1") is None
    assert cvss.parse_vector("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3.1") is None


def test_a_cvss_v3_object_from_a_vector() -> None:
    assert cvss.cvss_v3_object("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N") == {
        "version": "3.1",
        "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
        "attackVector": "NETWORK",
        "attackComplexity": "LOW",
        "privilegesRequired": "NONE",
        "userInteraction": "NONE",
        "scope": "UNCHANGED",
        "confidentialityImpact": "HIGH",
        "integrityImpact": "NONE",
        "availabilityImpact": "NONE",
        "baseScore": 7.5,
        "baseSeverity": "HIGH",
    }
    assert cvss.cvss_v3_object("AV:N/AC:L/Au:N/C:C/I:C/A:C") is None


def test_deep_nesting_is_refused_before_parsing() -> None:
    with pytest.raises(LimitExceededError, match=r"^bomb\.json: nested deeper than 40 levels$"):
        parse_json("[" * 41 + "]" * 41, "bomb.json")


def test_an_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (16 * 1024 * 1024 + 1))
    with pytest.raises(
        LimitExceededError, match=r"^big\.json: 16777217 bytes, more than 16777216$"
    ):
        read_json(big)


def test_the_model_locates_what_does_not_fit() -> None:
    data: dict[str, Any] = json.loads(VALID.read_text(encoding="utf-8"))
    data["document"]["tracking"]["status"] = "published"
    with pytest.raises(DataError) as caught:
        from_data(data, "x.json")
    assert caught.value.lines() == [
        "x.json: $.document.tracking.status: Input should be 'draft', 'final' or 'interim'"
    ]


def _doc() -> dict[str, Any]:
    return copy.deepcopy(json.loads(VALID.read_text(encoding="utf-8")))


def test_a_version_word_glued_to_another_is_no_range() -> None:
    doc = _doc()
    doc["product_tree"] = {
        "branches": [
            {"category": "product_version", "name": name,
             "product": {"name": f"P {name}", "product_id": f"P{i}"}}
            for i, name in enumerate(["after-eight", "all", "3.x Versions", ">4"])
        ]
    }  # fmt: skip
    doc.pop("vulnerabilities", None)
    assert [str(f) for f in validate(doc, tests=["6.1.31"]).failures] == [
        "6.1.31: $.product_tree.branches[1].name: 'all' is a version range; use the category product_version_range",
        "6.1.31: $.product_tree.branches[2].name: '3.x Versions' is a version range; use the category product_version_range",
        "6.1.31: $.product_tree.branches[3].name: '>4' is a version range; use the category product_version_range",
    ]


def test_the_tests_survive_members_of_the_wrong_type() -> None:
    doc = _doc()
    doc["product_tree"] = {"branches": "x", "relationships": [1, None]}
    doc["vulnerabilities"] = [{"scores": [{"cvss_v3": []}], "product_status": 3}, "x"]
    doc["document"]["tracking"]["revision_history"] = [{"date": 5, "number": None}]
    report = validate(doc)
    assert report.failed() == {"schema"}
