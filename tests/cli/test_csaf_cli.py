"""`prodsec csaf validate`: exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from ..supplychain.vuln.conftest import corpora_root
from .conftest import Run

MANDATORY = corpora_root() / "csaf/validator-data/mandatory"


def test_validate_prints_each_failure_and_exits_1(run: Run) -> None:
    bad = str(MANDATORY / "oasis_csaf_tc-csaf_2_0-2021-6-1-23-01.json")
    good = str(MANDATORY / "oasis_csaf_tc-csaf_2_0-2021-6-1-01-11.json")
    code, out, _ = run("csaf", "validate", bad, good)
    assert code == 1
    assert out == (
        f"{bad}: 1 failure\n"
        "  6.1.23: $.vulnerabilities[1].cve: CVE-2017-0145 is used again\n"
        f"{good}: ok\n"
    )


def test_validate_as_json(run: Run) -> None:
    good = str(MANDATORY / "oasis_csaf_tc-csaf_2_0-2021-6-1-01-11.json")
    code, out, _ = run("csaf", "validate", "-f", "json", good)
    assert code == 0
    assert json.loads(out) == [{"source": good, "valid": True, "failed_tests": [], "failures": []}]


def test_validate_refuses_a_missing_or_unreadable_file(run: Run, tmp_path: Path) -> None:
    code, _, err = run("csaf", "validate", str(tmp_path / "none.json"))
    assert (code, err) == (2, f"error: {tmp_path / 'none.json'}: no such file\n")
    broken = tmp_path / "broken.json"
    broken.write_text('{"document": ', encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 50 + "]" * 50, encoding="utf-8")
    good = str(MANDATORY / "oasis_csaf_tc-csaf_2_0-2021-6-1-01-11.json")
    code, out, err = run("csaf", "validate", str(broken), str(deep), good)
    assert (code, err) == (1, "")
    assert out == (  # one unreadable file does not hide the verdicts of the others
        f"{broken}: 1 failure\n"
        "  read: $: not readable as JSON: Expecting value: line 1 column 14 (char 13)\n"
        f"{deep}: 1 failure\n"
        "  read: $: nested deeper than 40 levels\n"
        f"{good}: ok\n"
    )
    code, out, _ = run("csaf", "validate", "-f", "json", str(deep))
    assert (code, json.loads(out)) == (1, [{
        "source": str(deep), "valid": False, "failed_tests": ["read"],
        "failures": [{"test": "read", "path": "$", "message": "nested deeper than 40 levels"}],
    }])  # fmt: skip


def test_publish_stores_once_and_names_the_url(run: Run, tmp_path: Path) -> None:
    from prodsec.store import accounts
    from prodsec.store.db import Database

    url = f"sqlite:///{tmp_path / 'p.db'}"
    with Database(url).session() as s:
        accounts.create_user(
            s, "maker@cameras.example", "correct horse battery", False, "Example Cameras Ltd", True
        )
    advisory = str(
        Path(__file__).resolve().parents[1] / "assets/csaf/homecam-3-security_advisory.json"
    )
    code, out, _ = run("csaf", "publish", advisory, "--org", "Example Cameras Ltd", "--db", url)
    assert (code, out) == (
        0,
        "published EXC-2026-0007 version 1 (TLP:WHITE) at /.well-known/csaf/example-cameras-ltd/white/2026/exc-2026-0007.json\n",
    )
    code, _, err = run("csaf", "publish", advisory, "--org", "Example Cameras Ltd", "--db", url)
    assert (code, err) == (
        1,
        "error: EXC-2026-0007 is published with current release 2026-11-30T08:00:00+00:00; publish a later one\n",
    )
    code, _, err = run("csaf", "publish", advisory, "--org", "Example Camera Ltd", "--db", url)
    assert (code, err) == (
        2,
        "error: unknown organisation 'Example Camera Ltd'; did you mean Example Cameras Ltd?\n",
    )
