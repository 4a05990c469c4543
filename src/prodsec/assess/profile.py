"""A product profile: what a manufacturer says about one product, read from YAML or JSON.

The schema is the dataclasses below (exported as data/schemas/product.schema.json, and
described in docs/assessment.md). Loading checks the file against the schema, then
against the catalog (category, markets, features, blocks and their parameters,
requirements, schemes and levels, with near matches for unknown ids; a label's
registration ID against its scheme's form), then for contradictions (support ending
before general availability, a label valid until before it is valid from, or on another
day than the expiry its registration ID carries). A label given without valid_until takes
that expiry. Every problem is reported as `file:line: field: message`, all at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from annotated_types import Interval, MaxLen, MinLen

from prodsec.catalog import Catalog, limits
from prodsec.catalog.catalog import near
from prodsec.catalog.limits import (
    Bounded,
    Day,
    Evidence,
    Fraction,
    InRange,
    Line,
    Note,
    Reference,
    Short,
    Whole,
)
from prodsec.catalog.load import validate_document
from prodsec.catalog.vocab import InstrumentType, Jurisdiction, Slug, check_value, frozen
from prodsec.catalog.yamlsrc import Document, YamlError, parse_text, read_document
from prodsec.errors import BadInputError, DataError, Issue, NotFoundError

# The profile's own field types: every string bounded and free of control characters,
# every number and day in a sane range, every list capped (the bounds: catalog/limits.py).
Id = Annotated[Slug, Bounded(limits.ID_LENGTH)]
Market = Annotated[Jurisdiction, Bounded(limits.ID_LENGTH)]
ParameterName = Annotated[str, MinLen(1), Bounded(limits.ID_LENGTH)]
ParameterValue = Annotated[
    bool | Whole | Fraction | Annotated[str, Bounded(limits.TEXT_LENGTH)] | Day, InRange()
]
EvidenceList = Annotated[tuple[Evidence, ...], MaxLen(limits.MAX_EVIDENCE)]


class ProfileError(DataError):
    """A product profile did not load; `issues` lists every problem with its place. The
    user's own file, so the CLI exits 2 (as for bad input), the API answers 422."""

    exit_code = 2
    what = "the product profile"


@frozen
class Lifecycle:
    """OpenEoX-style dates: general availability, end of sales, end of security support
    (the last day security updates are promised), end of life."""

    general_availability: Day | None = None
    end_of_sales: Day | None = None
    end_of_security_support: Day | None = None
    end_of_life: Day | None = None

    def support_years(self) -> float | None:
        """Years of security support from general availability, when both dates are known."""
        if self.general_availability is None or self.end_of_security_support is None:
            return None
        return (self.end_of_security_support - self.general_availability).days / 365.25


@frozen
class BlockClaim:
    """The manufacturer's claim about one building block: met or not, with the values of
    the block's parameters and references to evidence."""

    block: Id
    met: bool
    parameters: (
        Annotated[dict[ParameterName, ParameterValue], MaxLen(limits.MAX_PARAMETERS)] | None
    ) = None
    evidence: EvidenceList = ()
    note: Note = ""


class ClaimStatus(StrEnum):
    MET = "met"
    NOT_MET = "not-met"
    PARTIALLY_MET = "partially-met"
    NOT_APPLICABLE = "not-applicable"


@frozen
class RequirementClaim:
    """A claim about one requirement (`ID@EDITION:REF`), such as a line of an EN 303 645
    conformance statement; it decides that requirement directly."""

    requirement: Annotated[str, MinLen(1), Bounded(limits.REFERENCE_LENGTH)]
    status: ClaimStatus
    evidence: EvidenceList = ()
    note: Note = ""


