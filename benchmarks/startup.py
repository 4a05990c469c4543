"""Time how long `prodsec` takes to start and answer, as whole processes; print JSON.

Target (issue 12): commands that do not touch the database finish within 300 ms of a bare
`python -c pass` (the floor: the interpreter starting and stopping). Each command runs
RUNS times in a fresh process; the median wall-clock time counts, and the median CPU time
the child used (user + system) is given beside it, each judged against the budget: on an
idle machine the two agree, on a busy one the wall time wanders and the CPU time holds.
Before any clock starts, every command runs once: the catalog's compiled cache is written
and every module each command imports is compiled to bytecode, as on any second run of an
installed copy. The figures judged are the CPU times (on this shared machine the wall
times wander with the load; they are in `details.commands`, judged too).
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.frame import emit, figure

RUNS = 9
ROOT = Path(__file__).resolve().parents[1]
BUDGET_MS = 300.0


def _prodsec() -> list[str]:
    """The installed `prodsec` script beside this interpreter, else the one on PATH."""
    beside = Path(sys.executable).with_name("prodsec")
    found = str(beside) if beside.exists() else shutil.which("prodsec")
    if found is None:
        raise SystemExit("prodsec is not installed (pip install -e .)")
    return [found]


def _time(argv: list[str]) -> tuple[float, float]:
    """(median wall ms, median CPU ms) of RUNS runs of `argv`, output discarded."""
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
        walls.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        cpus.append(used * 1000)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    prodsec = _prodsec()
    commands = {
        "prodsec --version": ["--version"],
        "prodsec catalog list": ["catalog", "list"],
        "prodsec catalog show uk-psti@2025-12-04 --format json": [
            "catalog", "show", "uk-psti@2025-12-04", "--format", "json",
        ],
        # a profile without SBOMs: one that names them opens the advisory database
        "prodsec assess examples/laptop.yaml": ["assess", "examples/laptop.yaml"],
    }  # fmt: skip
    env_columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    for args in commands.values():  # the cache and the bytecode, before any clock
        subprocess.run([*prodsec, *args], cwd=ROOT, capture_output=True, check=False)
    floor_wall, floor_cpu = _time([sys.executable, "-c", "pass"])
    results = []
    for name, args in commands.items():
        wall, cpu = _time([*prodsec, *args])
        results.append(
            {
                "command": name,
                "median_ms": round(wall, 1),
                "cpu_ms": round(cpu, 1),
                "over_floor_ms": round(wall - floor_wall, 1),
                "cpu_over_floor_ms": round(cpu - floor_cpu, 1),
                "ratio_to_floor": round(wall / floor_wall, 2),
                "within_budget_wall": wall - floor_wall <= BUDGET_MS,
                "within_budget_cpu": cpu - floor_cpu <= BUDGET_MS,
            }
        )
    if env_columns is None:
        del os.environ["COLUMNS"]
    figures = [
        figure(
            f"{r['command']}, CPU",
            float(r["cpu_ms"]),  # type: ignore[arg-type]
            "ms",
            floor=("python -c pass, CPU", floor_cpu),
            target=f"<= {BUDGET_MS:.0f} ms over the floor",
            met=bool(r["within_budget_cpu"]),
        )
        for r in results
    ]
    emit(
        "startup",
        figures,
        runs=RUNS,
        budget_over_floor_ms=BUDGET_MS,
        floor={"command": "python -c pass", "median_ms": round(floor_wall, 1),
               "cpu_ms": round(floor_cpu, 1)},
        commands=results,
    )  # fmt: skip


if __name__ == "__main__":
    main()
