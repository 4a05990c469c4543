"""Score derived crosswalks against references kept apart from the catalog; print JSON.

Target (issue 14): recall >= 0.9 at precision >= 0.9 for the UK Code of Practice against
EN 303 645 V2.1.1 at provision level. The reference is
tests/assets/crosswalks/uk-cop-iot@2018--etsi-en-303-645@2.1.1.csv (its header says where
it comes from). Not a timing: a figure of the data's quality, run with the benchmarks so
that it is reported beside them; it has no floor.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.frame import emit, figure

from prodsec.catalog import load_catalog
from prodsec.crosswalk.derive import crosswalk
from prodsec.crosswalk.score import read_reference, score

REFERENCES = Path(__file__).resolve().parents[1] / "tests" / "assets" / "crosswalks"


def main() -> None:
    catalog = load_catalog()
    results = []
    for path in sorted(REFERENCES.glob("*--*.csv")):
        b, _, a = path.stem.partition("--")
        s = score(
            crosswalk(catalog, catalog.instrument(a), catalog.instrument(b)),
            read_reference(path, a, b),
        )
        results.append(
            {
                "source": a,
                "target": b,
                "recall": s.recall,
                "precision": s.precision,
                "found": len(s.found),
                "missed": [f"{x}>{y}" for x, y in s.missed],
                "extra": [f"{x}>{y}" for x, y in s.extra],
            }
        )
    figures = [
        figure(
            f"{r['source']} -> {r['target']}: {what}",
            float(r[what]),  # type: ignore[arg-type]
            "share",
            target=">= 0.9",
            met=float(r[what]) >= 0.9,  # type: ignore[arg-type]
        )
        for r in results
        for what in ("recall", "precision")
    ]
    emit("crosswalk_score", figures, crosswalk_scores=results)


if __name__ == "__main__":
    main()
