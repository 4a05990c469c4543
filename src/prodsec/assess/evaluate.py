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
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from prodsec.assess.applicability import Answer, Finding, Obligation, State, applies
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
    holds,
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
    NOT_OFFERED = "not-offered"


CLAIMED = {
    ClaimStatus.MET: Verdict.MET,
    ClaimStatus.NOT_MET: Verdict.NOT_MET,
    ClaimStatus.PARTIALLY_MET: Verdict.PARTIALLY_MET,
    ClaimStatus.NOT_APPLICABLE: Verdict.NOT_APPLICABLE,
}


@dataclass(slots=True)
class Judged:
    """(Not frozen: thousands are made per second in a batch, and frozen dataclasses are
    several times slower to build. Nothing changes one after it is made.)"""

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


Found = tuple[Verdict, tuple[str, ...], tuple[tuple[str, Verdict], ...], str | None]
"""A verdict, its reasons, the verdict of each block, and the edge that decided it."""
Blocks = tuple[tuple[str, dict[str, Scalar]], ...]
"""A requirement's building blocks with the parameter values its mapping binds."""
Row = tuple[Blocks, tuple[Recognition, ...]]
"""A requirement's blocks and the recognition edges that may grant it."""
NOT_MAPPED: Found = (Verdict.UNKNOWN, ("not mapped to any building block",), (), None)


