"""The public JSON shapes of CSAF work: one document's validation."""

from __future__ import annotations

from typing import TypedDict

from prodsec.errors import DataError, LimitExceededError
from prodsec.supplychain.csaf.validate import Report


class FailurePublic(TypedDict):
    test: str
    path: str
    message: str


class ValidationPublic(TypedDict):
    source: str
    valid: bool
    failed_tests: list[str]
    failures: list[FailurePublic]


def validation_view(report: Report) -> ValidationPublic:
    """One document's verdict: valid or not, the failed tests in order, each failure."""
    order = {name: i for i, name in enumerate(["schema", *_mandatory()])}
    return {
        "source": report.source,
        "valid": report.valid,
        "failed_tests": sorted(report.failed(), key=lambda t: order.get(t, len(order))),
        "failures": [
            {"test": f.test, "path": f.path, "message": f.message} for f in report.failures
        ],
    }


def unreadable_view(source: str, error: DataError | LimitExceededError) -> ValidationPublic:
    """A document that could not be read as JSON: not valid, its one test `read` failed
    with each problem of the reader (a limit at `$`)."""
    if isinstance(error, DataError):
        found = [(i.field, i.message) for i in error.issues]
    else:
        found = [("$", str(error).partition(": ")[2] or str(error))]
    failures: list[FailurePublic] = [{"test": "read", "path": p, "message": m} for p, m in found]
    return {"source": source, "valid": False, "failed_tests": ["read"], "failures": failures}


def _mandatory() -> list[str]:
    from prodsec.supplychain.csaf.validate import MANDATORY

    return list(MANDATORY)
