"""The catalog's data model: what every data file holds, validated by pydantic.

The same frozen dataclasses are the file schema (validated by pydantic, exported as JSON
Schema) and the in-memory values the rest of prodsec reads. They are plain dataclasses, so
reading a compiled catalog needs no pydantic at all; constraints ride in `Annotated`
metadata that pydantic understands when it validates. Closed choices are StrEnums.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, NewType, TypeVar, dataclass_transform

from annotated_types import Ge, MinLen

InstrumentId = NewType("InstrumentId", str)
RequirementId = NewType("RequirementId", str)
BlockId = NewType("BlockId", str)
FeatureId = NewType("FeatureId", str)
CategoryId = NewType("CategoryId", str)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A regular expression a string must match, enforced by pydantic and shown in JSON Schema."""

    regex: str

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return {**handler(source), "pattern": self.regex}


T = TypeVar("T")
STRICT: dict[str, Any] = {"extra": "forbid", "str_strip_whitespace": True}


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen(cls: type[T]) -> type[T]:
    """An immutable value that pydantic validates strictly (unknown keys are errors)."""
    cls.__pydantic_config__ = STRICT  # type: ignore[attr-defined]
    return dataclass(frozen=True, slots=True)(cls)


Slug = Annotated[str, Pattern(r"^[a-z0-9]+(-[a-z0-9]+)*$")]
Name = Annotated[str, Pattern(r"^[a-z][a-z0-9_]*$")]
Ref = Annotated[str, Pattern(r"^[A-Za-z0-9][A-Za-z0-9.()\-_ ]*$")]
Text = Annotated[str, MinLen(1)]
Scalar = bool | int | float | str | dt.date


# A country (ISO 3166-1 alpha-2), a subdivision (`US-CA`, `GB-NIR`), the EU, or INT.
Jurisdiction = Annotated[str, Pattern(r"^([A-Z]{2}(-[A-Z0-9]{1,3})?|EU|INT)$")]


class InstrumentType(StrEnum):
    LAW = "law"
    REGULATION = "regulation"
    DELEGATED_ACT = "delegated-act"
    STANDARD = "standard"
    HARMONISED_STANDARD = "harmonised-standard"
    LABELLING_SCHEME = "labelling-scheme"
    CODE_OF_PRACTICE = "code-of-practice"
    GUIDELINE = "guideline"
    RECOMMENDATION = "recommendation"
    NORM = "norm"


class Bindingness(StrEnum):
    MANDATORY = "mandatory"
    VOLUNTARY = "voluntary"
    VOLUNTARY_WITH_LEGAL_EFFECT = "voluntary-with-legal-effect"
    PROCUREMENT = "procurement"


class Layer(StrEnum):
    PRINCIPLE = "principle"
    OUTCOME = "outcome"
    BASELINE = "baseline"
    SPECIFICATION = "specification"


class Strength(StrEnum):
    SHALL = "shall"
    SHOULD = "should"
    MAY = "may"


class Confidence(StrEnum):
    """How sure we are of a fact, weakest last."""

    VERIFIED = "verified"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"


class DateKind(StrEnum):
    ADOPTED = "adopted"
    PUBLISHED = "published"
    IN_FORCE = "in-force"
    APPLIES = "applies"
    TRANSITION_END = "transition-end"
    REPEALED = "repealed"
    WITHDRAWN = "withdrawn"
    MILESTONE = "milestone"


class Actor(StrEnum):
    MANUFACTURER = "manufacturer"
    IMPORTER = "importer"
    DISTRIBUTOR = "distributor"
    AUTHORISED_REPRESENTATIVE = "authorised-representative"
    OPEN_SOURCE_STEWARD = "open-source-steward"
    DEVELOPER = "developer"


class RouteKind(StrEnum):
    SELF_ASSESSMENT = "self-assessment"
    SELF_DECLARATION = "self-declaration"
    THIRD_PARTY_TEST = "third-party-test"
    NOTIFIED_BODY = "notified-body"
    CERTIFICATION = "certification"
    DEEMED_COMPLIANCE = "deemed-compliance"


