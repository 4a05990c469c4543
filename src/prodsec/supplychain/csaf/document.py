"""A CSAF 2.0 document read as JSON with the project's limits, and the one shape every
check reports in: a `Failure` names the test (a section number of the standard such as
`6.1.1`, or `schema`), the JSON path of the value at fault and what is wrong."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodsec.catalog.limits import CSAF_FILE, json_too_deep
from prodsec.errors import DataError, Issue, LimitExceededError

SCHEMA_TEST = "schema"
"""The name under which breaches of the CSAF JSON schema are reported."""


@dataclass(frozen=True, slots=True, order=True)
class Failure:
    test: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.test}: {self.path}: {self.message}"


def json_path(parts: list[str | int] | tuple[str | int, ...]) -> str:
    """`['vulnerabilities', 0, 'cve']` -> `$.vulnerabilities[0].cve`."""
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def parse_json(text: str, source: str) -> Any:
    """The JSON value of `text`, refused past the byte and depth limits of a CSAF file;
    an unreadable text is a located `DataError`."""
    size = len(text.encode("utf-8"))
    if size > CSAF_FILE.max_bytes:
        raise LimitExceededError(
            f"{source}: {size} bytes, more than {CSAF_FILE.max_bytes}",
            limit=f"bytes: {CSAF_FILE.max_bytes}",
        )
    if json_too_deep(text, CSAF_FILE.max_depth):
        raise LimitExceededError(
            f"{source}: nested deeper than {CSAF_FILE.max_depth} levels",
            limit=f"depth: {CSAF_FILE.max_depth}",
        )
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DataError([Issue(source, 0, "$", f"not readable as JSON: {exc}")]) from None


def read_json(path: Path) -> Any:
    """The JSON value of a CSAF file; the size is checked before the file is read."""
    size = path.stat().st_size
    if size > CSAF_FILE.max_bytes:
        raise LimitExceededError(
            f"{path.name}: {size} bytes, more than {CSAF_FILE.max_bytes}",
            limit=f"bytes: {CSAF_FILE.max_bytes}",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([Issue(path.name, 0, "$", f"not UTF-8: {exc.reason}")]) from None
    return parse_json(text, path.name)
