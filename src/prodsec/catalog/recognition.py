"""Markets' recognition of each other's instruments: the directed edges (mutual
recognition, deemed compliance, presumption of conformity, simplified application) and
the arrangements behind them, as `recognition.yaml` holds them; and the safe harbours
inside one instrument (meeting some of its provisions is deemed to meet another), which
are edges of the same shape whose origin and target are the same instrument."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from annotated_types import Ge, MinLen

from prodsec.catalog.vocab import Confidence, LevelId, Pattern, Ref, Slug, Text, frozen

if TYPE_CHECKING:
    from prodsec.catalog.model import Instrument


class RecognitionKind(StrEnum):
    PRESUMPTION_OF_CONFORMITY = "presumption-of-conformity"
    DEEMED_COMPLIANCE = "deemed-compliance"
    MUTUAL_RECOGNITION = "mutual-recognition"
    SIMPLIFIED_APPLICATION = "simplified-application"
    SAFE_HARBOUR = "safe-harbour"
    """Inside one instrument: meeting `origin_refs` is deemed to meet `grants` (California
    SB-327: a unique password per device is a reasonable security feature)."""


@frozen
class Restriction:
    """A limit on an edge: where the origin's provisions give no credit."""

    text: Text
    refs: tuple[Ref, ...] = ()


# An instrument id (every edition) or one edition of it (`id@edition`).
InstrumentRef = Annotated[str, Pattern(r"^[a-z0-9]+(-[a-z0-9]+)*(@[A-Za-z0-9][A-Za-z0-9.\-]*)?$")]


def refers_to(spec: str, inst: Instrument) -> bool:
    """Whether an edge end (`id` or `id@edition`) names this instrument edition."""
    return spec in (inst.id, inst.key)


@frozen
class Arrangement:
    """The agreement or legal act behind one or more edges (an MRA, a memorandum, an SI)."""

    id: Slug
    title: Text
    parties: Annotated[tuple[Text, ...], MinLen(1)]
    source: Text
    confidence: Confidence
    signed: dt.date | None = None
    renewed: dt.date | None = None
    note: str = ""


@frozen
class Recognition:
    """A directed edge: meeting `origin` (at `origin_level` or above, or its `origin_refs`)
    counts, in the way `kind` says, towards `target`'s `grants` (requirement refs) or its
    `target_level`, for products in `categories` (every category when empty) but not in
    `excluded_categories`, between `valid_from` and the day before `valid_until`.
    `current_label` says the origin label must be in force on the day.

    Alternatives (the target is met when any one of several sets is met) are one edge per
    set: the judge grants the target through the first edge that holds."""

    id: Slug
    kind: RecognitionKind
    origin: InstrumentRef
    target: InstrumentRef
    valid_from: dt.date
    source: Text
    confidence: Confidence
    grants: tuple[Ref, ...] = ()
    target_level: LevelId | None = None
    origin_level: LevelId | None = None
    origin_refs: tuple[Ref, ...] = ()
    categories: tuple[Slug, ...] = ()
    excluded_categories: tuple[Slug, ...] = ()
    current_label: bool = False
    arrangement: Slug | None = None
    valid_until: dt.date | None = None
    restrictions: tuple[Restriction, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if not self.grants and self.target_level is None:
            raise ValueError("give 'grants', 'target_level' or both")

    @property
    def inside(self) -> bool:
        """Whether the edge joins an instrument to itself (a safe harbour), not two
        instruments."""
        return self.origin.partition("@")[0] == self.target.partition("@")[0]

    def current(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on < self.valid_until)


@frozen
class RecognitionFile:
    revision: Annotated[int, Ge(1)]
    edges: tuple[Recognition, ...]
    arrangements: tuple[Arrangement, ...] = ()