@frozen
class HeldLabel:
    scheme: Id
    valid_from: Day
    level: Short | None = None
    valid_until: Day | None = None
    registration: Reference = ""

    def current(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@frozen
class Disclosure:
    """Where the product's vulnerability disclosure is published, for the assessment to
    judge the disclosure block from (assess/disclosure.py) and for `prodsec securitytxt
    make`: a security.txt and a policy (paths relative to the profile), the contacts, the
    policy's URL, languages, the encryption key's URL and the security.txt's own URL."""

    security_txt: Reference = ""
    policy: Reference = ""
    contacts: Annotated[tuple[Reference, ...], MaxLen(limits.MAX_EVIDENCE)] = ()
    policy_url: Reference = ""
    languages: Annotated[tuple[Short, ...], MaxLen(limits.MAX_EVIDENCE)] = ()
    encryption: Reference = ""
    canonical: Reference = ""


@frozen
class SbomFile:
    """An SBOM of the product, its path relative to the profile file, and what it covers."""

    path: Reference
    role: Annotated[Id, MinLen(1)] = "firmware"


@frozen
class SupplyChain:
    """The evidence the supply-chain blocks are derived from (`assess/supply.py`): the
    product's SBOMs and VEX documents (paths relative to the profile file) and how many
    days a finding may stay open before remediation counts as delayed."""

    sboms: Annotated[tuple[SbomFile, ...], MaxLen(limits.MAX_LABELS)] = ()
    vex: Annotated[tuple[Reference, ...], MaxLen(limits.MAX_LABELS)] = ()
    max_open_days: Annotated[int, Interval(ge=0, le=3650)] | None = None


@frozen
class Profile:
    manufacturer: Line
    model: Line
    category: Id
    markets: Annotated[tuple[Market, ...], MinLen(1), MaxLen(limits.MAX_MARKETS)]
    version: Short = ""
    lifecycle: Lifecycle = Lifecycle()
    features: Annotated[tuple[Id, ...], MaxLen(limits.MAX_FEATURES)] = ()
    claims: Annotated[tuple[BlockClaim, ...], MaxLen(limits.MAX_CLAIMS)] = ()
    requirement_claims: Annotated[
        tuple[RequirementClaim, ...], MaxLen(limits.MAX_REQUIREMENT_CLAIMS)
    ] = ()
    labels: Annotated[tuple[HeldLabel, ...], MaxLen(limits.MAX_LABELS)] = ()
    note: Note = ""
    disclosure: Disclosure | None = None
    supply_chain: SupplyChain | None = None

    def claim(self, block: str) -> BlockClaim | None:
        return next((c for c in self.claims if c.block == block), None)


def load_profile(path: Path, catalog: Catalog) -> Profile:
    """Read and check a profile; raise ProfileError listing every problem."""
    try:
        doc = read_document(path, limits.PROFILE)
    except YamlError as exc:
        raise ProfileError([exc.issue]) from exc
    return check_profile(doc, catalog)


def profile_document(text: str, source: str) -> Document:
    """A profile sent as text (YAML, or JSON: JSON is YAML too) and named `source`, parsed
    within the profile's limits; raise BadInputError naming the line where it cannot be
    parsed, or when it is not a mapping."""
    try:
        doc = parse_text(text, Path(source), limits.PROFILE)
    except YamlError as exc:
        raise BadInputError(issues=[exc.issue]) from exc
    if not isinstance(doc.data, dict):
        raise BadInputError("a product profile is a mapping of fields")
    return doc


def check_profile(doc: Document, catalog: Catalog) -> Profile:
    issues: list[Issue] = []
    profile = validate_document(doc, Profile, issues)
    if profile is None:
        raise ProfileError(issues)
    issues += _against_catalog(doc, profile, catalog)
    issues += _contradictions(doc, profile)
    if issues:
        raise ProfileError(issues)
    return _expiries(profile, catalog)


def _expiries(profile: Profile, catalog: Catalog) -> Profile:
    """Labels given without valid_until take the expiry their registration ID carries."""
    labels = []
    for label in profile.labels:
        issued = catalog.instrument(label.scheme).label
        if label.valid_until is None and label.registration and issued is not None:
            expiry = issued.read_registration(label.registration).expiry
            label = dataclasses.replace(label, valid_until=expiry)
        labels.append(label)
    return dataclasses.replace(profile, labels=tuple(labels))


def _unknown(
    doc: Document,
    at: tuple[str | int, ...],
    kind: str,
    wanted: str,
    known: Iterable[str],
    listed: bool = False,
) -> Issue:
    names = list(known)
    valid = sorted(names) if listed else None
    return doc.issue(at, str(NotFoundError(kind, wanted, near(wanted, names), valid)))


def _against_catalog(doc: Document, p: Profile, catalog: Catalog) -> Iterator[Issue]:
    if p.category not in catalog.categories:
        yield _unknown(doc, ("category",), "category", p.category, catalog.categories)
    for i, market in enumerate(p.markets):
        if market not in catalog.markets:
            yield _unknown(doc, ("markets", i), "market", market, catalog.markets, listed=True)
    for i, feature in enumerate(p.features):
        if feature not in catalog.features:
            yield _unknown(doc, ("features", i), "product feature", feature, catalog.features)
    seen: set[str] = set()
    for i, claim in enumerate(p.claims):
        at = ("claims", i)
        block = catalog.blocks.get(claim.block)
        if block is None:
            yield _unknown(doc, (*at, "block"), "building block", claim.block, catalog.blocks)
            continue
        if claim.block in seen:
            yield doc.issue(at, f"block '{claim.block}' is claimed twice")
        seen.add(claim.block)
        for name, value in (claim.parameters or {}).items():
            param = block.parameter(name)
            if param is None:
                names = ", ".join(q.name for q in block.parameters) or "none"
                yield doc.issue(
                    (*at, "parameters", name),
                    f"block '{block.id}' has no parameter '{name}'; its parameters: {names}",
                )
            elif problem := check_value(param.type, value):
                yield doc.issue((*at, "parameters", name), problem)
    for i, rc in enumerate(p.requirement_claims):
        if catalog.owner_key(rc.requirement) is None:
            known = catalog.requirement_ids()
            yield _unknown(
                doc, ("requirement_claims", i, "requirement"), "requirement", rc.requirement, known
            )
    for i, label in enumerate(p.labels):
        yield from _label(doc, ("labels", i), label, catalog)


def _label(
    doc: Document, at: tuple[str | int, ...], label: HeldLabel, catalog: Catalog
) -> Iterator[Issue]:
    schemes = {
        i.id: i for i in catalog.instruments.values() if i.type is InstrumentType.LABELLING_SCHEME
    }
    scheme = schemes.get(label.scheme)
    if scheme is None:
        yield _unknown(doc, (*at, "scheme"), "labelling scheme", label.scheme, schemes)
        return
    levels = {lv.id for e in catalog.editions(scheme.id) for lv in e.levels}
    if label.level is None and len(levels) > 1:
        yield doc.issue(
            (*at, "level"), f"{scheme.id} has levels {', '.join(sorted(levels))}; name one"
        )
    elif label.level is not None and label.level not in levels:
        valid = ", ".join(sorted(levels))
        yield doc.issue(
            (*at, "level"), f"unknown level '{label.level}' of {scheme.id}; valid values: {valid}"
        )
    if label.registration and scheme.label is not None:
        issue = scheme.label.registration_issue(scheme.id, label.registration, label.valid_until)
        if issue is not None:
            yield doc.issue((*at, issue.field), issue.message)


def _contradictions(doc: Document, p: Profile) -> Iterator[Issue]:
    life = p.lifecycle
    ga = life.general_availability
    for name in ("end_of_sales", "end_of_security_support", "end_of_life"):
        day = getattr(life, name)
        if ga is not None and day is not None and day < ga:
            yield doc.issue(("lifecycle", name), f"{day} is before general_availability {ga}")
    if (
        life.end_of_life is not None
        and life.end_of_security_support is not None
        and life.end_of_life < life.end_of_security_support
    ):
        yield doc.issue(
            ("lifecycle", "end_of_life"),
            f"{life.end_of_life} is before end_of_security_support {life.end_of_security_support}",
        )
    for i, label in enumerate(p.labels):
        if label.valid_until is not None and label.valid_until < label.valid_from:
            yield doc.issue(
                ("labels", i, "valid_until"),
                f"{label.valid_until} is before valid_from {label.valid_from}",
            )
