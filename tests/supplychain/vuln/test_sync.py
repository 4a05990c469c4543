"""`vulns sync` into the database (SQLite and PostgreSQL): folders and osv.dev zip files
of real records, incremental updates, all-or-nothing, and the index's candidates."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from prodsec.errors import DataError
from prodsec.store.db import Database
from prodsec.store.vulns import SqlAdvisoryIndex, SqlAdvisoryStore, memory_index
from prodsec.supplychain.sbom.interface import Component, ComponentRef
from prodsec.supplychain.vuln.findings import match, scan
from prodsec.supplychain.vuln.index import MemoryIndex, PackageTable, RangeKey, range_keys
from prodsec.supplychain.vuln.kev import read_kev
from prodsec.supplychain.vuln.osv import OsvRecord, affects, read_record
from prodsec.supplychain.vuln.sync import Loaded, Refused, read_sources, report_public, sync
from prodsec.supplychain.vuln.versions import coarse

ASSETS = Path(__file__).parents[2] / "assets" / "vulns"
GO = ("GO-2023-2102.json", "GO-2023-2153.json", "GO-2022-0646.json")


def go_zip(corpora: Path, folder: Path, names: tuple[str, ...] = GO) -> Path:
    """An ecosystem zip as osv.dev publishes them: the records' JSON files at the top."""
    target = folder / "Go.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for name in names:
            archive.write(corpora / "osv-go" / "osv" / name, name)
    return target


@pytest.fixture(scope="module")
def go_corpus(corpora: Path) -> tuple[list[Loaded], list[Refused]]:
    return read_sources([corpora / "osv-go" / "osv"])


def test_the_whole_corpus_reads_with_its_counts(
    go_corpus: tuple[list[Loaded], list[Refused]],
) -> None:
    loaded, refused = go_corpus
    withdrawn = sum(1 for item in loaded if item.record.withdrawn)
    keys = [k for item in loaded for k in range_keys(item.record)]
    rows, open_ended = len(keys), sum(1 for k in keys if k.high == "~")
    print(f"read {len(loaded)} Go records, {withdrawn} withdrawn, {rows} index rows")
    assert (len(loaded), withdrawn, refused) == (4291, 17, [])
    assert (rows, open_ended) == (6086, 2231)  # open-ended: no fix after the last introduced


def test_a_sync_from_a_zip_and_a_folder_then_again(
    database: Database, corpora: Path, tmp_path: Path
) -> None:
    store = SqlAdvisoryStore(database)
    salt = corpora / "osv-pypi" / "vulns" / "salt"
    first = sync(
        store, [go_zip(corpora, tmp_path), salt], kev=read_kev(ASSETS / "kev-fixture.json")
    )
    assert report_public(first) == {
        "added": 56,
        "replaced": 0,
        "withdrawn": 0,
        "unchanged": 0,
        "refused": [],
        "kev": 3,
        "cpe_rules": 0,
    }
    # a newer edition of one record, and one now withdrawn
    changed = tmp_path / "changed"
    changed.mkdir()
    for name, extra in (
        ("PYSEC-2020-102.yaml", "modified: 2026-11-01T00:00:00Z\n"),
        (
            "PYSEC-2020-103.yaml",
            "modified: 2026-11-02T00:00:00Z\nwithdrawn: 2026-11-02T00:00:00Z\n",
        ),
    ):
        text = (salt / name).read_text(encoding="utf-8")
        kept = "".join(line for line in text.splitlines(True) if not line.startswith("modified:"))
        (changed / name).write_text(kept + extra, encoding="utf-8")
    second = sync(store, [salt, changed])
    assert (second.added, second.replaced, second.withdrawn, second.unchanged) == (
        [],
        ["PYSEC-2020-102"],
        ["PYSEC-2020-103"],
        51,
    )
    assert second.kev is None
    index = SqlAdvisoryIndex(database)
    salt_3000 = Component(ComponentRef("salt"), "salt", "3000.1", purl="pkg:pypi/salt@3000.1")
    found = scan([salt_3000], index, on=date(2026, 11, 30))
    # every salt record checked one by one, without the index, gives the same list
    records = [read_record(p) for p in sorted(salt.iterdir())]
    withdrawn = {"PYSEC-2020-103"}
    direct = sorted(
        r.id
        for r in records
        if r.id not in withdrawn and affects(r, "PyPI", "salt", "3000.1").affected
    )
    assert [f.advisory for f in found] == direct
    assert len(found) == 25
    assert [f.advisory for f in found if f.known_exploited] == ["PYSEC-2020-102"]
    assert index.aliases("CVE-2023-39325") == ("GHSA-4374-p667-p6c8", "GO-2023-2102")
    assert memory_index(database).aliases("GO-2023-2102") == (
        "CVE-2023-39325",
        "GHSA-4374-p667-p6c8",
    )


