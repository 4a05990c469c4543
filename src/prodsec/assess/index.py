"""What every assessment against one catalog reuses, built once per catalog.

Products of a fleet share categories, features, markets and days, so the applicability of
each combination, each requirement's block mappings and the recognition edges into each
instrument are worked out once and shared by every `Judge` on that catalog.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from prodsec.assess.applicability import Answer, Finding, Obligation, State, applies
from prodsec.assess.reach import edition_on
from prodsec.assess.verdicts import Excepted, Found
from prodsec.catalog import Catalog
from prodsec.catalog.memo import per_catalog
from prodsec.catalog.model import Instrument, Mapping, Requirement
from prodsec.catalog.recognition import Recognition, refers_to
from prodsec.catalog.vocab import Actor, InstrumentType, Relationship, Scalar

if TYPE_CHECKING:
    from prodsec.assess.compiled import LevelProgram, Program, SchemeProgram

# Binding, Row and Slot are not frozen: an index builds one per mapping or requirement
# when it meets an instrument (frozen dataclasses are several times slower to build, and
# the first assessment after loading the catalog waits for them). None changes once made.


@dataclass(slots=True)
class Binding:
    """A building block a requirement maps onto, with the parameter values the mapping binds."""

    block: str
    bindings: dict[str, Scalar]


Blocks = tuple[Binding, ...]
"""A requirement's building blocks: requirements with the same ones share one tuple."""


@dataclass(slots=True)
class Row:
    """A requirement's blocks and the recognition edges that may grant it (whatever their
    dates)."""

    blocks: Blocks
    edges: tuple[Recognition, ...]
    short: str | None = None
    """Why the blocks cannot make the requirement met (they only intersect it), or None."""


@dataclass(frozen=True, slots=True)
class Group:
    """A binding or upcoming instrument edition, with the markets it binds in."""

    finding: Finding
    markets: tuple[str, ...]


@dataclass(slots=True)
class Slot:
    """A requirement of a finding: its obligation with its dates, or None where the
    product's features rule it out."""

    ref: str
    requirement: Requirement
    obligation: Obligation | None


@dataclass(frozen=True, slots=True)
class Borne:
    """A finding's requirements split by who bears them: the slots a role bears (in the
    instrument's order) and the obligations only other actors bear."""

    slots: tuple[Slot, ...]
    others: tuple[Requirement, ...]


@dataclass(frozen=True, slots=True)
class CategoryFacts:
    """A category's lineage (itself and every ancestor) and the features it implies."""

    lineage: frozenset[str]
    implied: frozenset[str]


def short_of(given: Iterable[Mapping]) -> str | None:
    """Why a requirement's blocks cannot make it met, when every block mapping only
    intersects it and the data names no joint set that covers it (with the mappings'
    notes); None when the blocks can decide it."""
    mappings = [
        m
        for m in given
        if m.block is not None and m.relationship is not Relationship.NO_RELATIONSHIP
    ]
    if not mappings or any(
        m.relationship is not Relationship.INTERSECTS_WITH or m.joint for m in mappings
    ):
        return None
    notes = "; ".join(f"{m.block}: {m.note.rstrip('.')}" for m in mappings if m.note)
    return (
        "its blocks only intersect it and leave out what it asks beyond them"
        + (f" ({notes})" if notes else "")
        + "; a claim of the requirement with evidence closes it"
    )


