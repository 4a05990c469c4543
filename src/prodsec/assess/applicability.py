"""Which instruments bind a product in its markets on a date, which are on offer, and why.

The answer is read off the catalog alone: a product is its category (with the category's
ancestors and implied features) plus the features its maker names. For each market, every
instrument of the market's jurisdictions (and every international one) is placed in one
of five states, with the reason that put it there. Principles (OECD recommendations, UN
norms, ministerial statements) speak to governments, not to products, and are left out:

- `binds`: mandatory, in scope, not excluded, and applying on the date;
- `upcoming`: in scope, but its obligations start (or, if voluntary, it is on offer) later;
- `voluntary`: a standard, code or scheme on offer to the product;
- `excluded`: the scope names the category and an exclusion rules it out;
- `out-of-scope`: the category or the product's features fall outside the scope;
- `repealed`: it stopped applying before the date.

Editions count from their start (the first date the instrument applies, else its entry
into force or publication) until a later edition that names them as `previous_edition`
starts. Within an edition, `applies` dates with `refs` set when those requirements (or
the requirements under those sections) start; an `applies` date without refs covers the
rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from prodsec.catalog.catalog import Catalog
from prodsec.catalog.editions import current_editions, ended, lineage_start, start
from prodsec.catalog.memo import per_catalog
from prodsec.catalog.model import (
    ConformityRoute,
    Exclusion,
    Instrument,
    Market,
    ProductClass,
    Requirement,
)
from prodsec.catalog.recognition import Recognition, refers_to
from prodsec.catalog.vocab import Actor, Bindingness, Confidence, DateKind, Layer
from prodsec.catalog.when import holds, literals


class State(StrEnum):
    BINDS = "binds"
    UPCOMING = "upcoming"
    VOLUNTARY = "voluntary"
    EXCLUDED = "excluded"
    OUT_OF_SCOPE = "out-of-scope"
    REPEALED = "repealed"


@dataclass(frozen=True, slots=True)
class Obligation:
    """A requirement that applies to the product, and from when."""

    ref: str
    title: str
    applies_from: dt.date
    in_effect: bool
    confidence: Confidence | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One instrument edition's standing for the product in one market."""

    instrument: Instrument
    state: State
    reason: str
    starts: dt.date | None
    ends: dt.date | None = None
    obligations: tuple[Obligation, ...] = ()
    not_applicable: tuple[str, ...] = ()
    product_class: ProductClass | None = None
    routes: tuple[ConformityRoute, ...] = ()
    exclusion: Exclusion | None = None
    recognitions: tuple[Recognition, ...] = ()
    grants: tuple[Recognition, ...] = ()
    borne_by: tuple[Actor, ...] = ()
    """Who bears the obligations that apply to the product (none: see `actors`)."""

    @property
    def actors(self) -> tuple[Actor, ...]:
        """Who bears the finding's duties: the actors of the obligations that apply to the
        product, else (nothing applies) the instrument's."""
        return self.borne_by or self.instrument.actors

    def binds_role(self, role: Actor) -> bool:
        """Whether `role` bears any of the finding's duties."""
        return role in self.actors


@dataclass(frozen=True, slots=True)
class MarketAnswer:
    market: Market
    findings: tuple[Finding, ...]

    def of(self, *states: State) -> list[Finding]:
        return [f for f in self.findings if f.state in states]


@dataclass(frozen=True, slots=True)
class Answer:
    category: str
    on: dt.date
    features: frozenset[str]
    implied: frozenset[str]
    markets: tuple[MarketAnswer, ...]


class ProductFacts:
    """A category with its ancestors and every feature the product has."""

    __slots__ = ("category", "features", "lineage")

    def __init__(self, catalog: Catalog, category: str, features: Iterable[str]) -> None:
        self.category = catalog.category(category).id
        self.lineage = catalog.lineage(category)
        self.features = frozenset(features) | catalog.implied_features(category)

    def is_a(self, categories: Iterable[str]) -> bool:
        return any(c in self.lineage for c in categories)


