"""The one component model every SBOM format is read into, the reader's base class and the
error a bad SBOM raises.

A component is what a product ships: its name and version, its package URL (normalised,
`purl.py`), CPEs, supplier, hashes, licences and kind. An `Sbom` holds the components of
one document, flattened (nested CycloneDX components included), and the dependency graph
as edges between component references (`ref`: the bom-ref or the SPDX id).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar, NewType, TypeVar

import msgspec

from prodsec.catalog.limits import SBOM_FILE
from prodsec.errors import DataError, Issue, LimitExceededError

ComponentRef = NewType("ComponentRef", str)
T = TypeVar("T")


class SbomFormat(StrEnum):
    CYCLONEDX_JSON = "cyclonedx-json"
    CYCLONEDX_XML = "cyclonedx-xml"
    SPDX2_JSON = "spdx2-json"
    SPDX2_TAG_VALUE = "spdx2-tag-value"
    SPDX3_JSON_LD = "spdx3-json-ld"


class ComponentType(StrEnum):
    """What a component is; CycloneDX's component types and SPDX's package purposes meet
    here (`OTHER` for the rest)."""

    APPLICATION = "application"
    FRAMEWORK = "framework"
    LIBRARY = "library"
    CONTAINER = "container"
    PLATFORM = "platform"
    OPERATING_SYSTEM = "operating-system"
    DEVICE = "device"
    DEVICE_DRIVER = "device-driver"
    FIRMWARE = "firmware"
    FILE = "file"
    MACHINE_LEARNING_MODEL = "machine-learning-model"
    DATA = "data"
    CRYPTOGRAPHIC_ASSET = "cryptographic-asset"
    SOURCE = "source"
    ARCHIVE = "archive"
    OTHER = "other"

    @classmethod
    def of(cls, text: str) -> ComponentType:
        """The type a format's word names (`OPERATING-SYSTEM`, `operatingSystem`, ...)."""
        key = _TYPE_WORDS.get(text.replace("_", "-").replace(" ", "-").lower())
        return key or cls.OTHER


_TYPE_WORDS = {t.value: t for t in ComponentType} | {
    "operatingsystem": ComponentType.OPERATING_SYSTEM,
    "devicedriver": ComponentType.DEVICE_DRIVER,
    "model": ComponentType.MACHINE_LEARNING_MODEL,
    "dataset": ComponentType.DATA,
    "install": ComponentType.OTHER,
}


class Hash(msgspec.Struct, frozen=True, rename={"algorithm": "alg", "value": "content"}):
    """A digest, the algorithm in the format's own spelling (SHA-256, SHA256). A frozen
    msgspec struct, so that CycloneDX JSON decodes straight into it (the names in
    `rename` are CycloneDX's)."""

    algorithm: str
    value: str


@dataclass(frozen=True, slots=True)
class Component:
    ref: ComponentRef
    name: str
    version: str = ""
    type: ComponentType = ComponentType.LIBRARY
    group: str = ""
    purl: str = ""
    cpes: tuple[str, ...] = ()
    supplier: str = ""
    hashes: tuple[Hash, ...] = ()
    licences: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What stays the same across versions of one component: the purl without its
        version, else the group, name and type."""
        if self.purl:
            head = self.purl.split("?", 1)[0].split("#", 1)[0]
            return head.rsplit("@", 1)[0] if "@" in head else head
        return f"{self.type.value}:{self.group}/{self.name}".lower()


@dataclass(frozen=True, slots=True)
class Sbom:
    """One SBOM document: `subject` is the component it describes (empty when it names
    none), `dependencies` each component's direct dependencies, by reference."""

    format: SbomFormat
    spec_version: str
    components: tuple[Component, ...]
    subject: ComponentRef | None = None
    dependencies: tuple[tuple[ComponentRef, tuple[ComponentRef, ...]], ...] = ()
    source: str = ""


class SbomError(DataError):
    """An SBOM that cannot be read: each problem as `file:line: field: message`, where
    the field is a JSON path (`$.components[3].name`) or an XML or tag-value element."""

    what: ClassVar[str] = "the SBOM"


def fail(source: str, where: str, message: str, line: int = 0) -> SbomError:
    return SbomError([Issue(source, line, where, message)])


class SbomReader(ABC):
    """Reads one format into an `Sbom`; raises `SbomError` (located) on bad input and
    `LimitExceededError` past the limits. Readers keep no state."""

    format: ClassVar[SbomFormat]

    @abstractmethod
    def read(self, data: bytes, source: str) -> Sbom: ...


def decode_json(decoder: msgspec.json.Decoder[T], data: bytes, source: str) -> T:
    """`data` decoded by `decoder`: malformed JSON, or a value of the wrong type, is an
    `SbomError` at its JSON path (msgspec ends its message with `- at `$.a[0].b``)."""
    try:
        return decoder.decode(data)
    except msgspec.ValidationError as exc:
        text, sep, where = str(exc).rpartition(" - at ")
        raise fail(source, where.strip("`") if sep else "$", text if sep else str(exc)) from None
    except msgspec.DecodeError as exc:
        raise fail(source, "$", f"not JSON: {exc}") from None
    except RecursionError:  # the decoder recurses per level: a hostile file stops here
        raise too_deep(source) from None


def too_deep(source: str) -> LimitExceededError:
    """The error of a JSON document nested deeper than a decoder can follow (always far
    deeper than the 64 levels of nested components an SBOM may have)."""
    depth = SBOM_FILE.max_depth
    return LimitExceededError(f"{source}: $: nested deeper than {depth} levels", limit="depth")


def check_size(data: bytes | int, source: str) -> None:
    """`data` (or a file's size) within the SBOM size limit."""
    size = data if isinstance(data, int) else len(data)
    if size > SBOM_FILE.max_bytes:
        raise LimitExceededError(
            f"{source}: {size} bytes, more than an SBOM may have ({SBOM_FILE.max_bytes})",
            limit="bytes",
        )