class Index:
    """What every assessment against one catalog reuses: each requirement's block
    mappings, the recognition edges into each instrument, and the applicability of a
    (category, features, markets, day) combination, which products of a fleet share."""

    LIMIT = 4096
    KEPT = 65536
    """Results kept per product state, over every compiled table (`assess.compiled`),
    before all of them start again: memory stays bounded however many products pass."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = weakref.ref(catalog)  # weakly: the index must not keep it alive
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
        self._categories: dict[str, CategoryFacts] = {}
        self.scheme_lists: dict[tuple[object, ...], list[Instrument]] = {}
        self.covered: dict[tuple[object, ...], bool] = {}
        """Whether a scheme's scope covers a (lineage, features) product."""
        self._groups: dict[int, tuple[Answer, list[Group]]] = {}
        self._excepted: dict[int, tuple[Answer, tuple[Excepted, ...]]] = {}
        self._laws: dict[tuple[str, ...], frozenset[str]] = {}
        self._rows: dict[int, dict[str, Row]] = {}
        self.row_of: dict[int, Row] = {}
        """Each requirement's row by the requirement's id (the catalog holds each edition's
        requirements once), filled as `rows` builds an edition's."""
        self._layouts: dict[int, tuple[Finding, list[Slot]]] = {}
        self._borne: dict[tuple[int, Actor], tuple[Finding, Borne]] = {}
        self._editions: dict[tuple[str, dt.date], Instrument] = {}
        self._named: dict[str, Instrument] = {}
        self._levels: dict[tuple[str, str], tuple[Requirement, ...]] = {}
        self._mandatory: dict[int, tuple[Requirement, ...]] = {}
        self._schemes: dict[tuple[str, ...], frozenset[str]] = {}
        self.bit: dict[str, int] = {block: 1 << n for n, block in enumerate(catalog.blocks)}
        self.bound = frozenset(
            m.block
            for mset in catalog.mapping_sets.values()
            for m in mset.mappings
            if m.block is not None and m.bindings
        )
        """The blocks some mapping binds a parameter of."""
        """Each building block's bit in a product's claim masks (`assess.compiled`)."""
        self.programs: dict[tuple[int, Actor, dt.date], tuple[Finding, Program]] = {}
        self.level_programs: dict[tuple[str, str, Actor, dt.date], LevelProgram] = {}
        self.scheme_programs: dict[tuple[str, Actor, dt.date], SchemeProgram] = {}
        self.kept = 0

    @property
    def catalog(self) -> Catalog:
        found = self._catalog()
        assert found is not None, "the index outlived its catalog"
        return found

    def groups(self, answer: Answer) -> list[Group]:
        """Each binding or upcoming instrument edition once, with the markets it binds in."""
        found = self._groups.get(id(answer))
        if found is None or found[0] is not answer:
            places: dict[str, list[str]] = {}
            findings: dict[str, Finding] = {}
            for m in answer.markets:
                for f in m.of(State.BINDS, State.UPCOMING):
                    places.setdefault(f.instrument.key, []).append(m.market.id)
                    findings.setdefault(f.instrument.key, f)
            rows = [Group(findings[k], tuple(v)) for k, v in places.items()]
            found = self._groups[id(answer)] = (answer, rows)
        return found[1]

    def excepted(self, answer: Answer) -> tuple[Excepted, ...]:
        """Each instrument edition that excepts the product (PSTI: a laptop), once, with
        the markets where it does, the exception and its source."""
        found = self._excepted.get(id(answer))
        if found is None or found[0] is not answer:
            places: dict[str, list[str]] = {}
            findings: dict[str, Finding] = {}
            for m in answer.markets:
                for f in m.of(State.EXCLUDED):
                    places.setdefault(f.instrument.key, []).append(m.market.id)
                    findings.setdefault(f.instrument.key, f)
            rows = tuple(
                Excepted(
                    f.instrument,
                    tuple(places[key]),
                    f.reason.rstrip("."),
                    "" if f.exclusion is None else f.exclusion.source,
                )
                for key, f in findings.items()
            )
            found = self._excepted[id(answer)] = (answer, rows)
        return found[1]

    def laws(self, markets: tuple[str, ...]) -> frozenset[str]:
        found = self._laws.get(markets)
        if found is None:
            found = self._laws[markets] = frozenset(
                j for m in markets for j in self.catalog.market(m).jurisdictions
            )
        return found

    def category(self, ident: str) -> CategoryFacts:
        """A category's lineage and the features it implies."""
        found = self._categories.get(ident)
        if found is None:
            found = self._categories[ident] = CategoryFacts(
                frozenset(self.catalog.lineage(ident)),
                self.catalog.implied_features(ident),
            )
        return found

    def rows(self, inst: Instrument) -> dict[str, Row]:
        """Each requirement's block mappings and the edges that may grant it (in the
        catalog's order, whatever their dates), by ref, for one instrument edition."""
        found = self._rows.get(id(inst))
        if found is None:
            catalog = self.catalog
            edges = self.edges[inst.key]
            found = self._rows[id(inst)] = {}
            for r in inst.requirements:
                mappings = catalog.mappings_of(inst.requirement_id(r.ref))
                row = found[r.ref] = Row(
                    self._blocks(mappings),
                    tuple(e for e in edges if r.ref in e.grants),
                    short_of(mappings),
                )
                self.row_of[id(r)] = row
        return found

    def _blocks(self, mappings: Iterable[Mapping]) -> Blocks:
        kept = [
            (m.block, m.bindings)
            for m in mappings
            if m.block is not None and m.relationship is not Relationship.NO_RELATIONSHIP
        ]
        key = tuple((block, tuple(sorted(bindings.items()))) for block, bindings in kept)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = tuple(Binding(b, bindings) for b, bindings in kept)
            if not any(bindings for _, bindings in kept):
                self.plain.add(id(found))
        return found

    def layout(self, finding: Finding) -> list[Slot]:
        """A finding's requirements in the instrument's order: each obligation with its
        dates, or None where the product's features rule it out."""
        key = id(finding)
        found = self._layouts.get(key)
        if found is None or found[0] is not finding:
            obligations = {ob.ref: ob for ob in finding.obligations}
            skipped = set(finding.not_applicable)
            rows = [
                Slot(r.ref, r, obligations.get(r.ref))
                for r in finding.instrument.requirements
                if r.ref in obligations or r.ref in skipped
            ]
            found = self._layouts[key] = (finding, rows)
        return found[1]

    def borne(self, finding: Finding, role: Actor) -> Borne:
        """A finding's requirements that `role` bears, and the obligations it leaves to
        other actors (worked out once per finding and role)."""
        key = (id(finding), role)
        found = self._borne.get(key)
        if found is None or found[0] is not finding:
            mine: list[Slot] = []
            others: list[Requirement] = []
            for slot in self.layout(finding):
                if role in slot.requirement.actors:
                    mine.append(slot)
                elif slot.obligation is not None:
                    others.append(slot.requirement)
            found = self._borne[key] = (finding, Borne(tuple(mine), tuple(others)))
        return found[1]

    def edition(self, ident: str, on: dt.date) -> Instrument:
        key = (ident, on)
        found = self._editions.get(key)
        if found is None:
            found = self._editions[key] = edition_on(self.catalog, ident, on)
        return found

    def origin(self, edge: Recognition, on: dt.date) -> Instrument:
        """The edition an edge starts from on a day: the one it names, else the one in force."""
        if "@" not in edge.origin:
            return self.edition(edge.origin, on)
        found = self._named.get(edge.origin)
        if found is None:
            found = self._named[edge.origin] = self.catalog.instrument(edge.origin)
        return found

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

    def keep(self) -> None:
        """Count one more result kept per product state; past `KEPT`, drop every compiled
        table (a judge that holds one goes on with it)."""
        self.kept += 1
        if self.kept > self.KEPT:
            self.kept = 0
            self.programs.clear()
            self.level_programs.clear()
            self.scheme_programs.clear()

    def answer(
        self, category: str, markets: tuple[str, ...], on: dt.date, features: frozenset[str]
    ) -> Answer:
        key = (category, markets, on, features)
        found = self._answers.get(key)
        if found is None:
            if len(self._answers) >= self.LIMIT:
                self._answers.clear()
                self._layouts.clear()
                self._borne.clear()
                self.programs.clear()
                self._groups.clear()
                self._excepted.clear()
            found = applies(self.catalog, category, markets, on, features)
            self._answers[key] = found
        return found


index_of = per_catalog(Index)
"""The index of a catalog, built once per catalog object."""
