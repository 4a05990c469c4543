"""Version order of the language ecosystems: SemVer (npm, crates.io, Go, Hex), NuGet, PyPI
(PEP 440 with the legacy fallback), RubyGems, Packagist and Maven.

Each `*_key` turns a version string into a value whose Python order is the ecosystem's
order, and each `*_coarse` into `(epoch, a, b, c)`, a monotone summary for index look-ups
(never greater for a smaller version). `None` means the string is no version of that
ecosystem.
"""

from __future__ import annotations

import re
from typing import Any

Coarse = tuple[int, int, int, int]
MAX = 99_999_999


def coarse_of(epoch: int, numbers: list[int], fill: int = 0) -> Coarse:
    """`(epoch, a, b, c)` from the leading clean numbers; the rest is `fill` (0 when what
    stopped the numbers sorts below any further number, MAX when above). A number past MAX
    is clamped and everything after it becomes MAX, which keeps the summary monotone."""
    if epoch >= 99:
        return (99, MAX, MAX, MAX)
    out = [epoch]
    for n in numbers[:3]:
        if n > MAX:
            out.append(MAX)
            fill = MAX
            break
        out.append(n)
    while len(out) < 4:
        out.append(fill)
    return (out[0], out[1], out[2], out[3])


# --- SemVer 2.0 (read leniently: any count of numbers, a leading `v`) --------------------

_SEMVER = re.compile(
    r"^v?(\d+(?:\.\d+)*)"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)


def _label_key(label: str | None, fold: bool) -> tuple[Any, ...]:
    """A pre-release label: none sorts above any label; numeric identifiers below
    alphanumeric ones; a longer list above its own prefix."""
    if label is None:
        return (1,)
    parts: list[tuple[int, int, str]] = []
    for ident in label.split("."):
        if ident.isdigit():
            parts.append((0, int(ident), ""))
        else:
            parts.append((1, 0, ident.lower() if fold else ident))
    return (0, tuple(parts))


def _numbers(text: str) -> tuple[int, ...]:
    numbers = [int(p) for p in text.split(".")]
    while len(numbers) > 3 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers + [0] * (3 - len(numbers)))


def semver_key(text: str) -> tuple[Any, ...] | None:
    m = _SEMVER.match(text.strip())
    if not m:
        return None
    return (_numbers(m[1]), _label_key(m[2], fold=False))


def semver_coarse(text: str) -> Coarse | None:
    k = semver_key(text)
    return None if k is None else coarse_of(0, list(k[0]))


# --- NuGet -------------------------------------------------------------------------------

_NUGET = re.compile(
    r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-.]*)?$"
)


def nuget_key(text: str) -> tuple[Any, ...] | None:
    """Up to four numbers (missing ones are 0), labels compared without case, metadata
    after `+` ignored."""
    m = _NUGET.match(text.strip())
    if not m:
        return None
    numbers = tuple(int(g) if g else 0 for g in m.groups()[:4])
    return (*numbers, _label_key(m[5], fold=True))


def nuget_coarse(text: str) -> Coarse | None:
    k = nuget_key(text)
    return None if k is None else coarse_of(0, [k[0], k[1], k[2]])


# --- PyPI: PEP 440, and the legacy order for the rest -----------------------------------

