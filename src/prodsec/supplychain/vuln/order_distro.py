"""Version order of the distributions: Debian (dpkg), RPM (rpmvercmp) and Alpine (apk).

Same contract as `order_lang`: `*_key` gives a value in the ecosystem's order, `*_coarse`
a monotone `(epoch, a, b, c)` summary, `None` a string that is no version there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from prodsec.supplychain.vuln.order_lang import MAX, CmpKey, Coarse, coarse_of

# --- Debian ------------------------------------------------------------------------------

_DEB_SPLIT = re.compile(r"(\d+)")
_END = ((0,), 0)


def _deb_char(ch: str) -> int:
    """dpkg's character order: `~` first, then the end of a part, letters, the rest."""
    if ch == "~":
        return -1
    if ch.isalpha():
        return ord(ch)
    return ord(ch) + 256


def _deb_part(text: str) -> tuple[Any, ...]:
    pieces = _DEB_SPLIT.split(text)
    pairs: list[tuple[tuple[int, ...], int]] = []
    for i in range(0, len(pieces), 2):
        word = (*(_deb_char(c) for c in pieces[i]), 0)
        number = int(pieces[i + 1]) if i + 1 < len(pieces) else 0
        pairs.append((word, number))
    while pairs and pairs[-1] == _END:
        pairs.pop()
    return (*pairs, _END)


def _deb_fields(text: str) -> tuple[int, str, str] | None:
    text = text.strip()
    epoch = 0
    if ":" in text:
        head, text = text.split(":", 1)
        if not head.isdigit():
            return None
        epoch = int(head)
    upstream, dash, revision = text.rpartition("-")
    if not dash:
        upstream, revision = revision, ""
    if not upstream or not re.fullmatch(r"[A-Za-z0-9.+~:-]+", upstream):
        return None
    return epoch, upstream, revision


def debian_key(text: str) -> tuple[Any, ...] | None:
    fields = _deb_fields(text)
    if fields is None:
        return None
    epoch, upstream, revision = fields
    return (epoch, _deb_part(upstream), _deb_part(revision))


def debian_coarse(text: str) -> Coarse | None:
    fields = _deb_fields(text)
    if fields is None:
        return None
    epoch, upstream, _ = fields
    m = re.match(r"\d+(?:\.\d+)*", upstream)
    if not m:
        # '~' sorts below the digits, anything else above them
        return coarse_of(epoch, [], 0 if upstream.startswith("~") else MAX)
    numbers = [int(n) for n in m[0].split(".")]
    rest = upstream[m.end() :]
    if rest.startswith("."):
        # '.' then a word: above '.' then a number, unless the word starts with '~'
        above = rest[1:2] not in ("", "~")
    else:
        above = bool(rest) and _deb_char(rest[0]) > _deb_char(".")
    return coarse_of(epoch, numbers, MAX if above else 0)


# --- RPM ---------------------------------------------------------------------------------

_RPM_SEG = re.compile(r"~|\^|\d+|[A-Za-z]+")
# item kinds: ~ below the end, the end, ^ above the end but below any segment, words,
# numbers on top
_TILDE, _STOP, _CARET, _WORD, _NUMBER = range(5)


def _rpm_part(text: str) -> tuple[tuple[int, int, str], ...]:
    items: list[tuple[int, int, str]] = []
    for seg in _RPM_SEG.findall(text):
        if seg == "~":
            items.append((_TILDE, 0, ""))
        elif seg == "^":
            items.append((_CARET, 0, ""))
        elif seg.isdigit():
            items.append((_NUMBER, int(seg), ""))
        else:
            items.append((_WORD, 0, seg))
    items.append((_STOP, 0, ""))
    return tuple(items)


def _rpm_fields(text: str) -> tuple[int, str, str | None] | None:
    """Epoch, version and release; a missing release sorts below any release."""
    text = text.strip()
    if not text:
        return None
    epoch = 0
    m = re.match(r"(\d+):", text)
    if m:
        epoch, text = int(m[1]), text[m.end() :]
    version, dash, release = text.rpartition("-")
    return (epoch, version, release) if dash else (epoch, release, None)


def rpm_key(text: str) -> tuple[Any, ...] | None:
    fields = _rpm_fields(text)
    if fields is None:
        return None
    epoch, version, release = fields
    return (epoch, _rpm_part(version), () if release is None else _rpm_part(release))


