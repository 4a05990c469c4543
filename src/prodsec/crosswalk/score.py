"""Score a derived crosswalk against a reference crosswalk kept apart from the catalog.

A reference is a set of requirement pairs (`a`, `b`) that a published or structural
crosswalk says relate. Our crosswalk predicts a pair wherever it holds any relation
(equal, subset-of, superset-of or intersects-with, direct or derived) from a requirement
of `a` to one of `b`. Recall is the share of reference pairs we predict; precision the
share of predicted pairs the reference holds. The scores are at requirement (provision)
level and ignore the kind of relationship: a reference that names only "relates" cannot
check more.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prodsec.crosswalk.derive import Crosswalk
from prodsec.errors import BadInputError

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Score:
    recall: float
    precision: float
    found: tuple[Pair, ...]
    """Reference pairs the crosswalk predicts."""
    missed: tuple[Pair, ...]
    """Reference pairs it does not."""
    extra: tuple[Pair, ...]
    """Predicted pairs the reference does not hold."""


def read_reference(path: Path, a: str, b: str) -> frozenset[Pair]:
    """Pairs from a CSV of `ref_of_a,ref_of_b` lines under one header line; `#` lines are
    comments. The refs become requirement ids of the editions `a` and `b`."""
    rows = [
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    pairs = set()
    for n, row in enumerate(rows[1:], start=2):
        left, sep, right = row.partition(",")
        if not sep or not left or not right or "," in right:
            raise BadInputError(f"{path.name}: row {n}: expected two refs, got {row!r}")
        pairs.add((f"{a}:{left}", f"{b}:{right}"))
    return frozenset(pairs)


def score(x: Crosswalk, reference: frozenset[Pair]) -> Score:
    """Recall and precision of the crosswalk's pairs against the reference."""
    predicted = {(r.source, r.target) for r in x.relations}
    found = predicted & reference
    return Score(
        recall=round(len(found) / len(reference), 4) if reference else 0.0,
        precision=round(len(found) / len(predicted), 4) if predicted else 0.0,
        found=tuple(sorted(found)),
        missed=tuple(sorted(reference - predicted)),
        extra=tuple(sorted(predicted - reference)),
    )
