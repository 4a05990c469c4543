"""Every limit on what prodsec reads, in one place: how large a file or a body may be, how
deep it may nest and how many values it may hold; how long a string may be and which
characters it may carry; the range of a number or a day. docs/assessment.md lists the
profile's, docs/web.md the API's.

The parsers (`yamlsrc`) take a `ParseLimits`; pydantic models take the annotations below,
which publish their bounds in the JSON Schema too.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from annotated_types import Interval, MinLen

KIB = 1024


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """What one parsed document may hold: bytes of text, levels of nesting (a mapping or a
    list inside another counts one level), and values (scalars, mappings and lists)."""

    max_bytes: int
    max_depth: int
    max_nodes: int


PROFILE = ParseLimits(max_bytes=256 * KIB, max_depth=64, max_nodes=20_000)
"""A product profile, from a file, a form or an API body."""
CATALOG_FILE = ParseLimits(max_bytes=4 * KIB * KIB, max_depth=64, max_nodes=500_000)
"""One data file of the catalog: generous (the largest packaged file is about 32 KiB)."""

# The lengths of strings, in characters.
NAME_LENGTH = 200
"""A manufacturer or a model (the database's columns hold 200)."""
ID_LENGTH = 100
"""A slug, a market, a version, a scheme level, a parameter's name."""
REFERENCE_LENGTH = 300
"""A requirement id (`ID@EDITION:REF`), a label's registration ID."""
TEXT_LENGTH = 2_000
"""One line of evidence, a parameter's text value."""
NOTE_LENGTH = 10_000
"""A note: several lines of prose."""

# How many items a list may hold.
MAX_MARKETS = 300
MAX_FEATURES = 200
MAX_CLAIMS = 1_000
MAX_REQUIREMENT_CLAIMS = 5_000
MAX_LABELS = 100
MAX_EVIDENCE = 100
MAX_PARAMETERS = 100

# Numbers.
MAX_MAGNITUDE = 10**9
"""The largest value (either sign) of a number in a claim: hours, days, years, counts."""
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2199, 12, 31)
MAX_OFFSET = 1_000_000
"""The largest `offset` of a paged list."""
MAX_PAGE = 500
"""The largest `limit` of a paged list."""

# Requests.
MAX_PATH_LENGTH = 2_000
"""The longest path of a request, in characters once decoded."""
MAX_QUERY_LENGTH = 8 * KIB
"""The longest query string of a request, in bytes as sent."""
QUERY_VALUE_LENGTH = 1_000
"""The longest value of one query parameter (names, ids and lists of them)."""
EMAIL_LENGTH = 254
PASSWORD_LENGTH = 1_000

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# The same rules as patterns, for JSON Schema (where a slug's own pattern is stricter still).
_ALLOWED = "^[^\\u0000-\\u001f\\u007f]*$"
_ALLOWED_IN_LINES = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"


def control_character(text: str, lines: bool = False) -> str | None:
    """The first control character in `text` as `U+0000`, or None. Text of several `lines`
    may hold tabs and line breaks; any other text none of them."""
    found = (_CONTROL_IN_LINES if lines else _CONTROL).search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def plain_text_problem(text: str, length: int, lines: bool = False) -> str | None:
    """What is wrong with `text` as a string of at most `length` characters, or None."""
    if len(text) > length:
        return f"at most {length} characters; this one has {len(text)}"
    bad = control_character(text, lines)
    return None if bad is None else f"control character {bad} is not allowed"


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_too_deep(text: str, max_depth: int) -> bool:
    """Whether JSON `text` nests deeper than `max_depth` (a linear scan of its brackets
    outside strings, before a recursive parser sees it)."""
    depth = 0
    for found in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if found.group() in "[{" else -1
        if depth > max_depth:
            return True
    return False