def rpm_coarse(text: str) -> Coarse | None:
    fields = _rpm_fields(text)
    if fields is None:
        return None
    numbers: list[int] = []
    for kind, number, _ in _rpm_part(fields[1]):
        if kind != _NUMBER:
            break
        numbers.append(number)
    return coarse_of(fields[0], numbers)


# --- Alpine ------------------------------------------------------------------------------
# number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}; anything left over makes the
# version invalid, and two invalid versions compare as plain text.

_APK_NUMBERS = re.compile(r"(?:\d+\.?)*")
_APK_SUFFIX = re.compile(r"_(alpha|beta|pre|rc|cvs|svn|git|hg|p)(\d*)")
_APK_WEIGHT = {s: n for n, s in enumerate(("alpha", "beta", "pre", "rc", "", "cvs", "svn"))}
_APK_WEIGHT.update(git=7, hg=8, p=9)
_APK_HASH = re.compile(r"~[0-9a-f]+")
_APK_BUILD = re.compile(r"-r(\d*)")


@dataclass(frozen=True, slots=True)
class AlpineVersion:
    text: str
    numbers: tuple[str, ...]
    letter: str
    suffixes: tuple[tuple[int, int], ...]
    build: int
    rest: str
    invalid: bool


def _apk_parse(text: str) -> AlpineVersion:
    pos = 0
    m = _APK_NUMBERS.match(text)
    numbers: tuple[str, ...] = ()
    if m and m[0]:
        numbers = tuple(m[0].split("."))
        pos = m.end()
    letter = ""
    if pos < len(text) and "a" <= text[pos] <= "z":
        letter, pos = text[pos], pos + 1
    suffixes: list[tuple[int, int]] = []
    while s := _APK_SUFFIX.match(text, pos):
        suffixes.append((_APK_WEIGHT[s[1]], int(s[2] or 0)))
        pos = s.end()
    if h := _APK_HASH.match(text, pos):
        pos = h.end()
    build, invalid = 0, False
    if pos < len(text):
        b = _APK_BUILD.match(text, pos)
        if b:
            build, pos = int(b[1] or 0), b.end()
        else:
            invalid = True
    return AlpineVersion(text, numbers, letter, tuple(suffixes), build, text[pos:], invalid)


def _apk_number(a: str, b: str, first: bool) -> int:
    """Numbers compare by value, except after the first where a leading zero makes both
    compare as text (a fraction, as apk reads it)."""
    if not first and (a[:1] == "0" or b[:1] == "0"):
        return (a > b) - (a < b)
    x, y = int(a or 0), int(b or 0)
    return (x > y) - (x < y)


def alpine_compare(va: AlpineVersion, vb: AlpineVersion) -> int:
    if va.invalid and vb.invalid:
        return (va.text > vb.text) - (va.text < vb.text)
    for i in range(max(len(va.numbers), len(vb.numbers))):
        x = va.numbers[i] if i < len(va.numbers) else "0"
        y = vb.numbers[i] if i < len(vb.numbers) else "0"
        if r := _apk_number(x, y, i == 0):
            return r
    if va.letter != vb.letter:
        return -1 if (va.letter or " ") < (vb.letter or " ") else 1
    for i in range(max(len(va.suffixes), len(vb.suffixes))):
        x2 = va.suffixes[i] if i < len(va.suffixes) else (_APK_WEIGHT[""], 0)
        y2 = vb.suffixes[i] if i < len(vb.suffixes) else (_APK_WEIGHT[""], 0)
        if x2 != y2:
            return -1 if x2 < y2 else 1
    if va.build != vb.build:
        return -1 if va.build < vb.build else 1
    if bool(va.rest) != bool(vb.rest):
        return 1 if not va.rest else -1
    return 0


class AlpineKey(CmpKey):
    """A version in apk's order (compared with `alpine_compare`)."""

    __slots__ = ("version",)

    def __init__(self, text: str) -> None:
        self.version = _apk_parse(text)

    def _cmp(self, other: object) -> int:
        assert isinstance(other, AlpineKey)
        return alpine_compare(self.version, other.version)


def alpine_key(text: str) -> AlpineKey | None:
    text = text.strip()
    return AlpineKey(text) if text else None


def alpine_coarse(text: str) -> Coarse | None:
    """The leading numbers up to the first one (after the first) with a leading zero,
    which compares as a fraction."""
    text = text.strip()
    if not text:
        return None
    v = _apk_parse(text)
    numbers: list[int] = []
    for i, n in enumerate(v.numbers):
        if not n or (i and n[:1] == "0"):
            break
        numbers.append(int(n))
    return coarse_of(0, numbers)
