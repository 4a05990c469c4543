"""Severity: CVSS v2, v3.x and v4.0 vectors scored with the `cvss` library (Red Hat,
LGPL-3.0+, used unmodified as a dependency: decision 0023), other ratings kept as given.

A rating is one of `none`, `low`, `medium`, `high`, `critical`: CVSS 3 and 4 define
them; for CVSS 2 the library follows NVD's bands (low below 4, high from 7). A vector the
library refuses keeps its text with no score, and the rating is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cvss import CVSS2, CVSS3, CVSS4  # type: ignore[import-untyped]
from cvss.exceptions import CVSSError  # type: ignore[import-untyped]


@dataclass(frozen=True, slots=True)
class Severity:
    type: str
    vector: str
    score: float | None
    rating: str


@lru_cache(maxsize=16_384)
def score(kind: str, vector: str) -> Severity:
    """The base score and rating of one OSV `severity` entry (`CVSS_V3`, vector)."""
    try:
        if kind == "CVSS_V2":
            v2 = CVSS2(vector)
            return Severity(kind, vector, float(v2.base_score), v2.severities()[0].lower())
        if kind == "CVSS_V3":
            v3 = CVSS3(vector)
            return Severity(kind, vector, float(v3.base_score), v3.severities()[0].lower())
        if kind == "CVSS_V4":
            v4 = CVSS4(vector)
            return Severity(kind, vector, float(v4.base_score), str(v4.severity).lower())
    except CVSSError:
        return Severity(kind, vector, None, "")
    return Severity(kind, vector, None, "")


def highest(severities: tuple[Severity, ...]) -> Severity | None:
    """The scored entry with the highest score (the newest CVSS version on a tie)."""
    order = {"CVSS_V2": 0, "CVSS_V3": 1, "CVSS_V4": 2}
    scored = [s for s in severities if s.score is not None]
    if not scored:
        return None
    return max(scored, key=lambda s: (s.score or 0.0, order.get(s.type, -1)))
