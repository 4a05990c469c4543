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

Beside them (issue 16): the floor, a plain loop doing one claim look-up per mapped block of
the same applicable requirements (target: within 10x of it, or >= 15,000/s); and 200
products each with a combination of markets and features no other has (target <= 1 ms
each), beside the same products assessed again.

Each of the three rounds judges a fleet of its own (its claims flipped with another seed),
the floor the same fleets: what the engine keeps per claim state must pay for itself on
products it has not seen, not on a fleet it judged a moment ago. Times are CPU times of
this process (one core, whatever else the machine runs); wall-clock rates are in
`details` beside them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.frame import emit, figure

from prodsec.assess.applicability import known_of, starts_of
from prodsec.assess.evaluate import assess
from prodsec.assess.index import index_of
from prodsec.assess.profile import Profile, load_profile
from prodsec.catalog import Catalog, load_catalog

ROOT = Path(__file__).resolve().parents[1]
DAYS = (dt.date(2026, 6, 1), dt.date(2028, 1, 1))


def fleet(base: list[Profile], size: int, seed: int = 20261128) -> list[Profile]:
    rng = random.Random(seed)
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


def floor_rate(catalog: Catalog, fleets: list[list[Profile]]) -> tuple[float, float]:
    """Assessments/s of the floor, in CPU and wall time: per product, one claim look-up per
    mapped block of each applicable requirement (the same requirements the engine judges),
    nothing else. What does not depend on the product (which requirements apply, their
    blocks) is computed before the clock starts, as an engine that precompiles it would."""
    index = index_of(catalog)
    plans: dict[tuple[object, ...], list[tuple[str, ...]]] = {}
    for day in DAYS:
        for p in fleets[0]:
            key = (p.category, p.markets, frozenset(p.features), day)
            if key in plans:
                continue
            answer = index.answer(p.category, p.markets, day, frozenset(p.features))
            wanted: list[tuple[str, ...]] = []
            for group in index.groups(answer):
                rows = index.rows(group.finding.instrument)
                for slot in index.layout(group.finding):
                    if slot.obligation is not None and slot.ref in rows:
                        wanted.append(tuple(b.block for b in rows[slot.ref].blocks))
            plans[key] = wanted

    def one(products: list[Profile]) -> int:
        met = 0
        for day in DAYS:
            for p in products:
                claims = {c.block: c.met for c in p.claims}
                for blocks in plans[(p.category, p.markets, frozenset(p.features), day)]:
                    for block in blocks:
                        if claims.get(block):
                            met += 1
        return met

    return rounds(one, fleets)


def rounds(
    run: Callable[[list[Profile]], object], fleets: list[list[Profile]]
) -> tuple[float, float]:
    """The best rate over the fleets, one round each, in CPU and in wall time."""
    cpu, wall = [], []
    for products in fleets:
        c0, t0 = time.process_time(), time.perf_counter()
        run(products)
        cpu.append(len(DAYS) * len(products) / (time.process_time() - c0))
        wall.append(len(DAYS) * len(products) / (time.perf_counter() - t0))
    return max(cpu), max(wall)


def new_combinations(catalog: Catalog, base: list[Profile], size: int) -> list[Profile]:
    """`size` products, each a combination of markets and features no other has."""
    rng = random.Random(20261130)
    markets = sorted(catalog.markets)
    features = sorted(catalog.features)
    seen: set[tuple[object, ...]] = set()
    found: list[Profile] = []
    while len(found) < size:
        p = base[len(found) % len(base)]
        chosen = tuple(sorted(rng.sample(markets, rng.randint(1, 4))))
        with_features = tuple(sorted(rng.sample(features, rng.randint(0, 6))))
        key = (p.category, chosen, with_features)
        if key not in seen:
            seen.add(key)
            found.append(dataclasses.replace(p, markets=chosen, features=with_features))
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
            known_of.clear()
            t0 = time.perf_counter()
            assess(catalog, p, day)
            singles.append((time.perf_counter() - t0) * 1000)
    warm = []
    for p in base:
        for day in DAYS:
            t0 = time.perf_counter()
            assess(catalog, p, day)
            warm.append((time.perf_counter() - t0) * 1000)
    fleets = [products, *(fleet(base, 2000, seed) for seed in (20261129, 20261201))]

    def judged(products: list[Profile]) -> None:
        for day in DAYS:
            for p in products:
                assess(catalog, p, day)

    rate, rate_wall = rounds(judged, fleets)
    floor, floor_wall = floor_rate(catalog, fleets)
    fresh = new_combinations(catalog, base, 200)
    c0, t0 = time.process_time(), time.perf_counter()
    for p in fresh:
        assess(catalog, p, DAYS[0])
    new_ms = (time.process_time() - c0) * 1000 / len(fresh)
    new_wall_ms = (time.perf_counter() - t0) * 1000 / len(fresh)
    c0 = time.process_time()
    for p in fresh:
        assess(catalog, p, DAYS[0])
    repeat_ms = (time.process_time() - c0) * 1000 / len(fresh)
    figures = [
        figure(
            "assessments/s, fleet, one core (CPU time)",
            rate,
            "1/s",
            floor=("a plain loop: one claim look-up per mapped block", floor),
            target=">= 15,000/s or within 10x of the floor",
            met=rate >= 15000 or rate * 10 >= floor,
        ),
        figure(
            "one assessment, a new combination each (CPU time)",
            new_ms,
            "ms",
            floor=("the same products again (combinations known)", repeat_ms),
            target="<= 1 ms",
            met=new_ms <= 1,
        ),
    ]
    result = {
        "fleet": len(products) * len(DAYS),
        "rounds": len(fleets),
        "assessments_per_second_wall": round(rate_wall),
        "floor_per_second_wall": round(floor_wall),
        "mean_ms_in_fleet": round(1000 / rate, 3),
        "new_combination_ms_wall": round(new_wall_ms, 3),
        "single_cold_ms_median": round(statistics.median(singles), 2),
        "single_cold_ms_max": round(max(singles), 2),
        "single_warm_ms_median": round(statistics.median(warm), 3),
        "meets_issue_6_targets": rate >= 5000 and statistics.median(singles) <= 5,
    }
    emit("assess", figures, **result)


if __name__ == "__main__":
    main()
