"""Judging one product's requirements on one day.

A requirement's verdict comes from, in this order:

1. a claim about that requirement (a line of a conformance statement);
2. a recognition edge into it that holds for the product: a current label of the origin
   scheme at the right level (deemed compliance), the origin's named provisions met (UK
   PSTI Schedule 2), the whole origin standard met (presumption of conformity), or, inside
   one instrument, a safe harbour's provisions met (SB-327: a unique password per device
   is a reasonable security feature), at least one of them met rather than not applicable;
3. the building blocks it maps onto: each block is met when the manufacturer claims it
   and every parameter the mapping binds is satisfied in the stricter direction (a 3-year
   support period does not meet a 5-year minimum), not met when claimed not met or a
   parameter falls short, unknown when nothing is claimed. A block's parameter the
   lifecycle dates answer (support years) is read from them when not claimed.

All blocks met: met. None met and none unknown: not met. Some met, some not: partially
met. Otherwise unknown. A requirement whose mappings all only intersect it
(`intersects-with`, no `joint` set named) is partially met at best: met blocks leave out
what it asks beyond them; a claim of the requirement or an edge can make it met. Requirements
whose conditions the product's features rule out are not applicable.
"""

from __future__ import annotations

import datetime as dt

from prodsec.assess.compiled import Decided
from prodsec.assess.index import Blocks, index_of
from prodsec.assess.profile import ClaimStatus, HeldLabel, Profile
from prodsec.assess.verdicts import BlockFinding, Credit, Found, Judged, Verdict
from prodsec.catalog import Catalog
from prodsec.catalog.model import Instrument, Requirement
from prodsec.catalog.recognition import Recognition, RecognitionKind
from prodsec.catalog.vocab import InstrumentType, Scalar, Stricter
from prodsec.catalog.when import holds

CLAIMED = {
    ClaimStatus.MET: Verdict.MET,
    ClaimStatus.NOT_MET: Verdict.NOT_MET,
    ClaimStatus.PARTIALLY_MET: Verdict.PARTIALLY_MET,
    ClaimStatus.NOT_APPLICABLE: Verdict.NOT_APPLICABLE,
}

