"""CVSS v2.0, v3.0 and v3.1 as CSAF 2.0 carries them (`cvss_v2`, `cvss_v3` objects): the
vector read into metrics, the JSON properties each metric stands for, and the base,
temporal and environmental scores computed as FIRST's specifications define them.

The mandatory tests 6.1.9 (scores computed right) and 6.1.10 (properties agree with the
vector) read these; the advisory author writes `cvss_v3` objects from a vector alone.
Findings are scored by the `cvss` library instead (`vuln/severity.py`): the two agree on
every base score, and differ on some v3.0 and v2.0 temporal and environmental scores,
which is why this arithmetic stays (docs/csaf.md says where and why).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# metric -> (JSON property, {letter: JSON value})
_V3_IMPACT = {"H": "HIGH", "L": "LOW", "N": "NONE"}
_V3_REQ = {"L": "LOW", "M": "MEDIUM", "H": "HIGH", "X": "NOT_DEFINED"}
_V3_AV = {"N": "NETWORK", "A": "ADJACENT_NETWORK", "L": "LOCAL", "P": "PHYSICAL"}
_V3_AC = {"L": "LOW", "H": "HIGH"}
_V3_PR = {"N": "NONE", "L": "LOW", "H": "HIGH"}
_V3_UI = {"N": "NONE", "R": "REQUIRED"}
_V3_S = {"U": "UNCHANGED", "C": "CHANGED"}
_X = {"X": "NOT_DEFINED"}

V3_METRICS: dict[str, tuple[str, dict[str, str]]] = {
    "AV": ("attackVector", _V3_AV),
    "AC": ("attackComplexity", _V3_AC),
    "PR": ("privilegesRequired", _V3_PR),
    "UI": ("userInteraction", _V3_UI),
    "S": ("scope", _V3_S),
    "C": ("confidentialityImpact", _V3_IMPACT),
    "I": ("integrityImpact", _V3_IMPACT),
    "A": ("availabilityImpact", _V3_IMPACT),
    "E": (
        "exploitCodeMaturity",
        {"U": "UNPROVEN", "P": "PROOF_OF_CONCEPT", "F": "FUNCTIONAL", "H": "HIGH", **_X},
    ),
    "RL": (
        "remediationLevel",
        {"O": "OFFICIAL_FIX", "T": "TEMPORARY_FIX", "W": "WORKAROUND", "U": "UNAVAILABLE", **_X},
    ),
    "RC": ("reportConfidence", {"U": "UNKNOWN", "R": "REASONABLE", "C": "CONFIRMED", **_X}),
    "CR": ("confidentialityRequirement", _V3_REQ),
    "IR": ("integrityRequirement", _V3_REQ),
    "AR": ("availabilityRequirement", _V3_REQ),
    "MAV": ("modifiedAttackVector", {**_V3_AV, **_X}),
    "MAC": ("modifiedAttackComplexity", {**_V3_AC, **_X}),
    "MPR": ("modifiedPrivilegesRequired", {**_V3_PR, **_X}),
    "MUI": ("modifiedUserInteraction", {**_V3_UI, **_X}),
    "MS": ("modifiedScope", {**_V3_S, **_X}),
    "MC": ("modifiedConfidentialityImpact", {**_V3_IMPACT, **_X}),
    "MI": ("modifiedIntegrityImpact", {**_V3_IMPACT, **_X}),
    "MA": ("modifiedAvailabilityImpact", {**_V3_IMPACT, **_X}),
}
V3_BASE = ("AV", "AC", "PR", "UI", "S", "C", "I", "A")

_V2T_IMPACT = {"N": "NONE", "P": "PARTIAL", "C": "COMPLETE"}
_V2T_REQ = {"L": "LOW", "M": "MEDIUM", "H": "HIGH", "ND": "NOT_DEFINED"}
_ND = {"ND": "NOT_DEFINED"}
_V2T_E = {"U": "UNPROVEN", "POC": "PROOF_OF_CONCEPT", "F": "FUNCTIONAL", "H": "HIGH", **_ND}
_V2T_RL = {"OF": "OFFICIAL_FIX", "TF": "TEMPORARY_FIX", "W": "WORKAROUND", "U": "UNAVAILABLE"}
_V2T_RC = {"UC": "UNCONFIRMED", "UR": "UNCORROBORATED", "C": "CONFIRMED", **_ND}
_V2T_CDP = {"N": "NONE", "L": "LOW", "LM": "LOW_MEDIUM", "MH": "MEDIUM_HIGH", "H": "HIGH"}
_V2T_TD = {"N": "NONE", "L": "LOW", "M": "MEDIUM", "H": "HIGH", **_ND}
V2_METRICS: dict[str, tuple[str, dict[str, str]]] = {
    "AV": ("accessVector", {"L": "LOCAL", "A": "ADJACENT_NETWORK", "N": "NETWORK"}),
    "AC": ("accessComplexity", {"H": "HIGH", "M": "MEDIUM", "L": "LOW"}),
    "Au": ("authentication", {"M": "MULTIPLE", "S": "SINGLE", "N": "NONE"}),
    "C": ("confidentialityImpact", _V2T_IMPACT),
    "I": ("integrityImpact", _V2T_IMPACT),
    "A": ("availabilityImpact", _V2T_IMPACT),
    "E": ("exploitability", _V2T_E),
    "RL": ("remediationLevel", {**_V2T_RL, **_ND}),
    "RC": ("reportConfidence", _V2T_RC),
    "CDP": ("collateralDamagePotential", {**_V2T_CDP, **_ND}),
    "TD": ("targetDistribution", _V2T_TD),
    "CR": ("confidentialityRequirement", _V2T_REQ),
    "IR": ("integrityRequirement", _V2T_REQ),
    "AR": ("availabilityRequirement", _V2T_REQ),
}
V2_BASE = ("AV", "AC", "Au", "C", "I", "A")


@dataclass(frozen=True, slots=True)
class Scores:
    """What a vector computes to; severities are empty for CVSS v2, which has none."""

    base: float
    temporal: float
    environmental: float
    base_severity: str = ""
    temporal_severity: str = ""
    environmental_severity: str = ""

    def properties(self) -> dict[str, Any]:
        """The score properties of a CSAF `cvss_v2` / `cvss_v3` object, by name."""
        out: dict[str, Any] = {
            "baseScore": self.base,
            "temporalScore": self.temporal,
            "environmentalScore": self.environmental,
        }
        if self.base_severity:
            out["baseSeverity"] = self.base_severity
            out["temporalSeverity"] = self.temporal_severity
            out["environmentalSeverity"] = self.environmental_severity
        return out


def parse_vector(vector: str, version: str) -> dict[str, str] | None:
    """The metrics of a vector string by abbreviation, or None when it does not parse:
    an unknown metric or value, a metric twice, or a base metric missing."""
    table, base = (V2_METRICS, V2_BASE) if version == "2.0" else (V3_METRICS, V3_BASE)
    parts = vector.split("/")
    if version != "2.0":
        if not parts or parts[0] != f"CVSS:{version}":
            return None
        parts = parts[1:]
    metrics: dict[str, str] = {}
    for part in parts:
        name, _, value = part.partition(":")
        if name not in table or value not in table[name][1] or name in metrics:
            return None
        metrics[name] = value
    if any(b not in metrics for b in base):
        return None
    return metrics


def properties(metrics: Mapping[str, str], version: str) -> dict[str, str]:
    """The metric properties of a CSAF CVSS object that the vector's metrics state."""
    table = V2_METRICS if version == "2.0" else V3_METRICS
    return {table[m][0]: table[m][1][v] for m, v in metrics.items()}


