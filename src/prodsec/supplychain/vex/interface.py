"""What the three VEX formats share: the error a bad document raises (located by JSON
path), the limits, JSON decoding under them, and the split of a purl's version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from prodsec.catalog.limits import ParseLimits, json_too_deep
from prodsec.errors import BadInputError, DataError, Issue, LimitExceededError
from prodsec.supplychain.vex.model import VexStatement, VexStatus

VEX_FILE = ParseLimits(max_bytes=32 * 1024 * 1024, max_depth=64, max_nodes=0)
MAX_STATEMENTS = 200_000


class VexFormat(StrEnum):
    OPENVEX = "openvex"
    CYCLONEDX = "cyclonedx"
    CSAF = "csaf"


class VexError(DataError):
    """A VEX document that cannot be read: each problem as `file: field: message`, the
    field a JSON path (`$.statements[2].status`) or an XML element path."""

    what: ClassVar[str] = "the VEX document"


def fail(source: str, where: str, message: str) -> VexError:
    return VexError([Issue(source, 0, where, message)])


def check_size(data: bytes, source: str) -> None:
    if len(data) > VEX_FILE.max_bytes:
        raise LimitExceededError(
            f"{source}: {len(data)} bytes, more than a VEX document may have "
            f"({VEX_FILE.max_bytes})",
            limit="bytes",
        )


def check_count(count: int, source: str) -> None:
    if count > MAX_STATEMENTS:
        raise LimitExceededError(
            f"{source}: more than {MAX_STATEMENTS} VEX statements", limit="items"
        )


def load_json(data: bytes, source: str) -> dict[str, Any]:
    """The JSON object in `data`, within the size and nesting limits."""
    check_size(data, source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(source, "$", f"not UTF-8: {exc.reason} at byte {exc.start}") from None
    if json_too_deep(text, VEX_FILE.max_depth):
        raise LimitExceededError(
            f"{source}: nested deeper than {VEX_FILE.max_depth}", limit="depth"
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise fail(source, "$", f"not JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(doc, dict):
        raise fail(source, "$", "not a JSON object")
    return doc


class Reader:
    """Typed access to a decoded document: each getter names the JSON path of a value of
    the wrong type in its error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def text(self, obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = obj.get(key)
        if value is None:
            if required:
                raise fail(self.source, f"{path}.{key}", "missing")
            return ""
        if not isinstance(value, str):
            raise fail(self.source, f"{path}.{key}", f"expected a string, got {_kind(value)}")
        return value

    def items(self, obj: dict[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        """The list at `obj[key]` (empty when absent), each with its path."""
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise fail(self.source, f"{path}.{key}", f"expected an array, got {_kind(value)}")
        return [(f"{path}.{key}[{i}]", v) for i, v in enumerate(value)]

    def objects(self, obj: dict[str, Any], key: str, path: str) -> list[tuple[str, dict[str, Any]]]:
        out = []
        for where, value in self.items(obj, key, path):
            if not isinstance(value, dict):
                raise fail(self.source, where, f"expected an object, got {_kind(value)}")
            out.append((where, value))
        return out

    def texts(self, obj: dict[str, Any], key: str, path: str) -> list[str]:
        out = []
        for where, value in self.items(obj, key, path):
            if not isinstance(value, str):
                raise fail(self.source, where, f"expected a string, got {_kind(value)}")
            out.append(value)
        return out

    def object(self, obj: dict[str, Any], key: str, path: str) -> dict[str, Any]:
        value = obj.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise fail(self.source, f"{path}.{key}", f"expected an object, got {_kind(value)}")
        return value


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


def split_purl(text: str) -> tuple[str, str]:
    """`pkg:npm/a@1.2?x=y` -> (`pkg:npm/a?x=y`, `1.2`); anything else as it is, no version."""
    if not text.startswith("pkg:"):
        return text, ""
    head, sep, tail = _cut(text)
    name, at, version = head.rpartition("@")
    if not at or "/" not in name:
        return text, ""
    return name + sep + tail, version


def join_purl(product: str, version: str) -> str:
    """The inverse of `split_purl` for a purl; else `product`."""
    if not product.startswith("pkg:") or not version:
        return product
    head, sep, tail = _cut(product)
    return f"{head}@{version}{sep}{tail}"


def _cut(purl: str) -> tuple[str, str, str]:
    for mark in ("?", "#"):
        if mark in purl:
            head, _, tail = purl.partition(mark)
            return head, mark, tail
    return purl, "", ""


def split_product(ident: str) -> tuple[str, str]:
    """A product id and its version: a purl's, else what follows the last `@` when it is a
    `vers:` range or holds none of `/:?#` (how `join_product` writes it)."""
    if ident.startswith("pkg:"):
        return split_purl(ident)
    name, at, version = ident.rpartition("@")
    if at and name and (version.startswith("vers:") or not set(version) & set("/:?#")):
        return name, version
    return ident, ""


def join_product(product: str, version: str) -> str:
    """A product and its version as one id: a purl with its version, else `name@version`
    (the statement model keeps one product string; docs/supplychain.md, "VEX")."""
    if product.startswith("pkg:"):
        return join_purl(product, version)
    return f"{product}@{version}" if version else product


def statement(
    vulnerability: str,
    status: VexStatus,
    product: str,
    version: str,
    component: str,
    **rest: Any,
) -> VexStatement:
    """The model's statement for a product version and, optionally, one of its parts: the
    product and version joined (`join_product`); a statement on the product itself names
    the product as its component too."""
    whole = join_product(product, version)
    return VexStatement(
        vulnerability=vulnerability,
        status=status,
        product=whole,
        component=component or whole,
        **rest,
    )


def parts_of(s: VexStatement) -> tuple[str, str, str]:
    """(product, version, component) of a statement, the inverse of `statement`: the
    component is empty when the statement is on the product itself."""
    product, version = split_product(s.product)
    return product, version, "" if s.component == s.product else s.component


@dataclass(frozen=True, slots=True)
class VexDocument:
    """A document read: its statements and its author (every format names one)."""

    format: VexFormat
    statements: tuple[VexStatement, ...]
    author: str = ""


def need_author(author: str) -> str:
    if not author:
        raise BadInputError("a VEX document names its author: pass one", field="author")
    return author


def parse_time(text: str, source: str, where: str) -> datetime | None:
    """An RFC 3339 time (a `Z` allowed; without a zone, UTC), or None for no text."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise fail(source, where, f"not an RFC 3339 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def time_text(moment: datetime | None) -> str:
    return moment.isoformat().replace("+00:00", "Z") if moment else ""


def digest_urn(body: Any) -> str:
    """A `urn:uuid:` made from a digest of `body`: the same statements, the same id."""
    h = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return f"urn:uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def latest(statements: Sequence[VexStatement]) -> datetime | None:
    return max((s.timestamp for s in statements if s.timestamp), default=None)
