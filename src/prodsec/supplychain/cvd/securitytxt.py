"""security.txt (RFC 9116) read and checked: every field with its line, every problem
with its line and a stable code, errors apart from warnings and notices.

Errors break a MUST of RFC 9116 (or of the cleartext signature framework of RFC 4880
for a signed file), or a limit of ours; warnings break a SHOULD or RECOMMENDED (an
Expires more than a year ahead, an unsigned file, a signed one without Canonical); notices
only inform (a field RFC 9116 does not define). `check` never raises on the content:
a file that is not UTF-8, binary or too large gets its problem, located."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from prodsec.catalog import limits
from prodsec.supplychain.cvd import openpgp


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


class Code(StrEnum):
    """Every problem's stable code; `SEVERITY` gives its weight."""

    TOO_LARGE = "too-large"
    NOT_UTF8 = "not-utf8"
    BYTE_ORDER_MARK = "byte-order-mark"
    CONTROL_CHARACTER = "control-character"
    LINE_TOO_LONG = "line-too-long"
    NO_LINE_END = "no-line-end"
    INVALID_LINE = "invalid-line"
    INVALID_NAME = "invalid-name"
    EMPTY_NAME = "empty-name"
    SPACE_BEFORE_COLON = "space-before-colon"
    NO_SPACE_AFTER_COLON = "no-space-after-colon"
    EMPTY_VALUE = "empty-value"
    NO_CONTACT = "no-contact"
    NO_EXPIRES = "no-expires"
    EXPIRES_REPEATED = "expires-repeated"
    EXPIRES_INVALID = "expires-invalid"
    EXPIRED = "expired"
    LANGUAGES_REPEATED = "languages-repeated"
    LANGUAGE_INVALID = "language-invalid"
    NOT_A_URI = "not-a-uri"
    NOT_HTTPS = "not-https"
    CSAF_NOT_PROVIDER_METADATA = "csaf-not-provider-metadata"
    NOT_WELL_KNOWN = "not-well-known"
    INSECURE_LOCATION = "insecure-location"
    CANONICAL_MISMATCH = "canonical-mismatch"
    SIGNED_HEADER_NOT_FIRST = "signed-header-not-first"
    SIGNATURE_BLOCK = "signature-block"
    SIGNATURE_DATA = "signature-data"
    BLANK_AFTER_SIGNATURE = "blank-after-signature"
    DATA_AFTER_SIGNATURE = "data-after-signature"
    SIGNATURE_BAD = "signature-bad"
    NOTHING_TO_VERIFY = "nothing-to-verify"
    TOO_MANY_PROBLEMS = "too-many-problems"
    EXPIRES_FAR = "expires-far"
    NO_ENCRYPTION = "no-encryption"
    NOT_SIGNED = "not-signed"
    NO_CANONICAL = "no-canonical"
    CSAF_REPEATED = "csaf-repeated"
    UNKNOWN_FIELD = "unknown-field"


WARNINGS = frozenset(
    {Code.EXPIRES_FAR, Code.NO_ENCRYPTION, Code.NOT_SIGNED, Code.NO_CANONICAL, Code.CSAF_REPEATED}
)
NOTICES = frozenset({Code.UNKNOWN_FIELD, Code.TOO_MANY_PROBLEMS})


def severity(code: Code) -> Severity:
    if code in WARNINGS:
        return Severity.WARNING
    return Severity.NOTICE if code in NOTICES else Severity.ERROR


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem: `line` is 1-based in the file as given (0: the whole file)."""

    code: Code
    line: int
    message: str

    @property
    def severity(self) -> Severity:
        return severity(self.code)


@dataclass(frozen=True, slots=True)
class Field:
    """One field as written: its name's case kept, its value without the blanks around."""

    name: str
    value: str
    line: int

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class SecurityTxt:
    """A checked security.txt: its fields and comments in order, its problems, whether it
    is signed, and the fingerprint of the key that verified its signature (if one did)."""

    fields: tuple[Field, ...]
    comments: tuple[tuple[int, str], ...]
    problems: tuple[Problem, ...]
    signed: bool = False
    signer: str = ""

    @property
    def valid(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)

    def values(self, name: str) -> list[Field]:
        return [f for f in self.fields if f.key == name.lower()]

    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]


KNOWN = frozenset(
    {
        "acknowledgments",
        "canonical",
        "contact",
        "encryption",
        "expires",
        "hiring",
        "policy",
        "preferred-languages",
        "csaf",
    }
)
"""RFC 9116's fields, and CSAF 2.0's (section 7.1.8), which registers its own."""
URI_FIELDS = frozenset(KNOWN - {"expires", "preferred-languages"})
ONCE = {"expires": Code.EXPIRES_REPEATED, "preferred-languages": Code.LANGUAGES_REPEATED}
WELL_KNOWN = "/.well-known/security.txt"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 ftext: printable, no colon
_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_LANGUAGE = re.compile(r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*|[xXiI](?:-[A-Za-z0-9]{1,8})+)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
YEAR = dt.timedelta(days=365)


