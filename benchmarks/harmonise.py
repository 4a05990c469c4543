"""Time the harmonisation hot paths; print one JSON document (benchmarks/frame.py).

Targets (issues 5 and 16): the overlap matrix <= 100 ms at 250 instrument editions, growing
gently (its time at 32, 132 and 250 editions is given); a derived crosswalk of two
instruments <= 20 ms (EN 303 645 V3.1.3 onto the EU CRA, and the slowest pair of all).

The grown catalogs are the packaged one plus synthetic editions: copies of the real
editions (with their mappings) under new ids, cycling through them, so the new rows look
like the real ones. The catalog is loaded once, as a running web app or a batch holds it.
No peer tool computes these measures, so the floor beside the matrix is the part every
method pays: finding each edition's blocks (the footprints), without comparing any pair.
"""

from __future__ import annotations

import dataclasses
import itertools
from functools import partial

from benchmarks.frame import emit, figure, timed

from prodsec.catalog import Catalog, load_catalog
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.measures import Counted, Selection, footprint, overlap

SIZES = (132, 250)


def grown(catalog: Catalog, size: int) -> Catalog:
    """The catalog with synthetic copies of its editions added until it holds `size`."""
    real = sorted(catalog.instruments.values(), key=lambda i: i.key)
    copies, sets = [], []
    for n, inst in zip(range(size - len(real)), itertools.cycle(real), strict=False):
        ident = f"synthetic-{n:03d}-{inst.id}"[:60]
        copies.append(dataclasses.replace(inst, id=ident, previous_edition=None))
        mapping = catalog.mapping_sets.get(inst.key)
        if mapping is not None:
            sets.append(dataclasses.replace(mapping, instrument=ident))
    return Catalog(
        instruments=[*real, *copies],
        blocks=catalog.blocks.values(),
        features=catalog.features.values(),
        categories=catalog.categories.values(),
        mapping_sets=[*catalog.mapping_sets.values(), *sets],
        markets=catalog.markets.values(),
        recognitions=catalog.recognitions,
        arrangements=catalog.arrangements.values(),
        regions=catalog.regions.values(),
    )


def matrix(catalog: Catalog, runs: int) -> tuple[int, float, float]:
    """(editions, overlap matrix ms, footprints-only ms) over every edition."""
    every = Selection(instruments=tuple(sorted(catalog.instruments)))
    insts = [catalog.instruments[k] for k in every.instruments]

    def footprints() -> None:
        for counted in (Counted.ALL, Counted.MANDATORY):
            for inst in insts:
                footprint(catalog, inst, every, counted)

    return len(insts), timed(lambda: overlap(catalog, every), runs), timed(footprints, runs)


def main() -> None:
    catalog = load_catalog()
    growth = [matrix(catalog, 15)] + [matrix(grown(catalog, n), 5) for n in SIZES]
    a = catalog.instrument("etsi-en-303-645@3.1.3")
    b = catalog.instrument("eu-cra@2024-2847")
    pair_ms = timed(lambda: crosswalk(catalog, a, b), 50)
    keys = sorted(catalog.instruments)
    worst_ms, worst = max(
        (
            timed(partial(crosswalk, catalog, catalog.instruments[x], catalog.instruments[y]), 3),
            f"{x} -> {y}",
        )
        for x in keys
        for y in keys
        if x != y
    )
    figures = [
        figure(
            f"overlap matrix, {n} editions",
            ms,
            "ms",
            floor=(f"footprints of the {n} editions alone", floor),
            target="<= 100 ms at 250 editions" if n == SIZES[-1] else "growth shown",
            met=ms <= 100 if n == SIZES[-1] else True,
        )
        for n, ms, floor in growth
    ]
    figures += [
        figure(
            "crosswalk EN 303 645 V3.1.3 -> EU CRA",
            pair_ms,
            "ms",
            target="<= 20 ms",
            met=pair_ms <= 20,
        ),
        figure(
            f"crosswalk, slowest pair ({worst})",
            worst_ms,
            "ms",
            target="<= 20 ms",
            met=worst_ms <= 20,
        ),
    ]
    (n0, ms0, _), (n2, ms2, _) = growth[0], growth[-1]
    emit(
        "harmonise",
        figures,
        growth={str(n): round(ms, 2) for n, ms, _ in growth},
        growth_exponent=round(_exponent(n0, ms0, n2, ms2), 2),
    )


def _exponent(n0: int, t0: float, n1: int, t1: float) -> float:
    """k in time ~ editions^k between two sizes (1 linear, 2 the square)."""
    import math

    return math.log(t1 / t0) / math.log(n1 / n0)


if __name__ == "__main__":
    main()
