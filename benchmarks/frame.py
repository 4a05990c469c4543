"""What every benchmark prints: its figures, each beside its floor or peer measured in the
same run, the ratio between them, the target and whether it is met, and the machine's load
while it ran (absolute times move with the load; ratios hold better).

Run a benchmark from the repository's root as a module (`python -m benchmarks.harmonise`);
`python -m benchmarks.summary` (what `make bench` does) runs them all and writes one summary.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import TypedDict

# Processes this benchmark starts keep their compiled bytecode (__pycache__), as any
# installed copy of prodsec does: an environment that forbids writing it would make every
# new process compile prodsec's sources again and time that instead.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


class Floor(TypedDict):
    what: str
    value: float


class Figure(TypedDict):
    """One measured figure beside its floor (or peer), from the same run."""

    measure: str
    value: float
    unit: str
    floor: Floor | None
    ratio: float | None
    """value / floor value."""
    target: str
    met: bool


def figure(
    measure: str,
    value: float,
    unit: str,
    *,
    target: str,
    met: bool,
    floor: tuple[str, float] | None = None,
) -> Figure:
    ratio = round(value / floor[1], 3) if floor is not None and floor[1] else None
    return {
        "measure": measure,
        "value": round(value, 3),
        "unit": unit,
        "floor": None if floor is None else {"what": floor[0], "value": round(floor[1], 3)},
        "ratio": ratio,
        "target": target,
        "met": met,
    }


def load() -> list[float]:
    """The machine's load average over 1, 5 and 15 minutes."""
    return [round(x, 2) for x in os.getloadavg()]


def emit(benchmark: str, figures: list[Figure], **details: object) -> None:
    """Print the benchmark's document: figures first, then whatever else it measured."""
    document = {
        "benchmark": benchmark,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load": load(),
        "figures": figures,
        "met": all(f["met"] for f in figures),
        "details": details,
    }
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def timed(fn: Callable[[], object], runs: int) -> float:
    """Median milliseconds of `runs` calls."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)
