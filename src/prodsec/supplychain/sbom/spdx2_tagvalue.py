"""SPDX 2.2 and 2.3 tag-value: one `Tag: value` per line, `<text>...</text>` across lines.
A `PackageName` opens a package, a `FileName` or `SnippetSPDXID` closes it; the fields
are those the JSON reader takes (`spdx2_json.package`). A bad line is reported with its
number."""

from __future__ import annotations

import re
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


# a tag, its colon and its value: the rest of the line, or a `<text>` block across lines
_PAIR = re.compile(
    r"^[ \t]*([A-Za-z][A-Za-z0-9_.-]*)[ \t]*:[ \t]*(<text>.*?</text>|[^\n]{0,"
    + str(SBOM_LINE_LENGTH)
    + r"})[ \t\r]*$",
    re.MULTILINE | re.DOTALL,
)


# the lean path: one line each, a tag and its value, or (third group) a line that is
# neither a tag within the length limit, a blank line nor a comment; taken when no value
# can span lines or end in blanks
_LINE = re.compile(
    r"^[ \t]*(?:([A-Za-z][A-Za-z0-9_.-]*)[ \t]*:[ \t]*([^\n]{0,"
    + str(SBOM_LINE_LENGTH)
    + r"})(?![^\n])|([^\s#][^\n]*))",
    re.MULTILINE,
)
_SLOW_SIGNS = ("<text>", "\r", " \n", "\t\n")


