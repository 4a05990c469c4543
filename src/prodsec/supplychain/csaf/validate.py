"""A CSAF 2.0 document checked whole: the JSON schema, then every mandatory test of
section 6.1 (6.1.1 to 6.1.33, the profile tests 6.1.27.1 to .11 included). A document is
valid when nothing fails. The tests run on the JSON data as read, so a document that
breaks the schema still gets every test's verdict."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from prodsec.supplychain.csaf import tests_document as d
from prodsec.supplychain.csaf import tests_profiles as p
from prodsec.supplychain.csaf import tests_tree as t
from prodsec.supplychain.csaf import tests_vulns as v
from prodsec.supplychain.csaf.document import Failure
from prodsec.supplychain.csaf.schema import schema_failures

Test = Callable[[Any], list[Failure]]

MANDATORY: dict[str, Test] = {
    "6.1.1": t.check_6_1_1,
    "6.1.2": t.check_6_1_2,
    "6.1.3": t.check_6_1_3,
    "6.1.4": t.check_6_1_4,
    "6.1.5": t.check_6_1_5,
    "6.1.6": v.check_6_1_6,
    "6.1.7": v.check_6_1_7,
    "6.1.8": v.check_6_1_8,
    "6.1.9": v.check_6_1_9,
    "6.1.10": v.check_6_1_10,
    "6.1.11": v.check_6_1_11,
    "6.1.12": d.check_6_1_12,
    "6.1.13": t.check_6_1_13,
    "6.1.14": d.check_6_1_14,
    "6.1.15": d.check_6_1_15,
    "6.1.16": d.check_6_1_16,
    "6.1.17": d.check_6_1_17,
    "6.1.18": d.check_6_1_18,
    "6.1.19": d.check_6_1_19,
    "6.1.20": d.check_6_1_20,
    "6.1.21": d.check_6_1_21,
    "6.1.22": d.check_6_1_22,
    "6.1.23": v.check_6_1_23,
    "6.1.24": d.check_6_1_24,
    "6.1.25": t.check_6_1_25,
    "6.1.26": d.check_6_1_26,
    "6.1.27.1": p.check_6_1_27_1,
    "6.1.27.2": p.check_6_1_27_2,
    "6.1.27.3": p.check_6_1_27_3,
    "6.1.27.4": p.check_6_1_27_4,
    "6.1.27.5": p.check_6_1_27_5,
    "6.1.27.6": p.check_6_1_27_6,
    "6.1.27.7": p.check_6_1_27_7,
    "6.1.27.8": p.check_6_1_27_8,
    "6.1.27.9": p.check_6_1_27_9,
    "6.1.27.10": p.check_6_1_27_10,
    "6.1.27.11": p.check_6_1_27_11,
    "6.1.28": d.check_6_1_28,
    "6.1.29": v.check_6_1_29,
    "6.1.30": d.check_6_1_30,
    "6.1.31": t.check_6_1_31,
    "6.1.32": v.check_6_1_32,
    "6.1.33": v.check_6_1_33,
}
"""Every mandatory test of CSAF 2.0 by its section number, in the standard's order."""


@dataclass(frozen=True, slots=True)
class Report:
    """What one document's check found; `failures` in test order, then by path."""

    source: str
    failures: tuple[Failure, ...]

    @property
    def valid(self) -> bool:
        return not self.failures

    def failed(self) -> set[str]:
        """The names of the tests that failed (`schema` among them)."""
        return {f.test for f in self.failures}


def validate(document: Any, source: str = "", tests: Sequence[str] | None = None) -> Report:
    """The schema check and the mandatory tests (or the named ones) of one document."""
    failures = list(schema_failures(document))
    for name in tests if tests is not None else MANDATORY:
        failures.extend(MANDATORY[name](document))
    return Report(source, tuple(failures))