def severity(score: float) -> str:
    """The qualitative rating of a CVSS v3 score."""
    if score == 0:
        return "NONE"
    if score < 4.0:
        return "LOW"
    if score < 7.0:
        return "MEDIUM"
    if score < 9.0:
        return "HIGH"
    return "CRITICAL"


def _roundup_31(value: float) -> float:
    whole = round(value * 100_000)
    if whole % 10_000 == 0:
        return whole / 100_000
    return (math.floor(whole / 10_000) + 1) / 10.0


def _roundup_30(value: float) -> float:
    return math.ceil(value * 10) / 10


_AV = {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}
_AC = {"L": 0.77, "H": 0.44}
_UI = {"N": 0.85, "R": 0.62}
_CIA = {"H": 0.56, "L": 0.22, "N": 0.0}
_E = {"X": 1.0, "H": 1.0, "F": 0.97, "P": 0.94, "U": 0.91}
_RL = {"X": 1.0, "U": 1.0, "W": 0.97, "T": 0.96, "O": 0.95}
_RC = {"X": 1.0, "C": 1.0, "R": 0.96, "U": 0.92}
_REQ = {"X": 1.0, "H": 1.5, "M": 1.0, "L": 0.5}


def _pr(value: str, changed: bool) -> float:
    return {"N": 0.85, "L": 0.68 if changed else 0.62, "H": 0.5 if changed else 0.27}[value]


