"""The cheapest set of fixes that makes every binding instrument met in the chosen markets
and the asked labels eligible: an exact 0-1 integer program solved by scipy's HiGHS.

Variables: one per building block not yet met (fix it), one per label level the plan may
obtain. Each unmet requirement of a binding instrument needs one of its options:

- fix every building block it maps onto that is not met;
- hold a label whose recognition edge makes it met (UK PSTI accepts a current CLS or
  JC-STAR STAR-1 label): obtaining the label costs its fee and needs the level's own
  requirements, fixed through their blocks;
- meet the provisions an edge names (PSTI Schedule 2: EN 303 645 5.1-1 for passwords).

A requirement its blocks only intersect (every mapping intersects-with, no joint set)
cannot be closed by blocks alone: its option is its blocks and evidence of the
requirement itself (a claim of the requirement with evidence), at the evidence cost.

Only the duties of the chosen role are planned (the manufacturer's by default). Duties set
off by an event (reporting an exploited vulnerability, telling the authority of a
failure) are not priced: those not met are listed in a group of their own, each with its
trigger, its deadline and the blocks that would put the process in place.

An asked label level is obtained through its own requirements and fee, or through a
mutual-recognition edge from another label the plan obtains. A held label counts as held.
Costs come from data/plan-costs.yaml unless a costs file overrides them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from typing_extensions import TypedDict

from prodsec.assess.costs import Costs, load_costs
from prodsec.assess.evaluate import assess
from prodsec.assess.judge import Judge
from prodsec.assess.profile import Profile
from prodsec.assess.reach import edition_on
from prodsec.assess.verdicts import POSITIVE, Assessment, InstrumentResult, LabelResult, Verdict
from prodsec.catalog import Catalog
from prodsec.catalog.model import Instrument, Requirement, Trigger
from prodsec.catalog.recognition import RecognitionKind, refers_to
from prodsec.catalog.views import TriggerPublic, trigger_view
from prodsec.catalog.vocab import Actor, InstrumentType, Relationship, Scalar, Stricter
from prodsec.errors import BadInputError, NotFoundError

DONE = (Verdict.MET, Verdict.NOT_APPLICABLE)


@dataclass(frozen=True, slots=True)
class Fix:
    block: str
    cost: float
    parameters: dict[str, Scalar]
    helps: tuple[str, ...]
    """`instrument@edition:ref` or `scheme level` that the fix serves."""
    markets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Obtain:
    scheme: str
    level: str
    cost: float
    helps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A requirement to claim with evidence of its own: its blocks only intersect it."""

    requirement: str
    cost: float
    helps: tuple[str, ...]
    """The requirement itself, or the `scheme level` that needs it."""


@dataclass(frozen=True, slots=True)
class Duty:
    """A duty set off by an event, not yet met: what sets it off, how soon, and the open
    blocks that would put the process in place."""

    requirement: str
    trigger: Trigger
    verdict: Verdict
    blocks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    assessment: Assessment
    fixes: tuple[Fix, ...]
    labels: tuple[Obtain, ...]
    total: float
    unreachable: tuple[str, ...] = ()
    asked: tuple[str, ...] = field(default=())
    evidence: tuple[Evidence, ...] = ()
    duties: tuple[Duty, ...] = ()


# --- the model -----------------------------------------------------------------------


@dataclass
class _Model:
    costs: list[float] = field(default_factory=list)
    names: list[tuple[str, str]] = field(default_factory=list)
    index: dict[tuple[str, str], int] = field(default_factory=dict)
    rows: list[tuple[dict[int, float], float]] = field(default_factory=list)
    """Each row: coefficients and a lower bound (sum >= bound)."""

    def var(self, kind: str, name: str, cost: float) -> int:
        key = (kind, name)
        if key not in self.index:
            self.index[key] = len(self.costs)
            self.costs.append(cost)
            self.names.append(key)
        return self.index[key]

    def at_least_one(self, options: list[int]) -> None:
        self.rows.append((dict.fromkeys(options, 1.0), 1.0))

    def needs(self, option: int, requisite: int) -> None:
        """option <= requisite."""
        self.rows.append(({requisite: 1.0, option: -1.0}, 0.0))


