"""Our CSAF 2.0 validator against OASIS's own test cases (every must-fail document refused
by the test it names, every valid one accepted), and the real advisories of the corpora
read and written back without loss."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from prodsec.supplychain.csaf.document import read_json
from prodsec.supplychain.csaf.model import from_data, to_data
from prodsec.supplychain.csaf.validate import MANDATORY, validate

from ..vuln.conftest import corpora_root

CSAF = corpora_root() / "csaf"
ICS = corpora_root() / "csaf-ics"


@pytest.fixture(scope="module")
def cases() -> list[tuple[str, str, bool, set[str]]]:
    """(test id, document, must be valid, tests our validator failed) for every mandatory
    case of testcases.json, each document checked once."""
    base = CSAF / "validator-data"
    spec = json.loads((base / "testcases.json").read_text(encoding="utf-8"))
    out = []
    for test in spec["tests"]:
        if test["group"] != "mandatory":
            continue
        for entry in [*test.get("failures", []), *test.get("valid", [])]:
            report = validate(read_json(base / entry["name"]), entry["name"])
            out.append((test["id"], entry["name"], entry["valid"], report.failed()))
    return out


def test_every_mandatory_test_of_the_standard_is_written() -> None:
    ids = [f"6.1.{n}" for n in range(1, 27)] + [f"6.1.27.{n}" for n in range(1, 12)]
    assert list(MANDATORY) == ids + [f"6.1.{n}" for n in range(28, 34)]


def test_every_must_fail_document_is_refused_by_the_test_it_names(
    cases: list[tuple[str, str, bool, set[str]]],
) -> None:
    refused: Counter[str] = Counter()
    missed = []
    for test, name, valid, failed in cases:
        if not valid:
            if test in failed:
                refused[test] += 1
            else:
                missed.append((test, name, sorted(failed)))
    print("\nrefused per test:", dict(refused))
    assert missed == []
    assert sum(refused.values()) == 87
    assert len(refused) == 43  # every mandatory test has at least one must-fail case
    assert (refused["6.1.31"], refused["6.1.9"], refused["6.1.1"]) == (9, 3, 2)


def test_every_valid_document_is_accepted(
    cases: list[tuple[str, str, bool, set[str]]],
) -> None:
    accepted: Counter[str] = Counter()
    refused = []
    for test, name, valid, failed in cases:
        if valid:
            if failed:
                refused.append((test, name, sorted(failed)))
            else:
                accepted[test] += 1
    print("\naccepted per test:", dict(accepted))
    assert refused == []
    assert sum(accepted.values()) == 60


def test_a_must_fail_document_names_each_failure_and_its_path() -> None:
    doc = read_json(CSAF / "validator-data/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-01-01.json")
    assert [str(f) for f in validate(doc).failures] == [
        "6.1.1: $.product_tree.product_groups[0].product_ids[0]: product id 'CSAFPID-9080700' is not defined in the product tree",
        "6.1.1: $.product_tree.product_groups[0].product_ids[1]: product id 'CSAFPID-9080701' is not defined in the product tree",
    ]


@pytest.fixture(scope="module")
def ics() -> list[tuple[Path, Any]]:
    return [(p, read_json(p)) for p in sorted(ICS.rglob("*.json"))]


def test_the_cisa_ics_advisories_are_read_and_written_back_without_loss(
    ics: list[tuple[Path, Any]],
) -> None:
    assert len(ics) == 300
    lost = [p.name for p, data in ics if to_data(from_data(data, p.name)) != data]
    assert lost == []


def test_the_cisa_ics_advisories_and_oasis_examples_are_valid(
    ics: list[tuple[Path, Any]],
) -> None:
    examples = [(p, read_json(p)) for p in sorted((CSAF / "examples").rglob("*.json"))]
    assert len(examples) == 19
    invalid = [p.name for p, data in [*ics, *examples] if not validate(data).valid]
    assert invalid == []