class Phase(StrEnum):
    DESIGN = "design"
    DEVELOPMENT = "development"
    PLACING_ON_MARKET = "placing-on-market"
    OPERATION = "operation"
    SUPPORT = "support"
    END_OF_LIFE = "end-of-life"


class EvidenceKind(StrEnum):
    DOCUMENTATION = "documentation"
    PUBLIC_INFORMATION = "public-information"
    DECLARATION = "declaration"
    DESIGN_REVIEW = "design-review"
    FUNCTIONAL_TEST = "functional-test"
    PENETRATION_TEST = "penetration-test"
    BINARY_ANALYSIS = "binary-analysis"
    SOURCE_REVIEW = "source-review"
    PROCESS_RECORD = "process-record"
    SBOM = "sbom"
    REPORT_TO_AUTHORITY = "report-to-authority"


class ParamType(StrEnum):
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    STRING = "string"
    DATE = "date"


class Stricter(StrEnum):
    """Which way a parameter's value makes a requirement stricter."""

    HIGHER = "higher"
    LOWER = "lower"
    TRUE = "true"
    NONE = "none"


class Theme(StrEnum):
    AUTHENTICATION = "authentication"
    ACCESS_CONTROL = "access-control"
    VULNERABILITY_HANDLING = "vulnerability-handling"
    UPDATES = "updates"
    SUPPORT_PERIOD = "support-period"
    SECURE_STORAGE = "secure-storage"
    COMMUNICATION = "communication"
    ATTACK_SURFACE = "attack-surface"
    INTEGRITY = "integrity"
    PERSONAL_DATA = "personal-data"
    RESILIENCE = "resilience"
    LOGGING_MONITORING = "logging-monitoring"
    DELETION = "deletion"
    INSTALLATION_GUIDANCE = "installation-guidance"
    INPUT_VALIDATION = "input-validation"
    SUPPLY_CHAIN = "supply-chain"
    REPORTING = "reporting"
    TRANSPARENCY = "transparency"
    MARKET_OBLIGATIONS = "market-obligations"
    GOVERNANCE = "governance"


class DutyOfCare(StrEnum):
    BY_DESIGN = "by-design"
    BY_DEFAULT = "by-default"
    LIFECYCLE = "lifecycle"
    END_OF_LIFE = "end-of-life"
    TRANSPARENCY = "transparency"


class Relationship(StrEnum):
    """NIST IR 8477 set-theory relationships, read as `source REL target`."""

    EQUAL = "equal"
    SUBSET_OF = "subset-of"
    SUPERSET_OF = "superset-of"
    INTERSECTS_WITH = "intersects-with"
    NO_RELATIONSHIP = "no-relationship"


class Rationale(StrEnum):
    SYNTACTIC = "syntactic"
    SEMANTIC = "semantic"
    FUNCTIONAL = "functional"


class Provenance(StrEnum):
    OFFICIAL_TEXT = "official-text"
    PUBLISHED_CROSSWALK = "published-crosswalk"
    OUR_ANALYSIS = "our-analysis"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    REVIEWED = "reviewed"