class Index:
    """What every assessment against one catalog reuses: each requirement's block
    mappings, the recognition edges into each instrument, and the applicability of a
    (category, features, markets, day) combination, which products of a fleet share."""

    LIMIT = 4096

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        # requirements that map onto the same blocks with the same bindings share one tuple,
        # so a product judges each such combination once; built per instrument on first use
        self._shared: dict[tuple[object, ...], Blocks] = {}
        self.plain: set[int] = set()
        """The ids of shared block tuples without parameters: their verdict follows from
        whether each block is claimed met, claimed not met or not claimed."""
        self.outcomes: dict[tuple[int, tuple[int, ...]], Found] = {}
        """The verdict of a plain block tuple for each combination of claim states, which
        every product with those states shares."""
        self.edges: dict[str, tuple[Recognition, ...]] = {
            inst.key: tuple(e for e in catalog.recognitions if refers_to(e.target, inst))
            for inst in catalog.instruments.values()
        }
        self._answers: dict[tuple[object, ...], Answer] = {}
        self._categories: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.scheme_lists: dict[tuple[object, ...], list[Instrument]] = {}
        self._groups: dict[int, tuple[Answer, list[tuple[Finding, tuple[str, ...]]]]] = {}
        self._laws: dict[tuple[str, ...], frozenset[str]] = {}
        self._rows: dict[int, dict[str, Row]] = {}
        self._layouts: dict[
            int, tuple[Finding, list[tuple[str, Requirement, Obligation | None]]]
        ] = {}
        self._editions: dict[tuple[str, dt.date], Instrument] = {}
        self._levels: dict[tuple[str, str], tuple[Requirement, ...]] = {}
        self._mandatory: dict[int, tuple[Requirement, ...]] = {}
        self._schemes: dict[tuple[str, ...], frozenset[str]] = {}

    def groups(self, answer: Answer) -> list[tuple[Finding, tuple[str, ...]]]:
        """Each binding or upcoming instrument edition once, with the markets it binds in."""
        found = self._groups.get(id(answer))
        if found is None or found[0] is not answer:
            places: dict[str, list[str]] = {}
            findings: dict[str, Finding] = {}
            for m in answer.markets:
                for f in m.of(State.BINDS, State.UPCOMING):
                    places.setdefault(f.instrument.key, []).append(m.market.id)
                    findings.setdefault(f.instrument.key, f)
            rows = [(findings[k], tuple(v)) for k, v in places.items()]
            found = self._groups[id(answer)] = (answer, rows)
        return found[1]

    def laws(self, markets: tuple[str, ...]) -> frozenset[str]:
        found = self._laws.get(markets)
        if found is None:
            found = self._laws[markets] = frozenset(
                j for m in markets for j in self.catalog.market(m).jurisdictions
            )
        return found

    def category(self, ident: str) -> tuple[frozenset[str], frozenset[str]]:
        """A category's lineage and the features it implies."""
        found = self._categories.get(ident)
        if found is None:
            found = self._categories[ident] = (
                frozenset(self.catalog.lineage(ident)),
                self.catalog.implied_features(ident),
            )
        return found

    def rows(self, inst: Instrument) -> dict[str, Row]:
        """Each requirement's block mappings and the edges that may grant it (in the
        catalog's order, whatever their dates), by ref, for one instrument edition."""
        found = self._rows.get(id(inst))
        if found is None:
            edges = self.edges[inst.key]
            found = self._rows[id(inst)] = {
                r.ref: (
                    self._pairs(inst.requirement_id(r.ref)),
                    tuple(e for e in edges if r.ref in e.grants),
                )
                for r in inst.requirements
            }
        return found

    def _pairs(self, rid: str) -> Blocks:
        pairs = tuple(
            (m.block, m.bindings)
            for m in self.catalog.mappings_of(rid)
            if m.block is not None and m.relationship is not Relationship.NO_RELATIONSHIP
        )
        key = tuple((b, tuple(sorted(bd.items()))) for b, bd in pairs)
        found = self._shared.setdefault(key, pairs)
        if not any(bindings for _, bindings in found):
            self.plain.add(id(found))
        return found

    def layout(self, finding: Finding) -> list[tuple[str, Requirement, Obligation | None]]:
        """A finding's requirements in the instrument's order: each obligation with its
        dates, or None where the product's features rule it out."""
        key = id(finding)
        found = self._layouts.get(key)
        if found is None or found[0] is not finding:
            obligations = {ob.ref: ob for ob in finding.obligations}
            skipped = set(finding.not_applicable)
            rows = [
                (r.ref, r, obligations.get(r.ref))
                for r in finding.instrument.requirements
                if r.ref in obligations or r.ref in skipped
            ]
            found = self._layouts[key] = (finding, rows)
        return found[1]

    def edition(self, ident: str, on: dt.date) -> Instrument:
        key = (ident, on)
        found = self._editions.get(key)
        if found is None:
            found = self._editions[key] = edition_on(self.catalog, ident, on)
        return found

    def origin(self, edge: Recognition, on: dt.date) -> Instrument:
        """The edition an edge starts from on a day: the one it names, else the one in force."""
        if "@" in edge.origin:
            return self.catalog.instrument(edge.origin)
        return self.edition(edge.origin, on)

    def mandatory(self, inst: Instrument) -> tuple[Requirement, ...]:
        """An edition's requirements of a mandatory type (shall, must), in order."""
        found = self._mandatory.get(id(inst))
        if found is None:
            found = self._mandatory[id(inst)] = tuple(
                r for r in inst.requirements if r.mandatory_type
            )
        return found

    def level_requirements(self, scheme: Instrument, level: str) -> tuple[Requirement, ...]:
        key = (scheme.key, level)
        found = self._levels.get(key)
        if found is None:
            found = self._levels[key] = scheme.level_requirements(level)
        return found

    def schemes_in(self, markets: tuple[str, ...]) -> frozenset[str]:
        """The labelling schemes of the markets' jurisdictions."""
        found = self._schemes.get(markets)
        if found is None:
            laws = {j for m in markets for j in self.catalog.market(m).jurisdictions}
            found = self._schemes[markets] = frozenset(
                i.id
                for i in self.catalog.instruments.values()
                if i.type is InstrumentType.LABELLING_SCHEME and laws & set(i.jurisdictions)
            )
        return found

    def answer(
        self, category: str, markets: tuple[str, ...], on: dt.date, features: frozenset[str]
    ) -> Answer:
        key = (category, markets, on, features)
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= self.LIMIT:
                self._answers.clear()
                self._layouts.clear()
                self._groups.clear()
            found = applies(self.catalog, category, markets, on, features)
            self._answers[key] = found
        return found


_INDEXES: dict[int, Index] = {}


def index_of(catalog: Catalog) -> Index:
    """The index of a catalog, built once (keyed by the catalog object itself)."""
    found = _INDEXES.get(id(catalog))
    if found is None or found.catalog is not catalog:
        found = Index(catalog)
        _INDEXES[id(catalog)] = found
    return found


