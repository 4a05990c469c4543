"""Re-assessment reads the touched versions with their products in one query, whatever
their number (no lazy load, and no flush, per version)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from tests.store.test_supply import ASSETS, CAMERA, LATE_ADVISORY, ON, SBOM, camera_product

from prodsec.catalog import Catalog
from prodsec.store import repo
from prodsec.store.db import Database
from prodsec.store.reassess import reassess_touched
from prodsec.store.supply import add_sbom, add_vex
from prodsec.store.vulns import SqlAdvisoryIndex, SqlAdvisoryStore
from prodsec.supplychain.vuln.kev import read_kev
from prodsec.supplychain.vuln.sync import sync


def test_the_touched_versions_products_are_read_once(database: Database, catalog: Catalog) -> None:
    store, index = SqlAdvisoryStore(database), SqlAdvisoryIndex(database)
    sync(store, kev=read_kev(ASSETS / "kev-written-for-test.json"))
    sync(store, cpe_files=[ASSETS / "nvd-camera.json"])
    vex = (CAMERA / "vex.openvex.json").read_bytes()
    for _ in range(3):
        ident = camera_product(database, catalog)
        with database.session() as s:
            add_sbom(s, repo.EVERY_PRODUCT, ident, 1, SBOM, "fw.cdx.json", "firmware", index=index)
        with database.session() as s:
            add_vex(s, repo.EVERY_PRODUCT, ident, vex, "vex.openvex.json", index=index)
    report = sync(store, cpe_files=[ASSETS / "nvd-late.json"])
    statements: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(database.engine, "before_cursor_execute", seen)
    try:
        with database.session() as s:
            changes = reassess_touched(s, report.added, index, ON, catalog)
    finally:
        event.remove(database.engine, "before_cursor_execute", seen)
    assert [c.advisory for c in changes] == [LATE_ADVISORY] * 3
    reads = [q for q in statements if q.startswith("SELECT") and re.search(r"\bproducts\b", q)]
    assert len(reads) == 1, reads
