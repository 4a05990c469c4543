"""The public JSON of a VEX document (`prodsec vex show -f json`, and later the API): its
statements in the model's public form (`model.statement_public`)."""

from __future__ import annotations

from typing import TypedDict

from prodsec.supplychain.vex.interface import VexDocument
from prodsec.supplychain.vex.model import VexStatementPublic, statement_public


class VexPublic(TypedDict):
    source: str
    format: str
    author: str
    statement_count: int
    statements: list[VexStatementPublic]


def vex_view(source: str, document: VexDocument) -> VexPublic:
    return {
        "source": source,
        "format": document.format.value,
        "author": document.author,
        "statement_count": len(document.statements),
        "statements": [statement_public(s) for s in document.statements],
    }
