"""What an assessment finds: verdicts, standings, label eligibility and the result types.

These are the values the judge (`assess.judge`), label eligibility (`assess.eligibility`)
and `assess.evaluate.assess` hand to the rest of prodsec: reports, views, the planner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from prodsec.assess.applicability import State
from prodsec.assess.profile import Profile
from prodsec.catalog.model import Instrument, Requirement, Trigger
from prodsec.catalog.schemes import Level
from prodsec.catalog.vocab import Actor


class Verdict(StrEnum):
    MET = "met"
    NOT_MET = "not-met"
    PARTIALLY_MET = "partially-met"
    NOT_APPLICABLE = "not-applicable"
    UNKNOWN = "unknown"


class Standing(StrEnum):
    COMPLIANT = "compliant"
    NOT_COMPLIANT = "not-compliant"
    INCOMPLETE = "incomplete"


class Eligibility(StrEnum):
    HELD = "held"
    ELIGIBLE = "eligible"
    THROUGH_RECOGNITION = "eligible-through-recognition"
    SIMPLIFIED = "simplified-application"
    NOT_ELIGIBLE = "not-eligible"
    UNKNOWN = "unknown"
    OUT_OF_SCOPE = "out-of-scope"
    NOT_OFFERED = "not-offered"


POSITIVE = (
    Eligibility.HELD,
    Eligibility.ELIGIBLE,
    Eligibility.THROUGH_RECOGNITION,
    Eligibility.SIMPLIFIED,
)
"""The statuses that count as reaching a level (the first three need no application)."""

SHORT = (Verdict.NOT_MET, Verdict.PARTIALLY_MET)
"""The verdicts that fall short."""


class BlockFinding(NamedTuple):
    """A building block a requirement maps onto, judged for the product: its verdict and
    the reason, as a person reads it."""

    block: str
    verdict: Verdict
    reason: str


class Found(NamedTuple):
    """A requirement judged: its verdict, the reasons, the verdict of each block, and the
    recognition edge that decided it (None when the product's own evidence did)."""

    verdict: Verdict
    reasons: tuple[str, ...]
    blocks: tuple[BlockFinding, ...]
    edge: str | None


class Credit(NamedTuple):
    """Whether a recognition edge gives the product its credit on the day, and why."""

    holds: bool
    why: str


@dataclass(slots=True)
class Judged:
    """(Not frozen: thousands are made per second in a batch, and frozen dataclasses are
    several times slower to build. Nothing changes one after it is made.)"""

    ref: str
    verdict: Verdict
    reasons: tuple[str, ...]
    applies_from: dt.date | None = None
    in_effect: bool = True
    blocks: tuple[BlockFinding, ...] = ()
    edge: str | None = None
    trigger: Trigger | None = None
    """The event that sets the duty off, for a duty that is not a property of the product
    as placed on the market (an unknown one does not make the instrument incomplete)."""


@dataclass(frozen=True, slots=True)
class InstrumentResult:
    instrument: Instrument
    state: State
    markets: tuple[str, ...]
    standing: Standing
    requirements: tuple[Judged, ...]
    routes: tuple[str, ...]
    product_class: str | None
    reason: str
    others: tuple[Requirement, ...] = ()
    """The obligations that only other actors bear: listed, never judged or counted."""

    def count(self, verdict: Verdict) -> int:
        return sum(j.verdict is verdict for j in self.requirements)


@dataclass(frozen=True, slots=True)
class LabelResult:
    scheme: Instrument
    level: Level
    status: Eligibility
    reasons: tuple[str, ...]
    missing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    """The level's requirements the judged role does not bear (a lab's test, the scheme
    owner's review): listed apart, never counted against the product."""


@dataclass(frozen=True, slots=True)
class Excepted:
    """An instrument edition that would bind in the markets but excepts the product: the
    exception's words and its source."""

    instrument: Instrument
    markets: tuple[str, ...]
    reason: str
    source: str


@dataclass(frozen=True, slots=True)
class Assessment:
    profile: Profile
    on: dt.date
    markets: tuple[str, ...]
    instruments: tuple[InstrumentResult, ...]
    labels: tuple[LabelResult, ...]
    notes: tuple[str, ...] = field(default=())
    excepted: tuple[Excepted, ...] = field(default=())
    role: Actor = Actor.MANUFACTURER
    """Whose duties were judged: the others' are listed apart."""

    @property
    def binding(self) -> tuple[InstrumentResult, ...]:
        return tuple(r for r in self.instruments if r.state is State.BINDS)

    @property
    def all_binding_met(self) -> bool:
        return all(r.standing is Standing.COMPLIANT for r in self.binding)
