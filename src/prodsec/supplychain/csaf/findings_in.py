"""Findings read back from JSON: the members of `vuln.findings.Finding` as `prodsec vulns
scan -f json` writes them (a list, or an object with `findings`), each problem located by
its JSON path. The advisory author reads them; nothing here matches anything."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from prodsec.errors import DataError, Issue
from prodsec.supplychain.vex.model import Justification, VexStatus
from prodsec.supplychain.vuln.findings import Finding, FindingComponent, FindingVex
from prodsec.supplychain.vuln.severity import Severity


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.issues: list[Issue] = []

    def fail(self, where: str, message: str) -> None:
        self.issues.append(Issue(self.source, 0, where, message))

    def text(self, raw: dict[str, Any], key: str, where: str) -> str:
        value = raw.get(key, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", "expected a string")
            return ""
        return value

    def texts(self, raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{where}.{key}", "expected a list of strings")
            return ()
        return tuple(value)

    def day(self, raw: dict[str, Any], key: str, where: str) -> date | None:
        text = self.text(raw, key, where)
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            self.fail(f"{where}.{key}", f"not a date: {text!r}")
            return None

    def component(self, raw: Any, where: str) -> FindingComponent:
        if not isinstance(raw, dict):
            self.fail(where, "expected an object")
            return FindingComponent("", "", "", "", "")
        name = self.text(raw, "name", where)
        if not name:
            self.fail(f"{where}.name", "required")
        keys = ("version", "purl", "cpe", "ref")
        return FindingComponent(name, *(self.text(raw, k, where) for k in keys))

    def severity(self, raw: Any, where: str) -> Severity | None:
        if not isinstance(raw, dict):
            self.fail(where, "expected an object")
            return None
        score = raw.get("score")
        if score is not None and not isinstance(score, int | float):
            self.fail(f"{where}.score", "expected a number")
            score = None
        kind, vector = self.text(raw, "type", where), self.text(raw, "vector", where)
        return Severity(kind, vector, score, self.text(raw, "rating", where))

    def vex(self, raw: Any, where: str) -> FindingVex | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.fail(where, "expected an object or null")
            return None
        try:
            status = VexStatus(str(raw.get("status")))
            justification = (
                Justification(raw["justification"]) if raw.get("justification") else None
            )
        except ValueError as exc:
            self.fail(where, str(exc))
            return None
        stamp = self.text(raw, "timestamp", where)
        try:
            when = datetime.fromisoformat(stamp.replace("Z", "+00:00")) if stamp else None
        except ValueError:
            self.fail(f"{where}.timestamp", f"not a time: {stamp!r}")
            when = None
        statement, action = self.text(raw, "statement", where), self.text(raw, "action", where)
        return FindingVex(status, justification, statement, action, when)

    def finding(self, raw: Any, where: str) -> Finding | None:
        if not isinstance(raw, dict):
            self.fail(where, "expected an object")
            return None
        advisory = self.text(raw, "advisory", where)
        if not advisory:
            self.fail(f"{where}.advisory", "required")
        severities = raw.get("severity", [])
        if not isinstance(severities, list):
            self.fail(f"{where}.severity", "expected a list")
            severities = []
        scored = (self.severity(s, f"{where}.severity[{i}]") for i, s in enumerate(severities))
        return Finding(
            component=self.component(raw.get("component"), f"{where}.component"),
            advisory=advisory,
            aliases=self.texts(raw, "aliases", where),
            summary=self.text(raw, "summary", where),
            affected_range=self.text(raw, "affected_range", where),
            fixed=self.texts(raw, "fixed", where),
            severity=tuple(s for s in scored if s is not None),
            known_exploited=raw.get("known_exploited") is True,
            kev_date=self.day(raw, "kev_date", where),
            published=self.text(raw, "published", where),
            modified=self.text(raw, "modified", where),
            withdrawn=self.text(raw, "withdrawn", where),
            vex=self.vex(raw.get("vex"), f"{where}.vex"),
            matched_on=self.text(raw, "matched_on", where),
        )


def parse_findings(data: Any, source: str) -> tuple[Finding, ...]:
    """The findings of a scan's JSON; every problem in one `DataError`."""
    reader = _Reader(source)
    raw = data.get("findings") if isinstance(data, dict) else data
    if not isinstance(raw, list):
        raise DataError([Issue(source, 0, "$", "expected a list of findings")])
    found = [reader.finding(item, f"$[{i}]") for i, item in enumerate(raw)]
    if reader.issues:
        raise DataError(reader.issues)
    return tuple(f for f in found if f is not None)