def shown(value: object) -> str:
    """A parameter value as written in the data files and read by people: booleans as
    `true` and `false`, everything else as itself."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def check_value(kind: ParamType, value: Scalar) -> str | None:
    """Return a message when `value` is not of the declared parameter type."""
    ok = {
        ParamType.INTEGER: isinstance(value, int) and not isinstance(value, bool),
        ParamType.NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
        ParamType.BOOLEAN: isinstance(value, bool),
        ParamType.STRING: isinstance(value, str),
        ParamType.DATE: isinstance(value, dt.date),
    }[kind]
    return None if ok else f"value {value!r} is not of type {kind.value}"


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

# A literal is a product-feature id, negated with a leading "!"; a clause joins literals
# with " | " (any may hold); a `when` list holds when every clause holds.
LITERAL = re.compile(r"^!?[a-z0-9]+(-[a-z0-9]+)*$")


def literals(when: tuple[str, ...]) -> list[str]:
    """Every feature literal of a `when` list, in order."""
    return [lit.strip() for clause in when for lit in clause.split("|")]


def _true(literal: str, features: Set[str]) -> bool:
    return literal[1:] not in features if literal.startswith("!") else literal in features


def holds(when: tuple[str, ...], features: Set[str]) -> bool:
    """Whether a `when` list holds for a product with exactly these features."""
    return all(any(_true(lit.strip(), features) for lit in clause.split("|")) for clause in when)


def check_literals(when: tuple[str, ...]) -> None:
    for lit in literals(when):
        if not LITERAL.match(lit):
            raise ValueError(f"'{lit}' is not a feature literal (feature-id or !feature-id)")


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


LevelId = Annotated[str, Pattern(r"^[A-Za-z0-9\-]+$")]


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
    registry: str = ""
    issuing: bool = True
    note: str = ""

    def __post_init__(self) -> None:
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

    def read_registration(self, ident: str) -> tuple[bool, dt.date | None]:
        """Whether an ID has the scheme's form, and the last valid day it carries (None
        when the scheme's IDs carry none). ValueError for an expiry that is no date."""
        if not self.registration_pattern:
            return True, None
        found = re.match(self.registration_pattern, ident)
        if found is None:
            return False, None
        if not self.registration_expiry:
            return True, None
        text = found.group("expiry")
        try:
            return True, dt.datetime.strptime(text, self.registration_expiry).date()
        except ValueError as exc:
            raise ValueError(f"its expiry '{text}' is not a date") from exc

    def registration_issue(
        self, scheme: str, ident: str, valid_until: dt.date | None
    ) -> tuple[str, str] | None:
        """What is wrong with a held label's registration ID, or with its valid_until
        against the expiry the ID carries, as (field, message); None when nothing is."""
        try:
            matches, expiry = self.read_registration(ident)
        except ValueError as exc:
            return "registration", f"'{ident}': {exc}"
        if not matches:
            form = f" ({self.registration_format})" if self.registration_format else ""
            return "registration", f"'{ident}' is not a {scheme} registration ID{form}"
        if expiry is not None and valid_until is not None and expiry != valid_until:
            return (
                "valid_until",
                f"{valid_until} is not the expiry the registration ID carries ({expiry})",
            )
        return None


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
    parent: Ref | None = None
    title: str = ""
    conditions: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    phases: tuple[Phase, ...] = ()
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
    note: str = ""

    def __post_init__(self) -> None:
        if (self.block is None) == (self.requirement is None):
            raise ValueError("give exactly one of 'block' or 'requirement'")

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


class RecognitionKind(StrEnum):
    PRESUMPTION_OF_CONFORMITY = "presumption-of-conformity"
    DEEMED_COMPLIANCE = "deemed-compliance"
    MUTUAL_RECOGNITION = "mutual-recognition"
    SIMPLIFIED_APPLICATION = "simplified-application"


@frozen
class Restriction:
    """A limit on an edge: where the origin's provisions give no credit."""

    text: Text
    refs: tuple[Ref, ...] = ()


InstrumentKey = Annotated[str, Pattern(r"^[a-z0-9]+(-[a-z0-9]+)*@[A-Za-z0-9][A-Za-z0-9.\-]*$")]
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
    `current_label` says the origin label must be in force on the day."""

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

    def current(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on < self.valid_until)


@frozen
class MarketFile:
    revision: Annotated[int, Ge(1)]
    markets: tuple[Market, ...]


@frozen
class RecognitionFile:
    revision: Annotated[int, Ge(1)]
    edges: tuple[Recognition, ...]
    arrangements: tuple[Arrangement, ...] = ()


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