class Judge:
    """Verdicts for one product on one day, memoised per requirement."""

    def __init__(self, catalog: Catalog, profile: Profile, on: dt.date) -> None:
        self.catalog = catalog
        self.index = index_of(catalog)
        self.profile = profile
        self.on = on
        self.lineage, implied = self.index.category(profile.category)
        self.features = frozenset(profile.features) | implied
        self.claims = {c.block: c for c in profile.claims}
        self.req_claims = {c.requirement: c for c in profile.requirement_claims}
        years = profile.lifecycle.support_years()
        self.derived: dict[str, Scalar] = (
            {} if years is None else {"min_support_years": round(years, 2)}
        )
        self._memo_edges: dict[int, Found] = {}
        self._memo_plain: dict[int, Found] = {}
        """With and without recognition edges, by requirement (its id: the catalog holds
        each edition's requirements once)."""
        self._holds: dict[str, tuple[bool, str]] = {}
        self._combined: dict[int, Found] = {}
        self._block_memo: dict[int, tuple[Verdict, str]] = {}

    # --- blocks --------------------------------------------------------------------

    def block(self, block_id: str, bindings: dict[str, Scalar]) -> tuple[Verdict, str]:
        claim = self.claims.get(block_id)
        if not bindings:  # the common case: no parameter to check
            if claim is None:
                return Verdict.UNKNOWN, f"{block_id}: nothing claimed"
            if claim.met:
                return Verdict.MET, f"{block_id}: claimed met"
            return Verdict.NOT_MET, f"{block_id}: claimed not met"
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

    def ruled_out(self, inst: Instrument, req: Requirement) -> tuple[str, ...]:
        """Why a requirement does not apply: the conditions and features that do not hold."""
        terms = {t.id: t for t in (*inst.conditions, *inst.features)}
        found = []
        for kind, ids in (("condition", req.conditions), ("feature", req.features)):
            for ident in ids:
                term = terms[ident]
                if not holds(term.when, self.features):
                    found.append(f"{kind} {ident} does not hold: {term.title.rstrip('.')}")
        return tuple(found) or ("its conditions do not hold for this product",)

    def requirement(self, inst: Instrument, req: Requirement, edges: bool = True) -> Judged:
        verdict, reasons, blocks, edge = self.found(inst, req, edges)
        return Judged(req.ref, verdict, reasons, blocks=blocks, edge=edge)

    def found(self, inst: Instrument, req: Requirement, edges: bool = True) -> Found:
        """A requirement's verdict, reasons, block verdicts and deciding edge, memoised."""
        memo = self._memo_edges if edges else self._memo_plain
        found = memo.get(id(req))
        if found is None:
            found = memo[id(req)] = self._judge(inst, req, edges)
        return found

    def _judge(self, inst: Instrument, req: Requirement, edges: bool) -> Found:
        if self.req_claims:
            claim = self.req_claims.get(inst.requirement_id(req.ref))
            if claim is not None:
                note = f" ({'; '.join(claim.evidence)})" if claim.evidence else ""
                return CLAIMED[claim.status], (f"claimed {claim.status.value}{note}",), (), None
        mapped, granting = self.index.rows(inst)[req.ref]
        if edges and granting:
            for edge in granting:
                if edge.current(self.on):
                    holds, why = self.edge_holds(edge)
                    if holds:
                        return Verdict.MET, (why,), (), edge.id
        found = self._combined.get(id(mapped))
        if found is None:
            found = self._combined[id(mapped)] = self._combine(mapped)
        return found

    def _combine(self, mapped: Blocks) -> Found:
        if not mapped:
            return NOT_MAPPED
        index = self.index
        if id(mapped) not in index.plain:
            return self._combine_blocks(mapped)
        claims = self.claims
        states = []
        for block, _ in mapped:
            claim = claims.get(block)
            states.append(0 if claim is None else 1 if claim.met else 2)
        key = (id(mapped), tuple(states))
        found = index.outcomes.get(key)
        if found is None:
            if len(index.outcomes) >= index.LIMIT * 16:
                index.outcomes.clear()
            found = index.outcomes[key] = self._combine_blocks(mapped)
        return found

    def _combine_blocks(self, mapped: Blocks) -> Found:
        memo = self._block_memo
        verdicts = []
        reasons = []
        met = unmet = unknown = False
        for block, bindings in mapped:
            key = id(bindings)  # every mapping has its own bindings object
            hit = memo.get(key)
            if hit is None:
                hit = memo[key] = self.block(block, bindings)
            verdict = hit[0]
            verdicts.append((block, verdict))
            reasons.append(hit[1])
            if verdict is Verdict.MET:
                met = True
            elif verdict is Verdict.NOT_MET:
                unmet = True
            else:
                unknown = True
        if unmet:
            verdict = Verdict.PARTIALLY_MET if met else Verdict.NOT_MET
        else:
            verdict = Verdict.UNKNOWN if unknown else Verdict.MET
        return verdict, tuple(reasons), tuple(verdicts), None

    # --- recognition ---------------------------------------------------------------

    def granting(self, inst: Instrument, req: Requirement) -> list[Recognition]:
        """The edges in force on the day that may grant this requirement."""
        return [e for e in self.index.rows(inst)[req.ref][1] if e.current(self.on)]

    def category_ok(self, edge: Recognition) -> bool:
        if edge.categories and not self.lineage & set(edge.categories):
            return False
        return not self.lineage & set(edge.excluded_categories)

    def held(self, scheme: str) -> list[HeldLabel]:
        return [lb for lb in self.profile.labels if lb.scheme == scheme]

    def edge_holds(self, edge: Recognition) -> tuple[bool, str]:
        """Whether an edge gives the product its credit on the day, and why."""
        found = self._holds.get(edge.id)
        if found is None:
            found = self._holds[edge.id] = self._edge_holds(edge)
        return found

    def _edge_holds(self, edge: Recognition) -> tuple[bool, str]:
        if not self.category_ok(edge):
            return False, f"{edge.id}: the product's category is not covered"
        origin = self.index.origin(edge, self.on)
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
            verdicts = [
                self.found(origin, self.catalog.requirement(origin.requirement_id(ref)), False)[0]
                for ref in edge.origin_refs
            ]
            if all(v is Verdict.MET or v is Verdict.NOT_APPLICABLE for v in verdicts):
                return (
                    True,
                    f"{kind} through {edge.id}: {origin.key} {', '.join(edge.origin_refs)} met",
                )
            return False, f"{edge.id}: {origin.key} {', '.join(edge.origin_refs)} not all met"
        applicable = self.index.mandatory(origin)
        if applicable and all(self.found(origin, r, False)[0] is Verdict.MET for r in applicable):
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
    upcoming = finding.state is State.UPCOMING
    judged: list[Judged] = []
    bad = unknown = False
    for ref, req, ob in judge.index.layout(finding):
        if ob is None:
            judged.append(Judged(ref, Verdict.NOT_APPLICABLE, judge.ruled_out(inst, req)))
            continue
        verdict, reasons, blocks, edge = judge.found(inst, req)
        judged.append(Judged(ref, verdict, reasons, ob.applies_from, ob.in_effect, blocks, edge))
        if ob.in_effect or upcoming:
            if verdict is Verdict.NOT_MET or verdict is Verdict.PARTIALLY_MET:
                bad = True
            elif verdict is Verdict.UNKNOWN:
                unknown = True
    if bad:
        standing = Standing.NOT_COMPLIANT
    elif unknown:
        standing = Standing.INCOMPLETE
    else:
        standing = Standing.COMPLIANT
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
    """The schemes of the markets, the schemes of labels held, and where those lead."""
    held = tuple(sorted({label.scheme for label in judge.profile.labels}))
    key = (markets, held, judge.on)
    found = judge.index.scheme_lists.get(key)
    if found is None:
        ids = set(judge.index.schemes_in(markets)) | set(held)
        for scheme in held:
            for e in catalog.recognitions:
                if e.origin.partition("@")[0] == scheme and e.target_level is not None:
                    ids.add(e.target.partition("@")[0])
        found = [judge.index.edition(ident, judge.on) for ident in sorted(ids)]
        judge.index.scheme_lists[key] = found
    return found