@dataclass(frozen=True, slots=True)
class Bounded:
    """A string of at most `length` characters without control characters (tabs and line
    breaks allowed when `lines`), checked on the value as sent, before any stripping."""

    length: int
    lines: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        found = handler(schema)
        found["maxLength"] = self.length
        found.setdefault("pattern", _ALLOWED_IN_LINES if self.lines else _ALLOWED)
        return found

    def check(self, value: Any) -> Any:
        if isinstance(value, str) and (
            problem := plain_text_problem(value, self.length, self.lines)
        ):
            raise ValueError(problem)  # pydantic's channel; the loader locates it
        return value


@dataclass(frozen=True, slots=True)
class InRange:
    """A value of several kinds (a claim's parameter): checked by its kind before the
    kinds are tried, so a number out of range is one clear problem, not one per kind."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.check, handler(source))

    def check(self, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        # (NaN and infinity fail the comparison too)
        if isinstance(value, int | float) and not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
            raise ValueError(f"a number from -{MAX_MAGNITUDE} to {MAX_MAGNITUDE}")
        if isinstance(value, str) and (problem := plain_text_problem(value, TEXT_LENGTH)):
            raise ValueError(problem)
        if isinstance(value, dt.date) and not EARLIEST_DAY <= value <= LATEST_DAY:
            raise ValueError(f"a day from {EARLIEST_DAY} to {LATEST_DAY}")
        return value  # pydantic's channel above; the loader locates it


@dataclass(frozen=True, slots=True)
class Finite:
    """A float that is a number: no infinity, no NaN (in JSON Schema too)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), "allow_inf_nan": False}


Line = Annotated[str, MinLen(1), Bounded(NAME_LENGTH)]
"""A name on one line: a manufacturer, a model."""
Short = Annotated[str, Bounded(ID_LENGTH)]
Reference = Annotated[str, Bounded(REFERENCE_LENGTH)]
Evidence = Annotated[str, MinLen(1), Bounded(TEXT_LENGTH)]
Note = Annotated[str, Bounded(NOTE_LENGTH, lines=True)]
Whole = Annotated[int, Interval(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
Fraction = Annotated[float, Finite(), Interval(ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
Day = Annotated[dt.date, Interval(ge=EARLIEST_DAY, le=LATEST_DAY)]

# --- sbom: what one SBOM file may hold (supplychain/sbom) ---
SBOM_FILE = ParseLimits(max_bytes=128 * KIB * KIB, max_depth=64, max_nodes=0)
"""One SBOM file: 128 MiB of text, 64 levels of nesting (JSON, XML, nested components);
`max_nodes` is unused, `MAX_SBOM_COMPONENTS` counts what matters."""
MAX_SBOM_COMPONENTS = 1_000_000
"""Components (packages) in one SBOM, nested ones included."""
SBOM_LINE_LENGTH = 64 * KIB
"""One line of an SPDX tag-value file, and one field of any SBOM."""

# --- vers: what one OSV advisory file may hold (supplychain/vuln/osv.py) ---
OSV_FILE = ParseLimits(max_bytes=8_000_000, max_depth=32, max_nodes=1_000_000)
"""One OSV record as JSON or YAML; its counts (ranges, events, versions) are `OsvLimits`."""

# --- cvd: security.txt, disclosure policies, OpenPGP keys (supplychain/cvd) ---
SECURITY_TXT_BYTES = 32 * KIB
"""One security.txt; RFC 9116 sets no limit, real files are well under 4 KiB."""
SECURITY_TXT_LINE = 2 * KIB
"""One line of a security.txt (a field with its value, or a comment)."""
CVD_PROBLEMS = 200
"""Problems reported for one file before the check stops (a binary file has many)."""
POLICY_BYTES = 1024 * KIB
"""One disclosure policy, text or Markdown."""
PGP_KEY_BYTES = 256 * KIB
"""One OpenPGP public key file given to check a signature."""
# --- csaf: what one CSAF document may hold (supplychain/csaf) ---
CSAF_FILE = ParseLimits(max_bytes=16 * KIB * KIB, max_depth=40, max_nodes=0)
"""One CSAF 2.0 document as JSON: 16 MiB (the largest CISA ICS advisory is under 1 MiB)
and 40 levels (branches nest; the schema's own shape needs about 15); `max_nodes` unused."""