def _line(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def _check_gap(text: str, begin: int, end: int, source: str) -> None:
    """Between two tags only blank lines and comments may stand."""
    if not text[begin:end].strip():
        return
    offset = begin
    for line in text[begin:end].split("\n"):
        bare = line.strip()
        if bare and not bare.startswith("#"):
            at = _line(text, offset + line.index(bare[0]))
            if bare.partition(":")[2].lstrip().startswith("<text>"):
                raise fail(source, bare.partition(":")[0].strip(), "<text> without </text>", at)
            if len(bare) > SBOM_LINE_LENGTH:
                raise LimitExceededError(
                    f"{source}:{at}: a line over {SBOM_LINE_LENGTH} characters", limit="line"
                )
            raise fail(source, "tag", f"not 'Tag: value': {bare[:80]!r}", at)
        offset += len(line) + 1


def _locate(text: str, source: str) -> None:
    """Walk the tags one by one and raise at the first thing that is not a tag, a blank
    line or a comment (the slow path, taken only when `_pairs` has found something)."""
    done = 0
    for m in _PAIR.finditer(text):
        start = m.start()
        if start - done > 1:  # more than the newline between two tags
            _check_gap(text, done, start, source)
        done = m.end()
        tag, value = m.groups()
        if value.startswith("<text>") and not value.endswith("</text>"):
            raise fail(source, tag, "<text> without </text>", _line(text, start))
    _check_gap(text, done, len(text), source)


def _unwrap(value: str) -> str | None:
    """A `<text>` value without its markers; None when it does not close."""
    if not value.startswith("<text>"):
        return value
    return value[6:-7] if value.endswith("</text>") else None


def _pairs(text: str, source: str) -> list[tuple[str, str, str]]:
    """(tag, value, junk) for every line that is not blank or a comment: a tag and its
    value (a `<text>` value without its markers), or, with an empty tag, a line that is no
    tag (the reader hands it to `_locate`). Most documents take one pass of `_LINE`; one
    with `<text>` blocks, carriage returns or blanks at the end of a line takes two of
    `_PAIR` (what is left after taking every tag out must be blank lines and comments)."""
    if not any(sign in text for sign in _SLOW_SIGNS) and not text.endswith((" ", "\t")):
        lines: list[tuple[str, str, str]] = _LINE.findall(text)
        return lines
    rest = _PAIR.sub("", text)
    if rest.strip() and any(
        line.strip() and not line.lstrip().startswith("#") for line in rest.split("\n")
    ):
        _locate(text, source)
    pairs: list[tuple[str, str]] = _PAIR.findall(text)
    if "<text>" in text:
        unwrapped = [(tag, _unwrap(value)) for tag, value in pairs]
        if any(value is None for _, value in unwrapped):
            _locate(text, source)
        pairs = [(tag, value or "") for tag, value in unwrapped]
    return [(tag, value, "") for tag, value in pairs]


# what each tag the reader keeps is, found by one look-up a line; a package field kept as
# written is named by the attribute of `_Open` it goes to
_OTHER, _NAME, _ID, _LISTED = "other", "name", "id", "listed"
_RELATIONSHIP, _CLOSE, _SPDX_VERSION = "relationship", "close", "spdx-version"
_KIND = {
    "PackageName": _NAME,
    "PackageVersion": "version",
    "SPDXID": _ID,
    "PackageSupplier": "supplier",
    "PrimaryPackagePurpose": "purpose",
    "PackageLicenseConcluded": _LISTED,
    "PackageLicenseDeclared": _LISTED,
    "PackageChecksum": _LISTED,
    "ExternalRef": _LISTED,
    "Relationship": _RELATIONSHIP,
    "FileName": _CLOSE,
    "SnippetSPDXID": _CLOSE,
    "SPDXVersion": _SPDX_VERSION,
}
_FIELDS = frozenset({"version", _ID, _LISTED, "supplier", "purpose"})


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
        kind_of = _KIND.get
        for tag, value, _ in _pairs(text, source):
            kind = kind_of(tag, _OTHER)
            if kind is _OTHER:
                if not tag:  # a line that is no tag
                    _locate(text, source)
            elif current is not None and kind in _FIELDS:
                if kind is _LISTED:
                    self._package_field(current, tag, value, source, text)
                elif kind is _ID:
                    if not current.ref:
                        current.ref = value
                    elif not document:
                        document = value
                else:
                    setattr(current, kind, value)
            elif kind is _NAME:
                if current is not None:
                    components.append(current.close())
                current = _Open(value)
                if len(components) > MAX_SBOM_COMPONENTS:
                    raise LimitExceededError(
                        f"{source}: more than {MAX_SBOM_COMPONENTS} components"
                    )
            elif kind is _RELATIONSHIP:
                parts = value.split()
                if len(parts) != 3:
                    raise fail(
                        source, tag, f"not 'A TYPE B': {value!r}", _line(text, text.find(value))
                    )
                relationships.append((parts[0], parts[1], parts[2]))
            elif kind is _CLOSE:
                if current is not None:
                    components.append(current.close())
                current = None
            elif kind is _SPDX_VERSION:
                version = value
            elif kind is _ID and not document:
                document = value
        if current is not None:
            components.append(current.close())
        if not version.startswith("SPDX-2."):
            raise fail(source, "SPDXVersion", f"'{version}' is not SPDX 2", 1)
        subject, edges = graph(relationships, document or "SPDXRef-DOCUMENT")
        return Sbom(
            self.format, version.removeprefix("SPDX-"), tuple(components), subject, edges, source
        )

    @staticmethod
    def _package_field(p: _Open, tag: str, value: str, source: str, text: str) -> None:
        """`text` is the whole document, where a bad value is found on error only."""
        match tag:
            case "PackageLicenseConcluded" | "PackageLicenseDeclared":
                p.licences.append(value)
            case "PackageChecksum":
                alg, sep, digest = value.partition(":")
                if not sep:
                    raise fail(
                        source,
                        tag,
                        f"not 'ALGORITHM: value': {value!r}",
                        _line(text, text.find(value)),
                    )
                p.hashes.append(Hash(alg.strip(), digest.strip()))
            case "ExternalRef":
                parts = value.split()
                if len(parts) < 3:
                    raise fail(
                        source,
                        tag,
                        f"not 'CATEGORY TYPE LOCATOR': {value!r}",
                        _line(text, text.find(value)),
                    )
                p.refs.append((parts[1], parts[2]))
