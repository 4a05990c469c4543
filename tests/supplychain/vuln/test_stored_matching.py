"""Matching against the stored advisory index runs the routine matching in memory runs
(each package's compiled table): on the corpora's Go and PyPI records, synced into the
database, one package in three at every version its records name, at no version and at
one no order reads, gives the same hits from both, and the same findings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from prodsec.store.db import Database
from prodsec.store.vulns import TABLES, SqlAdvisoryIndex, SqlAdvisoryStore, memory_index
from prodsec.supplychain.sbom.interface import Component, ComponentRef
from prodsec.supplychain.vuln.findings import match, scan
from prodsec.supplychain.vuln.index import MemoryIndex
from prodsec.supplychain.vuln.sync import Loaded, SyncReport, batch_of, plan, read_sources

DAY = date(2026, 11, 30)
PURL = {"Go": "golang", "PyPI": "pypi"}


@pytest.fixture(scope="module")
def loaded(corpora: Path) -> list[Loaded]:
    found, refused = read_sources([corpora / "osv-go" / "osv", corpora / "osv-pypi" / "vulns"])
    assert refused == []
    return found


SAMPLE = 3
"""One package in three, in name order, is matched both ways (all of them took 45 s of the
suite on two databases; a third keeps every ecosystem and record shape in)."""


def _components(index: MemoryIndex) -> list[Component]:
    """Each sampled package at each version its records name (in ranges or listed), with
    no version, and at a version no order reads."""
    found: list[Component] = []
    for n, ((ecosystem, name), rows) in enumerate(sorted(index.rows.items())):
        if n % SAMPLE:
            continue
        versions = {"", "not.a.version"}
        for _, _, rid in rows:
            for entry in index.records[rid].affected:
                versions.update(entry.versions)
                versions.update(e.value for r in entry.ranges for e in r.events if e.value != "0")
        found += [
            Component(ComponentRef(name), name, v, purl=f"pkg:{PURL[ecosystem]}/{name}@{v}")
            for v in sorted(v for v in versions if len(v) < 60 and " " not in v)
        ]
    return found


def test_the_stored_index_matches_as_the_index_in_memory(
    database: Database, loaded: list[Loaded]
) -> None:
    store = SqlAdvisoryStore(database)
    store.save(batch_of(plan(loaded, store.known(), SyncReport())))
    memory = memory_index(database)  # the snapshot in memory: the same documents
    stored = SqlAdvisoryIndex(database)
    components = _components(memory)
    fast = [(c.purl, [r.id for r in rs]) for c, rs in match(components, memory, on=DAY)]
    kept = [(c.purl, [r.id for r in rs]) for c, rs in match(components, stored, on=DAY)]
    assert kept == fast
    hits = sum(len(ids) for _, ids in kept)
    packages = len(memory.rows)
    print(f"{packages} packages, {len(components)} package versions, {len(kept)} hit, {hits} hits")
    assert (packages, len(components), len(kept), hits) == (2027, 15994, 14856, 159524)
    assert packages <= TABLES  # every table compiled once, none dropped
    # the findings too, one version of each package (the last one named)
    last = list({c.ref: c for c in components}.values())
    assert scan(last, stored, on=DAY) == scan(last, memory, on=DAY)


def test_a_stored_table_is_compiled_once_and_the_least_used_dropped(
    database: Database, loaded: list[Loaded], monkeypatch: pytest.MonkeyPatch
) -> None:
    import prodsec.store.vulns as vulns

    store = SqlAdvisoryStore(database)
    store.save(batch_of([item for item in loaded if item.record.id.startswith("GO-2023")]))
    monkeypatch.setattr(vulns, "TABLES", 2)
    stored = SqlAdvisoryIndex(database)
    grpc = stored.table("Go", "google.golang.org/grpc")
    assert stored.table("Go", "google.golang.org/grpc") is grpc
    net = stored.table("Go:1.21", "golang.org/x/net")
    assert stored.table("Go", "google.golang.org/grpc") is grpc  # now the newest
    stored.table("Go", "stdlib")
    assert stored.table("Go", "google.golang.org/grpc") is grpc
    assert stored.table("Go", "golang.org/x/net") is not net  # dropped, compiled again
    assert [r.id for r in grpc.records] == ["GO-2023-2153"]
