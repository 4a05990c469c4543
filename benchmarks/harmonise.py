"""Time the harmonisation hot paths; print one JSON document.

Targets (issue 5): the whole overlap matrix over every instrument edition in the catalog
<= 100 ms; a derived crosswalk of two instruments <= 20 ms (the largest pair: EN 303 645
V3.1.3 onto the EU CRA, and the slowest pair found among all of them). The catalog is
loaded once, as a running web app or a batch would hold it. No peer tool computes these
measures (CISO Assistant computes pairwise coverage inside its Django app only), so there
is no side-by-side figure.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial

from prodsec.catalog import load_catalog
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.measures import Selection, overlap


def timed(fn: Callable[[], object], runs: int) -> float:
    """Median milliseconds of `runs` calls."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    catalog = load_catalog()
    every = Selection(instruments=tuple(sorted(catalog.instruments)))
    matrix_ms = timed(lambda: overlap(catalog, every), 15)
    a = catalog.instrument("etsi-en-303-645@3.1.3")
    b = catalog.instrument("eu-cra@2024-2847")
    pair_ms = timed(lambda: crosswalk(catalog, a, b), 50)
    keys = sorted(catalog.instruments)
    worst = max(
        (
            timed(partial(crosswalk, catalog, catalog.instruments[x], catalog.instruments[y]), 3),
            f"{x} -> {y}",
        )
        for x in keys
        for y in keys
        if x != y
    )
    result = {
        "benchmark": "harmonise",
        "python": sys.version.split()[0],
        "targets": {"overlap_matrix_ms": 100, "crosswalk_ms": 20},
        "instruments": len(every.instruments),
        "overlap_matrix_ms": round(matrix_ms, 2),
        "overlap_pairs": len(every.instruments) ** 2,
        "crosswalk_en_303_645_v3_to_cra_ms": round(pair_ms, 3),
        "crosswalk_slowest_pair_ms": round(worst[0], 3),
        "crosswalk_slowest_pair": worst[1],
        "meets_targets": matrix_ms <= 100 and max(pair_ms, worst[0]) <= 20,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
