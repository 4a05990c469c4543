"""The CPEs an OSV record carries in `database_specific.cpes` turned into CPE rules with
the record's ranges or listed versions, so firmware without a purl matches."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from prodsec.store.db import Database
from prodsec.store.vulns import SqlAdvisoryIndex, SqlAdvisoryStore, memory_index
from prodsec.supplychain.sbom import read_sbom_file
from prodsec.supplychain.vuln.cpe import CpeRule, parse_cpe
from prodsec.supplychain.vuln.findings import scan
from prodsec.supplychain.vuln.index import MemoryIndex, cpe_rules
from prodsec.supplychain.vuln.osv import parse_record
from prodsec.supplychain.vuln.sync import sync

ON = dt.date(2026, 11, 30)
WOLFSSL = "cpe:2.3:a:wolfssl:wolfssl:*:*:*:*:*:*:*:*"
FREERTOS = "cpe:2.3:o:amazon:freertos:*:*:*:*:*:*:*:*"


def record(ident: str, cpes: list[str], **affected: Any) -> dict[str, Any]:
    """A made-up record with no package, only CPEs and one `affected` entry."""
    return {
        "id": ident,
        "modified": "2026-11-01T00:00:00Z",
        "published": "2026-10-01T00:00:00Z",
        "affected": [affected] if affected else [],
        "database_specific": {"cpes": cpes},
    }


RECORDS = [
    record(
        "TEST-WOLF",
        [WOLFSSL, "not a cpe"],
        ranges=[
            {
                "type": "SEMVER",
                "events": [
                    {"introduced": "5.0.0"},
                    {"fixed": "5.5.2"},
                    {"introduced": "0"},
                    {"last_affected": "4.8.1"},
                ],
            }
        ],
    ),
    record("TEST-RTOS", [FREERTOS], versions=["10.0.1", "10.0.0"]),
    record("TEST-FAT", ["cpe:2.3:a:chan:fatfs:r0.14:*:*:*:*:*:*:*"]),
    record("TEST-NXP", ["cpe:2.3:a:nxp:nxp_sdk:*:*:*:*:*:*:*:*"]),
]


def test_a_record_s_cpes_become_rules_with_its_ranges() -> None:
    wolf, rtos, fat, nxp = (parse_record(r, r["id"]) for r in RECORDS)
    cpe = parse_cpe(WOLFSSL)
    assert cpe_rules(wolf) == [
        CpeRule("TEST-WOLF", cpe, "", "", "4.8.1", ""),
        CpeRule("TEST-WOLF", cpe, "5.0.0", "", "", "5.5.2"),
    ]
    assert [str(r.criteria) for r in cpe_rules(rtos)] == [
        "cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:*:*:*:*",
        "cpe:2.3:o:amazon:freertos:10.0.0:*:*:*:*:*:*:*",
    ]
    assert [(str(r.criteria), r.describe()) for r in cpe_rules(fat) + cpe_rules(nxp)] == [
        ("cpe:2.3:a:chan:fatfs:r0.14:*:*:*:*:*:*:*", "chan:fatfs version r0.14"),
        ("cpe:2.3:a:nxp:nxp_sdk:*:*:*:*:*:*:*:*", "nxp:nxp_sdk every version"),
    ]
    withdrawn = parse_record({**RECORDS[0], "withdrawn": "2026-11-02T00:00:00Z"}, "w")
    assert cpe_rules(withdrawn) == []


def found(index: Any, sbom: Path) -> list[tuple[str, str, str, str]]:
    components = read_sbom_file(sbom).components
    return [
        (f.component.name, f.advisory, f.affected_range, f.matched_on)
        for f in scan(components, index, on=ON)
    ]


EXPECTED = [
    ("FreeRTOS", "TEST-RTOS", "amazon:freertos version 10.0.1", "cpe"),
    ("NXP SDK", "TEST-NXP", "nxp:nxp_sdk every version", "cpe"),
    ("WolfSSL", "TEST-WOLF", "wolfssl:wolfssl <= 4.8.1", "cpe"),
]
"""The IoT case study's firmware: FreeRTOS 10.0.1, wolfSSL 4.8.1 and the NXP SDK 2.9.0
(no purl with a version) are hit; FatFs r0.13 is not (the record names r0.14)."""


def test_the_iot_sbom_matches_on_the_records_cpes(corpora: Path) -> None:
    index = MemoryIndex(parse_record(r, r["id"]) for r in RECORDS)
    sbom = corpora / "iot-sboms" / "case-study" / "extended.sbom.json"
    assert sorted(found(index, sbom)) == EXPECTED


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_synced_records_keep_their_cpe_rules(
    corpora: Path, tmp_path: Path, database: Database
) -> None:
    folder = tmp_path / "osv"
    folder.mkdir()
    for r in RECORDS:
        (folder / f"{r['id']}.json").write_text(json.dumps(r))
    sync(SqlAdvisoryStore(database), [folder])
    sbom = corpora / "iot-sboms" / "case-study" / "narrow.sbom.json"
    assert sorted(found(SqlAdvisoryIndex(database), sbom)) == EXPECTED[1:]
    assert sorted(found(memory_index(database), sbom)) == EXPECTED[1:]


def test_the_sync_counts_every_cpe_rule_it_writes(tmp_path: Path, database: Database) -> None:
    """`cpe_rules` counts the rules of `--cpe` files (3 CVEs, a rule each) and those the
    records carry (wolfSSL 2, FreeRTOS 2, FatFs 1, the NXP SDK 1), as the table holds
    them; in the CLI's table and JSON too; a sync that writes nothing writes no rule."""
    from sqlalchemy import func, select
    from typer.testing import CliRunner

    from prodsec.cli.app import app
    from prodsec.store.models import AdvisoryCpeRule

    folder = tmp_path / "osv"
    folder.mkdir()
    for r in RECORDS:
        (folder / f"{r['id']}.json").write_text(json.dumps(r))
    nvd = Path(__file__).parents[2] / "assets" / "vulns" / "cpe-wolfssl-freertos.json"
    args = ["vulns", "sync", "--from", str(folder), "--cpe", str(nvd), "--db", database.url]
    ran = CliRunner().invoke(app, [*args, "-f", "json"])
    assert ran.exit_code == 0, ran.output
    view = json.loads(ran.stdout)
    assert (view["added"], view["cpe_rules"]) == (7, 9)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(AdvisoryCpeRule)) == 9
    again = CliRunner().invoke(app, [*args, "-f", "csv"])
    assert again.stdout.splitlines()[-1] == "cpe_rules,0"
    report = sync(SqlAdvisoryStore(database), [folder])
    assert (report.unchanged, report.cpe_rules) == (4, 0)
