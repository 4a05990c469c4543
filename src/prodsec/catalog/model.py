"""The catalog's data model: what every data file holds, validated by pydantic.

The same frozen dataclasses are the file schema (validated by pydantic, exported as JSON
Schema) and the in-memory values the rest of prodsec reads. They are plain dataclasses, so
reading a compiled catalog needs no pydantic at all; constraints ride in `Annotated`
metadata that pydantic understands when it validates. The field types and closed
choices are in `catalog.vocab`, feature literals in `catalog.when`, recognition edges in
`catalog.recognition`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set
from dataclasses import field
from typing import Annotated

from annotated_types import Ge, MinLen

from prodsec.catalog.schemes import Label, Level
from prodsec.catalog.vocab import (
    Actor,
    Bindingness,
    Confidence,
    DateKind,
    DutyOfCare,
    EvidenceKind,
    InstrumentType,
    Jurisdiction,
    Layer,
    Name,
    ParamType,
    Pattern,
    Phase,
    Provenance,
    Rationale,
    Ref,
    Relationship,
    RequirementId,
    ReviewStatus,
    RouteKind,
    Scalar,
    Slug,
    Strength,
    Stricter,
    Text,
    Theme,
    TriggerEvent,
    check_value,
    frozen,
)
from prodsec.catalog.when import check_literals, literals

# --- vocabularies -------------------------------------------------------------------


@frozen
class ProductFeature:
    """A named property of a product that decides whether a conditional provision applies."""

    id: Slug
    title: Text
    description: Text


@frozen
class Category:
    """A product category; `parents` place it in the taxonomy (a router is a consumer device)."""

    id: Slug
    title: Text
    parents: tuple[Slug, ...] = ()
    description: str = ""
    features: tuple[Slug, ...] = ()
    """Product features every product of this category has (a smartphone is cellular)."""


@frozen
class BlockParameter:
    name: Name
    type: ParamType
    description: Text
    unit: str = ""
    stricter: Stricter = Stricter.NONE


@frozen
class BuildingBlock:
    """A neutral outcome of the hub, the spine every requirement maps onto."""

    id: Slug
    title: Text
    description: Text
    theme: Theme
    duty_of_care: DutyOfCare
    parameters: tuple[BlockParameter, ...] = ()
    refines: Slug | None = None
    """A block that details another (pre-installed passwords resist guessing details no
    universal default passwords); measures at the outcome grain count it as its parent."""

    def parameter(self, name: str) -> BlockParameter | None:
        return next((p for p in self.parameters if p.name == name), None)


# --- instruments --------------------------------------------------------------------


@frozen
class Applicability:
    """A numbered condition or lettered feature of a standard, stated over product features."""

    id: Annotated[str, Pattern(r"^[A-Za-z0-9]+$")]
    title: Text
    when: tuple[Text, ...]

    def literals(self) -> list[str]:
        return literals(self.when)

    def __post_init__(self) -> None:
        check_literals(self.when)


@frozen
class Source:
    key: Annotated[str, Pattern(r"^[A-Za-z0-9][A-Za-z0-9\-]*$")]
    title: Text
    url: str = ""
    licence: str = ""
    note: str = ""


@frozen
class DatedEvent:
    """A date in an instrument's life; `refs` limit it to some requirements or sections."""

    kind: DateKind
    date: dt.date
    refs: tuple[Ref, ...] = ()
    note: str = ""
    confidence: Confidence | None = None


@frozen
class Exclusion:
    """A category the scope leaves out, only `when` the product's features say so and only
    in the named `markets` (every market of the instrument when empty)."""

    category: Slug
    note: Text
    source: str = ""
    when: tuple[Text, ...] = ()
    markets: tuple[Jurisdiction, ...] = ()

    def __post_init__(self) -> None:
        check_literals(self.when)


