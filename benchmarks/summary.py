"""Run every benchmark, each in its own process, and write one summary: every figure beside
its floor, the ratio, the target and whether it is met, with the load each ran under (the
1-minute load average when the benchmark finished, on every line of the table).

`python -m benchmarks.summary [OUT]` (OUT defaults to benchmarks/summary.json, machine
output that is not committed). A short table goes to stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks.frame import load

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = (
    "startup",
    "catalog_load",
    "harmonise",
    "crosswalk_score",
    "web",
    "assess",
    "registry",
    "load",
    # --- vulns: matching beside pip-audit, and throughput ---
    "vulns",
    "batch",
    # --- findings: continuous re-assessment ---
    "reassess",
)


def run(name: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}"], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        return {"benchmark": name, "error": done.stderr.strip().splitlines()[-1:], "met": False}
    found: dict[str, object] = json.loads(done.stdout)
    return found


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "benchmarks" / "summary.json"
    before = load()
    documents = []
    for name in BENCHMARKS:
        sys.stderr.write(f"{name} ...\n")
        documents.append(run(name))
    summary = {
        "load_before": before,
        "load_after": load(),
        "met": all(d.get("met") is True for d in documents),
        "benchmarks": documents,
    }
    out.write_text(json.dumps(summary, indent=2) + "\n")
    for d in documents:
        figures = d.get("figures")
        loads = d.get("load")
        under = f"load {loads[0]:>5}" if isinstance(loads, list) and loads else ""
        for f in figures if isinstance(figures, list) else []:
            floor = f["floor"]["value"] if f["floor"] else "-"
            verdict = "met" if f["met"] else "NOT met"
            sys.stderr.write(
                f"{d['benchmark']:<16}{f['measure'][:48]:<50}{f['value']:>12} {f['unit']:<6}"
                f" floor {floor!s:>10} ratio {f['ratio']!s:>7}  {verdict:<8} {under}"
                f"  target {f['target']}\n"
            )
        if "error" in d:
            sys.stderr.write(f"{d['benchmark']:<16}failed: {d['error']}\n")
    sys.stderr.write(f"written {out}\n")


if __name__ == "__main__":
    main()
