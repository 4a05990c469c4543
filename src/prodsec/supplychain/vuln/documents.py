"""Reading one advisory-like document (an OSV record, a KEV catalog, an NVD-style CPE
file, VEX statements) from its bytes: JSON, YAML or TOML by the file's suffix, within the
OSV file limits, every problem a located `DataError`."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from prodsec.catalog.limits import OSV_FILE, json_too_deep
from prodsec.catalog.yamlsrc import parse_text
from prodsec.errors import DataError, Issue, LimitExceededError
from prodsec.supplychain.vuln.osv import OsvLimits

_LIMITS = OsvLimits()


def decode(data: bytes, name: str, limits: OsvLimits = _LIMITS) -> Mapping[str, Any]:
    """A document from the bytes of a `.json`, `.yaml`/`.yml` or `.toml` file."""
    if len(data) > limits.bytes:
        raise LimitExceededError(
            f"{name}: {len(data)} bytes, more than {limits.bytes}", limit=f"bytes: {limits.bytes}"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([Issue(name, 0, "$", f"not UTF-8: {exc.reason}")]) from None
    suffix = Path(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        shape = replace(OSV_FILE, max_bytes=limits.bytes)
        parsed: Any = parse_text(text, Path(name), shape).data
    elif suffix == ".toml":
        try:
            parsed = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise DataError([Issue(name, 0, "$", f"not readable: {exc}")]) from None
    else:
        if json_too_deep(text, OSV_FILE.max_depth):
            depth = OSV_FILE.max_depth
            raise DataError([Issue(name, 0, "$", f"nested deeper than {depth} levels")])
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            raise DataError([Issue(name, 0, "$", f"not readable: {exc}")]) from None
    if not isinstance(parsed, dict):
        raise DataError([Issue(name, 0, "$", "expected an object")])
    return parsed


def read_document(path: Path) -> Mapping[str, Any]:
    """`decode` of a file's bytes, named by the file's name."""
    return decode(path.read_bytes(), path.name)