def applies(
    catalog: Catalog,
    category: str,
    markets: Sequence[str],
    on: dt.date,
    features: Iterable[str] = (),
) -> Answer:
    """The instruments for a product of `category` with `features` in `markets` on `on`.

    Raises NotFoundError for an unknown category, market or feature.
    """
    given = frozenset(features)
    for feature in sorted(given):
        catalog.feature(feature)
    product = ProductFacts(catalog, category, given)
    answers = tuple(
        MarketAnswer(market, tuple(_market(catalog, product, market, on)))
        for market in (catalog.market(m) for m in markets)
    )
    return Answer(product.category, on, given, product.features - given, answers)


class Known:
    """What findings reuse across products, once per catalog: each market's instruments,
    each instrument's editions in force on a day, the features each edition's `when`
    lists name (with those of the origins of the edges into it), and the findings
    themselves, keyed by what they depend on: the edition, the category, the features it
    names, the market where an exclusion names markets, the day. A product with a new
    combination of markets and features meets findings other products met before."""

    LIMIT = 4096

    def __init__(self) -> None:
        self.instruments: dict[str, tuple[str, ...]] = {}
        self.editions: dict[tuple[str, dt.date], tuple[Instrument, ...]] = {}
        self.named: dict[str, frozenset[str]] = {}
        self.findings: dict[tuple[object, ...], Finding] = {}
        self.plans: dict[tuple[str, dt.date], tuple[Planned, ...]] = {}
        """Per market and day: each edition in force, its market key, the features it names."""
        self.duties: dict[tuple[str, dt.date], tuple[Duty, ...]] = {}
        """Per edition and day: its mandatory-type requirements as obligations, with the
        `when` lists they need."""
        self.edges: dict[str, tuple[Recognition, ...]] = {}
        """Per edition: the recognition edges into or out of it, in the catalog's order."""


class Planned(NamedTuple):
    edition: Instrument
    key: str
    where: bool
    """Whether an exclusion names markets (then the finding depends on the market)."""
    named: frozenset[str]


class Duty(NamedTuple):
    obligation: Obligation
    needs: tuple[tuple[str, ...], ...]
    actors: tuple[Actor, ...]


@per_catalog
def known_of(catalog: Catalog) -> Known:
    return Known()


def named_features(catalog: Catalog, inst: Instrument) -> frozenset[str]:
    """The features that can change an edition's findings, or the verdicts on its
    requirements (see `_named`)."""
    return _named(catalog, inst, known_of(catalog))


def _named(catalog: Catalog, inst: Instrument, known: Known) -> frozenset[str]:
    """The features an edition's findings can turn on: named by its scope, exclusions,
    conditions, features and product classes, and by those of the origins of the edges
    into it (the judge asks whether an origin's provisions apply)."""
    found = known.named.get(inst.key)
    if found is None:
        editions = [inst]
        for edge in catalog.recognitions:
            if refers_to(edge.target, inst):
                editions += catalog.editions(edge.origin.partition("@")[0])
        names: set[str] = set()
        for each in editions:
            scope = each.scope
            whens = [scope.when, *(e.when for e in scope.exclusions)]
            whens += (t.when for t in (*each.conditions, *each.features))
            whens += (c.when for c in each.classes)
            names.update(lit.lstrip("!") for when in whens for lit in literals(when))
        found = known.named[inst.key] = frozenset(names)
    return found


def _market(
    catalog: Catalog, product: ProductFacts, market: Market, on: dt.date
) -> Iterable[Finding]:
    known = known_of(catalog)
    if len(known.findings) >= known.LIMIT:  # the per-day tables start again with them
        known.findings.clear()
        known.plans.clear()
        known.duties.clear()
    plan = known.plans.get((market.id, on))
    if plan is None:
        plan = known.plans[market.id, on] = _plan(catalog, market, on, known)
    category, features, findings = product.category, product.features, known.findings
    for edition, key, where, named in plan:
        found = findings.get((key, category, features & named, where and market.id, on))
        if found is None:
            found = _finding(catalog, edition, product, market, on)
            findings[key, category, features & named, where and market.id, on] = found
        yield found