class _Builder:
    def __init__(
        self, catalog: Catalog, judge: Judge, costs: Costs, role: Actor = Actor.MANUFACTURER
    ) -> None:
        self.catalog = catalog
        self.judge = judge
        self.costs = costs
        self.role = role
        self.model = _Model()
        self.serves: dict[int, list[tuple[int, str]]] = {}
        """option variable -> the (block or label variable, target) it relies on."""

    def open_blocks(self, inst: Instrument, req: Requirement) -> list[str]:
        rid = inst.requirement_id(req.ref)
        found = []
        for m in self.catalog.mappings_of(rid):
            if m.block is None or m.relationship is Relationship.NO_RELATIONSHIP:
                continue
            verdict = self.judge.block(m.block, m.bindings).verdict
            if verdict is not Verdict.MET and m.block not in found:
                found.append(m.block)
        return found

    def fix(self, block: str) -> int:
        return self.model.var("block", block, self.costs.block(self.catalog, block))

    def short(self, inst: Instrument, req: Requirement) -> bool:
        """Whether the requirement's blocks only intersect it (blocks cannot close it)."""
        return self.judge.index.rows(inst)[req.ref].short is not None

    def closing(self, inst: Instrument, req: Requirement) -> list[int] | None:
        """The variables that together make a requirement met through its own evidence:
        its open blocks, and the requirement's evidence where the blocks only intersect
        it; None when there is nothing to fix."""
        found = [self.fix(b) for b in self.open_blocks(inst, req)]
        if self.short(inst, req):
            rid = str(inst.requirement_id(req.ref))
            found.append(self.model.var("evidence", rid, self.costs.evidence))
        return found or None

    def option(self, target: str, requisites: list[int]) -> int:
        opt = self.model.var("option", f"{target}#{len(self.model.costs)}", 0.0)
        for r in requisites:
            self.model.needs(opt, r)
        self.serves[opt] = [(r, target) for r in requisites]
        return opt

    def label(self, scheme: Instrument, level: str) -> int | None:
        """The variable for obtaining a label level through its own requirements."""
        key = f"{scheme.id}:{level}"
        if ("label", key) in self.model.index:
            return self.model.index[("label", key)]
        if scheme.label is not None and not scheme.label.issuing:
            return None  # a scheme that issues no new labels is no way forward
        found = scheme.level(level)
        if found is not None and not found.offered:
            return None  # nor is a level it takes no applications for
        var = self.model.var("label", key, self.costs.label(scheme.id, level))
        needed = self.label_needs(scheme, level)
        if needed is None:
            self.model.rows.append(({var: -1.0}, 0.0))  # cannot be reached: forbid
        for requisite in needed or ():
            self.model.needs(var, requisite)
        return var

    def label_needs(self, scheme: Instrument, level: str) -> list[int] | None:
        """The fixes and evidence a label level still needs (its requirements the role
        bears not yet met; a lab's test is not the role's to plan), or None when one of
        them has nothing to fix in the hub."""
        found: list[int] = []
        for req in scheme.level_requirements(level):
            if self.role not in req.actors:
                continue
            if self.judge.requirement(scheme, req).verdict in DONE:
                continue
            needed = self.closing(scheme, req)
            if needed is None:
                return None
            found += [v for v in needed if v not in found]
        return found

    def requirement(self, inst: Instrument, req: Requirement, target: str) -> bool:
        """Add the options that make one requirement met; False when none exists."""
        options: list[int] = []
        own = self.closing(inst, req)
        if own:
            options.append(self.option(target, own))
        for edge in self.judge.granting(inst, req):
            if not self.judge.category_ok(edge):
                continue
            origin = self.judge.index.origin(edge, self.judge.on)
            if origin.type is InstrumentType.LABELLING_SCHEME:
                level = edge.origin_level or (origin.levels[0].id if origin.levels else "")
                var = self.label(origin, level)
                if var is not None:
                    options.append(self.option(target, [var]))
            elif edge.origin_refs:
                reqs = [
                    self.catalog.requirement(origin.requirement_id(ref)) for ref in edge.origin_refs
                ]
                needed = [
                    v
                    for req in reqs
                    if self.judge.found(origin, req, False)[0] not in DONE
                    for v in self.closing(origin, req) or ()
                ]
                if needed:
                    options.append(self.option(target, list(dict.fromkeys(needed))))
        if not options:
            return False
        self.model.at_least_one(options)
        return True


def _targets(a: Assessment) -> list[tuple[InstrumentResult, str]]:
    """The open requirements of the role that the plan prices (event duties apart)."""
    return [
        (r, j.ref)
        for r in a.binding
        for j in r.requirements
        if j.in_effect and j.verdict not in DONE and j.trigger is None
    ]


def _duties(a: Assessment, build: _Builder) -> tuple[Duty, ...]:
    """The role's event duties in effect and not met, with the blocks still open."""
    found = []
    for r in a.binding:
        inst = r.instrument
        for j in r.requirements:
            if j.trigger is None or not j.in_effect or j.verdict in DONE:
                continue
            req = next(q for q in inst.requirements if q.ref == j.ref)
            blocks = tuple(build.open_blocks(inst, req))
            found.append(Duty(str(inst.requirement_id(j.ref)), j.trigger, j.verdict, blocks))
    return tuple(found)


