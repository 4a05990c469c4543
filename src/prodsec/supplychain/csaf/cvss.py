"""CVSS v2.0, v3.0 and v3.1 as CSAF 2.0 carries them (`cvss_v2`, `cvss_v3` objects): the
vector read into metrics, the JSON properties each metric stands for, and the base,
temporal and environmental scores computed as FIRST's specifications define them.

The mandatory tests 6.1.9 (scores computed right) and 6.1.10 (properties agree with the
vector) read these; the advisory author writes `cvss_v3` objects from a vector alone.
Where calculators round differently, the arithmetic is the reference CSAF validator's, so
that both refuse the same stated scores (a test compares them on random vectors).
Findings are scored by the `cvss` library instead (`vuln/severity.py`): the two agree on
every base score, and differ on some v3.0 and v2.0 temporal and environmental scores
(docs/csaf.md says where and why).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
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


def _half_up(value: Fraction) -> int:
    """The integer nearest `value`, a half toward positive infinity (JavaScript's
    `Math.round`), in exact arithmetic."""
    return math.floor(value + Fraction(1, 2))


def _tenth_of_binary(value: float) -> float:
    """`value`'s exact binary value rounded to one decimal, a half away from zero, and read
    back as a float: what JavaScript's `toFixed(1)` and `parseFloat` give."""
    tenths = _half_up(abs(Fraction(value)) * 10)
    return math.copysign(tenths, value) / 10


def _tenth_of_float(value: float) -> float:
    """`value` times ten in floating point, rounded half up, then divided by ten."""
    return _half_up(Fraction(value * 10)) / 10


def _milli(value: float) -> int:
    """`value` in thousandths, rounded half up."""
    return _half_up(Fraction(value * 1000))


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
_V2_ENVIRONMENT = ("CDP", "TD", "CR", "IR", "AR")


def _v2_base_in_thousandths(impact: float, exploitability: float, scale: float) -> float:
    """A v2 base score from its impact, each term kept to thousandths."""
    terms = _milli(0.6 * impact) + _milli(0.4 * exploitability) - _milli(1.5)
    return _tenth_of_float(terms / 1000 * scale)


def _v2_impact_in_thousandths(c: float, i: float, a: float, *, grouped: bool) -> float:
    """10.41 x (1 - (1-c)(1-i)(1-a)), each factor kept to thousandths; `grouped` takes the
    last two factors' product first (as the adjusted impact is written)."""
    fc, fi, fa = ((1000 - _milli(x)) / 1000 for x in (c, i, a))
    product = fc * (fi * fa) if grouped else fc * fi * fa
    return 10.41 * ((1000 - _milli(product)) / 1000)


def scores_v2(m: Mapping[str, str]) -> Scores:
    """Base, temporal and environmental scores of CVSS v2.0 metrics, in the arithmetic of
    the CSAF reference validator (npm @secvisogram/csaf-validator-lib 2.0.10), so that its
    test 6.1.9 and ours agree on every vector: the base and temporal scores in floating
    point, rounded as `toFixed(1)` rounds (cvss2js 1.1.0); the environmental score with
    every intermediate term kept to thousandths and rounded half up, as NVD's v2
    calculator does. FIRST's v2 guide sets no floor: the environmental score of a vector
    with low requirements and a low impact can fall below zero (-0.1)."""
    c, i, a = _V2_CIA[m["C"]], _V2_CIA[m["I"]], _V2_CIA[m["A"]]
    e, rl, rc = _V2_E[m.get("E", "ND")], _V2_RL[m.get("RL", "ND")], _V2_RC[m.get("RC", "ND")]
    impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a))
    exploitability = 20 * _V2_AV[m["AV"]] * _V2_AC[m["AC"]] * _V2_AU[m["Au"]]
    scale = 0.0 if impact == 0 else 1.176
    base = _tenth_of_binary(((0.6 * impact) + (0.4 * exploitability) - 1.5) * scale)
    temporal = _tenth_of_binary(base * e * rl * rc)
    # the environmental score's own arithmetic, from the base metrics up
    exploitability = 20.0 * _V2_AC[m["AC"]] * _V2_AU[m["Au"]] * _V2_AV[m["AV"]]
    impact = _v2_impact_in_thousandths(c, i, a, grouped=False)
    scale = 1.176 if impact > 0 else 0.0
    if not any(k in m for k in _V2_ENVIRONMENT):
        return Scores(base, temporal, _v2_base_in_thousandths(impact, exploitability, scale))
    cr, ir, ar = (_V2_REQ[m.get(k, "ND")] for k in ("CR", "IR", "AR"))
    adjusted = min(10.0, _v2_impact_in_thousandths(c * cr, i * ir, a * ar, grouped=True))
    adjusted_base = _v2_base_in_thousandths(adjusted, exploitability, scale)
    adjusted_temporal = _tenth_of_float(adjusted_base * e * rl * rc)
    cdp, td = _V2_CDP[m.get("CDP", "ND")], _V2_TD[m.get("TD", "ND")]
    spread = _milli((10_000 - _milli(adjusted_temporal)) / 1000 * cdp)
    environmental = _tenth_of_float((_milli(adjusted_temporal) + spread) / 1000 * td)
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