def scores_v3(m: Mapping[str, str], version: str) -> Scores:
    """Base, temporal and environmental scores of CVSS v3.0 or v3.1 metrics."""
    roundup = _roundup_31 if version == "3.1" else _roundup_30
    changed = m["S"] == "C"
    iss = 1 - (1 - _CIA[m["C"]]) * (1 - _CIA[m["I"]]) * (1 - _CIA[m["A"]])
    impact = 6.42 * iss if not changed else 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15
    exploitability = 8.22 * _AV[m["AV"]] * _AC[m["AC"]] * _pr(m["PR"], changed) * _UI[m["UI"]]
    if impact <= 0:
        base = 0.0
    elif changed:
        base = roundup(min(1.08 * (impact + exploitability), 10))
    else:
        base = roundup(min(impact + exploitability, 10))
    temporal_factor = _E[m.get("E", "X")] * _RL[m.get("RL", "X")] * _RC[m.get("RC", "X")]
    temporal = roundup(base * temporal_factor)

    def modified(name: str) -> str:
        value = m.get("M" + name, "X")
        return m[name] if value == "X" else value

    m_changed = modified("S") == "C"
    miss = min(
        1
        - (1 - _REQ[m.get("CR", "X")] * _CIA[modified("C")])
        * (1 - _REQ[m.get("IR", "X")] * _CIA[modified("I")])
        * (1 - _REQ[m.get("AR", "X")] * _CIA[modified("A")]),
        0.915,
    )
    if not m_changed:
        m_impact = 6.42 * miss
    elif version == "3.1":
        m_impact = 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02) ** 13
    else:
        m_impact = 7.52 * (miss - 0.029) - 3.25 * (miss - 0.02) ** 15
    m_exploitability = (
        8.22
        * _AV[modified("AV")]
        * _AC[modified("AC")]
        * _pr(modified("PR"), m_changed)
        * _UI[modified("UI")]
    )
    if m_impact <= 0:
        environmental = 0.0
    else:
        both = m_impact + m_exploitability
        capped = min(1.08 * both, 10) if m_changed else min(both, 10)
        environmental = roundup(roundup(capped) * temporal_factor)
    return Scores(
        base, temporal, environmental, severity(base), severity(temporal), severity(environmental)
    )


def _round1(value: float) -> float:
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


_V2_AV = {"L": 0.395, "A": 0.646, "N": 1.0}
_V2_AC = {"H": 0.35, "M": 0.61, "L": 0.71}
_V2_AU = {"M": 0.45, "S": 0.56, "N": 0.704}
_V2_CIA = {"N": 0.0, "P": 0.275, "C": 0.660}
_V2_E = {"U": 0.85, "POC": 0.9, "F": 0.95, "H": 1.0, "ND": 1.0}
_V2_RL = {"OF": 0.87, "TF": 0.90, "W": 0.95, "U": 1.0, "ND": 1.0}
_V2_RC = {"UC": 0.90, "UR": 0.95, "C": 1.0, "ND": 1.0}
_V2_CDP = {"N": 0.0, "L": 0.1, "LM": 0.3, "MH": 0.4, "H": 0.5, "ND": 0.0}
_V2_TD = {"N": 0.0, "L": 0.25, "M": 0.75, "H": 1.0, "ND": 1.0}
_V2_REQ = {"L": 0.5, "M": 1.0, "H": 1.51, "ND": 1.0}


def scores_v2(m: Mapping[str, str]) -> Scores:
    """Base, temporal and environmental scores of CVSS v2.0 metrics."""
    exploitability = 20 * _V2_AV[m["AV"]] * _V2_AC[m["AC"]] * _V2_AU[m["Au"]]

    def base_of(impact: float) -> float:
        f = 0.0 if impact == 0 else 1.176
        return _round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f)

    c, i, a = _V2_CIA[m["C"]], _V2_CIA[m["I"]], _V2_CIA[m["A"]]
    base = base_of(10.41 * (1 - (1 - c) * (1 - i) * (1 - a)))
    factor = _V2_E[m.get("E", "ND")] * _V2_RL[m.get("RL", "ND")] * _V2_RC[m.get("RC", "ND")]
    temporal = _round1(base * factor)
    cr, ir, ar = (_V2_REQ[m.get(k, "ND")] for k in ("CR", "IR", "AR"))
    adjusted_impact = min(10.0, 10.41 * (1 - (1 - c * cr) * (1 - i * ir) * (1 - a * ar)))
    adjusted_temporal = _round1(base_of(adjusted_impact) * factor)
    cdp, td = _V2_CDP[m.get("CDP", "ND")], _V2_TD[m.get("TD", "ND")]
    environmental = _round1((adjusted_temporal + (10 - adjusted_temporal) * cdp) * td)
    return Scores(base, temporal, environmental)


def compute(metrics: Mapping[str, str], version: str) -> Scores:
    """The scores of parsed metrics of the given CVSS version."""
    return scores_v2(metrics) if version == "2.0" else scores_v3(metrics, version)


def cvss_v3_object(vector: str) -> dict[str, Any] | None:
    """A complete CSAF `cvss_v3` object (version, vector, metrics, base score and
    severity) from a v3.0 or v3.1 vector; None when the vector does not parse."""
    version = vector.split("/", 1)[0].removeprefix("CVSS:")
    if version not in ("3.0", "3.1"):
        return None
    metrics = parse_vector(vector, version)
    if metrics is None:
        return None
    s = scores_v3(metrics, version)
    return {
        "version": version,
        "vectorString": vector,
        **properties(metrics, version),
        "baseScore": s.base,
        "baseSeverity": s.base_severity,
    }