BAD = (Verdict.NOT_MET, Verdict.PARTIALLY_MET)


def _scheme_labels(
    judge: Judge, scheme: Instrument, compliant: set[str], listed: bool
) -> list[LabelResult]:
    """Every level of one scheme: held, eligible on the product's own evidence, through
    recognition, or not. `listed`: the scheme is on offer in the product's markets (else
    only levels the product holds or can get are kept)."""
    held = [lb for lb in judge.held(scheme.id) if lb.current(judge.on)]
    if not held and scheme.scope.leaves_out(judge.lineage) is not None:
        return []
    routes: dict[str, list[Recognition]] = {}
    for edge in judge.index.edges[scheme.key]:
        if edge.target_level is not None and edge.current(judge.on):
            routes.setdefault(edge.target_level, []).append(edge)
    found = []
    for level in scheme.levels:
        result = _level(judge, scheme, level, held, routes.get(level.id, ()), compliant)
        if result is not None and (listed or result.status in POSITIVE):
            found.append(result)
    return found


def _level(
    judge: Judge,
    scheme: Instrument,
    level: Level,
    held: list[HeldLabel],
    routes: Iterable[Recognition],
    compliant: set[str],
) -> LabelResult | None:
    for label in held:
        if judge.at_least(scheme, label, level.id):
            until = f" until {label.valid_until}" if label.valid_until else ""
            at = f" (level {label.level})" if label.level and label.level != level.id else ""
            return LabelResult(scheme, level, Eligibility.HELD, (f"held{at}{until}",))
    if scheme.scope.leaves_out(judge.lineage) is not None:
        return None
    if not level.offered:
        why = "the scheme takes no applications for this level (as its sources were last read)"
        return LabelResult(scheme, level, Eligibility.NOT_OFFERED, (why,))
    missing: list[str] = []
    unknown: list[str] = []
    requirements = judge.index.level_requirements(scheme, level.id)
    for req in requirements:
        verdict = judge.found(scheme, req)[0]
        if verdict is Verdict.UNKNOWN:
            unknown.append(req.ref)
        elif verdict in BAD:
            missing.append(req.ref)
    if requirements and not missing and not unknown and level.complete:
        return LabelResult(
            scheme, level, Eligibility.ELIGIBLE, ("every requirement of the level met",)
        )
    for edge in routes:
        origin = judge.index.origin(edge, judge.on)
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
            return LabelResult(scheme, level, status, (why,), tuple(missing), tuple(unknown))
    if missing:
        status, why = Eligibility.NOT_ELIGIBLE, "requirements not met"
    elif unknown or not requirements:
        status, why = Eligibility.UNKNOWN, "evidence missing"
    else:
        status, why = Eligibility.UNKNOWN, PARTIAL_CRITERIA
    return LabelResult(scheme, level, status, (why,), tuple(missing), tuple(unknown))