def test_a_bad_file_stores_nothing_unless_skipped(
    database: Database, corpora: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(corpora / "osv-pypi" / "vulns" / "werkzeug", folder)
    (folder / "broken.json").write_text('{"id": "X-1", "affected": [{"ranges": 3}]}')
    store = SqlAdvisoryStore(database)
    with pytest.raises(DataError) as caught:
        sync(store, [folder])
    assert caught.value.lines() == [
        "mixed/broken.json: $.affected[0].ranges: expected a list, got int",
        "mixed/broken.json: $.modified: required",
    ]
    assert store.known() == {}
    report = sync(store, [folder], skip_bad=True)
    assert (len(report.added), [r.source for r in report.refused]) == (7, ["mixed/broken.json"])
    assert sorted(store.known())[:2] == ["PYSEC-2017-43", "PYSEC-2019-140"]


def test_range_keys_bound_each_range(corpora: Path) -> None:
    record = read_record(corpora / "osv-go" / "osv" / "GO-2023-2153.json")
    assert range_keys(record) == [
        RangeKey("Go", "google.golang.org/grpc", "", "00:00000001.00000058.00000003")
    ]


def test_the_memory_and_the_database_index_agree(
    database: Database, corpora: Path, tmp_path: Path
) -> None:
    sync(SqlAdvisoryStore(database), [go_zip(corpora, tmp_path)])
    records = [read_record(corpora / "osv-go" / "osv" / name) for name in GO]
    sql, memory = SqlAdvisoryIndex(database), MemoryIndex(records)
    for key in (None, "00:00000001.00000057.00000000", "00:00000001.00000059.00000000"):
        got = [r.id for r in sql.candidates("Go", "google.golang.org/grpc", key)]
        assert got == [r.id for r in memory.candidates("Go", "google.golang.org/grpc", key)]
    assert [r.id for r in sql.candidates("Go", "golang.org/x/net", None)] == ["GO-2023-2102"]
    assert sql.candidates("Go", "google.golang.org/grpc", "00:00000001.00000059.00000000") == []


def test_kev_fixture_fields(tmp_path: Path) -> None:
    (entry, *_rest) = read_kev(ASSETS / "kev-fixture.json")
    assert (entry.cve, entry.date_added, entry.due_date, entry.ransomware) == (
        "CVE-2023-44487",
        date(2023, 10, 10),
        date(2023, 10, 31),
        False,
    )
    bad = tmp_path / "kev.json"
    bad.write_text(json.dumps({"vulnerabilities": [{"cveID": "X", "dateAdded": "soon"}]}))
    with pytest.raises(DataError) as caught:
        read_kev(bad)
    assert caught.value.lines() == ["kev.json: $.vulnerabilities[0].cveID: not a CVE id: 'X'"]


def test_the_index_misses_nothing_a_full_check_finds(
    go_corpus: tuple[list[Loaded], list[Refused]],
) -> None:
    """For every version any Go record names, for each of its packages: the candidates
    the coarse keys select, checked exactly, are what checking every record gives."""
    records = [item.record for item in go_corpus[0]]
    index = MemoryIndex(records)
    by_package: dict[str, list[OsvRecord]] = {}
    versions: dict[str, set[str]] = {}
    for r in records:
        for entry in r.affected:
            by_package.setdefault(entry.name, []).append(r)
            named = versions.setdefault(entry.name, set())
            named.update(e.value for rng in entry.ranges for e in rng.events if e.value != "0")
    checked = hits = 0
    for name, values in sorted(versions.items()):
        for version in sorted(values):
            key = coarse("Go", version)
            narrowed = {
                r.id
                for r in index.candidates("Go", name, key)
                if affects(r, "Go", name, version).affected
            }
            everything = {
                r.id for r in by_package[name] if affects(r, "Go", name, version).affected
            }
            assert narrowed == everything, (name, version)
            checked += 1
            hits += len(everything)
    print(f"{checked} package versions checked, {hits} hits")
    assert (checked, hits) == (4335, 71062)


class _OneByOne(PackageTable):
    """A package's records without their compiled table: every version is one the table
    cannot place, so the matcher checks each record with `osv.affects`."""

    def __init__(self, records: tuple[OsvRecord, ...]) -> None:
        self.records = records

    def hits(self, version: str) -> tuple[OsvRecord, ...] | None:
        return None


class _Unindexed:
    """The same records without the compiled package tables (`_OneByOne`)."""

    def __init__(self, index: MemoryIndex) -> None:
        self.index = index
        self.cpe_candidates = index.cpe_candidates
        self.record = index.record
        self.aliases = index.aliases
        self.kev = index.kev
        self.empty = index.empty

    def table(self, ecosystem: str, name: str) -> PackageTable:
        return _OneByOne(self.index.table(ecosystem, name).records)


def _probes(version: str) -> list[str]:
    """The version, the next patch above it and a pre-release just below it (versions
    between the ones the records name), when it is plain X.Y.Z."""
    found = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if found is None:
        return [version]
    major, minor, patch = found.groups()
    return [version, f"{major}.{minor}.{int(patch) + 1}", f"{version}-0"]


def test_the_compiled_tables_match_as_the_candidates_checked_one_by_one(
    go_corpus: tuple[list[Loaded], list[Refused]],
) -> None:
    """Every Go package at every version its records name, between them, without a
    version and at a version no order reads: the same hits from the package tables as
    from each candidate checked by `osv.affects`; the findings too."""
    index = MemoryIndex(item.record for item in go_corpus[0])
    names = sorted({name for ecosystem, name in index.rows if ecosystem == "Go"})
    components: list[Component] = []
    for name in names:
        values = {
            e.value
            for _, _, rid in index.rows[("Go", name)]
            for entry in index.records[rid].affected
            for rng in entry.ranges
            for e in rng.events
            if e.value != "0"
        }
        probes = sorted({p for v in values for p in _probes(v)} | {"", "not.a.version"})
        components += [
            Component(ComponentRef(name), name, v, purl=f"pkg:golang/{name}@{v}") for v in probes
        ]
    day = date(2026, 11, 30)
    fast = [(c.ref, [r.id for r in rs]) for c, rs in match(components, index, on=day)]
    slow = [(c.ref, [r.id for r in rs]) for c, rs in match(components, _Unindexed(index), on=day)]
    assert fast == slow
    assert scan(components[:3000], index, on=day) == scan(
        components[:3000], _Unindexed(index), on=day
    )
    hits = sum(len(ids) for _, ids in fast)
    print(f"{len(components)} Go package versions, {len(fast)} affected, {hits} hits")
    assert (len(components), len(fast), hits) == (18513, 14441, 316550)


def test_toml_records_are_read(tmp_path: Path) -> None:
    (tmp_path / "RUSTSEC-0000-0001.toml").write_text(
        'id = "RUSTSEC-0000-0001"\n'
        "modified = 2026-11-30T00:00:00Z\n"
        'aliases = ["CVE-0000-0001"]\n'
        "[[affected]]\n"
        'package = { ecosystem = "crates.io", name = "demo" }\n'
        "[[affected.ranges]]\n"
        'type = "SEMVER"\n'
        'events = [{ introduced = "0" }, { fixed = "1.2.0" }]\n',
        encoding="utf-8",
    )
    (loaded,), refused = read_sources([tmp_path])
    assert refused == []
    assert (loaded.record.id, loaded.record.modified, loaded.document["modified"]) == (
        "RUSTSEC-0000-0001",
        "2026-11-30T00:00:00+00:00",
        "2026-11-30T00:00:00Z",
    )
    assert range_keys(loaded.record) == [
        RangeKey("crates.io", "demo", "", "00:00000001.00000002.00000000")
    ]
