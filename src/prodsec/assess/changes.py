"""What changed between two assessments of the same product: the verdicts that moved,
the obligations that appeared or went, and those whose start moved, from the public JSON
of each (so a stored assessment compares with a new one)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from typing_extensions import TypedDict

from prodsec.assess.report import AssessmentPublic


class VerdictChangePublic(TypedDict):
    requirement: str
    change: str
    """`now-fails`, `now-met`, `changed`, `new-obligation`, `gone`, `start-moved`."""
    before: str | None
    after: str | None
    applies_from: str | None


FAILING = {"not-met"}
MET = {"met", "not-applicable"}


def _rows(result: Mapping[str, Any]) -> dict[str, tuple[str, str | None]]:
    out: dict[str, tuple[str, str | None]] = {}
    for inst in result.get("instruments", ()):
        for req in inst.get("requirements", ()):
            out[f"{inst['instrument']}:{req['ref']}"] = (req["verdict"], req.get("applies_from"))
    return out


def verdict_changes(
    before: AssessmentPublic | Mapping[str, Any], after: AssessmentPublic | Mapping[str, Any]
) -> list[VerdictChangePublic]:
    """Every requirement whose verdict or start differs, in requirement order."""
    old, new = _rows(before), _rows(after)
    out: list[VerdictChangePublic] = []
    for key in sorted(old.keys() | new.keys()):
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        if was is None and now is not None:
            change = "new-obligation"
        elif now is None and was is not None:
            change = "gone"
        elif was is not None and now is not None and was[0] == now[0]:
            change = "start-moved"
        elif now is not None and now[0] in FAILING:
            change = "now-fails"
        elif now is not None and now[0] in MET:
            change = "now-met"
        else:
            change = "changed"
        out.append(
            {
                "requirement": key,
                "change": change,
                "before": was[0] if was else None,
                "after": now[0] if now else None,
                "applies_from": (now or was or (None, None))[1],
            }
        )
    return out


def summary(changes: list[VerdictChangePublic], before_met: bool, after_met: bool) -> str:
    """One line: "3 now fail, 1 now met, 2 new obligations; every binding instrument met
    before, not now"."""
    words = {
        "now-fails": "now fail",
        "now-met": "now met",
        "changed": "changed",
        "new-obligation": "new obligations",
        "gone": "gone",
        "start-moved": "start moved",
    }
    parts = [f"{n} {words[k]}" for k in words if (n := sum(1 for c in changes if c["change"] == k))]
    if before_met != after_met:
        parts.append(
            "every binding instrument met now"
            if after_met
            else "no longer every binding instrument met"
        )
    return "; ".join(parts) or "no verdict changed"
