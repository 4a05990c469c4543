"""Judging a product against every instrument that applies to it in its markets.

A requirement's verdict comes from, in this order:

1. a claim about that requirement (a line of a conformance statement);
2. a recognition edge into it that holds for the product: a current label of the origin
   scheme at the right level (deemed compliance), the origin's named provisions met (UK
   PSTI Schedule 2), or the whole origin standard met (presumption of conformity);
3. the building blocks it maps onto: each block is met when the manufacturer claims it
   and every parameter the mapping binds is satisfied in the stricter direction (a 3-year
   support period does not meet a 5-year minimum), not met when claimed not met or a
   parameter falls short, unknown when nothing is claimed. A block's parameter the
   lifecycle dates answer (support years) is read from them when not claimed.

All blocks met: met. None met and none unknown: not met. Some met, some not: partially
met. Otherwise unknown. Requirements whose conditions the product's features rule out are
not applicable. An instrument is compliant when every obligation in effect is met or not
applicable, not compliant when one is not met or partly met, incomplete otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from prodsec.assess.applicability import Finding, State, applies
from prodsec.assess.profile import ClaimStatus, HeldLabel, Profile
from prodsec.assess.reach import edition_on, level_name
from prodsec.catalog import Catalog
from prodsec.catalog.model import (
    Instrument,
    InstrumentType,
    Level,
    Recognition,
    RecognitionKind,
    Relationship,
    Requirement,
    Scalar,
    Stricter,
    refers_to,
)


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


CLAIMED = {
    ClaimStatus.MET: Verdict.MET,
    ClaimStatus.NOT_MET: Verdict.NOT_MET,
    ClaimStatus.PARTIALLY_MET: Verdict.PARTIALLY_MET,
    ClaimStatus.NOT_APPLICABLE: Verdict.NOT_APPLICABLE,
}


@dataclass(frozen=True, slots=True)
class Judged:
    ref: str
    verdict: Verdict
    reasons: tuple[str, ...]
    applies_from: dt.date | None = None
    in_effect: bool = True
    blocks: tuple[tuple[str, Verdict], ...] = ()
    edge: str | None = None


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


@dataclass(frozen=True, slots=True)
class Assessment:
    profile: Profile
    on: dt.date
    markets: tuple[str, ...]
    instruments: tuple[InstrumentResult, ...]
    labels: tuple[LabelResult, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def binding(self) -> tuple[InstrumentResult, ...]:
        return tuple(r for r in self.instruments if r.state is State.BINDS)

    @property
    def all_binding_met(self) -> bool:
        return all(r.standing is Standing.COMPLIANT for r in self.binding)


def satisfies(stricter: Stricter, value: Scalar, required: Scalar) -> bool:
    """Whether a claimed parameter value meets a required one in the stricter direction."""
    if stricter is Stricter.HIGHER:
        return value >= required  # type: ignore[operator]
    if stricter is Stricter.LOWER:
        return value <= required  # type: ignore[operator]
    if stricter is Stricter.TRUE:
        return bool(value) or not required
    if isinstance(value, str) and isinstance(required, str):
        return value.casefold() == required.casefold()
    return value == required


class Judge:
    """Verdicts for one product on one day, memoised per requirement."""

    def __init__(self, catalog: Catalog, profile: Profile, on: dt.date) -> None:
        self.catalog = catalog
        self.profile = profile
        self.on = on
        self.lineage = set(catalog.lineage(profile.category))
        self.claims = {c.block: c for c in profile.claims}
        self.req_claims = {c.requirement: c for c in profile.requirement_claims}
        years = profile.lifecycle.support_years()
        self.derived: dict[str, Scalar] = (
            {} if years is None else {"min_support_years": round(years, 2)}
        )
        self._memo: dict[str, Judged] = {}

    # --- blocks --------------------------------------------------------------------

    def block(self, block_id: str, bindings: dict[str, Scalar]) -> tuple[Verdict, str]:
        claim = self.claims.get(block_id)
        values: dict[str, Scalar] = {**self.derived, **((claim.parameters or {}) if claim else {})}
        if claim is None:
            if bindings and all(name in self.derived for name in bindings):
                return self._parameters(block_id, bindings, values, "from the lifecycle dates")
            return Verdict.UNKNOWN, f"{block_id}: nothing claimed"
        if not claim.met:
            return Verdict.NOT_MET, f"{block_id}: claimed not met"
        return self._parameters(block_id, bindings, values, "claimed met")

    def _parameters(
        self, block_id: str, bindings: dict[str, Scalar], values: dict[str, Scalar], how: str
    ) -> tuple[Verdict, str]:
        block = self.catalog.blocks[block_id]
        for name, required in bindings.items():
            param = block.parameter(name)
            value = values.get(name)
            if value is None:
                return (
                    Verdict.UNKNOWN,
                    f"{block_id}: {how}, but {name} is not given ({required} needed)",
                )
            if param is not None and not satisfies(param.stricter, value, required):
                return Verdict.NOT_MET, f"{block_id}: {name} is {value} where {required} is needed"
        return Verdict.MET, f"{block_id}: {how}"

    # --- requirements --------------------------------------------------------------

    def requirement(self, inst: Instrument, req: Requirement, edges: bool = True) -> Judged:
        rid = inst.requirement_id(req.ref)
        key = f"{rid}|{edges}"
        found = self._memo.get(key)
        if found is None:
            found = self._judge(inst, req, edges)
            self._memo[key] = found
        return found

    def _judge(self, inst: Instrument, req: Requirement, edges: bool) -> Judged:
        rid = inst.requirement_id(req.ref)
        claim = self.req_claims.get(rid)
        if claim is not None:
            note = f" ({'; '.join(claim.evidence)})" if claim.evidence else ""
            return Judged(req.ref, CLAIMED[claim.status], (f"claimed {claim.status.value}{note}",))
        if edges:
            for edge in self.edges_into(inst):
                if req.ref in edge.grants:
                    holds, why = self.edge_holds(edge)
                    if holds:
                        return Judged(req.ref, Verdict.MET, (why,), edge=edge.id)
        return self._blocks(inst, req)

    def _blocks(self, inst: Instrument, req: Requirement) -> Judged:
        rid = inst.requirement_id(req.ref)
        found: list[tuple[str, Verdict]] = []
        reasons: list[str] = []
        for m in self.catalog.mappings_of(rid):
            if m.block is None or m.relationship is Relationship.NO_RELATIONSHIP:
                continue
            verdict, why = self.block(m.block, m.bindings)
            found.append((m.block, verdict))
            reasons.append(why)
        kinds = {v for _, v in found}
        if not found:
            verdict = Verdict.UNKNOWN
            reasons.append("not mapped to any building block")
        elif kinds == {Verdict.MET}:
            verdict = Verdict.MET
        elif Verdict.NOT_MET in kinds:
            verdict = Verdict.PARTIALLY_MET if Verdict.MET in kinds else Verdict.NOT_MET
        else:
            verdict = Verdict.UNKNOWN
        return Judged(req.ref, verdict, tuple(reasons), blocks=tuple(found))

    # --- recognition ---------------------------------------------------------------

    def edges_into(self, inst: Instrument) -> list[Recognition]:
        return [
            e for e in self.catalog.recognitions if refers_to(e.target, inst) and e.current(self.on)
        ]

    def category_ok(self, edge: Recognition) -> bool:
        if edge.categories and not self.lineage & set(edge.categories):
            return False
        return not self.lineage & set(edge.excluded_categories)

    def held(self, scheme: str) -> list[HeldLabel]:
        return [lb for lb in self.profile.labels if lb.scheme == scheme]

    def edge_holds(self, edge: Recognition) -> tuple[bool, str]:
        """Whether an edge gives the product its credit on the day, and why."""
        if not self.category_ok(edge):
            return False, f"{edge.id}: the product's category is not covered"
        origin_id = edge.origin.partition("@")[0]
        origin = edition_on(self.catalog, origin_id, self.on)
        if "@" in edge.origin:
            origin = self.catalog.instrument(edge.origin)
        kind = edge.kind.value.replace("-", " ")
        if origin.type is InstrumentType.LABELLING_SCHEME:
            for label in self.held(origin.id):
                if edge.current_label and not label.current(self.on):
                    continue
                if edge.origin_level is not None and not self.at_least(
                    origin, label, edge.origin_level
                ):
                    continue
                until = f", valid until {label.valid_until}" if label.valid_until else ""
                level = f" level {label.level}" if label.level else ""
                return True, f"{kind} through {edge.id}: {origin.id}{level} label held{until}"
            return False, f"{edge.id}: no current {origin.id} label at the level needed"
        if edge.origin_refs:
            refs = {r.ref: r for r in origin.requirements}
            judged = [self.requirement(origin, refs[ref], edges=False) for ref in edge.origin_refs]
            if all(j.verdict in (Verdict.MET, Verdict.NOT_APPLICABLE) for j in judged):
                return (
                    True,
                    f"{kind} through {edge.id}: {origin.key} {', '.join(edge.origin_refs)} met",
                )
            return False, f"{edge.id}: {origin.key} {', '.join(edge.origin_refs)} not all met"
        applicable = [r for r in origin.requirements if r.mandatory_type]
        if applicable and all(
            self.requirement(origin, r, edges=False).verdict is Verdict.MET for r in applicable
        ):
            return True, f"{kind} through {edge.id}: {origin.key} met in full"
        return False, f"{edge.id}: {origin.key} not met in full"

    @staticmethod
    def at_least(scheme: Instrument, label: HeldLabel, wanted: str) -> bool:
        needed, held = scheme.level(wanted), scheme.level(label.level or "")
        if needed is None:
            return True
        if held is None:
            return len(scheme.levels) == 1
        return held.rank >= needed.rank


# --- instruments ---------------------------------------------------------------------


def _instrument(judge: Judge, finding: Finding, markets: tuple[str, ...]) -> InstrumentResult:
    inst = finding.instrument
    refs = {r.ref: r for r in inst.requirements}
    judged: list[Judged] = []
    for ob in finding.obligations:
        j = judge.requirement(inst, refs[ob.ref])
        judged.append(
            Judged(ob.ref, j.verdict, j.reasons, ob.applies_from, ob.in_effect, j.blocks, j.edge)
        )
    for ref in finding.not_applicable:
        judged.append(
            Judged(ref, Verdict.NOT_APPLICABLE, ("its conditions do not hold for this product",))
        )
    counted = [
        j
        for j in judged
        if j.verdict is not Verdict.NOT_APPLICABLE
        and (j.in_effect or finding.state is State.UPCOMING)
    ]
    kinds = {j.verdict for j in counted}
    if kinds & {Verdict.NOT_MET, Verdict.PARTIALLY_MET}:
        standing = Standing.NOT_COMPLIANT
    elif Verdict.UNKNOWN in kinds:
        standing = Standing.INCOMPLETE
    else:
        standing = Standing.COMPLIANT
    order = {r.ref: i for i, r in enumerate(inst.requirements)}
    judged.sort(key=lambda j: order.get(j.ref, 0))
    return InstrumentResult(
        inst,
        finding.state,
        markets,
        standing,
        tuple(judged),
        tuple(r.id for r in finding.routes),
        None if finding.product_class is None else finding.product_class.id,
        finding.reason,
    )


# --- labels --------------------------------------------------------------------------


def _schemes(catalog: Catalog, judge: Judge, markets: tuple[str, ...]) -> list[Instrument]:
    laws = {j for m in markets for j in catalog.market(m).jurisdictions}
    ids = {
        i.id
        for i in catalog.instruments.values()
        if i.type is InstrumentType.LABELLING_SCHEME and laws & set(i.jurisdictions)
    }
    ids |= {label.scheme for label in judge.profile.labels}
    for label in judge.profile.labels:
        for e in catalog.recognitions:
            if e.origin.partition("@")[0] == label.scheme and e.target_level is not None:
                ids.add(e.target.partition("@")[0])
    return [edition_on(catalog, ident, judge.on) for ident in sorted(ids)]


def _in_scheme_scope(scheme: Instrument, lineage: set[str]) -> bool:
    if not lineage & set(scheme.scope.categories):
        return False
    return not any(
        e.category in lineage and not e.when and not e.markets for e in scheme.scope.exclusions
    )


def _label(judge: Judge, scheme: Instrument, level: Level, compliant: set[str]) -> LabelResult:
    for label in judge.held(scheme.id):
        if label.current(judge.on) and judge.at_least(scheme, label, level.id):
            until = f" until {label.valid_until}" if label.valid_until else ""
            at = f" (level {label.level})" if label.level and label.level != level.id else ""
            return LabelResult(scheme, level, Eligibility.HELD, (f"held{at}{until}",))
    if not _in_scheme_scope(scheme, judge.lineage):
        return LabelResult(
            scheme, level, Eligibility.OUT_OF_SCOPE, ("the scheme does not cover this category",)
        )
    judged = [judge.requirement(scheme, r) for r in scheme.level_requirements(level.id)]
    missing = tuple(j.ref for j in judged if j.verdict in (Verdict.NOT_MET, Verdict.PARTIALLY_MET))
    unknown = tuple(j.ref for j in judged if j.verdict is Verdict.UNKNOWN)
    if judged and not missing and not unknown:
        return LabelResult(
            scheme, level, Eligibility.ELIGIBLE, ("every requirement of the level met",)
        )
    for edge in judge.catalog.recognitions:
        if not (
            refers_to(edge.target, scheme)
            and edge.target_level == level.id
            and edge.current(judge.on)
        ):
            continue
        origin_id = edge.origin.partition("@")[0]
        origin = edition_on(judge.catalog, origin_id, judge.on)
        if origin.type is InstrumentType.LABELLING_SCHEME:
            holds, why = judge.edge_holds(edge)
        else:
            holds = origin.key in compliant and judge.category_ok(edge)
            why = f"{edge.kind.value.replace('-', ' ')} through {edge.id}: {origin.key} compliant"
        if holds:
            status = (
                Eligibility.SIMPLIFIED
                if edge.kind is RecognitionKind.SIMPLIFIED_APPLICATION
                else Eligibility.THROUGH_RECOGNITION
            )
            return LabelResult(scheme, level, status, (why,), missing, unknown)
    if missing:
        return LabelResult(
            scheme, level, Eligibility.NOT_ELIGIBLE, ("requirements not met",), missing, unknown
        )
    return LabelResult(scheme, level, Eligibility.UNKNOWN, ("evidence missing",), missing, unknown)


POSITIVE = (
    Eligibility.HELD,
    Eligibility.ELIGIBLE,
    Eligibility.THROUGH_RECOGNITION,
    Eligibility.SIMPLIFIED,
)


def _worth_listing(found: LabelResult, laws: set[str]) -> bool:
    """Every level of a scheme in the product's markets; elsewhere, only what the product
    holds or can get (a label recognised abroad)."""
    if found.status is Eligibility.OUT_OF_SCOPE:
        return False
    return bool(laws & set(found.scheme.jurisdictions)) or found.status in POSITIVE


# --- the whole assessment ------------------------------------------------------------


def assess(
    catalog: Catalog, profile: Profile, on: dt.date, markets: tuple[str, ...] | None = None
) -> Assessment:
    """Judge a product against every binding and upcoming instrument in its markets, and
    its eligibility for every labelling scheme level on offer."""
    markets = markets or profile.markets
    judge = Judge(catalog, profile, on)
    answer = applies(catalog, profile.category, markets, on, profile.features)
    places: dict[str, list[str]] = {}
    findings: dict[str, Finding] = {}
    for m in answer.markets:
        for f in m.of(State.BINDS, State.UPCOMING):
            places.setdefault(f.instrument.key, []).append(m.market.id)
            findings.setdefault(f.instrument.key, f)
    results = tuple(_instrument(judge, findings[k], tuple(v)) for k, v in places.items())
    compliant = {r.instrument.key for r in results if r.standing is Standing.COMPLIANT}
    laws = {j for m in markets for j in catalog.market(m).jurisdictions}
    labels = tuple(
        found
        for scheme in _schemes(catalog, judge, markets)
        for level in scheme.levels
        if _worth_listing(found := _label(judge, scheme, level, compliant), laws)
    )
    notes = tuple(
        f"label {lb.scheme}{' level ' + lb.level if lb.level else ''} expired on {lb.valid_until}"
        for lb in profile.labels
        if lb.valid_until is not None and lb.valid_until < on
    )
    return Assessment(profile, on, tuple(markets), results, labels, notes)


__all__ = ["Assessment", "Judge", "assess", "level_name"]