PARTIAL_CRITERIA = (
    "every requirement of the level in the catalog is met, but the catalog holds only part "
    "of the level's criteria"
)

POSITIVE = (
    Eligibility.HELD,
    Eligibility.ELIGIBLE,
    Eligibility.THROUGH_RECOGNITION,
    Eligibility.SIMPLIFIED,
)


# --- the whole assessment ------------------------------------------------------------


def assess(
    catalog: Catalog, profile: Profile, on: dt.date, markets: tuple[str, ...] | None = None
) -> Assessment:
    """Judge a product against every binding and upcoming instrument in its markets, and
    its eligibility for every labelling scheme level on offer."""
    markets = markets or profile.markets
    judge = Judge(catalog, profile, on)
    markets = tuple(markets)
    answer = judge.index.answer(profile.category, markets, on, frozenset(profile.features))
    results = tuple(_instrument(judge, f, where) for f, where in judge.index.groups(answer))
    compliant = {r.instrument.key for r in results if r.standing is Standing.COMPLIANT}
    laws = judge.index.laws(markets)
    labels = tuple(
        found
        for scheme in _schemes(catalog, judge, markets)
        for found in _scheme_labels(
            judge, scheme, compliant, bool(laws & set(scheme.jurisdictions))
        )
    )
    notes = tuple(
        f"label {lb.scheme}{' level ' + lb.level if lb.level else ''} expired on {lb.valid_until}"
        for lb in profile.labels
        if lb.valid_until is not None and lb.valid_until < on
    )
    return Assessment(profile, on, tuple(markets), results, labels, notes)


__all__ = ["Assessment", "Judge", "assess", "level_name"]
