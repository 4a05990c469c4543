"""Time signing and verifying labels; print one JSON document.

Target (issue 18): >= 5,000 label verifications per second per core. Beside it, on the
same run and the same bytes, the floor: the raw Ed25519 verification of each label's
signing input with `cryptography`, which no JOSE layer can beat; `ratio` is the label
rate over the floor. A label verification is the whole offline check of `verify_label`
(header, key look-up, signature through joserfc's EdDSA algorithm, the record read back
and checked to be canonical, the key's life, the term). `jose_verify_per_second` is the
key ring's signature check alone (the token's segments read, joserfc's EdDSA run).
Signing goes through the database's key store (a SQLite file, the private key unsealed
once), as the registry signs.

One thread, so every rate is per core.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from prodsec.registry.canonical import from_b64url
from prodsec.registry.signing import Keyring, LabelRecord, Verdict, sign_label, verify_label
from prodsec.store.audit import CLI
from prodsec.store.db import Database
from prodsec.store.keys import SqlKeyStore

LABELS = 2000
ROUNDS = 3
ON = dt.date(2027, 6, 1)


def record(n: int) -> LabelRecord:
    return {
        "scheme": "sg-cls",
        "level": str(1 + n % 4),
        "registration": f"CSA/311228/{n:06d}",
        "product": f"Camera model {n}",
        "manufacturer": "Acme Devices Ltd",
        "product_version": f"1.{n % 17}.{n % 5}",
        "issued": "2026-03-01T09:30:00Z",
        "valid_until": "2028-12-31",
        "support_end": "2030-06-30",
        "catalog_revision": "3f" * 32,
        "lab": "Lab One" if n % 2 else None,
        "standard_version": "ETSI EN 303 645 V2.1.1",
    }


def best_rate(work: Callable[[], None], count: int) -> tuple[float, float]:
    """The best and the median rate of ROUNDS runs of `work` (which does `count` items)."""
    rates = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        work()
        rates.append(count / (time.perf_counter() - t0))
    return max(rates), statistics.median(rates)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        with db.session() as s:
            store = SqlKeyStore(s, CLI, "benchmark secret of at least 32 characters")
            key = store.create("sg-cls", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
            records = [record(n) for n in range(LABELS)]
            tokens: list[str] = []
            sign_rate, sign_median = best_rate(
                lambda: tokens.extend(sign_label(r, store) for r in records), LABELS
            )
            keyring = Keyring(store.published())
        db.engine.dispose()
    tokens = tokens[:LABELS]
    assert all(verify_label(t, keyring, on=ON).verdict is Verdict.VALID for t in tokens)
    public = Ed25519PublicKey.from_public_bytes(key.public)
    raw = [(from_b64url(t.rsplit(".", 1)[1]), t.rsplit(".", 1)[0].encode()) for t in tokens]

    def labels() -> None:
        for token in tokens:
            verify_label(token, keyring, on=ON)

    def jose() -> None:
        for token in tokens:
            keyring.verifies(token, key.kid)

    def floor() -> None:
        for signature, signed in raw:
            public.verify(signature, signed)

    verify_rate, verify_median = best_rate(labels, LABELS)
    jose_rate, _ = best_rate(jose, LABELS)
    floor_rate, floor_median = best_rate(floor, LABELS)
    result = {
        "benchmark": "registry_sign",
        "python": sys.version.split()[0],
        "targets": {"label_verifications_per_second": 5000},
        "labels": LABELS,
        "label_verifications_per_second": round(verify_rate),
        "label_verifications_per_second_median": round(verify_median),
        "jose_verify_per_second": round(jose_rate),
        "floor_raw_ed25519_verify_per_second": round(floor_rate),
        "floor_median": round(floor_median),
        "ratio_to_floor": round(verify_rate / floor_rate, 3),
        "labels_signed_per_second": round(sign_rate),
        "labels_signed_per_second_median": round(sign_median),
        "meets_target": verify_rate >= 5000,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
