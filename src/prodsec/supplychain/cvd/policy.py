"""A vulnerability disclosure policy (text or Markdown) read for the elements the regimes
name: a reporting contact, when a reporter is acknowledged and kept informed, timelines,
scope, safe harbour, language, and more, each with the sentence that shows it.

The rules are fixed keyword and pattern sets per element (`ELEMENTS`), applied sentence by
sentence: an element is `present` when a sentence matches it (for the timed elements, with
a time such as "within 5 business days", read out in days), `untimed` when it is named
without a time, `negated` when the only sentences naming it say it is not offered ("we do
not offer safe harbour"), and `missing` otherwise. Nothing is guessed from the meaning of
a sentence beyond these patterns: docs/supplychain.md states the limits."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from prodsec.catalog import limits
from prodsec.errors import BadInputError, Issue, LimitExceededError


class State(StrEnum):
    PRESENT = "present"
    UNTIMED = "untimed"
    NEGATED = "negated"
    MISSING = "missing"


EN = "EN 303 645 5.2-1"
PSTI = "UK PSTI Sch 1 para 2"
AU = "AU smart-device rules Sch 1"
ISO = "ISO/IEC 29147"
GOOD = "good practice"


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Element:
    """One element: what shows it (`shows`, or both patterns of one of `pairs` in the
    same sentence), what says it is not offered (`denies`), whether it needs a time to
    count as present, and the regimes that name it. Every pattern matches in time linear
    in the sentence: no two unbounded repeats that can overlap."""

    id: str
    title: str
    regimes: tuple[str, ...]
    shows: re.Pattern[str]
    denies: re.Pattern[str] | None = None
    timed: bool = False
    pairs: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = ()

    def shown(self, text: str) -> bool:
        if self.shows.search(text):
            return True
        return any(a.search(text) and b.search(text) for a, b in self.pairs)


_LANGUAGES = r"\b(?:english|german|french|dutch|spanish|italian|japanese|korean|chinese)\b"
_NOT = r"(?:do|does|will|shall|can|may)\s*(?:not|n't)|never|cannot|won't|no longer"
ELEMENTS: tuple[Element, ...] = (
    Element(
        "contact",
        "Reporting contact",
        (EN, PSTI, AU, f"{ISO} 6.2.2"),
        _any(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}", r"security\.txt"),
        pairs=((_any(r"https://"), _any(r"\b(?:report|submit|form)")),),
    ),
    Element(
        "acknowledgement",
        "Time to acknowledge a report",
        (EN, PSTI, AU, f"{ISO} 6.2.5"),
        _any(r"\backnowledg\w*", r"confirm\w* (?:the )?receipt"),
        _any(rf"(?:{_NOT})\s+(?:acknowledge|confirm|respond)"),
        timed=True,
    ),
    Element(
        "status-updates",
        "Status updates to the reporter",
        (EN, PSTI, AU, f"{ISO} 6.5"),
        _any(
            r"\b(?:status|progress) updates?\b",
            r"\bupdates? (?:on|about) (?:the |its )?(?:status|progress)",
            r"\bkeep (?:you|the reporter|reporters) (?:informed|updated|posted)",
            r"\binform (?:you|the reporter) (?:of|about) (?:the |our )?progress",
        ),
        _any(rf"(?:{_NOT})\s+(?:provide|give|send|offer)\s+(?:status |progress )?updates"),
        timed=True,
    ),
    Element(
        "timelines",
        "Disclosure and remediation timelines",
        (f"{ISO} 7 (advisory timing)",),
        _any(r"\bembargo", r"\bcoordinated disclosure date\b"),
        _any(rf"(?:{_NOT})\s+(?:commit|promise|guarantee)"),
        timed=True,
        pairs=(
            (
                _any(r"\b(?:disclos|publish|fix|remediat|resolv|patch|releas)"),
                _any(r"\b(?:within|after|no later than)\b"),
            ),
        ),
    ),
    Element(
        "scope",
        "Scope (products and systems covered)",
        (GOOD,),
        _any(r"\b(?:in|out of) scope\b", r"\bscope\b", r"this policy (?:applies|covers)"),
    ),
    Element(
        "safe-harbour",
        "Safe harbour for good-faith reporters",
        (GOOD,),
        _any(
            r"\bsafe[\s-]?harbou?r\b",
            r"\b(?:not|never)\s+(?:pursue|take|initiate|bring|seek)\s+legal action",
            r"\bwill not (?:sue|prosecute)",
        ),
        _any(
            rf"(?:{_NOT}|\bno)\s+(?:\w+\s+)?(?:offer|provide|grant|give|extend)\w*\s+"
            r"(?:\w+\s+)?safe[\s-]?harbou?r",
            r"\bno safe[\s-]?harbou?r",
            r"\breserve the right to (?:take|pursue|bring|seek) legal action",
            r"\bmay (?:take|pursue|bring|seek) legal action",
        ),
        pairs=((_any(r"\bauthori[sz]ed\b"), _any(r"\b(?:research|testing|conduct)")),),
    ),
    Element(
        "language",
        "Language of reports",
        (f"{PSTI} (English)", f"{AU} (English)"),
        _any(_LANGUAGES, r"\blanguages?\b"),
    ),
    Element(
        "no-personal-data",
        "No personal data demanded of the reporter",
        (f"{PSTI} (Sch 2 form)",),
        _any(
            r"\banonymous\w*",
            r"\b(?:do not|don't|does not|never)\s+(?:need|require|ask for)\s+(?:your\s+)?"
            r"(?:name|identity|personal)",
            r"\bno personal (?:data|information)",
        ),
        _any(r"\bmust (?:give|provide|include) (?:your )?(?:full )?(?:name|identity|address)"),
    ),
    Element("encryption", "Encrypted reporting", (GOOD,), _any(r"\b(?:open)?pgp\b", r"\bencrypt")),
    Element(
        "advisories",
        "Published advisories",
        (f"{ISO} 7",),
        _any(r"\badvisor(?:y|ies)\b", r"\bsecurity bulletins?\b", r"\bCVE\b"),
    ),
    Element(
        "credit",
        "Credit to reporters",
        (GOOD,),
        _any(r"\bcredit\w*", r"\bhall of fame\b", r"\bpublicly (?:thank|acknowledge|credit)"),
        _any(rf"(?:{_NOT})\s+(?:credit|name|thank)"),
    ),
)

_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "fourteen": 14, "thirty": 30, "sixty": 60, "ninety": 90,
}  # fmt: skip
_TIME = re.compile(
    r"\b(\d{1,4}|" + "|".join(_NUMBERS) + r")[\s-]{0,3}"
    r"(business |working |calendar )?(hours?|h|days?|weeks?|months?)\b",
    re.IGNORECASE,
)
_MARKUP = (
    (re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,3}[.)]\s+)"), ""),
    (re.compile(r"\[([^\[\]\n]{0,200})\]\(([^()\s]{0,500})\)"), r"\1 (\2)"),
    (re.compile(r"[*_`]{1,3}"), ""),
    (re.compile(r"<[^<>\n]{0,100}>"), ""),
)
_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
SHOWN = 300


def days(text: str) -> int | None:
    """The first time in `text`, in whole days rounded up (hours / 24; business days
    * 7 / 5; weeks * 7; months * 30), or None."""
    m = _TIME.search(text)
    if m is None:
        return None
    word = m.group(1).lower()
    amount = int(word) if word.isdigit() else _NUMBERS[word]
    unit = m.group(3).lower()
    if unit.startswith("h"):
        return max(1, math.ceil(amount / 24))
    if unit.startswith("w"):
        return amount * 7
    if unit.startswith("m"):
        return amount * 30
    if (m.group(2) or "").strip().lower() in ("business", "working"):
        return math.ceil(amount * 7 / 5)
    return amount


@dataclass(frozen=True, slots=True)
class Sentence:
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Finding:
    element: Element
    state: State
    line: int = 0
    sentence: str = ""
    days: int | None = None


@dataclass(frozen=True, slots=True)
class PolicyReading:
    findings: tuple[Finding, ...]

    def finding(self, element: str) -> Finding:
        return next(f for f in self.findings if f.element.id == element)


def sentences(text: str) -> list[Sentence]:
    """The sentences of a text or Markdown document with the line each starts on: markup
    dropped, headings skipped, a paragraph or list item ending a sentence."""
    found: list[Sentence] = []
    block: list[tuple[int, str]] = []

    def flush() -> None:
        if not block:
            return
        joined, starts = "", []
        for number, piece in block:
            starts.append((len(joined), number))
            joined += piece + " "
        at = 0
        for part in [*_BREAK.split(joined)]:
            index = joined.find(part, at)
            at = index + len(part)
            line = max(n for start, n in starts if start <= max(index, 0))
            if part.strip():
                found.append(Sentence(line, " ".join(part.split())))
        block.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith(("#", "```", "---", "|-")):
            flush()  # a heading only names a section: the sentences under it must show
            continue
        line = raw
        starts_item = bool(_MARKUP[0][0].match(line))
        for pattern, replacement in _MARKUP:
            line = pattern.sub(replacement, line)
        if starts_item:
            flush()
        block.append((number, line.strip()))
    flush()
    return found


def read_policy(data: bytes, source: str) -> PolicyReading:
    """Read a policy's bytes; LimitExceededError when too large, BadInputError (located)
    when it is not UTF-8 text."""
    if len(data) > limits.POLICY_BYTES:
        raise LimitExceededError(
            f"{source}: larger than {limits.POLICY_BYTES} bytes", limit="POLICY_BYTES"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BadInputError(issues=[Issue(source, line, "policy", "not UTF-8 text")]) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise BadInputError(issues=[Issue(source, line, "policy", "binary data, not text")])
    return read_sentences(sentences(text))


def read_sentences(found: list[Sentence]) -> PolicyReading:
    return PolicyReading(tuple(_finding(e, found) for e in ELEMENTS))


def _finding(element: Element, found: list[Sentence]) -> Finding:
    untimed = negated = None
    for s in found:
        if element.denies is not None and element.denies.search(s.text):
            negated = negated or s
            continue
        if not element.shown(s.text):
            continue
        if not element.timed:
            return Finding(element, State.PRESENT, s.line, _cut(s.text))
        count = days(s.text)
        if count is not None:
            return Finding(element, State.PRESENT, s.line, _cut(s.text), count)
        untimed = untimed or s
    if untimed is not None:
        return Finding(element, State.UNTIMED, untimed.line, _cut(untimed.text))
    if negated is not None:
        return Finding(element, State.NEGATED, negated.line, _cut(negated.text))
    return Finding(element, State.MISSING)


def language(reading: PolicyReading) -> str | None:
    """The first language a present `language` finding names, capitalised."""
    f = reading.finding("language")
    if f.state is not State.PRESENT:
        return None
    m = re.search(_LANGUAGES, f.sentence, re.IGNORECASE)
    return m.group(0).capitalize() if m else None


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
