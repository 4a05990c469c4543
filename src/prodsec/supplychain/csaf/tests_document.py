"""The mandatory tests of CSAF 2.0 section 6.1 about the document itself: languages, the
revision history and the document's version and status, involvements, the category's
name, and translation."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from itertools import pairwise
from typing import Any

from prodsec.supplychain.csaf.document import Failure, json_path
from prodsec.supplychain.csaf.walk import Path, member, objects, repeats, vulnerabilities

_INTEGER = re.compile(r"^(0|[1-9][0-9]*)$")
_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def _semver(version: str) -> re.Match[str] | None:
    return _SEMVER.match(version)


def _pre_release(version: str) -> bool:
    m = _semver(version)
    return bool(m and m.group(4) is not None)


def _zero(version: str) -> bool:
    """`0` or `0.y.z`: a version before the first release."""
    m = _semver(version)
    return version == "0" or bool(m and m.group(1) == "0")


def _major(version: str) -> int | None:
    if _INTEGER.match(version):
        return int(version)
    m = _semver(version)
    return int(m.group(1)) if m else None


def _key(version: str) -> tuple[Any, ...] | None:
    """A sort key: integers by value, semantic versions by precedence (build ignored)."""
    if _INTEGER.match(version):
        return (int(version),)
    m = _semver(version)
    if not m:
        return None
    pre = m.group(4)
    parts: tuple[Any, ...] = ()
    if pre is not None:
        parts = tuple((0, int(x), "") if x.isdigit() else (1, 0, x) for x in pre.split("."))
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)), pre is None, parts)


def _without_build(version: str) -> str:
    return version.split("+", 1)[0]


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else None


_HISTORY: Path = ("document", "tracking", "revision_history")


def _revisions(doc: Any) -> Any:
    return member(doc, "document", "tracking", "revision_history")


def _history(doc: Any) -> list[tuple[Path, datetime, str]]:
    """The revision history's items with a date and a number, sorted by date, and items
    of the same date by their numbers (OASIS's cases 6.1.14-12 and 6.1.16-03 need it)."""
    rows = [
        (p, when, item["number"])
        for p, item in objects(_revisions(doc), _HISTORY)
        if (when := _when(item.get("date"))) is not None and isinstance(item.get("number"), str)
    ]
    return sorted(rows, key=lambda r: (r[1], _key(r[2]) or ()))


def check_6_1_12(doc: Any) -> list[Failure]:
    """A language code that is not valid or does not exist."""
    import langcodes

    out = []
    for key in ("lang", "source_lang"):
        value = member(doc, "document", key)
        if isinstance(value, str) and not langcodes.tag_is_valid(value):
            out.append(
                Failure("6.1.12", json_path(("document", key)), f"{value!r} is not a language")
            )
    return out


def check_6_1_14(doc: Any) -> list[Failure]:
    """The revision history's numbers not ascending when sorted by date."""
    out = []
    rows = _history(doc)
    for (_, _, before), (p, _, number) in pairwise(rows):
        a, b = _key(before), _key(number)
        if a is not None and b is not None and type(a) is type(b) and len(a) == len(b) and b < a:
            message = f"{number!r} comes after {before!r} by date but is lower"
            out.append(Failure("6.1.14", json_path((*p, "number")), message))
    return out


def check_6_1_15(doc: Any) -> list[Failure]:
    """A translator's document without its source language."""
    if member(doc, "document", "publisher", "category") == "translator" and not member(
        doc, "document", "source_lang"
    ):
        return [Failure("6.1.15", "$.document.source_lang", "a translation names no source_lang")]
    return []


def check_6_1_16(doc: Any) -> list[Failure]:
    """The document's version not the number of the latest revision."""
    version = member(doc, "document", "tracking", "version")
    rows = _history(doc)
    if not isinstance(version, str) or not rows:
        return []
    latest = rows[-1][2]
    want, have = _without_build(latest), _without_build(version)
    if member(doc, "document", "tracking", "status") == "draft":
        want, have = want.split("-", 1)[0], have.split("-", 1)[0]
    if want != have:
        message = f"{version!r}, but the latest revision is {latest!r}"
        return [Failure("6.1.16", "$.document.tracking.version", message)]
    return []


def check_6_1_17(doc: Any) -> list[Failure]:
    """A version 0, 0.y.z or pre-release in a document not marked draft."""
    version = member(doc, "document", "tracking", "version")
    status = member(doc, "document", "tracking", "status")
    if isinstance(version, str) and status != "draft" and (_zero(version) or _pre_release(version)):
        message = f"the version is {version!r} but the status is {status!r}, not draft"
        return [Failure("6.1.17", "$.document.tracking.status", message)]
    return []


def _released(doc: Any) -> bool:
    return member(doc, "document", "tracking", "status") in ("final", "interim")


def check_6_1_18(doc: Any) -> list[Failure]:
    """A released document whose history still holds version 0 or 0.y.z."""
    if not _released(doc):
        return []
    return [
        Failure("6.1.18", json_path((*p, "number")), f"{number!r} in a released document")
        for p, _, number in _history(doc)
        if _zero(number)
    ]


def check_6_1_19(doc: Any) -> list[Failure]:
    """A pre-release number in the revision history."""
    return [
        Failure("6.1.19", json_path((*p, "number")), f"{number!r} is a pre-release")
        for p, item in objects(_revisions(doc), _HISTORY)
        if isinstance(number := item.get("number"), str) and _pre_release(number)
    ]


def check_6_1_20(doc: Any) -> list[Failure]:
    """A pre-release version in a final or interim document."""
    version = member(doc, "document", "tracking", "version")
    if _released(doc) and isinstance(version, str) and _pre_release(version):
        message = f"{version!r} is a pre-release in a released document"
        return [Failure("6.1.20", "$.document.tracking.version", message)]
    return []


def check_6_1_21(doc: Any) -> list[Failure]:
    """A version (major version) left out of the revision history, or a history that
    starts past 1."""
    majors = [(p, m) for p, _, number in _history(doc) if (m := _major(number)) is not None]
    if not majors:
        return []
    out = []
    if majors[0][1] > 1:
        message = f"the first revision is {majors[0][1]}, not 0 or 1"
        out.append(Failure("6.1.21", json_path((*majors[0][0], "number")), message))
    for (_, before), (p, now) in pairwise(majors):
        if now > before + 1:
            message = f"{now} follows {before}: {before + 1} is missing"
            out.append(Failure("6.1.21", json_path((*p, "number")), message))
    return out


def check_6_1_22(doc: Any) -> list[Failure]:
    """The same number twice in the revision history."""
    numbers = (((*p, "number"), i.get("number")) for p, i in objects(_revisions(doc), _HISTORY))
    return [Failure("6.1.22", json_path(p), f"{n!r} again") for p, n in repeats(numbers)]


def check_6_1_24(doc: Any) -> list[Failure]:
    """The same party twice at the same date in one vulnerability's involvements."""
    out = []
    for p, vuln in vulnerabilities(doc):
        counts = Counter(
            (item.get("party"), _when(item.get("date")) or item.get("date"))
            for _, item in objects(vuln.get("involvements"), ())
        )
        for (party, _), n in counts.items():
            if n > 1:
                message = f"party {party!r} is involved {n} times at the same date"
                out.append(Failure("6.1.24", json_path((*p, "involvements")), message))
    return out


PROFILES = {
    "csaf_security_incident_response": "Security incident response",
    "csaf_informational_advisory": "Informational Advisory",
    "csaf_security_advisory": "Security Advisory",
    "csaf_vex": "VEX",
}
"""The categories of the profiles other than CSAF Base, with the profiles' names."""


def _squash(text: str) -> str:
    return re.sub(r"[-\s_]", "", text.lower())


def check_6_1_26(doc: Any) -> list[Failure]:
    """A CSAF Base document whose category is another profile's name or value, or starts
    with the reserved prefix `csaf_`."""
    category = member(doc, "document", "category")
    if not isinstance(category, str) or category in PROFILES or category == "csaf_base":
        return []
    squashed = _squash(category)
    reserved = {_squash(v) for v in PROFILES} | {_squash(n) for n in PROFILES.values()}
    if squashed in reserved or category.lower().startswith("csaf_"):
        message = f"{category!r} is reserved for another profile"
        return [Failure("6.1.26", "$.document.category", message)]
    return []


def check_6_1_28(doc: Any) -> list[Failure]:
    """A translation whose source language is its own language."""
    lang = member(doc, "document", "lang")
    if isinstance(lang, str) and lang == member(doc, "document", "source_lang"):
        return [Failure("6.1.28", "$.document.source_lang", f"the same as lang ({lang!r})")]
    return []


def check_6_1_30(doc: Any) -> list[Failure]:
    """Integer and semantic versions mixed in one document."""
    numbers = [
        (json_path((*p, "number")), item["number"])
        for p, item in objects(_revisions(doc), _HISTORY)
        if isinstance(item.get("number"), str)
    ]
    version = member(doc, "document", "tracking", "version")
    if isinstance(version, str):
        numbers.append(("$.document.tracking.version", version))
    integers = [path for path, n in numbers if _INTEGER.match(n)]
    semantic = [path for path, n in numbers if _semver(n)]
    if integers and semantic:
        message = "integer and semantic versions mixed (" + ", ".join(integers) + " integer)"
        return [Failure("6.1.30", semantic[0], message)]
    return []