@dataclass(slots=True)
class _Found:
    problems: list[Problem] = field(default_factory=list)
    full: bool = False

    def add(self, code: Code, line: int, message: str) -> None:
        if self.full:
            return
        if len(self.problems) >= limits.CVD_PROBLEMS:
            self.problems.append(
                Problem(Code.TOO_MANY_PROBLEMS, 0, f"stopped after {limits.CVD_PROBLEMS} problems")
            )
            self.full = True
            return
        self.problems.append(Problem(code, line, message))


def check(
    data: bytes, now: dt.datetime, url: str | None = None, key: bytes | None = None
) -> SecurityTxt:
    """Check the bytes of a security.txt on `now` (aware); `url` is where it was found
    (a web URI), `key` a public key (packets, `openpgp.public_key`) to verify the
    signature with."""
    found = _Found()
    if len(data) > limits.SECURITY_TXT_BYTES:
        found.add(Code.TOO_LARGE, 0, f"larger than {limits.SECURITY_TXT_BYTES} bytes")
        return SecurityTxt((), (), tuple(found.problems))
    text = _decoded(data, found)
    if text is None:
        return SecurityTxt((), (), tuple(found.problems))
    lines = text.split("\n")
    if lines[-1]:
        found.add(Code.NO_LINE_END, len(lines), "the last line has no line end (CRLF or LF)")
    else:
        lines.pop()
    lines = [line.removesuffix("\r") for line in lines]
    body = list(enumerate(lines, start=1))
    start = next((i for i, x in enumerate(lines) if x.rstrip() == openpgp.SIGNED_HEADER), None)
    signed = start is not None
    signer = ""
    if start is not None:
        body = _signed(lines, start, found)
        if key is not None and _structure_ok(found):
            verified = openpgp.verify(data, key)
            if verified.good:
                signer = verified.fingerprint
            else:
                found.add(Code.SIGNATURE_BAD, start + 1, verified.reason)
    elif key is not None:
        found.add(Code.NOTHING_TO_VERIFY, 0, "a key was given, but the file is not signed")
    fields, comments = _lines(body, found)
    _fields(fields, now, found)
    _whole(fields, signed, url, found)
    ordered = sorted(found.problems, key=lambda p: (p.line == 0, p.line))
    return SecurityTxt(tuple(fields), tuple(comments), tuple(ordered), signed, signer)


def _structure_ok(found: _Found) -> bool:
    structural = {
        Code.SIGNED_HEADER_NOT_FIRST,
        Code.SIGNATURE_BLOCK,
        Code.SIGNATURE_DATA,
        Code.DATA_AFTER_SIGNATURE,
    }
    return not any(p.code in structural for p in found.problems)


