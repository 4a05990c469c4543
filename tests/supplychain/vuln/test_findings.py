"""Findings: real advisories of the corpora matched against components, with severity,
KEV and VEX, on a given day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from prodsec.errors import DataError
from prodsec.supplychain.sbom.interface import Component, ComponentRef
from prodsec.supplychain.vex.model import (
    Justification,
    VexStatement,
    VexStatus,
    parse_statements,
)
from prodsec.supplychain.vuln.findings import Finding, FindingComponent, FindingVex, scan
from prodsec.supplychain.vuln.index import MemoryIndex
from prodsec.supplychain.vuln.kev import read_kev
from prodsec.supplychain.vuln.osv import read_record
from prodsec.supplychain.vuln.severity import Severity

ASSETS = Path(__file__).parents[2] / "assets" / "vulns"
TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module")
def index(corpora: Path) -> MemoryIndex:
    pypi = corpora / "osv-pypi" / "vulns"
    files = [corpora / "osv-go" / "osv" / f for f in ("GO-2023-2102.json", "GO-2023-2153.json")]
    files += sorted((pypi / "werkzeug").iterdir()) + sorted((pypi / "salt").iterdir())
    return MemoryIndex([read_record(f) for f in files], read_kev(ASSETS / "kev-fixture.json"))


def component(ref: str, purl: str) -> Component:
    name, _, version = purl.rpartition("/")[2].partition("@")
    return Component(ComponentRef(ref), name, version, purl=purl)


GRPC = component("grpc", "pkg:golang/google.golang.org/grpc@v1.57.0")
WERKZEUG = component("werkzeug", "pkg:pypi/Werkzeug@2.3.7")
SALT = component("salt", "pkg:pypi/salt@3000.1")


def test_a_go_module_in_the_middle_of_three_ranges(index: MemoryIndex) -> None:
    assert scan([GRPC], index, on=TODAY) == [
        Finding(
            component=FindingComponent(
                "grpc", "v1.57.0", "pkg:golang/google.golang.org/grpc@v1.57.0", "", "grpc"
            ),
            advisory="GO-2023-2153",
            aliases=("GHSA-m425-mq94-257g",),
            summary="Denial of service from HTTP/2 Rapid Reset in google.golang.org/grpc",
            affected_range=(
                "introduced 0, fixed 1.56.3, introduced 1.57.0, fixed 1.57.1,"
                " introduced 1.58.0, fixed 1.58.3"
            ),
            fixed=("1.56.3", "1.57.1", "1.58.3"),
            severity=(),
            known_exploited=False,
            kev_date=None,
            published="0001-01-01T00:00:00Z",
            modified="0001-01-01T00:00:00Z",
            withdrawn="",
            vex=None,
            matched_on="purl",
        )
    ]
    fixed = component("grpc", "pkg:golang/google.golang.org/grpc@v1.57.1")
    assert scan([fixed], index, on=TODAY) == []


def test_severity_is_scored_and_the_name_normalised(index: MemoryIndex) -> None:
    (found,) = scan([WERKZEUG], index, on=TODAY)
    assert (found.advisory, found.aliases) == (
        "PYSEC-2023-221",
        ("CVE-2023-46136", "GHSA-hrfv-mqp8-q5rw"),
    )
    assert found.severity == (
        Severity("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5, "high"),
    )
    assert found.fixed == ("2.3.8", "3.0.1")


def test_known_exploited_from_the_kev_date_on(index: MemoryIndex) -> None:
    found = scan([SALT], index, on=TODAY)
    kev = [(f.advisory, f.kev_date) for f in found if f.known_exploited]
    assert kev == [("PYSEC-2020-102", date(2021, 11, 3))]
    before = scan([SALT], index, on=date(2021, 11, 2))
    assert [f.advisory for f in before if f.known_exploited] == []


def test_the_day_hides_later_advisories(index: MemoryIndex) -> None:
    assert [f.advisory for f in scan([WERKZEUG], index, on=date(2023, 10, 24))] == []
    assert [f.advisory for f in scan([WERKZEUG], index, on=date(2023, 10, 25))] == [
        "PYSEC-2023-221"
    ]


def test_the_latest_vex_statement_wins_and_aliases_name_it(index: MemoryIndex) -> None:
    def said(
        status: VexStatus,
        day: int,
        justification: Justification | None = None,
        impact: str = "",
        action: str = "",
    ) -> VexStatement:
        moment = datetime(2026, 11, day, tzinfo=UTC)
        return VexStatement(
            "CVE-2023-46136",
            "pkg:pypi/werkzeug",
            status,
            justification,
            impact,
            action,
            moment,
        )

    statements = [
        said(
            VexStatus.NOT_AFFECTED,
            20,
            justification=Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
            impact="multipart parsing is not used",
        ),
        said(VexStatus.UNDER_INVESTIGATION, 10),
        said(VexStatus.AFFECTED, 29, action="upgrade to 2.3.8"),
    ]
    (found,) = scan([WERKZEUG], index, on=date(2026, 11, 25), vex=statements)
    assert found.vex == FindingVex(
        VexStatus.NOT_AFFECTED,
        Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH,
        "multipart parsing is not used",
        "",
        datetime(2026, 11, 20, tzinfo=UTC),
    )
    (later,) = scan([WERKZEUG], index, on=TODAY, vex=statements)
    assert later.vex is not None
    assert (later.vex.status, later.vex.action) == (VexStatus.AFFECTED, "upgrade to 2.3.8")
    other = [VexStatement("CVE-2023-46136", "pkg:pypi/flask", VexStatus.NOT_AFFECTED)]
    assert scan([WERKZEUG], index, on=TODAY, vex=other)[0].vex is None
    by_ref = [VexStatement("GHSA-hrfv-mqp8-q5rw", "werkzeug", VexStatus.FIXED)]
    assert scan([WERKZEUG], index, on=TODAY, vex=by_ref)[0].vex == FindingVex(
        VexStatus.FIXED, None, "", "", None
    )


def test_the_vex_json_form_is_read_with_every_problem_located() -> None:
    data = {
        "statements": [
            {"vulnerability": "CVE-1", "component": "pkg:pypi/a", "status": "fixed"},
            {"vulnerability": "", "component": "x", "status": "gone", "justification": "no"},
            {"vulnerability": "CVE-2", "product": "p", "status": "affected", "timestamp": "x"},
        ]
    }
    with pytest.raises(DataError) as caught:
        parse_statements(data, "v.json")
    assert caught.value.lines() == [
        "v.json: $.statements[1].justification: expected one of component_not_present,"
        " vulnerable_code_not_present, vulnerable_code_not_in_execute_path,"
        " vulnerable_code_cannot_be_controlled_by_adversary, inline_mitigations_already_exist,"
        " got 'no'",
        "v.json: $.statements[1].status: expected one of not_affected, affected, fixed,"
        " under_investigation, got 'gone'",
        "v.json: $.statements[1].vulnerability: required",
        "v.json: $.statements[2].timestamp: not an ISO 8601 time: 'x'",
    ]
    assert parse_statements({"statements": data["statements"][:1]}) == (
        VexStatement("CVE-1", "pkg:pypi/a", VexStatus.FIXED),
    )
