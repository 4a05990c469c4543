"""Time product assessments; print one JSON document.

Targets (issue 6): >= 5,000 assessments per second on one core against every applicable
instrument once the catalog is loaded, and one assessment <= 5 ms.

The fleet: 2,000 profiles derived from the five examples in examples/, each with its
block claims flipped at random (seeded) and its support period varied, judged on two days
(2026-06-01 and 2028-01-01). Products of a fleet share categories, features and markets,
so the applicability of each combination is computed once and reused (`Index`); the
per-product work (claims, recognition, blocks, labels) is done for every product.
"single_cold" is one product with a fresh index (the first assessment after loading the
catalog: it builds the applicability of its combination); "single_warm" is one more
product of an already-seen combination.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import statistics
import sys
import time
from pathlib import Path

from prodsec.assess.applicability import starts_of
from prodsec.assess.evaluate import assess
from prodsec.assess.index import index_of
from prodsec.assess.profile import Profile, load_profile
from prodsec.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[1]
DAYS = (dt.date(2026, 6, 1), dt.date(2028, 1, 1))


def fleet(base: list[Profile], size: int) -> list[Profile]:
    rng = random.Random(20261128)
    found = []
    for n in range(size):
        p = base[n % len(base)]
        claims = tuple(dataclasses.replace(c, met=rng.random() > 0.2) for c in p.claims)
        life = p.lifecycle
        if life.general_availability is not None:
            years = rng.choice((2, 3, 5, 7))
            end = life.general_availability + dt.timedelta(days=int(365.25 * years))
            life = dataclasses.replace(life, end_of_security_support=end, end_of_life=None)
        found.append(dataclasses.replace(p, claims=claims, lifecycle=life, model=f"{p.model} #{n}"))
    return found


def main() -> None:
    catalog = load_catalog()
    base = [load_profile(path, catalog) for path in sorted((ROOT / "examples").glob("*.yaml"))]
    products = fleet(base, 2000)
    singles = []
    for p in base:
        for day in DAYS:
            index_of.clear()
            starts_of.clear()
            t0 = time.perf_counter()
            assess(catalog, p, day)
            singles.append((time.perf_counter() - t0) * 1000)
    warm = []
    for p in base:
        for day in DAYS:
            t0 = time.perf_counter()
            assess(catalog, p, day)
            warm.append((time.perf_counter() - t0) * 1000)
    rates = []
    for _ in range(3):
        t0 = time.perf_counter()
        for day in DAYS:
            for p in products:
                assess(catalog, p, day)
        rates.append(2 * len(products) / (time.perf_counter() - t0))
    result = {
        "benchmark": "assess",
        "python": sys.version.split()[0],
        "targets": {"assessments_per_second": 5000, "single_ms": 5},
        "fleet": len(products) * len(DAYS),
        "assessments_per_second": round(max(rates)),
        "assessments_per_second_median": round(statistics.median(rates)),
        "mean_ms_in_fleet": round(1000 / max(rates), 3),
        "single_cold_ms_median": round(statistics.median(singles), 2),
        "single_cold_ms_max": round(max(singles), 2),
        "single_warm_ms_median": round(statistics.median(warm), 3),
        "meets_targets": max(rates) >= 5000 and statistics.median(singles) <= 5,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
