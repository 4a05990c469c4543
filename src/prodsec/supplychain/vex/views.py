"""The public JSON of VEX statements (`prodsec vex show -f json`, and later the API)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict

from prodsec.supplychain.vex.model import VexStatement


class VexStatementPublic(TypedDict):
    vulnerability: str
    aliases: list[str]
    status: str
    product: str
    version: str
    component: str
    justification: str
    impact: str
    action: str
    timestamp: str
    author: str


class VexPublic(TypedDict):
    source: str
    format: str
    statement_count: int
    statements: list[VexStatementPublic]


def statement_view(s: VexStatement) -> VexStatementPublic:
    return {
        "vulnerability": s.vulnerability,
        "aliases": list(s.aliases),
        "status": s.status.value,
        "product": s.product,
        "version": s.version,
        "component": s.component,
        "justification": s.justification.value if s.justification else "",
        "impact": s.impact,
        "action": s.action,
        "timestamp": s.timestamp,
        "author": s.author,
    }


def vex_view(source: str, fmt: str, statements: Sequence[VexStatement]) -> VexPublic:
    return {
        "source": source,
        "format": fmt,
        "statement_count": len(statements),
        "statements": [statement_view(s) for s in statements],
    }
