"""The one VEX statement every format is read into (OpenVEX, CycloneDX VEX and CSAF VEX
readers map onto it), and the plain JSON form prodsec reads and writes itself.

A statement says, for one vulnerability (its id or any alias) and one component (a purl
or an SBOM's bom-ref), what its author knows: `not_affected` (with a justification),
`affected` (with an action), `fixed`, or `under_investigation`. `product` names the
product (version) the statement was made for; it travels with the statement and scopes it
where a product is known. The latest statement per (vulnerability, component) wins
(`vuln/findings.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypedDict, TypeVar

from prodsec.errors import DataError, Issue
from prodsec.supplychain.vuln.documents import decode

E = TypeVar("E", bound=StrEnum)


class VexStatus(StrEnum):
    NOT_AFFECTED = "not_affected"
    AFFECTED = "affected"
    FIXED = "fixed"
    UNDER_INVESTIGATION = "under_investigation"


class Justification(StrEnum):
    """Why a component is not affected, in the words OpenVEX and CSAF share; a CycloneDX
    justification is mapped onto the nearest of these by its reader."""

    COMPONENT_NOT_PRESENT = "component_not_present"
    VULNERABLE_CODE_NOT_PRESENT = "vulnerable_code_not_present"
    VULNERABLE_CODE_NOT_IN_EXECUTE_PATH = "vulnerable_code_not_in_execute_path"
    VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY = (
        "vulnerable_code_cannot_be_controlled_by_adversary"
    )
    INLINE_MITIGATIONS_ALREADY_EXIST = "inline_mitigations_already_exist"


@dataclass(frozen=True, slots=True)
class VexStatement:
    vulnerability: str
    component: str
    status: VexStatus
    justification: Justification | None = None
    impact: str = ""
    action: str = ""
    timestamp: datetime | None = None
    product: str = ""


class VexStatementPublic(TypedDict):
    vulnerability: str
    component: str
    status: str
    justification: str | None
    impact: str
    action: str
    timestamp: str | None
    product: str


def statement_public(s: VexStatement) -> VexStatementPublic:
    return {
        "vulnerability": s.vulnerability,
        "component": s.component,
        "status": s.status.value,
        "justification": s.justification.value if s.justification else None,
        "impact": s.impact,
        "action": s.action,
        "timestamp": s.timestamp.isoformat() if s.timestamp else None,
        "product": s.product,
    }


def _choice(kind: type[E], value: Any, where: str, source: str, issues: list[Issue]) -> E | None:
    try:
        return kind(value)
    except ValueError:
        words = ", ".join(kind)
        issues.append(Issue(source, 0, where, f"expected one of {words}, got {value!r}"))
        return None


def _text(data: Mapping[str, Any], key: str, where: str, source: str, issues: list[Issue]) -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        issues.append(Issue(source, 0, f"{where}.{key}", "expected a string"))
        return ""
    return value


def _timestamp(text: str, where: str, source: str, issues: list[Issue]) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        issues.append(Issue(source, 0, where, f"not an ISO 8601 time: {text!r}"))
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _statement(raw: Any, where: str, source: str, issues: list[Issue]) -> VexStatement | None:
    if not isinstance(raw, dict):
        issues.append(Issue(source, 0, where, "expected an object"))
        return None
    before = len(issues)
    vulnerability = _text(raw, "vulnerability", where, source, issues)
    component = _text(raw, "component", where, source, issues)
    product = _text(raw, "product", where, source, issues)
    if not vulnerability:
        issues.append(Issue(source, 0, f"{where}.vulnerability", "required"))
    if not component and not product:
        issues.append(
            Issue(source, 0, f"{where}.component", "a component or a product is required")
        )
    status = _choice(VexStatus, raw.get("status"), f"{where}.status", source, issues)
    justification = None
    if raw.get("justification") is not None:
        justification = _choice(
            Justification, raw["justification"], f"{where}.justification", source, issues
        )
    when = _text(raw, "timestamp", where, source, issues)
    timestamp = _timestamp(when, f"{where}.timestamp", source, issues)
    if len(issues) > before or status is None:
        return None
    return VexStatement(
        vulnerability,
        component,
        status,
        justification,
        _text(raw, "impact", where, source, issues),
        _text(raw, "action", where, source, issues),
        timestamp,
        product,
    )


def parse_statements(data: Any, source: str = "(vex)") -> tuple[VexStatement, ...]:
    """Statements from prodsec's own JSON form, `{"statements": [{...}, ...]}`, with the
    members of `VexStatementPublic`; every problem is listed in one `DataError`."""
    issues: list[Issue] = []
    raw = data.get("statements") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise DataError([Issue(source, 0, "$.statements", "required: a list of statements")])
    found = [_statement(item, f"$.statements[{i}]", source, issues) for i, item in enumerate(raw)]
    if issues:
        raise DataError(issues)
    return tuple(s for s in found if s is not None)


def read_statements(path: Path) -> tuple[VexStatement, ...]:
    """Statements from a JSON file in prodsec's own form, within the OSV file limits; a
    file that cannot be read is a `DataError` naming it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError([Issue(path.name, 0, "$", f"cannot read: {exc.strerror}")]) from None
    return decode_statements(data, path.name)


def decode_statements(data: bytes, name: str) -> tuple[VexStatement, ...]:
    """Statements from the bytes of a file `name` in prodsec's own form (`read_statements`
    without the reading)."""
    return parse_statements(decode(data, name), name)


def statements_document(statements: Sequence[VexStatement]) -> dict[str, Any]:
    return {"statements": [statement_public(s) for s in statements]}
