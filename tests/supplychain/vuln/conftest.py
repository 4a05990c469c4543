"""The public corpora the supply-chain tests read: `PRODSEC_TEST_CORPORA`, or a
`shared/corpora` folder beside an ancestor of the work tree."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest


def corpora_root() -> Path:
    named = os.environ.get("PRODSEC_TEST_CORPORA", "")
    if named:
        return Path(named)
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "corpora"
        if candidate.is_dir():
            return candidate
    raise AssertionError("no test corpora: set PRODSEC_TEST_CORPORA to the corpora folder")


@pytest.fixture(scope="session")
def corpora() -> Path:
    return corpora_root()


def osv_record(
    events: list[Any], kind: str = "ECOSYSTEM", ecosystem: str = "PyPI", **extra: Any
) -> dict[str, Any]:
    """A made-up OSV record with one package `demo` and one range of `events`."""
    return {
        "id": "TEST-1",
        "modified": "2026-11-30T00:00:00Z",
        "affected": [
            {
                "package": {"ecosystem": ecosystem, "name": "demo"},
                "ranges": [{"type": kind, "events": events}],
                **extra,
            }
        ],
    }