NOT_MAPPED = Found(Verdict.UNKNOWN, ("not mapped to any building block",), (), None)


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
        self.index = index_of(catalog)
        self.profile = profile
        self.on = on
        facts = self.index.category(profile.category)
        self.lineage = facts.lineage
        self.features = frozenset(profile.features) | facts.implied
        self.claims = {c.block: c for c in profile.claims}
        self.req_claims = {c.requirement: c for c in profile.requirement_claims}
        bit = self.index.bit
        claimed = met = 0
        for claim in self.claims.values():
            b = bit.get(claim.block, 0)
            claimed |= b
            if claim.met:
                met |= b
        self.claimed, self.met = claimed, met
        """The blocks claimed and the blocks claimed met, as bit masks (`assess.compiled`)."""
        self.width = len(bit)
        years = profile.lifecycle.support_years()
        self.derived: dict[str, Scalar] = (
            {} if years is None else {"min_support_years": round(years, 2)}
        )
        self._memo_edges: dict[int, Found] = {}
        self._memo_plain: dict[int, Found] = {}
        """With and without recognition edges, by requirement (its id: the catalog holds
        each edition's requirements once)."""
        self._holds: dict[str, Credit] = {}
        self._combined: dict[int, Found] = {}
        self._block_memo: dict[int, BlockFinding] = {}
        self._given: tuple[object, ...] | None = None

    def state(self, how: Decided) -> object:
        """The product's claim state as far as `how` goes: the claim bits of its blocks,
        with, where a mapping binds a parameter, the support years the lifecycle gives
        and every parameter value claimed for a block some mapping binds (typed: True is
        not 1), and the labels held where a label's edge counts."""
        mask = how.mask
        bits = (self.claimed & mask) | (self.met & mask) << self.width
        if how.plain:
            return bits
        given = self._given
        if given is None and how.params:
            bound = self.index.bound
            given = self._given = (
                tuple(self.derived.items()),
                *(
                    (c.block, *((k, type(v), v) for k, v in c.parameters.items()))
                    for c in self.claims.values()
                    if c.parameters and c.block in bound
                ),
            )
        return (bits, given if how.params else None, self.profile.labels if how.labels else None)

    # --- blocks --------------------------------------------------------------------

    def block(self, block_id: str, bindings: dict[str, Scalar]) -> BlockFinding:
        claim = self.claims.get(block_id)
        if not bindings:  # the common case: no parameter to check
            if claim is None:
                return BlockFinding(block_id, Verdict.UNKNOWN, f"{block_id}: nothing claimed")
            if claim.met:
                return BlockFinding(block_id, Verdict.MET, f"{block_id}: claimed met")
            return BlockFinding(block_id, Verdict.NOT_MET, f"{block_id}: claimed not met")
        values: dict[str, Scalar] = {**self.derived, **((claim.parameters or {}) if claim else {})}
        if claim is None:
            if bindings and all(name in self.derived for name in bindings):
                return self._parameters(block_id, bindings, values, "from the lifecycle dates")
            return BlockFinding(block_id, Verdict.UNKNOWN, f"{block_id}: nothing claimed")
        if not claim.met:
            return BlockFinding(block_id, Verdict.NOT_MET, f"{block_id}: claimed not met")
        return self._parameters(block_id, bindings, values, "claimed met")

    def _parameters(
        self, block_id: str, bindings: dict[str, Scalar], values: dict[str, Scalar], how: str
    ) -> BlockFinding:
        block = self.catalog.blocks[block_id]
        for name, required in bindings.items():
            param = block.parameter(name)
            value = values.get(name)
            if value is None:
                return BlockFinding(
                    block_id,
                    Verdict.UNKNOWN,
                    f"{block_id}: {how}, but {name} is not given ({required} needed)",
                )
            if param is not None and not satisfies(param.stricter, value, required):
                return BlockFinding(
                    block_id,
                    Verdict.NOT_MET,
                    f"{block_id}: {name} is {value} where {required} is needed",
                )
        return BlockFinding(block_id, Verdict.MET, f"{block_id}: {how}")

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
        found = self.found(inst, req, edges)
        return Judged(req.ref, found.verdict, found.reasons, blocks=found.blocks, edge=found.edge)

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
                return Found(
                    CLAIMED[claim.status], (f"claimed {claim.status.value}{note}",), (), None
                )
        row = self.index.row_of.get(id(req)) or self.index.rows(inst)[req.ref]
        mapped, granting = row.blocks, row.edges
        sheltered: list[str] = []
        if edges and granting:
            for edge in granting:
                if edge.current(self.on):
                    credit = self.edge_holds(edge)
                    if credit.holds:
                        return Found(Verdict.MET, (credit.why,), (), edge.id)
                    if edge.kind is RecognitionKind.SAFE_HARBOUR:
                        sheltered.append(f"no safe harbour: {credit.why}")
        found = self._combined.get(id(mapped))
        if found is None:
            found = self._combined[id(mapped)] = self._combine(mapped)
        if row.short is not None and found.verdict is Verdict.MET:
            # intersects-with alone never makes a requirement met
            found = Found(Verdict.PARTIALLY_MET, (*found.reasons, row.short), found.blocks, None)
        if sheltered:  # the harbours tried are part of the reason
            return found._replace(reasons=(*found.reasons, *sheltered))
        return found

    def _combine(self, mapped: Blocks) -> Found:
        if not mapped:
            return NOT_MAPPED
        index = self.index
        if id(mapped) not in index.plain:
            return self._combine_blocks(mapped)
        claims = self.claims
        states = []
        for binding in mapped:
            claim = claims.get(binding.block)
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
        for binding in mapped:
            key = id(binding.bindings)  # every mapping has its own bindings object
            hit = memo.get(key)
            if hit is None:
                hit = memo[key] = self.block(binding.block, binding.bindings)
            verdict = hit.verdict
            verdicts.append(hit)
            reasons.append(hit.reason)
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
        return Found(verdict, tuple(reasons), tuple(verdicts), None)

    # --- recognition ---------------------------------------------------------------

    def granting(self, inst: Instrument, req: Requirement) -> list[Recognition]:
        """The edges in force on the day that may grant this requirement."""
        return [e for e in self.index.rows(inst)[req.ref].edges if e.current(self.on)]

    def category_ok(self, edge: Recognition) -> bool:
        if edge.categories and not self.lineage & set(edge.categories):
            return False
        return not self.lineage & set(edge.excluded_categories)

    def held(self, scheme: str) -> list[HeldLabel]:
        return [lb for lb in self.profile.labels if lb.scheme == scheme]

    def edge_holds(self, edge: Recognition) -> Credit:
        """Whether an edge gives the product its credit on the day, and why."""
        found = self._holds.get(edge.id)
        if found is None:
            found = self._holds[edge.id] = self._edge_holds(edge)
        return found

    def _edge_holds(self, edge: Recognition) -> Credit:
        if not self.category_ok(edge):
            return Credit(False, f"{edge.id}: the product's category is not covered")
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
                return Credit(
                    True, f"{kind} through {edge.id}: {origin.id}{level} label held{until}"
                )
            return Credit(False, f"{edge.id}: no current {origin.id} label at the level needed")
        if edge.origin_refs:
            verdicts = [self._provision(origin, ref) for ref in edge.origin_refs]
            refs = ", ".join(edge.origin_refs)
            if edge.kind is RecognitionKind.SAFE_HARBOUR and Verdict.MET not in verdicts:
                # a harbour whose provisions do not apply gives no shelter
                na = all(v is Verdict.NOT_APPLICABLE for v in verdicts)
                why = "do not apply to the product" if na else "not met"
                return Credit(False, f"{edge.id}: {origin.key} {refs} {why}")
            if all(v is Verdict.MET or v is Verdict.NOT_APPLICABLE for v in verdicts):
                return Credit(True, f"{kind} through {edge.id}: {origin.key} {refs} met")
            return Credit(False, f"{edge.id}: {origin.key} {refs} not all met")
        applicable = self.index.mandatory(origin)
        if applicable and all(
            self.found(origin, r, False).verdict is Verdict.MET for r in applicable
        ):
            return Credit(True, f"{kind} through {edge.id}: {origin.key} met in full")
        return Credit(False, f"{edge.id}: {origin.key} not met in full")

    def _provision(self, inst: Instrument, ref: str) -> Verdict:
        """An edge's origin provision: not applicable where the product's features rule
        out its conditions, else judged without edges."""
        req = self.catalog.requirement(inst.requirement_id(ref))
        if req.conditions or req.features:
            terms = {t.id: t for t in (*inst.conditions, *inst.features)}
            if not all(
                holds(terms[i].when, self.features) for i in (*req.conditions, *req.features)
            ):
                return Verdict.NOT_APPLICABLE
        return self.found(inst, req, False).verdict

    @staticmethod
    def at_least(scheme: Instrument, label: HeldLabel, wanted: str) -> bool:
        needed, held = scheme.level(wanted), scheme.level(label.level or "")
        if needed is None:
            return True
        if held is None:
            return len(scheme.levels) == 1
        return held.rank >= needed.rank