def _decoded(data: bytes, found: _Found) -> str | None:
    bom = b"\xef\xbb\xbf"
    if data.startswith(bom):
        found.add(Code.BYTE_ORDER_MARK, 1, "the file starts with a byte order mark")
        while data.startswith(bom):
            data = data[len(bom) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        found.add(Code.NOT_UTF8, line, f"not UTF-8 (byte {exc.start} cannot be decoded)")
        return None


def _signed(lines: list[str], start: int, found: _Found) -> list[tuple[int, str]]:
    if start > 0:
        found.add(
            Code.SIGNED_HEADER_NOT_FIRST,
            start + 1,
            f"a signed file must start with '{openpgp.SIGNED_HEADER}' on its first line",
        )
    message = openpgp.split_cleartext(lines, start)
    for flaw in message.flaws:
        code = Code.SIGNATURE_BLOCK if flaw.block else Code.SIGNATURE_DATA
        found.add(code, flaw.line, flaw.message)
    if message.trailing_data:
        found.add(Code.DATA_AFTER_SIGNATURE, message.trailing_data, "data after the signature")
    elif message.trailing_blank:
        found.add(
            Code.BLANK_AFTER_SIGNATURE,
            message.trailing_blank,
            "a blank line after the signature (the last line must end the signature block)",
        )
    return list(message.text)


def _lines(body: list[tuple[int, str]], found: _Found) -> tuple[list[Field], list[tuple[int, str]]]:
    fields: list[Field] = []
    comments: list[tuple[int, str]] = []
    for number, raw in body:
        line = raw.rstrip(" \t")
        if len(line) > limits.SECURITY_TXT_LINE:
            found.add(
                Code.LINE_TOO_LONG, number, f"longer than {limits.SECURITY_TXT_LINE} characters"
            )
            continue
        if _CONTROL.search(line):
            found.add(Code.CONTROL_CHARACTER, number, "a control character in the line")
            continue
        if not line:
            continue
        if line.startswith("#"):
            comments.append((number, line))
            continue
        parsed = _field(number, line, found)
        if parsed is not None:
            fields.append(parsed)
    return fields, comments


def _field(number: int, line: str, found: _Found) -> Field | None:
    name, colon, rest = line.partition(":")
    if not colon:
        found.add(Code.INVALID_LINE, number, "neither a field ('Name: value'), a comment nor blank")
        return None
    if name != name.rstrip():
        found.add(Code.SPACE_BEFORE_COLON, number, "blank between the field name and the colon")
        name = name.rstrip()
    if not name.strip():
        found.add(Code.EMPTY_NAME, number, "the field has no name")
        return None
    if not _NAME.match(name):
        found.add(Code.INVALID_NAME, number, f"'{name}' is not a field name")
        return None
    if not rest.strip():
        found.add(Code.EMPTY_VALUE, number, f"{name} has no value")
        return None
    if not rest.startswith(" "):
        found.add(
            Code.NO_SPACE_AFTER_COLON, number, f"{name}: the colon must be followed by a space"
        )
    return Field(name, rest.strip(), number)


def _fields(fields: list[Field], now: dt.datetime, found: _Found) -> None:
    seen: set[str] = set()
    for f in fields:
        key = f.key
        if key in ONCE and key in seen:
            found.add(ONCE[key], f.line, f"{f.name} may appear only once")
        seen.add(key)
        if key in URI_FIELDS:
            _uri(f, found)
        elif key == "expires":
            _expires(f, now, found)
        elif key == "preferred-languages":
            for tag in (t.strip() for t in f.value.split(",")):
                if not _LANGUAGE.match(tag):
                    found.add(Code.LANGUAGE_INVALID, f.line, f"'{tag}' is not a language tag")
        else:
            found.add(Code.UNKNOWN_FIELD, f.line, f"'{f.name}' is not a field of RFC 9116")


def _uri(f: Field, found: _Found) -> None:
    if not _URI.match(f.value):
        found.add(Code.NOT_A_URI, f.line, f"{f.name}: '{f.value}' is not a URI")
        return
    scheme = f.value.split(":", 1)[0].lower()
    if scheme == "http":
        found.add(Code.NOT_HTTPS, f.line, f"{f.name}: a web URI must begin with https://")
    if f.key == "csaf" and not urlsplit(f.value).path.endswith("/provider-metadata.json"):
        found.add(
            Code.CSAF_NOT_PROVIDER_METADATA,
            f.line,
            "CSAF must point at a provider-metadata.json",
        )


def expiry(value: str) -> dt.datetime | None:
    """An RFC 3339 date-time as an aware datetime, or None when it is not one."""
    m = _DATE_TIME.match(value)
    if m is None:
        return None
    zone = m.group(8).upper()
    iso = f"{value[:10]}T{value[11:19]}{'+00:00' if zone == 'Z' else zone}"
    try:
        return dt.datetime.fromisoformat(iso)
    except ValueError:
        return None


def _expires(f: Field, now: dt.datetime, found: _Found) -> None:
    when = expiry(f.value)
    if when is None:
        found.add(Code.EXPIRES_INVALID, f.line, f"'{f.value}' is not an RFC 3339 date-time")
    elif when <= now:
        found.add(Code.EXPIRED, f.line, f"expired on {when.date()}")
    elif when - now > YEAR:
        found.add(Code.EXPIRES_FAR, f.line, "more than a year ahead (less is recommended)")


def _whole(fields: list[Field], signed: bool, url: str | None, found: _Found) -> None:
    keys = [f.key for f in fields]
    if "contact" not in keys:
        found.add(Code.NO_CONTACT, 0, "no Contact field (at least one is required)")
    if "expires" not in keys:
        found.add(Code.NO_EXPIRES, 0, "no Expires field (exactly one is required)")
    mail = any(f.key == "contact" and f.value.lower().startswith("mailto:") for f in fields)
    if mail and "encryption" not in keys:
        found.add(Code.NO_ENCRYPTION, 0, "a mail contact, but no Encryption key to write to it")
    if not signed:
        found.add(Code.NOT_SIGNED, 0, "not signed (an OpenPGP cleartext signature is recommended)")
    elif "canonical" not in keys:
        found.add(Code.NO_CANONICAL, 0, "signed, but without a Canonical field")
    if keys.count("csaf") > 1:
        found.add(Code.CSAF_REPEATED, 0, "more than one CSAF field")
    if url is not None:
        for code, line, message in _location(url, [f for f in fields if f.key == "canonical"]):
            found.add(code, line, message)


def _location(url: str, canonical: list[Field]) -> Iterator[tuple[Code, int, str]]:
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        yield Code.INSECURE_LOCATION, 0, f"found at {url}: security.txt must be served over https"
    if parts.path != WELL_KNOWN:
        legacy = " (the legacy place)" if parts.path == "/security.txt" else ""
        yield Code.NOT_WELL_KNOWN, 0, f"found at {parts.path or '/'}{legacy}, not {WELL_KNOWN}"
    if canonical and url not in {f.value for f in canonical}:
        yield Code.CANONICAL_MISMATCH, canonical[0].line, f"no Canonical field names {url}"