def asked_labels(items: Iterable[str]) -> list[tuple[str, str]]:
    """`SCHEME:LEVEL` items (an item may hold several, comma-separated) as pairs;
    BadInputError naming the first malformed one."""
    found = []
    for part in (p.strip() for item in items for p in item.split(",")):
        if not part:
            continue
        scheme, _, level = part.partition(":")
        if not scheme or not level:
            raise BadInputError(f"'{part}' is not SCHEME:LEVEL (for example sg-cls:2)")
        found.append((scheme, level))
    return found


def plan(
    catalog: Catalog,
    profile: Profile,
    on: dt.date,
    markets: tuple[str, ...],
    labels: Iterable[tuple[str, str]] = (),
    costs: Costs | None = None,
    role: Actor = Actor.MANUFACTURER,
) -> Plan:
    """The cheapest fixes (and labels to obtain) for the duties `role` bears under the
    binding instruments in `markets`, and the asked `labels` ((scheme, level) pairs)."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_array

    costs = costs or load_costs()
    asked = list(labels)
    for wanted, level in asked:
        inst = catalog.instrument(wanted)
        if inst.type is not InstrumentType.LABELLING_SCHEME:
            raise NotFoundError("labelling scheme", wanted, [])
        if inst.level(level) is None:
            raise NotFoundError("level", level, [], [lv.id for lv in inst.levels])
    found = assess(catalog, profile, on, markets, role)
    judge = Judge(catalog, profile, on)
    build = _Builder(catalog, judge, costs, role)
    duties = _duties(found, build)
    unreachable: list[str] = []
    for result, ref in _targets(found):
        inst = result.instrument
        req = next(r for r in inst.requirements if r.ref == ref)
        rid = str(inst.requirement_id(ref))
        if not build.requirement(inst, req, rid):
            unreachable.append(rid)
    status = {(lb.scheme.id, lb.level.id): lb for lb in found.labels}
    for scheme_id, level in asked:
        scheme = edition_on(catalog, scheme_id, on)
        if _already(status.get((scheme.id, level)), judge, scheme, level):
            continue
        target = f"{scheme.id} {level}"
        options = [build.option(target, [v]) for v in [build.label(scheme, level)] if v is not None]
        for edge in catalog.recognitions:
            if (
                refers_to(edge.target, scheme)
                and edge.target_level == level
                and edge.kind is RecognitionKind.MUTUAL_RECOGNITION
                and edge.current(on)
                and judge.category_ok(edge)
            ):
                origin = judge.index.origin(edge, on)
                if origin.type is InstrumentType.LABELLING_SCHEME and edge.origin_level:
                    var = build.label(origin, edge.origin_level)
                    if var is not None:
                        options.append(build.option(target, [var]))
        if options:
            build.model.at_least_one(options)
        else:
            unreachable.append(target)
    model = build.model
    n = len(model.costs)
    if n == 0 or not model.rows:
        asking = tuple(f"{s} {lv}" for s, lv in asked)
        return Plan(found, (), (), 0.0, tuple(unreachable), asking, (), duties)
    matrix = lil_array((len(model.rows), n))
    lower = []
    for i, (coefficients, bound) in enumerate(model.rows):
        for j, value in coefficients.items():
            matrix[i, j] = value
        lower.append(bound)
    solution = milp(
        c=model.costs,
        integrality=[1] * n,
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix.tocsr(), lower, [float("inf")] * len(lower)),
    )
    if not solution.success:
        raise BadInputError(f"no plan satisfies every target: {solution.message}")
    chosen = {model.names[i] for i, v in enumerate(solution.x) if v > 0.5}
    read = _read(catalog, found, build, chosen, solution.x, tuple(unreachable), asked)
    return dataclasses.replace(read, duties=duties)


def _already(status: LabelResult | None, judge: Judge, scheme: Instrument, level: str) -> bool:
    if status is not None:
        return status.status in POSITIVE[:3]
    return any(
        lb.current(judge.on) and judge.at_least(scheme, lb, level) for lb in judge.held(scheme.id)
    )


def _read(
    catalog: Catalog,
    found: Assessment,
    build: _Builder,
    chosen: set[tuple[str, str]],
    x: Any,
    unreachable: tuple[str, ...],
    asked: list[tuple[str, str]],
) -> Plan:
    model = build.model
    helps: dict[int, set[str]] = {}
    for opt, requisites in build.serves.items():
        if x[opt] > 0.5:
            for var, target in requisites:
                helps.setdefault(var, set()).add(target)
    # a label obtained needs its own blocks: they help whatever the label helps
    for key in chosen:
        if key[0] != "label":
            continue
        var = model.index[key]
        scheme_id, level = key[1].split(":", 1)
        scheme = edition_on(catalog, scheme_id, found.on)
        for_label = {f"{scheme_id} {level}", *helps.get(var, set())}
        for requisite in build.label_needs(scheme, level) or ():
            helps.setdefault(requisite, set()).update(for_label)
        helps.setdefault(var, set())
    markets_of = {r.instrument.key: r.markets for r in found.instruments}
    fixes = []
    for kind, name in sorted(chosen):
        if kind != "block":
            continue
        var = model.index[(kind, name)]
        served = sorted(helps.get(var, ()))
        places = sorted({m for t in served for m in markets_of.get(t.partition(":")[0], ())})
        fixes.append(
            Fix(
                name,
                model.costs[var],
                _parameters(catalog, name, served),
                tuple(served),
                tuple(places),
            )
        )
    obtained = []
    for kind, name in sorted(chosen):
        if kind == "label":
            var = model.index[(kind, name)]
            scheme_id, level = name.split(":", 1)
            obtained.append(
                Obtain(scheme_id, level, model.costs[var], tuple(sorted(helps.get(var, ()))))
            )
    evidence = [
        Evidence(name, model.costs[var], tuple(sorted(helps.get(var, ()))))
        for kind, name in sorted(chosen)
        if kind == "evidence"
        for var in [model.index[(kind, name)]]
    ]
    total = (
        sum(f.cost for f in fixes) + sum(o.cost for o in obtained) + sum(e.cost for e in evidence)
    )
    return Plan(
        found,
        tuple(fixes),
        tuple(obtained),
        total,
        unreachable,
        tuple(f"{s} {lv}" for s, lv in asked),
        tuple(evidence),
    )


def _parameters(catalog: Catalog, block: str, served: list[str]) -> dict[str, Scalar]:
    """The strictest value each of the block's parameters must take for what it serves."""
    spec = catalog.blocks[block]
    found: dict[str, Scalar] = {}
    for target in served:
        if ":" not in target:
            continue
        for m in catalog.mappings_of(target):
            if m.block != block:
                continue
            for name, value in m.bindings.items():
                param = spec.parameter(name)
                if name not in found or param is None:
                    found[name] = value
                elif param.stricter is Stricter.HIGHER:
                    found[name] = max(found[name], value)
                elif param.stricter is Stricter.LOWER:
                    found[name] = min(found[name], value)
    return found


