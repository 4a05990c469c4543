"""The catalog's vocabulary: the constrained field types every data file uses, the ids
that cross module borders, and the closed choices (StrEnums) of the data model."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Annotated, Any, NewType, TypeVar, dataclass_transform

from annotated_types import MinLen

RequirementId = NewType("RequirementId", str)
"""`instrument@edition:ref`, unique in the catalog."""
BlockId = NewType("BlockId", str)
"""A building block's slug."""


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
    return quick_unpickle(dataclass(frozen=True, slots=True)(cls))


def quick_unpickle(cls: type[T]) -> type[T]:
    """A frozen slotted dataclass that unpickles without asking for its fields once per
    object (the compiled catalog holds some 14,000): the state stays the dataclass's own,
    the values in field order, set through the slots' descriptors."""
    slots = [getattr(cls, f.name) for f in fields(cls)]  # type: ignore[arg-type]

    def setstate(self: object, state: list[Any]) -> None:
        for slot, value in zip(slots, state, strict=True):
            slot.__set__(self, value)

    cls.__setstate__ = setstate  # type: ignore[attr-defined]
    return cls


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
    # --- usgov: US federal instruments ---
    EXECUTIVE_ORDER = "executive-order"
    MEMORANDUM = "memorandum"
    FORM = "form"
    PLEDGE = "pledge"


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
    SCHEME_OWNER = "scheme-owner"
    LAB = "lab"
    GOVERNMENT = "government"
    OPERATOR = "operator"
    DEPLOYER = "deployer"


class TriggerEvent(StrEnum):
    """What sets off a duty that is not a property of the product as placed on the market."""

    NONCOMPLIANCE_KNOWN = "noncompliance-known"
    VULNERABILITY_KNOWN = "vulnerability-known"
    VULNERABILITY_REPORT = "vulnerability-report"
    EXPLOITED_VULNERABILITY = "exploited-vulnerability"
    SEVERE_INCIDENT = "severe-incident"
    AUTHORITY_REQUEST = "authority-request"
    SUPPORT_PERIOD = "support-period"
    END_OF_SUPPORT = "end-of-support"


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


LevelId = Annotated[str, Pattern(r"^[A-Za-z0-9\-]+$")]
