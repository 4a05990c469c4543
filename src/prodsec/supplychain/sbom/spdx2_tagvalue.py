"""SPDX 2.2 and 2.3 tag-value: one `Tag: value` per line, `<text>...</text>` across lines.
A `PackageName` opens a package, a `FileName` or `SnippetSPDXID` closes it; the fields
are those the JSON reader takes (`spdx2_json.package`). A bad line is reported with its
number."""

from __future__ import annotations

from dataclasses import dataclass, field

from prodsec.catalog.limits import MAX_SBOM_COMPONENTS, SBOM_LINE_LENGTH
from prodsec.errors import LimitExceededError
from prodsec.supplychain.sbom.interface import (
    Component,
    Hash,
    Sbom,
    SbomFormat,
    SbomReader,
    check_size,
    fail,
)
from prodsec.supplychain.sbom.spdx2_json import graph, package


@dataclass(slots=True)
class _Open:
    """The package being read."""

    name: str
    ref: str = ""
    version: str = ""
    supplier: str = ""
    purpose: str = ""
    hashes: list[Hash] = field(default_factory=list)
    licences: list[str] = field(default_factory=list)
    refs: list[tuple[str, str]] = field(default_factory=list)

    def close(self) -> Component:
        return package(
            self.ref, self.name, self.version, self.supplier, self.purpose,
            tuple(self.hashes), tuple(dict.fromkeys(self.licences)), self.refs,
        )  # fmt: skip


def _pairs(text: str, source: str) -> list[tuple[int, str, str]]:
    """(line number, tag, value) for every tag, `<text>` values joined."""
    out: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if len(line) > SBOM_LINE_LENGTH:
            raise LimitExceededError(f"{source}:{i}: a line over {SBOM_LINE_LENGTH} characters")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        tag, sep, value = line.partition(":")
        if not sep or not tag or " " in tag.strip():
            raise fail(source, "tag", f"not 'Tag: value': {line[:80]!r}", i)
        value = value.strip()
        start = i
        if value.startswith("<text>"):
            body = [value[6:]]
            while "</text>" not in body[-1]:
                if i >= len(lines):
                    raise fail(source, tag, "<text> without </text>", start)
                body.append(lines[i])
                i += 1
            value = "\n".join(body).split("</text>", 1)[0]
        out.append((start, tag.strip(), value))
    return out


class Spdx2TagValueReader(SbomReader):
    format = SbomFormat.SPDX2_TAG_VALUE

    def read(self, data: bytes, source: str) -> Sbom:
        check_size(data, source)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise fail(source, "$", f"not UTF-8 text: {exc}") from None
        version = ""
        document = ""
        current: _Open | None = None
        components: list[Component] = []
        relationships: list[tuple[str, str, str]] = []
        for line, tag, value in _pairs(text, source):
            if tag == "SPDXVersion":
                version = value
            elif tag == "PackageName":
                if current is not None:
                    components.append(current.close())
                current = _Open(value)
            elif tag in ("FileName", "SnippetSPDXID"):
                if current is not None:
                    components.append(current.close())
                current = None
            elif tag == "SPDXID":
                if current is not None and not current.ref:
                    current.ref = value
                elif not document:
                    document = value
            elif tag == "Relationship":
                parts = value.split()
                if len(parts) != 3:
                    raise fail(source, tag, f"not 'A TYPE B': {value!r}", line)
                relationships.append((parts[0], parts[1], parts[2]))
            elif current is not None:
                self._package_field(current, tag, value, source, line)
            if len(components) > MAX_SBOM_COMPONENTS:
                raise LimitExceededError(f"{source}: more than {MAX_SBOM_COMPONENTS} components")
        if current is not None:
            components.append(current.close())
        if not version.startswith("SPDX-2."):
            raise fail(source, "SPDXVersion", f"'{version}' is not SPDX 2", 1)
        subject, edges = graph(relationships, document or "SPDXRef-DOCUMENT")
        return Sbom(
            self.format, version.removeprefix("SPDX-"), tuple(components), subject, edges, source
        )

    @staticmethod
    def _package_field(p: _Open, tag: str, value: str, source: str, line: int) -> None:
        match tag:
            case "PackageVersion":
                p.version = value
            case "PackageSupplier":
                p.supplier = value
            case "PrimaryPackagePurpose":
                p.purpose = value
            case "PackageLicenseConcluded" | "PackageLicenseDeclared":
                p.licences.append(value)
            case "PackageChecksum":
                alg, sep, digest = value.partition(":")
                if not sep:
                    raise fail(source, tag, f"not 'ALGORITHM: value': {value!r}", line)
                p.hashes.append(Hash(alg.strip(), digest.strip()))
            case "ExternalRef":
                parts = value.split()
                if len(parts) < 3:
                    raise fail(source, tag, f"not 'CATEGORY TYPE LOCATOR': {value!r}", line)
                p.refs.append((parts[1], parts[2]))
