"""CPE 2.3 names and NVD-style applicability rules, for components an ecosystem does not
name (firmware, hardware, operating systems, C libraries).

What is matched: the part (`a`, `o`, `h`: all three kept), vendor and product, and then
either the rule's exact version, or its version bounds (`versionStart/End
Including/Excluding`, as NVD writes them) in a generic order (numbers compared as
numbers, letters as text, numbers above letters, the separators ignored). A rule's `*` in
a field matches anything, `-` (not applicable) only `-` or `*`, and `*` and `?` inside a
value are wildcards. A component whose CPE leaves the version `*` matches every rule for
its product (as a component without a version matches every advisory for its package).

What is not: update, edition, language and the other fields after the version are
compared like the rest only when the rule names them; NVD configurations that combine
matches with AND (software running on certain hardware) are read as each vulnerable match
alone, which can report more than NVD would, never less.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any

from prodsec.errors import BadInputError

FIELDS = (
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
)
ANY = "*"
NA = "-"


class CpePart(StrEnum):
    APPLICATION = "a"
    OPERATING_SYSTEM = "o"
    HARDWARE = "h"


@dataclass(frozen=True, slots=True)
class Cpe:
    """A CPE 2.3 name; each field lower-cased, escapes removed (`\\:` is `:`)."""

    part: CpePart
    vendor: str
    product: str
    version: str
    rest: tuple[str, ...]

    def __str__(self) -> str:
        fields = [self.part.value, self.vendor, self.product, self.version, *self.rest]
        return "cpe:2.3:" + ":".join(_escape(f) for f in fields)


@dataclass(frozen=True, slots=True)
class CpeRule:
    """One vulnerable match of an advisory: the CPE it names and the version bounds."""

    advisory: str
    criteria: Cpe
    start_including: str = ""
    start_excluding: str = ""
    end_including: str = ""
    end_excluding: str = ""

    def describe(self) -> str:
        bounds = [
            f">= {self.start_including}" if self.start_including else "",
            f"> {self.start_excluding}" if self.start_excluding else "",
            f"<= {self.end_including}" if self.end_including else "",
            f"< {self.end_excluding}" if self.end_excluding else "",
        ]
        said = ", ".join(b for b in bounds if b)
        version = self.criteria.version
        if not said:
            said = "every version" if version == ANY else f"version {version}"
        return f"{self.criteria.vendor}:{self.criteria.product} {said}"


_SPLIT = re.compile(r"(?<!\\):")


def _escape(value: str) -> str:
    return value if value in (ANY, NA) else value.replace(":", "\\:")


@lru_cache(maxsize=65_536)
def parse_cpe(text: str) -> Cpe:
    """A CPE 2.3 formatted string; BadInputError when it is not one."""
    fields = _SPLIT.split(text.strip())
    if len(fields) != 13 or fields[0].lower() != "cpe" or fields[1] != "2.3":
        raise BadInputError(f"not a CPE 2.3 name: {text!r}", field="cpe")
    values = [re.sub(r"\\(.)", r"\1", f).lower() for f in fields[2:]]
    try:
        part = CpePart(values[0])
    except ValueError:
        raise BadInputError(f"not a CPE part (a, o, h): {values[0]!r}", field="cpe") from None
    if not values[1] or not values[2]:
        raise BadInputError(f"a CPE needs a vendor and a product: {text!r}", field="cpe")
    return Cpe(part, values[1], values[2], values[3] or ANY, tuple(v or ANY for v in values[4:]))


def _field_matches(rule: str, target: str) -> bool:
    if rule == ANY or target == ANY:
        return True
    if rule == NA or target == NA:
        return rule == target
    if "*" in rule or "?" in rule:
        return fnmatchcase(target, rule)
    return rule == target


_TOKEN = re.compile(r"\d+|[a-z]+")


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """A generic order for versions NVD writes: runs of digits as numbers, runs of letters
    as text and below a number in the same place; a longer key is above its prefix
    (`5.5.1` < `5.5.1a` < `5.5.2`, `r0.13` < `r0.14`)."""
    return tuple(
        (1, int(t), "") if t.isdigit() else (0, 0, t) for t in _TOKEN.findall(version.lower())
    )


def _within(rule: CpeRule, version: str) -> bool:
    key = version_key(version)
    if rule.start_including and key < version_key(rule.start_including):
        return False
    if rule.start_excluding and key <= version_key(rule.start_excluding):
        return False
    if rule.end_including and key > version_key(rule.end_including):
        return False
    return not (rule.end_excluding and key >= version_key(rule.end_excluding))


def rule_matches(rule: CpeRule, target: Cpe) -> bool:
    """Whether the rule applies to the component's CPE (module docstring)."""
    c = rule.criteria
    if c.part != target.part or c.vendor != target.vendor or c.product != target.product:
        return False
    if not all(_field_matches(r, t) for r, t in zip(c.rest, target.rest, strict=True)):
        return False
    version = target.version
    if version in (ANY, NA):
        return True
    bounded = any(
        (rule.start_including, rule.start_excluding, rule.end_including, rule.end_excluding)
    )
    if bounded:
        return _within(rule, version)
    return _field_matches(c.version, version)


def rules_from_nvd(item: Any, advisory: str) -> list[CpeRule]:
    """The vulnerable `cpeMatch` entries of one NVD CVE item's `configurations` (API 2.0
    shape); entries that do not parse are left to the caller's checks (BadInputError)."""
    rules: list[CpeRule] = []
    for config in item.get("configurations", []) or []:
        for node in config.get("nodes", []) or []:
            for match in node.get("cpeMatch", []) or []:
                if not match.get("vulnerable", True):
                    continue
                rules.append(
                    CpeRule(
                        advisory,
                        parse_cpe(str(match.get("criteria", ""))),
                        str(match.get("versionStartIncluding", "")),
                        str(match.get("versionStartExcluding", "")),
                        str(match.get("versionEndIncluding", "")),
                        str(match.get("versionEndExcluding", "")),
                    )
                )
    return rules
