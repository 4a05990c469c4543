"""Time continuous re-assessment; print one JSON document.

Target (issue 19): with 100,000 stored product versions of 200 components each, one new
advisory re-assesses the versions it touches in <= 1 s, beside a full re-scan of every
version on the same run.

The store is the real one (the migrated schema, `store/reassess.py`, the advisory index
`vulns sync` fills), on a SQLite file synthesised once (in one transaction of bulk
`INSERT ... SELECT`, the big tables' indexes created after their rows: about 5 minutes
for 20 million components on a busy 2-core machine) and kept under the benchmark's
temporary folder (`$TMPDIR/prodsec-bench-reassess/`, keyed on the size) so later runs
start at once. Each version's 200 components are distinct PyPI packages of a pool of
50,000 (each package is used by about 400 versions), package `pN` at version
1.(N % 10).0; every version has a stored supply state, as an SBOM upload leaves it. The
new advisory hits one package below 1.5.0: the time is `reassess_touched` from the
advisory's id to the stored verdict changes, committed. The full re-scan reads every
stored component of a sample of versions and scans them against the whole index held in
memory (as a scan of many components would); its time for all versions is that
sample's, scaled (said in the output). Run with
`PRODSEC_BENCH_VERSIONS=N` for a smaller store.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.frame import emit, figure
from sqlalchemy import func, select

from prodsec.catalog import load_catalog
from prodsec.store.db import Database
from prodsec.store.models import PackageUse, SbomComponentRow, SbomDocument
from prodsec.store.reassess import component_of, reassess_touched
from prodsec.store.vulns import SqlAdvisoryIndex, SqlAdvisoryStore, memory_index
from prodsec.supplychain.vuln.findings import scan
from prodsec.supplychain.vuln.sync import sync

VERSIONS = int(os.environ.get("PRODSEC_BENCH_VERSIONS", "100000"))
COMPONENTS = 200
POOL = 50_000
SAMPLE = 200
ADVISORY = "PYSEC-BENCH-1"
ON = dt.date(2026, 11, 30)
VERDICTS = json.dumps(
    {
        "no-known-exploitable-vulnerabilities": True,
        "sbom": True,
        "sbom-machine-readable": True,
        "vulnerability-remediation": True,
    }
)


def _folder() -> Path:
    found = Path(tempfile.gettempdir()) / "prodsec-bench-reassess"
    found.mkdir(exist_ok=True)
    return found


NUMBERS = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last})"
PACKAGE = "((v.i * 7919 + c.i * 104729) % {pool})"
"""Version v's component c: distinct within a version (104,729 is prime to the pool)."""


def _build(path: Path) -> None:
    """Synthesise the store: the schema migrated by `Database`, the rows generated inside
    SQLite (recursive CTEs, one transaction, the big tables' indexes built after their
    rows), so that 20 million components take minutes, not an hour."""
    Database(f"sqlite:///{path}").engine.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-262144")  # 256 MiB of pages
    # the big tables' indexes are made after their rows, each by one sort, instead of
    # kept up to date row by row (random keys: most of an hour at 20 million rows)
    indexes = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('sbom_components', 'package_uses')"
    ).fetchall()
    for name, _ in indexes:
        con.execute(f'DROP INDEX "{name}"')
    versions = NUMBERS.format(last=VERSIONS - 1)
    now = "2026-11-30 00:00:00"
    con.execute(
        f"{versions} INSERT INTO products (id, manufacturer, model, category, created) "
        f"SELECT printf('p%035d', i), 'Maker', 'Model ' || i, 'smart-camera', '{now}' FROM n"
    )
    con.execute(
        f"{versions} INSERT INTO product_versions (id, product_id, number, profile, author, "
        f"created) SELECT printf('v%035d', i), printf('p%035d', i), 1, '{{}}', 'system', "
        f"'{now}' FROM n"
    )
    con.execute(
        f"{versions} INSERT INTO sbom_documents (id, version_id, role, name, format, "
        "spec_version, size, sha256, content, author, created) SELECT printf('d%035d', i), "
        "printf('v%035d', i), 'firmware', 'fw.json', 'cyclonedx-json', '1.5', 2, "
        f"printf('%064d', 0), X'7B7D', 'system', '{now}' FROM n"
    )
    con.execute(
        f"{versions} INSERT INTO supply_states (version_id, verdicts, findings, at) "
        f"SELECT printf('v%035d', i), '{VERDICTS}', '[]', '{now}' FROM n"
    )
    package = PACKAGE.format(pool=POOL)
    pairs = (
        f"WITH RECURSIVE v(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM v WHERE i < "
        f"{VERSIONS - 1}), c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < "
        f"{COMPONENTS - 1})"
    )
    con.execute(
        f"{pairs} INSERT INTO sbom_components (id, document_id, position, ref, name, version, "
        "type, purl, cpes, supplier, depends_on, top_level) SELECT "
        f"v.i * {COMPONENTS} + c.i + 1, printf('d%035d', v.i), c.i, 'p' || {package}, "
        f"'p' || {package}, '1.' || ({package} % 10) || '.0', 'library', "
        f"'pkg:pypi/p' || {package} || '@1.' || ({package} % 10) || '.0', '[]', '', '[]', 1 "
        "FROM v, c"
    )
    con.execute(
        f"{pairs} INSERT INTO package_uses (key, version_id, component_id) SELECT "
        f"'PyPI:p' || {package}, printf('v%035d', v.i), v.i * {COMPONENTS} + c.i + 1 FROM v, c"
    )
    con.commit()
    for _, sql in indexes:
        con.execute(sql)
    con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()


