"""`prodsec catalog patch|apply-patch` and `prodsec harmonise agreement` on files."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from prodsec.catalog.history import read_ledger
from prodsec.catalog.load import PACKAGED

Run = Callable[..., tuple[int, str, str]]
FACT = "edge:psti-sch2-passwords"


def test_a_patch_made_and_applied_to_a_copy(run: Run, tmp_path: Path) -> None:
    patch = tmp_path / "p.patch"
    code, _, err = run(
        "catalog", "patch", "--fact", FACT, "--field", "valid_until", "--value", "2030-01-01",
        "--message", "proposal 7: close the edge", "-o", str(patch),
    )  # fmt: skip
    assert (code, err) == (0, f"wrote {patch}\n")
    assert patch.read_text().splitlines()[:3] == [
        "# proposal 7: close the edge",
        "--- a/recognition.yaml",
        "+++ b/recognition.yaml",
    ]
    data = tmp_path / "data"
    shutil.copytree(PACKAGED, data)
    kept = len(read_ledger(data / "history" / "revisions.jsonl"))
    code, out, err = run("catalog", "apply-patch", str(patch), "--data", str(data))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "patched recognition.yaml",
        f"revision {kept + 1}: 1 recognition edge changed (valid_until 1)",
    ]
    ledger = read_ledger(data / "history" / "revisions.jsonl")
    assert (ledger[-1]["message"], ledger[-1]["commit"]) == ("proposal 7: close the edge", "patch")
    code, out, err = run("catalog", "apply-patch", str(patch), "--data", str(data))
    assert code == 1
    assert err.splitlines()[-1] == "p.patch: recognition.yaml: hunk 1 does not apply at line 31"


def test_a_patch_that_breaks_the_catalog_is_refused(run: Run) -> None:
    code, _, err = run(
        "catalog", "patch", "--fact", "requirement:uk-psti@2025-12-04:Sch1-1",
        "--field", "strength", "--value", "must",
    )  # fmt: skip
    assert code == 1
    assert err.splitlines()[-1].endswith(
        "instruments/uk-psti/2025-12-04.yaml:68: requirements[Sch1-1].strength: "
        "Input should be 'shall', 'should' or 'may'"
    )


def test_agreement_of_a_published_crosswalk(run: Run, tmp_path: Path) -> None:
    sheet = tmp_path / "x.csv"
    sheet.write_text(
        "source,target,relationship,rationale\n"
        "uk-psti@2025-12-04:Sch1-2,block:vulnerability-disclosure-policy,equal,\n"
        "uk-psti@2025-12-04:Sch1-3,block:published-support-period,superset of,\n"
    )
    code, out, _ = run("harmonise", "agreement", str(sheet), "-f", "csv")
    assert code == 0
    assert out.splitlines() == [
        "source,target,published,derived,verdict",
        "uk-psti@2025-12-04:Sch1-2,block:vulnerability-disclosure-policy,equal,equal,agrees",
        "uk-psti@2025-12-04:Sch1-3,block:published-support-period,superset-of,equal,weaker",
    ]
