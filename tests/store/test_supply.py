"""SBOMs and VEX stored per product version, the package index, and continuous
re-assessment of the versions an advisory touches (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError, ConflictError
from prodsec.store import repo
from prodsec.store.audit import CLI
from prodsec.store.changelog import organisation_log
from prodsec.store.db import Database
from prodsec.store.models import (
    AuditEntry,
    PackageUse,
    SbomComponentRow,
    SbomDocument,
    SupplyState,
    VerdictChange,
)
from prodsec.store.reassess import reassess_touched
from prodsec.store.supply import add_sbom, add_vex, components_page
from prodsec.store.vulns import SqlAdvisoryIndex, SqlAdvisoryStore
from prodsec.supplychain.vuln.kev import read_kev
from prodsec.supplychain.vuln.sync import sync

CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera-sbom"
LATE_ADVISORY = "CVE-2022-42905"
ON = dt.date(2026, 11, 30)
ASSETS = Path(__file__).resolve().parents[1] / "assets" / "findings"
SBOM = (CAMERA / "firmware.cdx.json").read_bytes()


def camera_product(database: Database, catalog: Catalog) -> str:
    data = yaml.safe_load((CAMERA / "profile.yaml").read_text())
    with database.session() as s:
        product = repo.create_product(
            s, repo.EVERY_PRODUCT, repo.parse(catalog, data, "upload"), data
        )
        return product.id


def counts(database: Database) -> tuple[int, int, int]:
    with database.session() as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(t)) or 0
            for t in (SbomDocument, SbomComponentRow, PackageUse)
        )


def test_an_sbom_is_stored_with_its_components_and_keys(
    database: Database, catalog: Catalog
) -> None:
    ident = camera_product(database, catalog)
    with database.session() as s:
        stored = add_sbom(
            s, repo.EVERY_PRODUCT, ident, 1, SBOM, "firmware.cdx.json", "firmware", CLI
        )
        assert (stored.format, stored.spec_version, stored.size, stored.sha256) == (
            "cyclonedx-json",
            "1.5",
            len(SBOM),
            hashlib.sha256(SBOM).hexdigest(),
        )
        version = repo.get_product(s, repo.EVERY_PRODUCT, ident).versions[0]
        page, total = components_page(s, version, offset=2, limit=2)
        assert total == 6
        assert [(role, c.name, c.version, c.top_level, c.depends_on) for role, c in page] == [
            ("firmware", "wolfSSL", "4.8.1", True, ["freertos"]),
            ("firmware", "FatFs", "r0.13", True, []),
        ]
        keys = sorted(s.scalars(select(PackageUse.key)))
        assert keys == [
            "cpe:a:chan:fatfs",
            "cpe:a:nxp:nxp_sdk",
            "cpe:a:wolfssl:wolfssl",
            "cpe:h:arm:cortex-m4_microcontroller",
            "cpe:o:amazon:freertos",
        ]
        entry = s.scalars(select(AuditEntry).where(AuditEntry.target_kind == "sbom")).one()
        assert (entry.actor, entry.action, entry.detail) == (
            "cli",
            "created",
            {"product": ident, "version": 1, "role": "firmware"},
        )
    with database.session() as s, pytest.raises(ConflictError, match="has a firmware SBOM"):
        add_sbom(s, repo.EVERY_PRODUCT, ident, 1, SBOM, "again.json", "firmware")
    assert counts(database) == (1, 6, 5)


def test_a_bad_sbom_stores_nothing(database: Database, catalog: Catalog) -> None:
    ident = camera_product(database, catalog)
    bad = SBOM.replace(b'"name": "wolfSSL"', b'"name": 7')
    with database.session() as s, pytest.raises(BadInputError) as caught:
        add_sbom(s, repo.EVERY_PRODUCT, ident, 1, bad, "bad.json", "firmware")
    assert caught.value.lines() == ["bad.json: $.components[1].name: Expected `str`, got `int`"]
    with database.session() as s, pytest.raises(BadInputError, match="'Firmware' is no role"):
        add_sbom(s, repo.EVERY_PRODUCT, ident, 1, SBOM, "x.json", "Firmware")
    with database.session() as s, pytest.raises(repo.NotStoredError, match="version 2"):
        add_sbom(s, repo.EVERY_PRODUCT, ident, 2, SBOM, "x.json", "firmware")
    assert counts(database) == (0, 0, 0)


def test_a_new_advisory_re_assesses_the_versions_it_touches(
    database: Database, catalog: Catalog
) -> None:
    """The issue's "done": not compliant with CRA Annex I (2)(a) for a known exploited
    vulnerability, compliant with a VEX not_affected, not compliant again by itself when a
    new advisory is synced (through the database's advisory index)."""
    store, index = SqlAdvisoryStore(database), SqlAdvisoryIndex(database)
    kev = read_kev(ASSETS / "kev-written-for-test.json")
    sync(store, kev=kev, cpe_files=[ASSETS / "nvd-camera.json"])
    ident = camera_product(database, catalog)
    other = camera_product(database, catalog)  # no SBOM: nothing to touch
    with database.session() as s:
        add_sbom(
            s, repo.EVERY_PRODUCT, ident, 1, SBOM, "firmware.cdx.json", "firmware", index=index
        )
    with database.session() as s:
        (state,) = s.scalars(select(SupplyState)).all()
        assert state.verdicts == {
            "no-known-exploitable-vulnerabilities": False,
            "sbom": True,
            "sbom-machine-readable": True,
            "vulnerability-remediation": False,
        }
    vex = (CAMERA / "vex.openvex.json").read_bytes()
    with database.session() as s:
        add_vex(s, repo.EVERY_PRODUCT, ident, vex, "vex.openvex.json", index=index)
    report = sync(store, cpe_files=[ASSETS / "nvd-late.json"])  # the critical wolfSSL one
    assert report.added == [LATE_ADVISORY]
    with database.session() as s:
        changes = reassess_touched(s, report.added, SqlAdvisoryIndex(database), ON, catalog)
        assert [c.advisory for c in changes] == [LATE_ADVISORY]
    with database.session() as s:
        found = s.scalars(select(VerdictChange).order_by(VerdictChange.id)).all()
        assert [
            (c.advisory, c.before["no-known-exploitable-vulnerabilities"],
             c.after["no-known-exploitable-vulnerabilities"]) for c in found
        ] == [
            ("VEX vex.openvex.json", False, True),
            (LATE_ADVISORY, True, False),
        ]  # fmt: skip
        assert "eu-cra@2024-2847:AnnexI-I-2a" in found[1].requirements
        assert len(found[1].requirements) == 12
        # the same advisory again changes nothing
        assert reassess_touched(s, report.added, index, ON, catalog) == []
        assert other not in {d.version.product_id for d in s.scalars(select(SbomDocument))}


def test_a_new_kev_entry_re_assesses_what_its_advisory_touches(
    database: Database, catalog: Catalog
) -> None:
    """`vulns sync --kev` that makes a stored advisory known exploited re-assesses the
    versions it touches, with the cause `KEV <CVE>`; the same catalog again changes
    nothing."""
    from typer.testing import CliRunner

    from prodsec.cli.app import app

    store = SqlAdvisoryStore(database)
    sync(store, cpe_files=[ASSETS / "nvd-camera.json"])  # no KEV catalog yet
    ident = camera_product(database, catalog)
    with database.session() as s:
        add_sbom(
            s,
            repo.EVERY_PRODUCT,
            ident,
            1,
            SBOM,
            "firmware.cdx.json",
            "firmware",
            index=SqlAdvisoryIndex(database),
        )
    with database.session() as s:
        assert s.scalars(select(SupplyState)).one().verdicts["no-known-exploitable-vulnerabilities"]
    kev = str(ASSETS / "kev-written-for-test.json")
    ran = CliRunner().invoke(app, ["vulns", "sync", "--kev", kev, "--db", database.url])
    assert (ran.exit_code, ran.stderr) == (0, "re-assessed: 1 product version changed verdict\n")
    with database.session() as s:
        (change,) = s.scalars(select(VerdictChange)).all()
        key = "no-known-exploitable-vulnerabilities"
        assert (change.advisory, change.before[key], change.after[key]) == (
            "KEV CVE-2018-16525",
            True,
            False,
        )
        assert "eu-cra@2024-2847:AnnexI-I-2a" in change.requirements
        (logged,) = organisation_log(s, None)  # the feed of products of no organisation
        assert (logged.cause, logged.title) == (
            "KEV CVE-2018-16525",
            "Example Cameras Ltd HomeCam 3 version 1: no-known-exploitable-vulnerabilities "
            "not met (KEV CVE-2018-16525)",
        )
    again = CliRunner().invoke(app, ["vulns", "sync", "--kev", kev, "--db", database.url])
    assert (again.exit_code, again.stderr) == (0, "")
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(VerdictChange)) == 1
