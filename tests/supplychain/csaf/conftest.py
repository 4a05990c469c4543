"""The reference CSAF validator (npm @secvisogram/csaf-validator-lib, installed for the
tests by scripts/test-csaf-validator.sh) run once, through tests/support/csaf-oracle.mjs,
on OASIS's mandatory cases and on every advisory of tests/assets/csaf (the ones `prodsec
csaf make` writes among them): loading the library takes seconds, so it runs once."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ..vuln.conftest import corpora_root

TESTS = Path(__file__).resolve().parents[2]
SCRIPT = TESTS / "support" / "csaf-oracle.mjs"
ASSETS = TESTS / "assets" / "csaf"
MANDATORY = corpora_root() / "csaf" / "validator-data" / "mandatory"


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    """File name -> {"valid", "errors": [{"test", "path", "message"}]}."""
    folder = os.environ.get("PRODSEC_TEST_CSAF_VALIDATOR", "")
    assert folder, "PRODSEC_TEST_CSAF_VALIDATOR is not set: run the suite through `make test`"
    files = [*sorted(MANDATORY.glob("*.json")), *sorted(ASSETS.glob("*.json"))]
    done = subprocess.run(
        ["node", str(SCRIPT), folder, *map(str, files)],
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return {Path(k).name: v for k, v in json.loads(done.stdout).items()}
