"""The public JSON of the disclosure checks: a checked security.txt and a read policy.
The CLI's `-f json` calls these builders."""

from __future__ import annotations

from typing import TypedDict

from prodsec.supplychain.cvd.policy import PolicyReading
from prodsec.supplychain.cvd.securitytxt import SecurityTxt, Severity


class FieldPublic(TypedDict):
    name: str
    value: str
    line: int


class ProblemPublic(TypedDict):
    code: str
    severity: str
    line: int
    message: str


class SecurityTxtPublic(TypedDict):
    source: str
    valid: bool
    signed: bool
    signer: str
    errors: int
    warnings: int
    fields: list[FieldPublic]
    problems: list[ProblemPublic]


def security_txt_view(source: str, checked: SecurityTxt) -> SecurityTxtPublic:
    problems = checked.problems
    return {
        "source": source,
        "valid": checked.valid,
        "signed": checked.signed,
        "signer": checked.signer,
        "errors": sum(p.severity is Severity.ERROR for p in problems),
        "warnings": sum(p.severity is Severity.WARNING for p in problems),
        "fields": [{"name": f.name, "value": f.value, "line": f.line} for f in checked.fields],
        "problems": [
            {
                "code": p.code.value,
                "severity": p.severity.value,
                "line": p.line,
                "message": p.message,
            }
            for p in problems
        ],
    }


def security_txt_lines(source: str, checked: SecurityTxt) -> list[str]:
    """The text report: a head line, then one line per problem as `source:line: severity:
    code: message` (no line number for a problem of the whole file)."""
    view = security_txt_view(source, checked)
    state = "valid" if view["valid"] else "invalid"
    signed = "signed" if view["signed"] else "unsigned"
    if view["signer"]:
        signed += f", signature verified with {view['signer']}"
    head = f"{source}: {state} ({signed}; {len(view['fields'])} fields, "
    head += f"{view['errors']} errors, {view['warnings']} warnings)"
    lines = [head]
    for p in view["problems"]:
        place = f"{source}:{p['line']}" if p["line"] else source
        lines.append(f"{place}: {p['severity']}: {p['code']}: {p['message']}")
    return lines


class ElementPublic(TypedDict):
    element: str
    title: str
    state: str
    line: int
    sentence: str
    days: int | None
    regimes: list[str]


class PolicyPublic(TypedDict):
    source: str
    present: int
    missing: list[str]
    negated: list[str]
    elements: list[ElementPublic]


def policy_view(source: str, reading: PolicyReading) -> PolicyPublic:
    elements: list[ElementPublic] = [
        {
            "element": f.element.id,
            "title": f.element.title,
            "state": f.state.value,
            "line": f.line,
            "sentence": f.sentence,
            "days": f.days,
            "regimes": list(f.element.regimes),
        }
        for f in reading.findings
    ]
    return {
        "source": source,
        "present": sum(e["state"] == "present" for e in elements),
        "missing": [e["element"] for e in elements if e["state"] == "missing"],
        "negated": [e["element"] for e in elements if e["state"] == "negated"],
        "elements": elements,
    }
