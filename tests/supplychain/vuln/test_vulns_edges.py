"""The edges of the advisory index: refused documents and files, KEV and VEX files,
severity scoring, SARIF levels, purls and OSV packages, CPE rules in the database."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from prodsec.errors import BadInputError, DataError, LimitExceededError
from prodsec.store.db import Database
from prodsec.store.vulns import SqlAdvisoryIndex, SqlAdvisoryStore, memory_index
from prodsec.supplychain.sbom.interface import Component, ComponentRef
from prodsec.supplychain.vex.model import (
    VexStatement,
    VexStatus,
    read_statements,
    statements_document,
)
from prodsec.supplychain.vuln.cpe import parse_cpe, rules_from_nvd
from prodsec.supplychain.vuln.documents import decode
from prodsec.supplychain.vuln.findings import scan
from prodsec.supplychain.vuln.index import MemoryIndex
from prodsec.supplychain.vuln.kev import parse_kev, read_kev
from prodsec.supplychain.vuln.osv import OsvLimits, parse_record
from prodsec.supplychain.vuln.packages import Package, package_of
from prodsec.supplychain.vuln.sarif import sarif_log
from prodsec.supplychain.vuln.severity import Severity, highest, score
from prodsec.supplychain.vuln.sync import count_files, read_cpe_file, read_sources, sync
from prodsec.supplychain.vuln.views import scan_public

ASSETS = Path(__file__).parents[2] / "assets" / "vulns"
DAY = date(2026, 11, 30)


def lines(caught: pytest.ExceptionInfo[DataError]) -> list[str]:
    return caught.value.lines()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.json", b"\xff", "a.json: $: not UTF-8: invalid start byte"),
        ("a.json", b"[1]", "a.json: $: expected an object"),
        (
            "a.json",
            b"{",
            "a.json: $: not readable: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        ("a.json", b"[" * 40 + b"]" * 40, "a.json: $: nested deeper than 32 levels"),
        ("a.toml", b"id = ", "a.toml: $: not readable: Invalid value (at end of document)"),
    ],
)
def test_documents_that_are_refused(name: str, data: bytes, expected: str) -> None:
    with pytest.raises(DataError) as caught:
        decode(data, name)
    assert lines(caught) == [expected]


def test_a_document_over_the_limit() -> None:
    with pytest.raises(LimitExceededError) as caught:
        decode(b"{}" * 10, "big.json", OsvLimits(bytes=8))
    assert str(caught.value) == "big.json: 20 bytes, more than 8"


def test_zip_files_and_their_members(corpora: Path, tmp_path: Path) -> None:
    target = tmp_path / "PyPI.zip"
    with zipfile.ZipFile(target, "w") as archive:
        archive.write(corpora / "osv-pypi" / "vulns" / "salt" / "PYSEC-2020-102.yaml", "a.yaml")
        archive.writestr("notes/", "")
        archive.writestr("README.txt", "not a record")
        archive.writestr("b.json", '{"id": "B-1"}')
    assert count_files([target, corpora / "osv-pypi" / "vulns" / "salt"]) == 2 + 53
    loaded, refused = read_sources([target])
    assert [item.source for item in loaded] == ["PyPI.zip:a.yaml"]
    assert [(r.source, r.problems) for r in refused] == [
        ("PyPI.zip:b.json", ("$.modified: required",))
    ]
    (tmp_path / "plain.txt").write_text("x")
    with pytest.raises(BadInputError) as bad:
        read_sources([tmp_path / "plain.txt"])
    assert str(bad.value) == f"--from: {tmp_path / 'plain.txt'}: neither a folder nor a zip file"


def test_kev_files_refused_with_every_problem(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        parse_kev(
            {
                "vulnerabilities": [
                    3,
                    {"cveID": "CVE-1"},
                    {"cveID": "CVE-2", "dateAdded": "2024-01-01", "dueDate": "x"},
                ]
            }
        )
    assert lines(caught) == [
        "(kev): $.vulnerabilities[0]: expected an object",
        "(kev): $.vulnerabilities[1].dateAdded: required",
        "(kev): $.vulnerabilities[2].dueDate: not a date: 'x'",
    ]
    with pytest.raises(DataError) as caught:
        parse_kev([])
    assert lines(caught) == ["(kev): $.vulnerabilities: required: a list"]
    bad = tmp_path / "kev.json"
    bad.write_text("{")
    with pytest.raises(DataError):
        read_kev(bad)


def test_vex_files_round_trip(tmp_path: Path) -> None:
    statements = (VexStatement("CVE-1", "pkg:pypi/a@1", VexStatus.AFFECTED, action="upgrade"),)
    path = tmp_path / "vex.json"
    path.write_text(json.dumps(statements_document(statements)))
    assert read_statements(path) == statements
    path.write_text("[]")
    with pytest.raises(DataError) as caught:
        read_statements(path)
    assert lines(caught) == ["vex.json: $: expected an object"]
    path.write_text("{}")
    with pytest.raises(DataError) as caught:
        read_statements(path)
    assert lines(caught) == ["vex.json: $.statements: required: a list of statements"]
    path.write_text('{"statements": [3]}')
    with pytest.raises(DataError) as caught:
        read_statements(path)
    assert lines(caught) == ["vex.json: $.statements[0]: expected an object"]


def test_severity_of_each_cvss_version() -> None:
    v2 = score("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P")
    v4 = score("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
    assert (v2.score, v2.rating, v4.score, v4.rating) == (7.5, "high", 9.3, "critical")
    assert score("CVSS_V3", "CVSS:3.1/AV:X") == Severity("CVSS_V3", "CVSS:3.1/AV:X", None, "")
    assert score("Ubuntu", "high") == Severity("Ubuntu", "high", None, "")
    assert highest((v2, v4, score("Ubuntu", "low"))) == v4
    assert highest((score("Ubuntu", "low"),)) is None


def test_purls_name_osv_packages() -> None:
    assert package_of("pkg:npm/%40angular/core@1.0.0") == Package("npm", "@angular/core", "1.0.0")
    assert package_of("pkg:maven/org.apache/log4j-core@2.14.0") == Package(
        "Maven", "org.apache:log4j-core", "2.14.0"
    )
    assert package_of("pkg:deb/debian/openssl@3.0.11-1") == Package("Debian", "openssl", "3.0.11-1")
    assert package_of("pkg:pypi/Django_REST@1") == Package("PyPI", "django-rest", "1")
    assert package_of("pkg:deb/mint/openssl@1") is None
    assert package_of("pkg:generic/fatfs@r0.13") is None
    assert package_of("not a purl") is None


def test_findings_without_a_version_or_with_one_no_order_reads() -> None:
    record = parse_record(
        {
            "id": "T-1",
            "modified": "2026-01-01T00:00:00Z",
            "affected": [
                {
                    "package": {"ecosystem": "Go", "name": "demo"},
                    "ranges": [
                        {"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}
                    ],
                    "versions": ["1.0.0", "not-a-version!"],
                }
            ],
        }
    )
    index = MemoryIndex([record])

    def found(version: str) -> list[str]:
        component = Component(ComponentRef("d"), "demo", version, purl="pkg:golang/demo")
        return [f.advisory for f in scan([component], index, on=DAY)]

    assert (found(""), found("1.0.0"), found("3.0.0"), found("not-a-version!"), found("no!")) == (
        ["T-1"],
        ["T-1"],
        [],
        ["T-1"],
        [],
    )


def test_sarif_levels_follow_severity_kev_and_vex() -> None:
    record = parse_record(
        {
            "id": "T-2",
            "modified": "2026-01-01T00:00:00Z",
            "aliases": ["CVE-2023-44487"],
            "severity": [
                {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N"}
            ],
            "affected": [{"package": {"ecosystem": "Go", "name": "m"}, "versions": ["v1.0.0"]}],
        }
    )
    component = Component(ComponentRef("m"), "m", "v1.0.0", purl="pkg:golang/m@v1.0.0")
    plain = scan([component], MemoryIndex([record]), on=DAY)
    kev = scan([component], MemoryIndex([record], read_kev(ASSETS / "kev-fixture.json")), on=DAY)
    levels = [
        sarif_log(scan_public("s", "d", 1, found)["findings"], "s", "0")["runs"][0]["results"][0][
            "level"
        ]
        for found in (plain, kev)
    ]
    assert levels == ["warning", "error"]
    assert (plain[0].severity[0].rating, plain[0].affected_range) == ("low", "1 listed versions")


def test_cpe_files_refused_and_rules_in_the_database(database: Database, tmp_path: Path) -> None:
    bad = tmp_path / "nvd.json"
    bad.write_text(
        json.dumps(
            {
                "vulnerabilities": [
                    {"cve": {}},
                    {
                        "cve": {
                            "id": "CVE-1",
                            "configurations": [
                                {"nodes": [{"cpeMatch": [{"criteria": "cpe:2.3:z"}]}]}
                            ],
                        }
                    },
                ]
            }
        )
    )
    with pytest.raises(DataError) as caught:
        read_cpe_file(bad)
    assert lines(caught) == [
        "nvd.json: $.vulnerabilities[0].cve: expected an object with an id",
        "nvd.json: $.vulnerabilities[1].cve: cpe: not a CPE 2.3 name: 'cpe:2.3:z'",
    ]
    bad.write_text("{}")
    with pytest.raises(DataError):
        read_cpe_file(bad)
    item = {
        "configurations": [
            {
                "nodes": [
                    {
                        "cpeMatch": [
                            {"vulnerable": False, "criteria": "cpe:2.3:a:x:y:*:*:*:*:*:*:*:*"}
                        ]
                    }
                ]
            }
        ]
    }
    assert rules_from_nvd(item, "CVE-1") == []
    report = sync(SqlAdvisoryStore(database), cpe_files=[ASSETS / "cpe-wolfssl-freertos.json"])
    assert (len(report.added), report.cpe_rules) == (3, 3)
    wolf = parse_cpe("cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*")
    sql = SqlAdvisoryIndex(database)
    assert [r.advisory for r in sql.cpe_candidates(wolf)] == ["CVE-2022-42905", "CVE-2021-3336"]
    assert [r.advisory for r in memory_index(database).cpe_candidates(wolf)] == [
        "CVE-2022-42905",
        "CVE-2021-3336",
    ]
    record = sql.record("CVE-2022-42905")
    assert record is not None
    assert record.severity == (("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H"),)
    assert (sql.record("CVE-0"), sql.kev("CVE-2022-42905")) == (None, None)
    component = Component(ComponentRef("w"), "WolfSSL", "4.8.1", cpes=("cpe:2.3:bad", str(wolf)))
    assert [f.advisory for f in scan([component], sql, on=DAY)] == ["CVE-2022-42905"]
