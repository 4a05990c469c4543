"""Our CVSS arithmetic (test 6.1.9) beside the reference CSAF validator's on random
vectors: every base, temporal and environmental score the reference can compute must be
the same, so that the two validators refuse the same stated scores."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

from prodsec.supplychain.csaf import cvss

SCRIPT = Path(__file__).resolve().parents[2] / "support" / "cvss-oracle.mjs"
PER_VERSION = 3000

_V2 = {
    "AV": "L A N", "AC": "H M L", "Au": "M S N", "C": "N P C", "I": "N P C", "A": "N P C",
    "E": "U POC F H ND", "RL": "OF TF W U ND", "RC": "UC UR C ND",
    "CDP": "N L LM MH H ND", "TD": "N L M H ND", "CR": "L M H ND", "IR": "L M H ND",
    "AR": "L M H ND",
}  # fmt: skip
_V3 = {
    "AV": "N A L P", "AC": "L H", "PR": "N L H", "UI": "N R", "S": "U C", "C": "H L N",
    "I": "H L N", "A": "H L N", "E": "X U P F H", "RL": "X O T W U", "RC": "X U R C",
    "CR": "X L M H", "IR": "X L M H", "AR": "X L M H", "MAV": "X N A L P", "MAC": "X L H",
    "MPR": "X N L H", "MUI": "X N R", "MS": "X U C", "MC": "X N L H", "MI": "X N L H",
    "MA": "X N L H",
}  # fmt: skip


def _vectors(table: dict[str, str], base: int, head: str, rng: random.Random) -> list[str]:
    """Random vectors: every base metric, each other metric present one time in two."""
    out = []
    for _ in range(PER_VERSION):
        parts = [head] if head else []
        for n, (metric, values) in enumerate(table.items()):
            if n < base or rng.random() < 0.5:
                parts.append(f"{metric}:{rng.choice(values.split())}")
        out.append("/".join(parts))
    return out


def test_our_scores_are_the_reference_validators_on_random_vectors(tmp_path: Path) -> None:
    folder = os.environ.get("PRODSEC_TEST_CSAF_VALIDATOR", "")
    assert folder, "PRODSEC_TEST_CSAF_VALIDATOR is not set: run the suite through `make test`"
    rng = random.Random(20261130)
    vectors = {
        "2.0": _vectors(_V2, 6, "", rng),
        "3.0": _vectors(_V3, 8, "CVSS:3.0", rng),
        "3.1": _vectors(_V3, 8, "CVSS:3.1", rng),
    }
    file = tmp_path / "vectors.json"
    file.write_text(json.dumps(vectors), encoding="utf-8")
    done = subprocess.run(
        ["node", str(SCRIPT), folder, str(file)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    reference = json.loads(done.stdout)
    compared = {}
    differ: dict[str, list[tuple[str, tuple[float, ...], list[float]]]] = {}
    for version, listed in vectors.items():
        compared[version] = 0
        for vector, theirs in zip(listed, reference[version], strict=True):
            metrics = cvss.parse_vector(vector, version)
            assert metrics is not None, vector
            if theirs is None:
                continue
            compared[version] += 1
            s = cvss.compute(metrics, version)
            ours = (s.base, s.temporal, s.environmental)
            if list(ours) != theirs:
                differ.setdefault(version, []).append((vector, ours, theirs))
    print(f"vectors scored by both: {compared}")
    assert compared == {"2.0": 3000, "3.0": 3000, "3.1": 3000}
    assert differ == {}


def test_a_v2_environmental_score_can_fall_below_zero() -> None:
    # a low requirement on the one partial impact of a hard local attack: FIRST's v2 guide
    # sets no floor, and the reference validator gives -0.1 too
    vector = "AV:L/AC:H/Au:M/C:P/I:N/A:N/E:U/RL:OF/RC:UC/CDP:N/TD:H/CR:L/IR:L/AR:L"
    metrics = cvss.parse_vector(vector, "2.0")
    assert metrics is not None
    s = cvss.scores_v2(metrics)
    assert (s.base, s.temporal, s.environmental) == (0.8, 0.5, -0.1)