def _plan(catalog: Catalog, market: Market, on: dt.date, known: Known) -> tuple[Planned, ...]:
    """The editions in force in a market on a day, in the order findings list them."""
    ids = known.instruments.get(market.id)
    if ids is None:
        laws = {*market.jurisdictions, "INT"}
        ids = known.instruments[market.id] = tuple(
            sorted(
                {
                    i.id
                    for i in catalog.instruments.values()
                    if laws & set(i.jurisdictions) and i.layer is not Layer.PRINCIPLE
                }
            )
        )
    plan: list[Planned] = []
    for ident in ids:
        editions = known.editions.get((ident, on))
        if editions is None:
            editions = known.editions[ident, on] = tuple(
                current_editions(catalog.editions(ident), on)
            )
        for edition in editions:
            where = any(e.markets for e in edition.scope.exclusions)
            plan.append(Planned(edition, edition.key, where, _named(catalog, edition, known)))
    return tuple(plan)


def _finding(
    catalog: Catalog, inst: Instrument, product: ProductFacts, market: Market, on: dt.date
) -> Finding:
    begins, ends = start(inst), ended(inst)
    scope = inst.scope
    if not product.is_a(scope.categories):
        named = ", ".join(scope.categories)
        reason = f"the scope covers {named}; {product.category} is none of them"
        return Finding(inst, State.OUT_OF_SCOPE, reason, begins, ends)
    if not holds(scope.when, product.features):
        reason = f"the scope needs the product to have {' and '.join(scope.when)}"
        return Finding(inst, State.OUT_OF_SCOPE, reason, begins, ends)
    exclusion = next(
        (
            e
            for e in scope.exclusions
            if product.is_a((e.category,))
            and holds(e.when, product.features)
            and (not e.markets or market.id in e.markets)
        ),
        None,
    )
    if exclusion is not None:
        return Finding(inst, State.EXCLUDED, exclusion.note, begins, ends, exclusion=exclusion)
    if ends is not None and ends <= on:
        return Finding(inst, State.REPEALED, f"stopped applying on {ends}", begins, ends)
    obligations, skipped, borne_by = _obligations(catalog, inst, product, on)
    product_class = _product_class(inst, product)
    allowed = product_class.routes if product_class else [r.id for r in inst.conformity_routes]
    routes = tuple(r for r in inst.conformity_routes if r.id in allowed)
    known = known_of(catalog)
    near = known.edges.get(inst.key)
    if near is None:
        near = known.edges[inst.key] = tuple(
            e
            for e in catalog.recognitions
            if refers_to(e.target, inst) or refers_to(e.origin, inst)
        )
    edges = tuple(
        e
        for e in near
        if e.current(on)
        and (not e.categories or product.is_a(e.categories))
        and not product.is_a(e.excluded_categories)
    )
    if inst.bindingness is not Bindingness.MANDATORY and begins > on:
        state, reason = State.UPCOMING, f"{inst.bindingness.value}; on offer from {begins}"
    elif inst.bindingness is not Bindingness.MANDATORY:
        state, reason = State.VOLUNTARY, f"{inst.bindingness.value}; on offer to the product"
    elif begins > on:
        state, reason = State.UPCOMING, f"applies from {begins}"
    else:
        first = lineage_start(catalog, inst)
        state, reason = State.BINDS, f"applies since {first}"
        if first != begins:
            reason += f"; this edition since {begins}"
        if ends is not None:
            reason += f", until {ends}"
    return Finding(
        inst,
        state,
        reason,
        begins,
        ends,
        obligations=obligations,
        not_applicable=skipped,
        product_class=product_class,
        routes=routes,
        recognitions=tuple(e for e in edges if refers_to(e.target, inst)),
        grants=tuple(e for e in edges if refers_to(e.origin, inst)),
        borne_by=borne_by,
    )


