"""The atlas seen whole: instruments filtered and grouped by layer and region, and how many
of each instrument's facts are verified, secondary or unverified."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from prodsec.catalog.catalog import Catalog
from prodsec.catalog.model import Instrument
from prodsec.catalog.vocab import Actor, Bindingness, Confidence, InstrumentType, Layer


class WorldStatus(StrEnum):
    """Where an instrument stands on a day: a mandatory one binds (or will), any other is
    voluntary (procurement rules and labels with legal effect included)."""

    BINDS = "binds"
    UPCOMING = "upcoming"
    VOLUNTARY = "voluntary"


class GroupBy(StrEnum):
    LAYER = "layer"
    REGION = "region"


@dataclass(frozen=True, slots=True)
class InstrumentFilter:
    """Which instruments a list shows; None lets every value through. `jurisdiction` is a
    code as the instruments name it, `region` a region id of regions.yaml."""

    type: InstrumentType | None = None
    jurisdiction: str | None = None
    bindingness: Bindingness | None = None
    layer: Layer | None = None
    region: str | None = None
    actor: Actor | None = None


def regions_of(catalog: Catalog, inst: Instrument) -> list[str]:
    """The ids of the regions an instrument's jurisdictions lie in, in the file's order."""
    found = {r.id for code in inst.jurisdictions if (r := catalog.region_of(code)) is not None}
    return [r for r in catalog.regions if r in found]


def select_instruments(catalog: Catalog, wanted: InstrumentFilter) -> list[Instrument]:
    """The instruments that pass every filter, by key. An unknown region is NotFoundError."""
    if wanted.region is not None:
        catalog.region(wanted.region)
    return [
        i
        for i in sorted(catalog.instruments.values(), key=lambda i: i.key)
        if (wanted.type is None or i.type is wanted.type)
        and (wanted.jurisdiction is None or wanted.jurisdiction in i.jurisdictions)
        and (wanted.bindingness is None or i.bindingness is wanted.bindingness)
        and (wanted.layer is None or i.layer is wanted.layer)
        and (wanted.region is None or wanted.region in regions_of(catalog, i))
        and (wanted.actor is None or wanted.actor in i.actors)
    ]


def groups(
    catalog: Catalog, insts: Iterable[Instrument], by: GroupBy
) -> list[tuple[str, list[Instrument]]]:
    """The instruments under each layer (principle first) or region (in the file's order);
    an instrument of several regions is under each. Empty groups are left out."""
    items = list(insts)
    match by:
        case GroupBy.LAYER:
            keyed = [(layer.value, [i for i in items if i.layer is layer]) for layer in Layer]
        case GroupBy.REGION:
            keyed = [
                (r, [i for i in items if r in regions_of(catalog, i)]) for r in catalog.regions
            ]
        case _:
            assert_never(by)
    return [(name, found) for name, found in keyed if found]


@dataclass(frozen=True, slots=True)
class FactCounts:
    """How many facts of one kind stand at each confidence."""

    verified: int = 0
    secondary: int = 0
    unverified: int = 0

    @classmethod
    def of(cls, confidences: Iterable[Confidence]) -> FactCounts:
        seen = Counter(confidences)
        return cls(
            seen[Confidence.VERIFIED], seen[Confidence.SECONDARY], seen[Confidence.UNVERIFIED]
        )

    def __add__(self, other: FactCounts) -> FactCounts:
        return FactCounts(
            self.verified + other.verified,
            self.secondary + other.secondary,
            self.unverified + other.unverified,
        )

    @property
    def total(self) -> int:
        return self.verified + self.secondary + self.unverified


def fact_counts(inst: Instrument) -> tuple[FactCounts, FactCounts]:
    """An instrument's facts by confidence: its requirements (each has one), and its dates
    that state one (a date without a confidence is not counted)."""
    requirements = FactCounts.of(r.confidence for r in inst.requirements)
    dates = FactCounts.of(d.confidence for d in inst.dates if d.confidence is not None)
    return requirements, dates
