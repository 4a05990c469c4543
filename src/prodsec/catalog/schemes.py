"""What a labelling scheme offers: its levels and the label it issues, with the form of
its registration IDs (and the expiry some of them carry)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, NamedTuple

from annotated_types import Ge

from prodsec.catalog.vocab import Confidence, LevelId, Slug, Text, frozen


class Registration(NamedTuple):
    """A registration ID read: whether it has the scheme's form, and the last valid day it
    carries (None when the scheme's IDs carry none)."""

    matches: bool
    expiry: dt.date | None


class RegistrationIssue(NamedTuple):
    """What is wrong with a held label's registration: the field and the message."""

    field: str
    message: str


@frozen
class Level:
    """A scheme level (CLS level 2, JC-STAR STAR-1). A requirement naming no level holds at
    every level; a `cumulative` level also takes every lower-ranked level's requirements.
    `routes` are the conformity routes open at this level; `confidence` says how sure the
    requirement set is; `offered` is false while the scheme takes no applications for the
    level (as its sources were last read), so no product can become eligible for it;
    `complete` is false when the catalog holds only part of the level's criteria, so
    meeting those shown is not enough to call a product eligible."""

    id: LevelId
    title: Text
    rank: int
    routes: tuple[Slug, ...] = ()
    cumulative: bool = True
    confidence: Confidence | None = None
    offered: bool = True
    complete: bool = True
    note: str = ""


@frozen
class Label:
    """What a labelling scheme issues: the mark, its longest term, the registration id."""

    mark: Text
    source: Text
    validity_years: Annotated[int, Ge(1)] | None = None
    validity_note: str = ""
    registration_format: str = ""
    registration_pattern: str = ""
    registration_expiry: str = ""
    """A `strptime` format for the pattern's `expiry` group, when the ID carries the
    label's last valid day (CLS: `CSA/<DDMMYY>/...`)."""
    registration_template: str = ""
    """How prodsec's registry numbers a label it issues: a `str.format` template over
    `serial` (an int) and `expiry` (the last valid day), e.g. `sik-{serial:05d}`."""
    registry: str = ""
    issuing: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        if self.registration_template:
            try:
                self.registration_template.format(serial=1, expiry=dt.date(2000, 1, 1))
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(f"registration_template does not format: {exc}") from None
        if self.registration_pattern:
            try:
                compiled = re.compile(self.registration_pattern)
            except re.error as exc:
                raise ValueError(
                    f"registration_pattern is not a regular expression: {exc}"
                ) from exc
            if self.registration_expiry and "expiry" not in compiled.groupindex:
                raise ValueError(
                    "registration_expiry needs an (?P<expiry>...) group in the pattern"
                )
        elif self.registration_expiry:
            raise ValueError("registration_expiry needs a registration_pattern")

    def read_registration(self, ident: str) -> Registration:
        """Whether an ID has the scheme's form, and the last valid day it carries (None
        when the scheme's IDs carry none). ValueError for an expiry that is no date."""
        if not self.registration_pattern:
            return Registration(True, None)
        found = re.match(self.registration_pattern, ident)
        if found is None:
            return Registration(False, None)
        if not self.registration_expiry:
            return Registration(True, None)
        text = found.group("expiry")
        try:
            return Registration(True, dt.datetime.strptime(text, self.registration_expiry).date())
        except ValueError as exc:
            raise ValueError(f"its expiry '{text}' is not a date") from exc

    def registration_issue(
        self, scheme: str, ident: str, valid_until: dt.date | None
    ) -> RegistrationIssue | None:
        """What is wrong with a held label's registration ID, or with its valid_until
        against the expiry the ID carries; None when nothing is."""
        try:
            matches, expiry = self.read_registration(ident)
        except ValueError as exc:
            return RegistrationIssue("registration", f"'{ident}': {exc}")
        if not matches:
            form = f" ({self.registration_format})" if self.registration_format else ""
            message = f"'{ident}' is not a {scheme} registration ID{form}"
            return RegistrationIssue("registration", message)
        if expiry is not None and valid_until is not None and expiry != valid_until:
            message = f"{valid_until} is not the expiry the registration ID carries ({expiry})"
            return RegistrationIssue("valid_until", message)
        return None