@frozen
class Scope:
    """The categories an instrument covers; `when` adds features a product must have."""

    categories: tuple[Slug, ...]
    exclusions: tuple[Exclusion, ...] = ()
    when: tuple[Text, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        check_literals(self.when)

    def leaves_out(self, lineage: Set[str]) -> str | None:
        """Why a category (given with its ancestors) is outside this scope whatever the
        product's features and market, or None when the scope may cover it."""
        if not lineage & set(self.categories):
            return f"its scope covers {', '.join(self.categories)}"
        for e in self.exclusions:
            if e.category in lineage and not e.when and not e.markets:
                return f"it excludes {e.category}: {e.note.rstrip('.')}"
        return None


@frozen
class ConformityRoute:
    id: Slug
    kind: RouteKind
    description: Text
    note: str = ""


@frozen
class ProductClass:
    """A risk class of products (CRA important class I), by category and features, with the
    conformity routes it allows. The highest rank that matches a product wins; a class with
    no categories is the default for everything else in scope."""

    id: Slug
    title: Text
    rank: int
    routes: Annotated[tuple[Slug, ...], MinLen(1)]
    source: Text
    categories: tuple[Slug, ...] = ()
    when: tuple[Text, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        check_literals(self.when)


@frozen
class Section:
    """A heading that groups requirements (a clause, an article, a schedule)."""

    ref: Ref
    title: Text
    parent: Ref | None = None


@frozen
class Parameter:
    name: Name
    type: ParamType
    value: Scalar
    unit: str = ""

    def __post_init__(self) -> None:
        problem = check_value(self.type, self.value)
        if problem:
            raise ValueError(problem)


@frozen
class Trigger:
    """The event that sets a duty off, and how soon the actor must act after it.

    `within_hours` is the deadline as a number where the text gives one (24 for the CRA's
    early warning); `deadline` says it in words ("without undue delay", "as soon as
    possible") for every case. A duty with a trigger is judged from the profile's process
    claims and never makes the product as placed on the market incomplete.
    """

    event: TriggerEvent
    deadline: Text
    within_hours: Annotated[int, Ge(1)] | None = None


STATUS = re.compile(r"^(M|R|O)( C)?( F)?$")


@frozen
class Requirement:
    """One provision. `status` is the instrument's own code (EN 303 645 Table B.1: `M C`)."""

    ref: Ref
    gist: Text
    strength: Strength
    status: Annotated[str, Pattern(STATUS.pattern)]
    source: Text
    confidence: Confidence
    actors: Annotated[tuple[Actor, ...], MinLen(1)]
    parent: Ref | None = None
    title: str = ""
    conditions: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    phases: tuple[Phase, ...] = ()
    trigger: Trigger | None = None
    parameters: tuple[Parameter, ...] = ()
    evidence: tuple[EvidenceKind, ...] = ()
    previous: tuple[Ref, ...] | None = None
    superseded_by: Ref | None = None
    note: str = ""

    @property
    def mandatory_type(self) -> bool:
        return self.status.startswith("M")

    @property
    def status_code(self) -> str:
        """The status with its condition numbers and feature letters: `M C F (14, e)`."""
        cited = [*self.conditions, *self.features]
        return f"{self.status} ({', '.join(cited)})" if cited else self.status

    def __post_init__(self) -> None:
        if " C" in self.status and not self.conditions:
            raise ValueError(f"status '{self.status}' needs at least one condition")
        if " F" in self.status and not self.features:
            raise ValueError(f"status '{self.status}' needs at least one feature")
        if self.features and " F" not in self.status:
            raise ValueError(f"features cited but status '{self.status}' has no F")


@frozen
class Instrument:
    """One edition of an instrument: its header facts and a flat list of requirements."""

    id: Slug
    edition: Annotated[str, Pattern(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")]
    title: Text
    issuer: Text
    jurisdictions: Annotated[tuple[Jurisdiction, ...], MinLen(1)]
    type: InstrumentType
    bindingness: Bindingness
    layer: Layer
    dates: tuple[DatedEvent, ...]
    scope: Scope
    actors: tuple[Actor, ...]
    sources: Annotated[tuple[Source, ...], MinLen(1)]
    text_licence: Text
    revision: Annotated[int, Ge(1)]
    requirements: tuple[Requirement, ...]
    short_title: str = ""
    previous_edition: str | None = None
    conformity_routes: tuple[ConformityRoute, ...] = ()
    conditions: tuple[Applicability, ...] = ()
    features: tuple[Applicability, ...] = ()
    levels: tuple[Level, ...] = ()
    classes: tuple[ProductClass, ...] = ()
    label: Label | None = None
    sections: tuple[Section, ...] = ()
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.id}@{self.edition}"

    def level(self, ident: str) -> Level | None:
        return next((lv for lv in self.levels if lv.id == ident), None)

    def level_requirements(self, ident: str) -> tuple[Requirement, ...]:
        """The requirements a label at level `ident` asks for."""
        level = self.level(ident)
        if level is None:
            return ()
        held = {
            lv.id
            for lv in self.levels
            if lv.id == ident or (level.cumulative and lv.rank < level.rank)
        }
        return tuple(r for r in self.requirements if not r.levels or held & set(r.levels))

    def requirement_id(self, ref: str) -> RequirementId:
        return RequirementId(f"{self.id}@{self.edition}:{ref}")


# --- mappings -----------------------------------------------------------------------


@frozen
class Mapping:
    """A requirement's relation to a building block, or to another requirement (by full id)."""

    ref: Ref
    relationship: Relationship
    rationale: Rationale
    provenance: Provenance
    status: ReviewStatus
    confidence: Confidence
    block: Slug | None = None
    requirement: str | None = None
    bindings: dict[str, Scalar] = field(default_factory=dict)
    joint: bool = False
    """One of a set of intersects-with blocks that together cover the requirement."""
    note: str = ""

    def __post_init__(self) -> None:
        if (self.block is None) == (self.requirement is None):
            raise ValueError("give exactly one of 'block' or 'requirement'")
        if self.joint and (
            self.block is None or self.relationship is not Relationship.INTERSECTS_WITH
        ):
            raise ValueError("'joint' marks an intersects-with mapping onto a block")

    @property
    def target(self) -> str:
        return self.block or self.requirement or ""


@frozen
class MappingDefaults:
    """Values every mapping of a file takes unless it says otherwise."""

    rationale: Rationale | None = None
    provenance: Provenance | None = None
    status: ReviewStatus | None = None
    confidence: Confidence | None = None


@frozen
class MappingSet:
    instrument: Slug
    edition: str
    revision: Annotated[int, Ge(1)]
    mappings: tuple[Mapping, ...]
    defaults: MappingDefaults = field(default_factory=MappingDefaults)
    note: str = ""


# --- markets and recognition --------------------------------------------------------


@frozen
class Market:
    """Where a product is sold, and the jurisdictions whose instruments bind there."""

    id: Jurisdiction
    title: Text
    jurisdictions: Annotated[tuple[Jurisdiction, ...], MinLen(1)]
    note: str = ""


@frozen
class Region:
    """A part of the world the atlas groups jurisdictions by. A subdivision code (US-CA)
    belongs to the region of its country (US)."""

    id: Slug
    title: Text
    jurisdictions: Annotated[tuple[Jurisdiction, ...], MinLen(1)]
    note: str = ""


@frozen
class RegionFile:
    revision: Annotated[int, Ge(1)]
    regions: Annotated[tuple[Region, ...], MinLen(1)]


@frozen
class MarketFile:
    revision: Annotated[int, Ge(1)]
    markets: tuple[Market, ...]


@frozen
class BlockFile:
    revision: Annotated[int, Ge(1)]
    blocks: tuple[BuildingBlock, ...]


@frozen
class FeatureFile:
    revision: Annotated[int, Ge(1)]
    features: tuple[ProductFeature, ...]


@frozen
class CategoryFile:
    revision: Annotated[int, Ge(1)]
    categories: tuple[Category, ...]
