"""Time the transparency log; print one JSON document.

Targets (issue 18): append >= 1,000 events/s; at 1,000,000 entries an inclusion proof
<= 1 ms and a consistency proof <= 5 ms, each beside a plain Python reference that
recomputes the same proof from the leaves (the recursive MTH/PATH/PROOF of RFC 9162), on
the same run, with the ratio.

The log is the real one: `TransparencyLog` over `SqlLogStore` on a SQLite file in a
temporary folder. Appends are timed one event per transaction and 100 events per
transaction, on a fresh log. The 1,000,000 entries are then built by the bulk path:
the same `append_records`, 50,000 records a transaction, the records formatted from one
template rather than built through `Event` (the part timed is the log, not JSON). Tree
heads are signed with HMAC-SHA-256 as a stand-in for the key store's Ed25519 keys (one
signature per append). Proof times are per proof, each through the store (one query of
the complete subtrees it needs), over 200 random indexes or first sizes against the
whole tree; the reference runs 3 times each. Run with `PRODSEC_BENCH_ENTRIES=N` for a
smaller log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from prodsec.registry import merkle
from prodsec.registry.events import Event, EventKind
from prodsec.registry.log import TransparencyLog
from prodsec.store.db import Database
from prodsec.store.log import SqlLogStore

ENTRIES = int(os.environ.get("PRODSEC_BENCH_ENTRIES", "1000000"))
BULK = 50_000
SAMPLES = 200
T0 = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


class HmacSigner:
    key_id = "bench"

    def sign(self, data: bytes) -> bytes:
        return hmac.new(b"bench", data, hashlib.sha256).digest()


def fresh_log(folder: Path, name: str) -> TransparencyLog:
    return TransparencyLog(SqlLogStore(Database(f"sqlite:///{folder / name}")), HmacSigner())


def events(count: int) -> list[Event]:
    return [
        Event.at(EventKind.ISSUE, f"CSA/301129/{i:07d}", T0, {"level": 2, "n": i})
        for i in range(count)
    ]


def append_rate(log: TransparencyLog, count: int, batch: int) -> float:
    todo = events(count)
    started = time.perf_counter()
    for start in range(0, count, batch):
        log.append(todo[start : start + batch])
    return count / (time.perf_counter() - started)


def bulk_records(start: int, count: int) -> list[bytes]:
    return [
        b'{"kind":"issue","payload":{"level":2,"n":%d},"subject":"CSA/301129/%07d",'
        b'"time":"2026-11-30T00:00:00Z"}' % (i, i)
        for i in range(start, start + count)
    ]


def build(log: TransparencyLog, count: int) -> tuple[list[bytes], float]:
    """Fill the log with `count` records, `BULK` a transaction: their leaf hashes and the
    seconds it took (the head's root checked against the leaves)."""
    leaves: list[bytes] = []
    started = time.perf_counter()
    for start in range(0, count, BULK):
        records = bulk_records(start, min(BULK, count - start))
        log.append_records(records)
        leaves.extend(merkle.leaf_hash(r) for r in records)
    built = time.perf_counter() - started
    assert log.head().root == merkle.root_hash(leaves)
    return leaves, built


# --- the reference: RFC 9162's recursion over the leaf hashes, recomputing everything ---


def ref_mth(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    if hi - lo == 1:
        return leaves[lo]
    k = merkle.split(hi - lo)
    return merkle.node_hash(ref_mth(leaves, lo, lo + k), ref_mth(leaves, lo + k, hi))


def ref_path(leaves: Sequence[bytes], m: int, lo: int, hi: int) -> list[bytes]:
    if hi - lo == 1:
        return []
    k = merkle.split(hi - lo)
    if m < k:
        return [*ref_path(leaves, m, lo, lo + k), ref_mth(leaves, lo + k, hi)]
    return [*ref_path(leaves, m - k, lo + k, hi), ref_mth(leaves, lo, lo + k)]


def ref_subproof(leaves: Sequence[bytes], m: int, lo: int, hi: int, whole: bool) -> list[bytes]:
    if m == hi - lo:
        return [] if whole else [ref_mth(leaves, lo, hi)]
    k = merkle.split(hi - lo)
    if m <= k:
        return [*ref_subproof(leaves, m, lo, lo + k, whole), ref_mth(leaves, lo + k, hi)]
    return [*ref_subproof(leaves, m - k, lo + k, hi, False), ref_mth(leaves, lo, lo + k)]


def timed(work: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median milliseconds of `runs` calls, and the last answer."""
    times, answer = [], None
    for _ in range(runs):
        started = time.perf_counter()
        answer = work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), answer


def proofs(log: TransparencyLog, leaves: list[bytes], size: int) -> dict[str, object]:
    rng = random.Random(20261130)
    indexes = [rng.randrange(size) for _ in range(SAMPLES)]
    firsts = [rng.randrange(1, size) for _ in range(SAMPLES)]
    ours_inclusion = [timed(partial(log.inclusion, i, size), 1)[0] for i in indexes]
    ours_consistency = [timed(partial(log.consistency, m, size), 1)[0] for m in firsts]
    ref_inclusion, path = timed(lambda: ref_path(leaves, indexes[0], 0, size), 3)
    assert path == log.inclusion(indexes[0], size)
    ref_consistency, proof = timed(lambda: ref_subproof(leaves, firsts[0], 0, size, True), 3)
    assert proof == log.consistency(firsts[0], size)
    return {
        "inclusion_proof_ms": figures(ours_inclusion, ref_inclusion, 1.0),
        "consistency_proof_ms": figures(ours_consistency, ref_consistency, 5.0),
    }


def figures(ours: list[float], reference: float, target: float) -> dict[str, float]:
    median = statistics.median(ours)
    return {
        "median": round(median, 4),
        "p95": round(sorted(ours)[int(0.95 * len(ours))], 4),
        "target_ms": target,
        "reference_ms": round(reference, 1),
        "speedup_over_reference": round(reference / median),
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="prodsec-bench-log-") as name:
        folder = Path(name)
        single = append_rate(fresh_log(folder, "single.db"), 500, 1)
        batched = append_rate(fresh_log(folder, "batched.db"), 20_000, 100)
        log = fresh_log(folder, "million.db")
        leaves, built = build(log, ENTRIES)
        report = {
            "python": sys.version.split()[0],
            "database": "sqlite (file)",
            "append_events_per_s": {
                "one_per_transaction": round(single),
                "100_per_transaction": round(batched),
                "target": 1000,
            },
            "entries": ENTRIES,
            "bulk_build_s": round(built, 1),
            "bulk_build_events_per_s": round(ENTRIES / built),
            **proofs(log, leaves, ENTRIES),
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
