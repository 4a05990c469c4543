"""Peak memory of `prodsec assess --batch` over 10,000 and 100,000 profiles; print JSON.

Target (issue 16): a batch of 100,000 profiles streams in bounded memory: the JSON summary
is written as the products are assessed and only counts are kept, so the peak resident
set of the whole process at 100,000 profiles stays within 20 % of its peak at 10,000 (the
floor, same run). The profiles are the five examples of examples/, one JSON line each,
with their claims flipped at random (seeded), written to a temporary JSON Lines file.
Each batch runs in a process of its own, started by a small parent that reports the peak
of its one child (`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`); the CPU time of the
child gives the profiles per second beside it.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from benchmarks.frame import emit, figure

ROOT = Path(__file__).resolve().parents[1]
SIZES = (10_000, 100_000)

PARENT = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(use.ru_maxrss, use.ru_utime + use.ru_stime)
"""


def write_fleet(path: Path, size: int) -> None:
    """`size` profiles, one per line, from the examples with claims flipped at random."""
    rng = random.Random(20261130)
    base = [
        yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "examples").glob("*.yaml"))
    ]
    with path.open("w", encoding="utf-8") as out:
        for n in range(size):
            p = dict(base[n % len(base)])
            p["model"] = f"{p['model']} #{n}"
            p["claims"] = [{**c, "met": rng.random() > 0.2} for c in p.get("claims", [])]
            out.write(json.dumps(p, default=str) + "\n")


def peak(fleet: Path) -> tuple[float, float]:
    """(peak resident set in MiB, CPU seconds) of one `prodsec assess --batch` process."""
    prodsec = str(Path(sys.executable).with_name("prodsec"))
    argv = [prodsec, "assess", "--batch", str(fleet), "--on", "2026-06-01", "-f", "json"]
    done = subprocess.run(
        [sys.executable, "-c", PARENT, *argv], capture_output=True, text=True, check=True
    )
    rss, cpu = done.stdout.split()
    return int(rss) / 1024, float(cpu)


def main() -> None:
    found: dict[int, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            fleet = Path(tmp) / f"fleet-{size}.jsonl"
            write_fleet(fleet, size)
            found[size] = peak(fleet)
            fleet.unlink()
    small, large = found[SIZES[0]][0], found[SIZES[1]][0]
    figures = [
        figure(
            f"peak RSS, batch of {SIZES[1]:,} profiles",
            large,
            "MiB",
            floor=(f"peak RSS, batch of {SIZES[0]:,} profiles", small),
            target="within 1.2x of the smaller batch (flat)",
            met=large <= 1.2 * small,
        )
    ]
    emit(
        "batch",
        figures,
        **{
            f"profiles_{size}": {
                "peak_rss_mib": round(rss, 1),
                "cpu_s": round(cpu, 2),
                "profiles_per_cpu_second": round(size / cpu),
            }
            for size, (rss, cpu) in found.items()
        },
    )


if __name__ == "__main__":
    main()