_PEP440 = re.compile(
    r"""^\s*v?
    (?:(?P<epoch>\d+)!)?
    (?P<release>\d+(?:\.\d+)*)
    (?:[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>\d+)?)?
    (?:-(?P<post_n1>\d+)|[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>\d+)?)?
    (?:[-_.]?(?P<dev_l>dev)[-_.]?(?P<dev_n>\d+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    \s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_INF = float("inf")
_LEGACY_PART = re.compile(r"(\d+|[a-z]+|\.|-)")
_LEGACY_SUB = {"pre": "c", "preview": "c", "-": "final-", "rc": "c", "dev": "@"}


def _legacy_key(text: str) -> tuple[Any, ...]:
    """The order setuptools gave versions that PEP 440 refuses: numbers padded to compare
    as text, words prefixed with `*`; all of them sort below every PEP 440 version."""
    parts: list[str] = []
    for raw in [*_LEGACY_PART.split(text.lower()), "final"]:
        part = _LEGACY_SUB.get(raw, raw)
        if not part or part == ".":
            continue
        part = part.zfill(8) if part[:1].isdigit() else "*" + part
        if part.startswith("*"):
            if part < "*final":
                while parts and parts[-1] == "*final-":
                    parts.pop()
            while parts and parts[-1] == "00000000":
                parts.pop()
        parts.append(part)
    return (0, tuple(parts))


def _pep440(m: re.Match[str]) -> tuple[Any, ...]:
    release = [int(p) for p in m["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    post_n = m["post_n1"] or m["post_n2"]
    has_post = bool(m["post_n1"] or m["post_l"])
    has_dev = m["dev_l"] is not None
    pre: tuple[Any, ...]
    if m["pre_l"]:
        pre = (0, _PRE_RANK[m["pre_l"].lower()], int(m["pre_n"] or 0))
    elif has_dev and not has_post:
        pre = (-1,)
    else:
        pre = (1,)
    post: float = int(post_n or 0) if has_post else -1
    dev: float = int(m["dev_n"] or 0) if has_dev else _INF
    local: tuple[Any, ...] = ()
    if m["local"]:
        local = tuple(
            (1, int(p), "") if p.isdigit() else (0, 0, p.lower())
            for p in re.split(r"[-_.]", m["local"])
        )
    return (1, int(m["epoch"] or 0), tuple(release), pre, post, dev, local)


_PLAIN = re.compile(r"\d+(?:\.\d+)*")


def pypi_key(text: str) -> tuple[Any, ...]:
    if _PLAIN.fullmatch(text):  # the common case, without the full pattern
        release = [int(p) for p in text.split(".")]
        while len(release) > 1 and release[-1] == 0:
            release.pop()
        return (1, 0, tuple(release), (1,), -1, _INF, ())
    m = _PEP440.match(text)
    return _pep440(m) if m else _legacy_key(text)


def pypi_coarse(text: str) -> Coarse:
    m = _PEP440.match(text)
    if not m:
        return (0, 0, 0, 0)
    return coarse_of(int(m["epoch"] or 0) + 1, [int(p) for p in m["release"].split(".")])


# --- RubyGems ----------------------------------------------------------------------------

_GEM = re.compile(r"^\s*[0-9]+[-.0-9A-Za-z]*\s*$")
_GEM_SEG = re.compile(r"[0-9]+|[a-z]+", re.IGNORECASE)


class CmpKey:
    """A sort key whose order is a three-way `_cmp`, for orders no tuple can express."""

    __slots__ = ()

    def _cmp(self, other: object) -> int:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return self._cmp(other) == 0

    def __lt__(self, other: object) -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: object) -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: object) -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: object) -> bool:
        return self._cmp(other) >= 0

    def __hash__(self) -> int:
        raise TypeError("version keys are not hashable")


class PaddedKey(CmpKey):
    """A list of `(rank, number, text)` items compared item by item, the shorter one
    padded with `pad` (RubyGems pads with 0, which sorts above every word)."""

    __slots__ = ("items",)
    pad: tuple[int, int, str] = (1, 0, "")

    def __init__(self, items: tuple[tuple[int, int, str], ...]) -> None:
        self.items = items

    def _cmp(self, other: object) -> int:
        assert isinstance(other, PaddedKey)
        a, b = self.items, other.items
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else self.pad
            y = b[i] if i < len(b) else self.pad
            if x != y and not self._alike(x, y):
                return -1 if x < y else 1
        return 0

    @staticmethod
    def _alike(x: tuple[int, int, str], y: tuple[int, int, str]) -> bool:
        """Whether two different items still count as equal."""
        return False


def _gem_segments(text: str) -> list[int | str] | None:
    if not _GEM.match(text):
        return None
    segments: list[int | str] = [
        int(s) if s.isdigit() else s for s in _GEM_SEG.findall(text.strip().replace("-", ".pre."))
    ]
    first_word = next((i for i, s in enumerate(segments) if isinstance(s, str)), len(segments))
    release, pre = segments[:first_word], segments[first_word:]
    while release and release[-1] == 0:
        release.pop()
    while pre and pre[-1] == 0:
        pre.pop()
    return release + pre


def rubygems_key(text: str) -> PaddedKey | None:
    """Gem::Version: numbers and words, a word (a pre-release) below any number, trailing
    zeros of the release and of the pre-release part dropped, the shorter padded with 0."""
    segments = _gem_segments(text)
    if segments is None:
        return None
    return PaddedKey(tuple((1, s, "") if isinstance(s, int) else (0, 0, s) for s in segments))


def rubygems_coarse(text: str) -> Coarse | None:
    segments = _gem_segments(text)
    if segments is None:
        return None
    numbers: list[int] = []
    for s in segments:
        if not isinstance(s, int):
            break
        numbers.append(s)
    return coarse_of(0, numbers)


# --- Packagist (PHP's version_compare, as Composer uses it) ------------------------------

_PHP_SPECIAL = (("dev", 0), ("alpha", 1), ("a", 1), ("beta", 2), ("b", 2), ("RC", 3))
_PHP_SPECIAL_TAIL = (("rc", 3), ("#", 4), ("pl", 5), ("p", 5))


def _php_rank(part: str) -> int:
    for name, rank in (*_PHP_SPECIAL, *_PHP_SPECIAL_TAIL):
        if part.startswith(name):
            return rank
    return -6


def _php_canonical(text: str) -> list[str]:
    text = text.strip()
    if text[:1] in ("v", "V") and text[1:2].isdigit():
        text = text[1:]
    out: list[str] = []
    prev = ""
    for ch in text:
        last = out[-1] if out else ""
        if ch == "#":
            if last not in (".", ""):
                out.append(".")
            out.append(ch)
        elif ch in "-_+" or not (ch.isalnum() or ch == "."):
            if last != ".":
                out.append(".")
        elif prev and prev != "." and ch != "." and prev.isdigit() != ch.isdigit():
            if last != ".":
                out.append(".")
            out.append(ch)
        else:
            out.append(ch)
        prev = ch
    return [p for p in "".join(out).split(".") if p != ""]


def _php_item(part: str) -> tuple[int, int, str]:
    if part == "#":
        return (4, -2, "#")
    return (4, int(part), "") if part.isdigit() else (_php_rank(part), 0, "")


class PackagistKey(PaddedKey):
    """PHP's order: numbers rank as `#`, between `RC` and `pl`; past the end of the shorter
    version a number makes the longer one greater, a word is ranked against `#`; a
    literal `#` equals any number."""

    __slots__ = ()
    pad = (4, -1, "")

    @staticmethod
    def _alike(x: tuple[int, int, str], y: tuple[int, int, str]) -> bool:
        return x[0] == y[0] == 4 and "#" in (x[2], y[2])


def packagist_key(text: str) -> PackagistKey | None:
    parts = _php_canonical(text)
    if not parts:
        return None
    return PackagistKey(tuple(_php_item(p) for p in parts))


def packagist_coarse(text: str) -> Coarse | None:
    parts = _php_canonical(text)
    if not parts:
        return None
    numbers: list[int] = []
    fill = 0
    for p in parts:
        if p == "#":
            break
        if not p.isdigit():
            fill = MAX if _php_rank(p) > 4 else 0
            break
        numbers.append(int(p))
    return coarse_of(0, numbers, fill)


# --- Maven (the order of Maven's ComparableVersion) -------------------------------------

_MAVEN_ALIAS = {"cr": "rc", "ga": "", "final": "", "release": ""}
_MAVEN_SHORT = {"a": "alpha", "b": "beta", "m": "milestone"}
_MAVEN_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")

# an item: an int, a qualifier (str) or a list of items (what follows a hyphen or a
# change between digits and letters)
MavenItem = int | str | list[Any]


def _qualifier(value: str, before_digit: bool) -> str:
    if before_digit and value in _MAVEN_SHORT:
        value = _MAVEN_SHORT[value]
    return _MAVEN_ALIAS.get(value, value)


def _maven_items(text: str) -> list[MavenItem]:
    text = text.strip().lower()
    root: list[MavenItem] = []
    current, stack = root, [root]
    digits, start = False, 0

    def item(end: int) -> MavenItem:
        part = text[start:end]
        return int(part) if digits else _qualifier(part, False)

    def open_list() -> None:
        nonlocal current
        child: list[MavenItem] = []
        current.append(child)
        current = child
        stack.append(child)

    for i, ch in enumerate(text):
        if ch in ".-":
            current.append(0 if i == start else item(i))
            start = i + 1
            if ch == "-":
                open_list()
        elif ch.isdigit():
            if not digits and i > start:
                current.append(_qualifier(text[start:i], True))
                start = i
                open_list()
            digits = True
        else:
            if digits and i > start:
                current.append(item(i))
                start = i
                open_list()
            digits = False
    if len(text) > start:
        current.append(item(len(text)))
    for items in reversed(stack):
        _normalise(items, items is not root)
    return root


def _is_null(item: MavenItem) -> bool:
    return item == 0 or item == "" or item == []


def _normalise(items: list[MavenItem], nested: bool) -> None:
    """Drop trailing nulls, looking past sub-lists but stopping at a number or word; a list
    left holding one list only becomes that list (`1-ga-1` is `1-1`)."""
    for i in range(len(items) - 1, -1, -1):
        if _is_null(items[i]):
            del items[i]
        elif not isinstance(items[i], list):
            break
    if nested and len(items) == 1 and isinstance(items[0], list):
        items[:] = items[0]


def _qualifier_rank(value: str) -> str:
    if value in _MAVEN_QUALIFIERS:
        return str(_MAVEN_QUALIFIERS.index(value))
    return f"{len(_MAVEN_QUALIFIERS)}-{value}"


def _maven_cmp(a: MavenItem, b: MavenItem | None) -> int:
    """Maven's item order; `b` None is the padding past the end of a list."""
    if isinstance(a, int):
        if b is None:
            return 0 if a == 0 else 1
        if isinstance(b, int):
            return (a > b) - (a < b)
        return 1
    if isinstance(a, str):
        if b is None:
            ra, rb = _qualifier_rank(a), _qualifier_rank("")
            return (ra > rb) - (ra < rb)
        if isinstance(b, str):
            ra, rb = _qualifier_rank(a), _qualifier_rank(b)
            return (ra > rb) - (ra < rb)
        return -1
    if b is None:
        for x in a:
            result = _maven_cmp(x, None)
            if result:
                return result
        return 0
    if isinstance(b, int):
        return -1
    if isinstance(b, str):
        return 1
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        result = -_maven_cmp(y, x) if x is None else _maven_cmp(x, y)  # type: ignore[arg-type]
        if result:
            return result
    return 0


class MavenKey(CmpKey):
    """Maven's order: numbers naturally; qualifiers alpha < beta < milestone < rc <
    snapshot < (none) < sp < others alphabetically; a word below a hyphen group below a
    number."""

    __slots__ = ("items",)

    def __init__(self, items: list[MavenItem]) -> None:
        self.items = items

    def _cmp(self, other: object) -> int:
        assert isinstance(other, MavenKey)
        return _maven_cmp(self.items, other.items)


def maven_key(text: str) -> MavenKey | None:
    if not text.strip():
        return None
    return MavenKey(_maven_items(text))


def maven_coarse(text: str) -> Coarse | None:
    if not text.strip():
        return None
    numbers: list[int] = []
    for item in _maven_items(text):
        if not isinstance(item, int):
            break
        numbers.append(item)
    return coarse_of(0, numbers)