class FixPublic(TypedDict):
    block: str
    cost: int | float
    parameters: dict[str, Any]
    markets: list[str]
    helps: list[str]


class LabelOptionPublic(TypedDict):
    scheme: str
    level: str
    cost: int | float
    helps: list[str]


class EvidencePublic(TypedDict):
    requirement: str
    cost: int | float
    helps: list[str]


class DutyPublic(TypedDict):
    """An event duty not yet met: listed apart, not priced."""

    requirement: str
    trigger: TriggerPublic | None
    verdict: str
    blocks: list[str]


class PlanPublic(TypedDict):
    """The cheapest fixes (the public shape of `plan`, shared by the CLI and the API)."""

    on: str
    markets: list[str]
    asked_labels: list[str]
    total_cost: int | float
    fixes: list[FixPublic]
    labels: list[LabelOptionPublic]
    evidence: list[EvidencePublic]
    """Requirements to claim with evidence of their own: their blocks only intersect them."""
    unreachable: list[str]
    role: str
    duties: list[DutyPublic]
    """The role's duties set off by an event and not met, with their trigger."""


def plan_view(p: Plan) -> PlanPublic:
    return {
        "on": p.assessment.on.isoformat(),
        "markets": list(p.assessment.markets),
        "asked_labels": list(p.asked),
        "total_cost": p.total,
        "fixes": [
            {
                "block": f.block,
                "cost": f.cost,
                "parameters": f.parameters,
                "markets": list(f.markets),
                "helps": list(f.helps),
            }
            for f in p.fixes
        ],
        "labels": [
            {"scheme": o.scheme, "level": o.level, "cost": o.cost, "helps": list(o.helps)}
            for o in p.labels
        ],
        "evidence": [
            {"requirement": e.requirement, "cost": e.cost, "helps": list(e.helps)}
            for e in p.evidence
        ],
        "unreachable": list(p.unreachable),
        "role": p.assessment.role.value,
        "duties": [
            {
                "requirement": d.requirement,
                "trigger": trigger_view(d.trigger),
                "verdict": d.verdict.value,
                "blocks": list(d.blocks),
            }
            for d in p.duties
        ],
    }
