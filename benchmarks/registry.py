"""Time the registry's hot paths, each beside a plain reference measured in the same run;
print one document (benchmarks/frame.py).

Targets (issue 18):

- **append >= 1,000 events/s, one event per call.** The real path: `TransparencyLog`
  over `SqlLogStore` on a SQLite file, each event its own transaction (entry, the
  subtrees it closes, a new tree head) and each head signed with Ed25519 by the key
  store's `registry` key. The database runs in WAL mode with `synchronous=NORMAL` (set
  here per connection, as an operator would): a commit is durable against a crash of
  the process, and against power loss up to the last checkpoint. The reference does the
  same work in plain Python on the standard library's `sqlite3` (same pragmas, same rows,
  the right edge kept in memory, the same Ed25519 signature), without SQLAlchemy.
  Best of `ROUNDS` runs, as the machine is shared; the median is in the details, and so
  are the rate with SQLite's default journal (`synchronous=FULL`, an fsync per commit)
  and the registry's own path (a session per event, as issuing a label appends).
- **an inclusion proof <= 1 ms and a consistency proof <= 5 ms at 1,000,000 entries**,
  through the store (one query of the complete subtrees each proof needs, the leaf's
  own among them, so the log's size is not read apart), the median of 200 random proofs
  (the 95th percentile and how many times faster than the reference in the details);
  the reference recomputes the same proof from the leaf hashes with RFC 9162's
  recursion (`registry_log.py`).
- **the consumer page's log check at 1,000,000 entries** (no target; in the details):
  what `store/labellog.py` does per page view (the latest head read, its Ed25519
  signature checked, the entries about the registration found, each proven against the
  head), in ms per check: before, the entries found by a scan of every record's text
  (the previous `SqlLogStore.about`, kept here), median of `SCANS`; after, by the index
  of subjects (migration 0015), median of `SAMPLES`.
- **label verification >= 5,000/s per core**: the whole offline check of
  `verify_label`; the floor is the raw Ed25519 verification of the same signing inputs
  with `cryptography` (`registry_sign.py`). The details give the CPU time of one
  verification and of one raw check (the medians per CPU-second of this process).

`PRODSEC_BENCH_ENTRIES=N` builds a smaller log for the proofs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from benchmarks.frame import Figure, emit, figure
from benchmarks.registry_log import build, ref_path, ref_subproof, timed
from benchmarks.registry_sign import record
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import event, select

from prodsec.registry.canonical import from_b64url
from prodsec.registry.events import Event, EventKind
from prodsec.registry.keys import LOG_KEYS
from prodsec.registry.log import Entry, KeyStoreSigner, TransparencyLog, TreeHead, tree_head_data
from prodsec.registry.signing import Keyring, Verdict, sign_label, verify_label
from prodsec.registry.status import LogStatus, proven_from
from prodsec.registry.verify import check_head, signed_by
from prodsec.store.audit import CLI
from prodsec.store.db import Database
from prodsec.store.keys import SqlKeyStore
from prodsec.store.log import ENTRIES as ENTRY_ROWS
from prodsec.store.log import SqlEventLog, SqlLogStore

ENTRIES = int(os.environ.get("PRODSEC_BENCH_ENTRIES", "1000000"))
APPENDS = 500
ROUNDS = 5
SAMPLES = 200
SCANS = 20
LABELS = 2000
SECRET = "benchmark secret of at least 32 characters"
T0 = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
ON = dt.date(2027, 6, 1)


def wal(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def database(path: Path, fast: bool = True) -> Database:
    db = Database(f"sqlite:///{path}")
    if fast:
        event.listen(db.engine, "connect", wal)
        db.engine.dispose()  # the migration's connections had the default journal
    with db.session() as s:
        SqlKeyStore(s, CLI, SECRET).create(LOG_KEYS, T0)
    return db


def events(start: int, count: int) -> list[Event]:
    return [
        Event.at(EventKind.ISSUE, f"CSA/301129/{i:07d}", T0, {"level": 2, "n": i})
        for i in range(start, start + count)
    ]


def rates(work: Callable[[int], None], count: int) -> tuple[float, float, float]:
    """The best and the median wall-clock rate of `ROUNDS` runs of `work(round)`, and the
    median rate per second of this process's CPU time (what the load of other processes
    moves least)."""
    wall, cpu = [], []
    for round_ in range(ROUNDS):
        started, used = time.perf_counter(), time.process_time()
        work(round_)
        wall.append(count / (time.perf_counter() - started))
        cpu.append(count / max(time.process_time() - used, 1e-9))
    return max(wall), statistics.median(wall), statistics.median(cpu)


def append_rates(db: Database, count: int) -> tuple[float, float, float]:
    """One event per call through the log, heads signed by the key store."""
    with db.session() as s:
        store = SqlLogStore(db)
        log = TransparencyLog(store, KeyStoreSigner(SqlKeyStore(s, CLI, SECRET)))
        with store.holding():

            def run(round_: int) -> None:
                for one in events(round_ * count, count):
                    log.append([one])

            return rates(run, count)


def workflow_rate(db: Database, count: int) -> float:
    """One event per session, as issuing a label appends (the key unsealed each time)."""
    started = time.perf_counter()
    for i in range(count):
        with db.session() as s:
            log = SqlEventLog(s, SqlKeyStore(s, CLI, SECRET), lambda: T0)
            log.append("issue", f"W/{i}", {"n": i})
    return count / (time.perf_counter() - started)


def reference_rates(path: Path, count: int) -> tuple[float, float, float]:
    """The same append in plain Python: sqlite3, the right edge in memory, Ed25519."""
    conn = sqlite3.connect(path, isolation_level=None)
    wal(conn, None)
    conn.executescript(
        "CREATE TABLE e (idx INTEGER PRIMARY KEY, leaf TEXT, record TEXT);"
        "CREATE TABLE t (id INTEGER PRIMARY KEY, hash TEXT);"
        "CREATE TABLE h (size INTEGER PRIMARY KEY, root TEXT, ts INTEGER, kid TEXT, sig TEXT);"
    )
    key = Ed25519PrivateKey.generate()
    edge: list[tuple[int, int, bytes]] = []  # (start, level, hash), left to right
    size = 0

    def append(data: bytes) -> None:
        nonlocal size
        leaf = hashlib.sha256(b"\x00" + data).digest()
        made = [(size << 6, leaf)]
        node = (size, 0, leaf)
        while edge and edge[-1][1] == node[1]:
            left = edge.pop()
            node = (left[0], node[1] + 1, hashlib.sha256(b"\x01" + left[2] + node[2]).digest())
            made.append((node[0] << 6 | node[1], node[2]))
        edge.append(node)
        root = edge[-1][2]
        for part in reversed(edge[:-1]):
            root = hashlib.sha256(b"\x01" + part[2] + root).digest()
        stamp = int(time.time() * 1000)
        signature = key.sign(tree_head_data(size + 1, root, stamp))
        conn.execute("BEGIN")
        if size:
            conn.execute("SELECT idx FROM e WHERE idx = ?", (size - 1,)).fetchone()
        conn.execute("INSERT INTO e VALUES (?, ?, ?)", (size, leaf.hex(), data.decode()))
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, h.hex()) for i, h in made])
        conn.execute(
            "INSERT INTO h VALUES (?, ?, ?, ?, ?)",
            (size + 1, root.hex(), stamp, "ref", signature.hex()),
        )
        conn.execute("COMMIT")
        size += 1

    def run(round_: int) -> None:
        for one in events(round_ * count, count):
            append(one.record())

    try:
        return rates(run, count)
    finally:
        conn.close()


def scanned(store: SqlLogStore, subject: str, size: int) -> list[Entry]:
    """The entries about `subject` as the page found them before the index of subjects:
    a match on the text of every record."""
    needle = f'"subject":"{subject}"'
    query = (
        select(ENTRY_ROWS.c.idx, ENTRY_ROWS.c.record, ENTRY_ROWS.c.leaf_hash)
        .where(ENTRY_ROWS.c.idx < size, ENTRY_ROWS.c.record.contains(needle, autoescape=True))
        .order_by(ENTRY_ROWS.c.idx)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return [Entry(int(i), r.encode(), bytes.fromhex(h)) for i, r, h in rows]


def page_checks(db: Database, store: SqlLogStore, count: int) -> dict[str, object]:
    """The consumer page's log check, ms per check: entries found by a scan of the
    records (before) and by the index of subjects (after), the same registrations."""
    with db.session() as s:
        check = signed_by(SqlKeyStore(s, CLI, SECRET).published())
    rng = random.Random(20261201)
    subjects = [f"CSA/301129/{rng.randrange(count):07d}" for _ in range(SAMPLES)]

    def one(about: Callable[[str, int], list[Entry]], subject: str) -> None:
        head: TreeHead | None = store.head(None)
        assert head is not None
        check_head(head, check)
        found = LogStatus("token", about(subject, head.size), head, proven_from(store, head))
        assert found.standing(subject) is not None

    before = statistics.median(
        timed(partial(one, partial(scanned, store), s), 1)[0] for s in subjects[:SCANS]
    )
    after = statistics.median(timed(partial(one, store.about, s), 1)[0] for s in subjects)
    return {
        "page_check_ms_before_scan": round(before, 3),
        "page_check_ms_after_lookup": round(after, 3),
        "page_check_times_faster": round(before / after),
    }


def proof_figures(folder: Path) -> tuple[list[Figure], dict[str, object]]:
    db = database(folder / "million.db")
    with db.session() as s:
        store = SqlLogStore(db)
        log = TransparencyLog(store, KeyStoreSigner(SqlKeyStore(s, CLI, SECRET)))
        with store.holding():
            leaves, built = build(log, ENTRIES)
    rng = random.Random(20261130)
    indexes = [rng.randrange(ENTRIES) for _ in range(SAMPLES)]
    firsts = [rng.randrange(1, ENTRIES) for _ in range(SAMPLES)]
    inclusions = sorted(timed(partial(log.inclusion, i, ENTRIES), 1)[0] for i in indexes)
    consistencies = sorted(timed(partial(log.consistency, m, ENTRIES), 1)[0] for m in firsts)
    inclusion, consistency = statistics.median(inclusions), statistics.median(consistencies)
    ref_inclusion, path = timed(lambda: ref_path(leaves, indexes[0], 0, ENTRIES), 3)
    assert path == log.inclusion(indexes[0], ENTRIES)
    ref_consistency, proof = timed(lambda: ref_subproof(leaves, firsts[0], 0, ENTRIES, True), 3)
    assert proof == log.consistency(firsts[0], ENTRIES)
    figures = [
        figure(
            f"inclusion proof at {ENTRIES:,} entries (median of {SAMPLES})",
            inclusion, "ms", target="<= 1 ms", met=inclusion <= 1.0,
            floor=("plain RFC 9162 recursion over the leaf hashes", ref_inclusion),
        ),
        figure(
            f"consistency proof at {ENTRIES:,} entries (median of {SAMPLES})",
            consistency, "ms", target="<= 5 ms", met=consistency <= 5.0,
            floor=("plain RFC 9162 recursion over the leaf hashes", ref_consistency),
        ),
    ]  # fmt: skip
    checks = page_checks(db, store, ENTRIES)
    db.engine.dispose()
    return figures, {
        **checks,
        "bulk_build_s": round(built, 1),
        "entries": ENTRIES,
        "inclusion_p95_ms": round(inclusions[int(0.95 * SAMPLES)], 4),
        "consistency_p95_ms": round(consistencies[int(0.95 * SAMPLES)], 4),
        "inclusion_times_faster_than_reference": round(ref_inclusion / inclusion),
        "consistency_times_faster_than_reference": round(ref_consistency / consistency),
    }


def verification_figure(folder: Path) -> tuple[Figure, dict[str, object]]:
    db = database(folder / "labels.db")
    with db.session() as s:
        store = SqlKeyStore(s, CLI, SECRET)
        key = store.create("sg-cls", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        tokens = [sign_label(record(n), store) for n in range(LABELS)]
        keyring = Keyring(store.published())
    db.engine.dispose()
    assert all(verify_label(t, keyring, on=ON).verdict is Verdict.VALID for t in tokens)
    public = Ed25519PublicKey.from_public_bytes(key.public)
    raw = [(from_b64url(t.rsplit(".", 1)[1]), t.rsplit(".", 1)[0].encode()) for t in tokens]

    def labels(_: int) -> None:
        for token in tokens:
            verify_label(token, keyring, on=ON)

    def floor(_: int) -> None:
        for signature, signed in raw:
            public.verify(signature, signed)

    ours, _, ours_cpu = rates(labels, LABELS)
    plain, _, plain_cpu = rates(floor, LABELS)
    return figure(
        "label verifications (the whole offline check), one core",
        ours, "per s", target=">= 5,000 per s", met=ours >= 5000,
        floor=("raw Ed25519 verification of the same bytes", plain),
    ), {
        "verifications_per_cpu_s": round(ours_cpu),
        "verification_cpu_us": round(1e6 / ours_cpu, 1),
        "raw_ed25519_cpu_us": round(1e6 / plain_cpu, 1),
        "verification_ratio_per_cpu_s": round(ours_cpu / plain_cpu, 3),
    }  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="prodsec-bench-registry-") as name:
        folder = Path(name)
        ours, ours_median, ours_cpu = append_rates(database(folder / "append.db"), APPENDS)
        plain, plain_median, plain_cpu = reference_rates(folder / "reference.db", APPENDS)
        durable = append_rates(database(folder / "full.db", fast=False), APPENDS // 10)[0]
        workflow = workflow_rate(database(folder / "workflow.db"), APPENDS // 2)
        append = figure(
            "log appends, one event per call (SQLite WAL, synchronous=NORMAL, Ed25519 heads)",
            ours, "per s", target=">= 1,000 per s", met=ours >= 1000,
            floor=("the same append in plain Python on sqlite3", plain),
        )  # fmt: skip
        proofs, built = proof_figures(folder)
        verification, cpu = verification_figure(folder)
        figures = [append, *proofs, verification]
    emit(
        "registry",
        figures,
        append_median_per_s=round(ours_median),
        reference_append_median_per_s=round(plain_median),
        append_per_cpu_s=round(ours_cpu),
        reference_append_per_cpu_s=round(plain_cpu),
        append_default_journal_per_s=round(durable),
        append_through_the_workflow_per_s=round(workflow),
        **built,
        **cpu,
    )


if __name__ == "__main__":
    main()