def _obligations(
    catalog: Catalog, inst: Instrument, product: ProductFacts, on: dt.date
) -> tuple[tuple[Obligation, ...], tuple[str, ...], tuple[Actor, ...]]:
    """The mandatory-type requirements whose conditions and features the product meets,
    the refs of those it does not, and who bears the ones it does (in `Actor` order)."""
    known = known_of(catalog)
    duties = known.duties.get((inst.key, on))
    if duties is None:
        duties = known.duties[inst.key, on] = _duties(catalog, inst, on)
    found: list[Obligation] = []
    skipped: list[str] = []
    bearers: set[Actor] = set()
    features = product.features
    for obligation, needs, actors in duties:
        if needs and not all(holds(when, features) for when in needs):
            skipped.append(obligation.ref)
            continue
        found.append(obligation)
        bearers.update(actors)
    return tuple(found), tuple(skipped), tuple(a for a in Actor if a in bearers)


def _duties(catalog: Catalog, inst: Instrument, on: dt.date) -> tuple[Duty, ...]:
    terms = {t.id: t.when for t in (*inst.conditions, *inst.features)}
    duties = []
    for req in inst.requirements:
        if req.mandatory_type:
            begins, confidence = first_start(catalog, inst, req)
            obligation = Obligation(req.ref, req.title, begins, begins <= on, confidence)
            needs = tuple(terms[c] for c in (*req.conditions, *req.features))
            duties.append(Duty(obligation, needs, tuple(req.actors)))
    return tuple(duties)


class Start(NamedTuple):
    """The day a requirement first applied, and how sure the catalog is of it."""

    date: dt.date
    confidence: Confidence | None


@per_catalog
def starts_of(catalog: Catalog) -> dict[str, Start]:
    """Each catalog's requirement start dates by requirement ID: they depend on the data
    only, so they fill in as they are asked for and last as long as the catalog."""
    return {}


def first_start(catalog: Catalog, inst: Instrument, req: Requirement) -> Start:
    """When a requirement first applied, following its lineage into earlier editions (a
    PSTI paragraph carried into an amended edition has applied since the first one)."""
    starts = starts_of(catalog)
    rid = inst.requirement_id(req.ref)
    found = starts.get(rid)
    if found is None:
        found = starts[rid] = _first_start(catalog, inst, req)
    return found


def _first_start(catalog: Catalog, inst: Instrument, req: Requirement) -> Start:
    found = _requirement_start(inst, req)
    before = catalog.instruments.get(f"{inst.id}@{inst.previous_edition}")
    if before is None:
        return found
    refs = req.previous if req.previous is not None else (req.ref,)
    earlier = [r for r in before.requirements if r.ref in refs]
    starts = [first_start(catalog, before, r) for r in earlier]
    return min([found, *starts], key=lambda s: s.date)


def _requirement_start(inst: Instrument, req: Requirement) -> Start:
    parents = {s.ref: s.parent for s in inst.sections}
    chain: list[str] = [req.ref]
    at = req.parent
    while at is not None and at not in chain:
        chain.append(at)
        at = parents.get(at)
    dated = [d for d in inst.dates if d.kind is DateKind.APPLIES]
    for event in dated:
        if set(event.refs) & set(chain):
            return Start(event.date, event.confidence)
    general = [d for d in dated if not d.refs]
    if general:
        return Start(general[0].date, general[0].confidence)
    return Start(start(inst), None)


def _product_class(inst: Instrument, product: ProductFacts) -> ProductClass | None:
    matching = [
        c
        for c in inst.classes
        if (not c.categories or product.is_a(c.categories)) and holds(c.when, product.features)
    ]
    return max(matching, key=lambda c: c.rank, default=None)
