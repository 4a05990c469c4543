"""SBOMs in every format read into one component model (`interface.py`): CycloneDX JSON and
XML, SPDX 2 JSON and tag-value, SPDX 3 JSON-LD. `read_sbom` recognises the format by the
content, never by the file name."""

from __future__ import annotations

from pathlib import Path

from prodsec.supplychain.sbom.interface import (
    Component,
    ComponentType,
    Hash,
    Sbom,
    SbomError,
    SbomFormat,
    SbomReader,
    check_size,
    fail,
)

__all__ = [
    "Component",
    "ComponentType",
    "Hash",
    "Sbom",
    "SbomError",
    "SbomFormat",
    "detect",
    "read_sbom",
    "read_sbom_file",
    "reader",
]


def detect(data: bytes, source: str) -> SbomFormat:
    """The format of `data`, from its first bytes and its top-level keys."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise fail(source, "$", "not an SBOM: " + ("only blanks" if data else "the file is empty"))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:2]:
        raise fail(source, "$", "not an SBOM: UTF-16 or UTF-32 text; SBOMs are read as UTF-8")
    if head.startswith(b"<"):
        return SbomFormat.CYCLONEDX_XML
    if head.startswith(b"{"):
        if b'"bomFormat"' in data:  # a key may come last: the whole text is searched
            return SbomFormat.CYCLONEDX_JSON
        if b'"spdxVersion"' in data:
            return SbomFormat.SPDX2_JSON
        if b'"@graph"' in data:
            return SbomFormat.SPDX3_JSON_LD
        raise fail(source, "$", "JSON, but neither CycloneDX, SPDX 2 nor SPDX 3")
    if b"SPDXVersion:" in data[:65536]:
        return SbomFormat.SPDX2_TAG_VALUE
    raise fail(source, "$", "not an SBOM: neither CycloneDX, SPDX JSON nor SPDX tag-value")


def reader(fmt: SbomFormat) -> SbomReader:
    match fmt:
        case SbomFormat.CYCLONEDX_JSON:
            from prodsec.supplychain.sbom.cyclonedx_json import CycloneDxJsonReader

            return CycloneDxJsonReader()
        case SbomFormat.CYCLONEDX_XML:
            from prodsec.supplychain.sbom.cyclonedx_xml import CycloneDxXmlReader

            return CycloneDxXmlReader()
        case SbomFormat.SPDX2_JSON:
            from prodsec.supplychain.sbom.spdx2_json import Spdx2JsonReader

            return Spdx2JsonReader()
        case SbomFormat.SPDX2_TAG_VALUE:
            from prodsec.supplychain.sbom.spdx2_tagvalue import Spdx2TagValueReader

            return Spdx2TagValueReader()
        case SbomFormat.SPDX3_JSON_LD:
            from prodsec.supplychain.sbom.spdx3_jsonld import Spdx3JsonLdReader

            return Spdx3JsonLdReader()


def read_sbom(data: bytes, source: str) -> Sbom:
    """The SBOM in `data` (`source` names it in errors); `SbomError` when it cannot be read,
    `LimitExceededError` past the limits of `catalog/limits.py`."""
    check_size(data, source)
    return reader(detect(data, source)).read(data, source)


def read_sbom_file(path: Path) -> Sbom:
    return read_sbom(file_bytes(path), str(path))


def file_bytes(path: Path) -> bytes:
    """The bytes of an SBOM file, its size checked before it is read."""
    try:
        check_size(path.stat().st_size, str(path))
        return path.read_bytes()
    except OSError as exc:
        raise fail(str(path), "$", f"cannot read: {exc.strerror}") from None