def _store() -> Path:
    path = _folder() / f"store-{VERSIONS}x{COMPONENTS}.db"
    if not path.exists():
        partial = path.with_suffix(".part")
        partial.unlink(missing_ok=True)
        _build(partial)
        partial.rename(path)
    return path


def _advisory(folder: Path, package: str, advisory: str) -> Path:
    record = {
        "schema_version": "1.7.0",
        "id": advisory,
        "modified": "2026-11-29T00:00:00Z",
        "published": "2026-11-29T00:00:00Z",
        "summary": "Written for the benchmark",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": package},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.5.0"}]}
                ],
            }
        ],
    }
    source = folder / "advisories"
    source.mkdir(exist_ok=True)
    (source / f"{advisory}.json").write_text(json.dumps(record))
    return source


def main() -> None:
    catalog = load_catalog()
    built = time.perf_counter()
    kept = _store()
    build_seconds = time.perf_counter() - built
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{kept}")
        # a package no earlier run's advisory hit, so its versions' states are as stored
        package = f"p{random.Random(time.time_ns()).randrange(POOL // 10) * 10 + 3}"  # 1.3.0
        advisory = f"{ADVISORY}-{time.time_ns()}"
        sync(SqlAdvisoryStore(db), [_advisory(Path(tmp), package, advisory)])
        index = SqlAdvisoryIndex(db)
        started = time.perf_counter()
        with db.session() as s:
            changes = reassess_touched(s, [advisory], index, ON, catalog)
            changed = len(changes)
        touched_seconds = time.perf_counter() - started
        with db.session() as s:
            uses = select(func.count()).select_from(PackageUse)
            touched = s.scalar(uses.where(PackageUse.key == f"PyPI:{package}"))
        everything = memory_index(db)
        started = time.perf_counter()
        scanned = 0
        with db.session() as s:
            documents = s.scalars(select(SbomDocument).limit(SAMPLE)).all()
            for document in documents:
                rows = s.scalars(
                    select(SbomComponentRow).where(SbomComponentRow.document_id == document.id)
                )
                components = [component_of(r) for r in rows]
                scanned += len(components)
                scan(components, everything, on=ON)
        sample_seconds = time.perf_counter() - started
        db.engine.dispose()
    full_seconds = sample_seconds * VERSIONS / max(len(documents), 1)
    emit(
        "reassess",
        [
            figure(
                "re-assess the versions one new advisory touches",
                touched_seconds,
                "s",
                target="<= 1 s with 100,000 versions of 200 components",
                met=touched_seconds <= 1.0,
                floor=("full re-scan of every version (scaled from a sample)", full_seconds),
            )
        ],
        versions=VERSIONS,
        components_per_version=COMPONENTS,
        package_pool=POOL,
        versions_using_the_package=touched,
        verdicts_changed=changed,
        full_rescan_sample_versions=len(documents),
        full_rescan_sample_components=scanned,
        full_rescan_sample_seconds=round(sample_seconds, 3),
        store_build_seconds=round(build_seconds, 1),
        store=str(kept),
    )


if __name__ == "__main__":
    main()
