"""VEX in three formats (OpenVEX, CycloneDX VEX, CSAF VEX) read into `VexStatement`s and
written back. `read_vex` finds the format from the content, never from the file name."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prodsec.errors import LimitExceededError
from prodsec.supplychain.vex.interface import (
    VEX_FILE,
    VexDocument,
    VexError,
    VexFormat,
    check_size,
    fail,
)
from prodsec.supplychain.vex.model import Justification, VexStatement, VexStatus

__all__ = [
    "Justification",
    "VexDocument",
    "VexError",
    "VexFormat",
    "VexStatement",
    "VexStatus",
    "detect",
    "read_vex",
    "read_vex_document",
    "read_vex_file",
    "read_vex_statements",
    "write_vex",
]


def detect(data: bytes, source: str) -> VexFormat:
    """The format of `data`, from its first bytes and the keys it holds."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return VexFormat.CYCLONEDX
    if head.startswith(b"{"):
        if b'"bomFormat"' in data:
            return VexFormat.CYCLONEDX
        if b'"csaf_version"' in data:
            return VexFormat.CSAF
        if b"openvex" in data or b'"statements"' in data:
            return VexFormat.OPENVEX
    raise fail(source, "$", "not a VEX document: neither OpenVEX, CycloneDX nor CSAF")


def read_vex_document(data: bytes, source: str, *, offered: bool = False) -> VexDocument:
    """A VEX document of any of the three formats: `VexError` (located) when it cannot be
    read, `LimitExceededError` past the limits. A document `offered` now (a file given on
    the command line or uploaded, not one stored before) is also refused when it is a
    CycloneDX SBOM without `vulnerabilities`."""
    check_size(data, source)
    match detect(data, source):
        case VexFormat.OPENVEX:
            from prodsec.supplychain.vex.openvex import read_openvex_document

            return read_openvex_document(data, source)
        case VexFormat.CYCLONEDX:
            from prodsec.supplychain.vex.cyclonedx import read_cyclonedx_document

            return read_cyclonedx_document(data, source, offered=offered)
        case VexFormat.CSAF:
            from prodsec.supplychain.vex.csaf import read_csaf_document

            return read_csaf_document(data, source)


def read_vex(data: bytes, source: str) -> list[VexStatement]:
    """The statements of a VEX document of any of the three formats."""
    return list(read_vex_document(data, source).statements)


def _file_bytes(path: Path) -> bytes:
    """A VEX file's bytes, refused unread past the size limit."""
    try:
        size = path.stat().st_size
        data = b"" if size > VEX_FILE.max_bytes else path.read_bytes()
    except OSError as exc:
        raise fail(str(path), "$", f"cannot read: {exc.strerror}") from None
    if size > VEX_FILE.max_bytes:
        raise LimitExceededError(f"{path}: {size} bytes, over {VEX_FILE.max_bytes}", limit="bytes")
    return data


def read_vex_file(path: Path) -> VexDocument:
    return read_vex_document(_file_bytes(path), str(path), offered=True)


def read_vex_statements(path: Path) -> tuple[VexStatement, ...]:
    """The statements of a VEX file in any of the three formats, or in prodsec's own JSON
    form (`{"statements": [...]}` with the members of `VexStatementPublic`), told apart
    from OpenVEX by having no `@context`. The file is read once."""
    data = _file_bytes(path)
    own = data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and b'"@context"' not in data
    if own and b'"bomFormat"' not in data and b'"csaf_version"' not in data:
        from prodsec.supplychain.vex.model import decode_statements

        return decode_statements(data, path.name)
    return read_vex_document(data, str(path), offered=True).statements


def write_vex(statements: Sequence[VexStatement], fmt: VexFormat, *, author: str) -> str:
    """`statements` as a document of `fmt` by `author`, JSON text (indented, ending in a
    newline); a `BadInputError` when `author` is empty."""
    doc: dict[str, Any]
    match fmt:
        case VexFormat.OPENVEX:
            from prodsec.supplychain.vex.openvex import write_openvex

            doc = write_openvex(statements, author=author)
        case VexFormat.CYCLONEDX:
            from prodsec.supplychain.vex.cyclonedx import write_cyclonedx

            doc = write_cyclonedx(statements, author=author)
        case VexFormat.CSAF:
            from prodsec.supplychain.vex.csaf import write_csaf

            doc = write_csaf(statements, author=author)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
