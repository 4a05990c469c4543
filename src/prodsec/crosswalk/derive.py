"""Relations between the requirements of two instruments: direct, or derived through one
building block of the hub.

A mapping reads `requirement REL block` (NIST IR 8477 set-theory relationships). Two
requirements that map to the same block give a derived relation `A REL B`:

- equal with equal is equal; equal keeps the other side's subset or superset;
- subset with subset is subset, superset with superset is superset;
- A superset of a block that is a subset of B: both hold the block, so they intersect;
- A subset of a block that is a superset of B: set theory says nothing, so no relation;
- anything through intersects-with stays intersects-with (a shared concept, not a proof);
- no-relationship derives nothing.

A chain runs through the hub only: requirement -> block -> requirement, or, where one
side's block refines the other's (pre-installed passwords resist guessing refines no
universal default passwords), requirement -> refinement -> its parent -> requirement.
A refinement is a subset of its parent, so the refined side is first carried up one
step (`lift`: equal or subset-of a refinement is subset-of the parent, superset-of a
refinement only intersects the parent, intersects-with stays intersects-with), then
composed as above. Never through a third instrument: IR 8477 warns that such relations
are not transitive. The one step inside an instrument is a safe harbour (SB-327: a
unique password per device is deemed a reasonable security feature): the duty it
shelters relates to whatever its harbour provisions relate to, as intersects-with only
(one way of meeting the duty, not the duty), with the harbour edge on the path.

A direct requirement-to-requirement mapping (an official one such as UK PSTI Schedule 2)
wins over any derived relation and says so. A derived relation carries its path and the
weakest confidence on it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from prodsec.catalog import Catalog
from prodsec.catalog.model import Instrument, Mapping
from prodsec.catalog.recognition import RecognitionKind, refers_to
from prodsec.catalog.vocab import Confidence, Relationship

R = Relationship
INVERSE = {
    R.EQUAL: R.EQUAL,
    R.SUBSET_OF: R.SUPERSET_OF,
    R.SUPERSET_OF: R.SUBSET_OF,
    R.INTERSECTS_WITH: R.INTERSECTS_WITH,
    R.NO_RELATIONSHIP: R.NO_RELATIONSHIP,
}
STRENGTH = {R.EQUAL: 3, R.SUBSET_OF: 2, R.SUPERSET_OF: 2, R.INTERSECTS_WITH: 1}
_COMPOSE = {
    (R.EQUAL, R.EQUAL): R.EQUAL,
    (R.EQUAL, R.SUBSET_OF): R.SUBSET_OF,
    (R.EQUAL, R.SUPERSET_OF): R.SUPERSET_OF,
    (R.SUBSET_OF, R.EQUAL): R.SUBSET_OF,
    (R.SUBSET_OF, R.SUBSET_OF): R.SUBSET_OF,
    (R.SUPERSET_OF, R.EQUAL): R.SUPERSET_OF,
    (R.SUPERSET_OF, R.SUPERSET_OF): R.SUPERSET_OF,
    (R.SUPERSET_OF, R.SUBSET_OF): R.INTERSECTS_WITH,
}
WEAKNESS = {Confidence.VERIFIED: 0, Confidence.SECONDARY: 1, Confidence.UNVERIFIED: 2}


def compose(a_to_block: Relationship, b_to_block: Relationship) -> Relationship | None:
    """`A rel1 block` and `B rel2 block` give `A ? B`, or None where nothing follows."""
    block_to_b = INVERSE[b_to_block]
    if R.NO_RELATIONSHIP in (a_to_block, block_to_b):
        return None
    if R.INTERSECTS_WITH in (a_to_block, block_to_b):
        return R.INTERSECTS_WITH
    return _COMPOSE.get((a_to_block, block_to_b))


_LIFT = {
    R.EQUAL: R.SUBSET_OF,
    R.SUBSET_OF: R.SUBSET_OF,
    R.SUPERSET_OF: R.INTERSECTS_WITH,
    R.INTERSECTS_WITH: R.INTERSECTS_WITH,
}


def lift(to_refinement: Relationship) -> Relationship | None:
    """`A rel refinement` and `refinement subset-of parent` give `A ? parent`."""
    return _LIFT.get(to_refinement)


def weakest(*levels: Confidence) -> Confidence:
    return max(levels, key=WEAKNESS.__getitem__)


@dataclass(frozen=True, slots=True)
class Relation:
    """`source relationship target`. A derived relation's path runs through one block, or
    through a refinement and its parent; `via` lists every route that gives the same
    relationship (a block, or `refinement -> parent` in the direction of the path)."""

    source: str
    target: str
    relationship: Relationship
    derived: bool
    path: tuple[str, ...]
    confidence: Confidence
    via: tuple[str, ...] = ()
    note: str = ""
    provenance: str = "derived"
    """`derived`, or the direct mapping's provenance (`official-text`, `our-analysis`)."""
    alternative: Relationship | None = None
    """For a direct relation, what the hub alone would have derived."""


@dataclass(frozen=True, slots=True)
class Crosswalk:
    source: Instrument
    target: Instrument
    relations: tuple[Relation, ...]
    uncovered: tuple[str, ...]
    """Target requirement ids that nothing in the source relates to."""

    def of(self, rid: str) -> list[Relation]:
        return [r for r in self.relations if r.source == rid]


def _direct(catalog: Catalog, a: Instrument, b: Instrument) -> dict[tuple[str, str], Relation]:
    found: dict[tuple[str, str], Relation] = {}
    for inst, other, flip in ((a, b, False), (b, a, True)):
        for req in inst.requirements:
            rid = inst.requirement_id(req.ref)
            for m in catalog.mappings_of(rid):
                if m.requirement is None or catalog.owner_key(m.requirement) != other.key:
                    continue
                rel = INVERSE[m.relationship] if flip else m.relationship
                pair = (m.requirement, rid) if flip else (rid, m.requirement)
                if rel is R.NO_RELATIONSHIP or pair in found:
                    continue
                source, target = pair
                found[pair] = Relation(
                    source,
                    target,
                    rel,
                    derived=False,
                    path=pair,
                    confidence=m.confidence,
                    note=m.note,
                    provenance=m.provenance.value,
                )
    return found


def _blocks(catalog: Catalog, inst: Instrument) -> dict[str, list[tuple[str, Mapping]]]:
    """Requirement id -> (block, mapping) for every block mapping of the instrument."""
    found: dict[str, list[tuple[str, Mapping]]] = {}
    for req in inst.requirements:
        rid = inst.requirement_id(req.ref)
        found[rid] = [(m.block, m) for m in catalog.mappings_of(rid) if m.block is not None]
    return found


def crosswalk(catalog: Catalog, a: Instrument, b: Instrument) -> Crosswalk:
    """Every relation from a requirement of `a` to one of `b`, and what of `b` is left."""
    direct = _direct(catalog, a, b)
    by_block: dict[str, list[tuple[str, Mapping]]] = defaultdict(list)
    for rid, pairs in _blocks(catalog, b).items():
        for block, m in pairs:
            by_block[block].append((rid, m))
    relations: list[Relation] = []
    covered: set[str] = set()
    routes = _routes(catalog)
    for rid, pairs in _blocks(catalog, a).items():
        candidates: dict[str, list[Candidate]] = defaultdict(list)
        for block, m in pairs:
            for route, hops in routes[block]:
                for other, n in by_block.get(route[-1], ()):
                    rel = _through(m.relationship, n.relationship, hops)
                    if rel is not None:
                        conf = weakest(m.confidence, n.confidence)
                        candidates[other].append((rel, conf, route))
        targets = {t for s, t in direct if s == rid} | set(candidates)
        for other in sorted(targets, key=_order(b)):
            found = direct.get((rid, other))
            if found is None:
                found = _best(rid, other, candidates[other])
            elif candidates[other]:
                derived = _best(rid, other, candidates[other]).relationship
                found = dataclasses.replace(found, alternative=derived)
            relations.append(found)
            covered.add(other)
    relations += _sheltered(catalog, a, b, relations)
    relations.sort(key=lambda r: _order(a)(r.source))  # stable: b's order within a source
    covered |= {r.target for r in relations}
    uncovered = tuple(
        b.requirement_id(r.ref) for r in b.requirements if b.requirement_id(r.ref) not in covered
    )
    return Crosswalk(a, b, tuple(relations), uncovered)


def harbours(catalog: Catalog, inst: Instrument) -> dict[str, list[tuple[str, str]]]:
    """Requirement id -> (safe-harbour edge id, harbour provision id) for each duty of the
    edition that one of its own safe harbours shelters."""
    found: dict[str, list[tuple[str, str]]] = {}
    for edge in catalog.recognitions:
        if edge.kind is RecognitionKind.SAFE_HARBOUR and refers_to(edge.target, inst):
            for ref in edge.grants:
                found.setdefault(str(inst.requirement_id(ref)), []).extend(
                    (edge.id, str(inst.requirement_id(o))) for o in edge.origin_refs
                )
    return found


def _sheltered(
    catalog: Catalog, a: Instrument, b: Instrument, relations: list[Relation]
) -> list[Relation]:
    """The relations a sheltered duty gets through its harbour provisions, on either side,
    where the pair has no relation of its own: intersects-with, the edge on the path."""
    known = {(r.source, r.target) for r in relations}
    added: list[Relation] = []
    for side, flip in ((harbours(catalog, a), False), (harbours(catalog, b), True)):
        for duty, ways in side.items():
            for edge, provision in ways:
                for r in relations:
                    if (r.target if flip else r.source) != provision:
                        continue
                    if flip:
                        pair, path = (r.source, duty), (*r.path, edge, duty)
                    else:
                        pair, path = (duty, r.target), (duty, edge, *r.path)
                    if pair in known:
                        continue
                    known.add(pair)
                    note = f"through the safe harbour {edge}"
                    added.append(
                        Relation(*pair, R.INTERSECTS_WITH, True, path, r.confidence, r.via, note)
                    )
    return added


Candidate = tuple[Relationship, Confidence, tuple[str, ...]]
"""A derived relationship, its confidence and the blocks it runs through."""


Route = tuple[tuple[str, ...], int]


def _routes(catalog: Catalog) -> dict[str, list[Route]]:
    """Block -> the blocks a requirement mapped to it reaches: the block itself, its
    parent (+1: the source side is the refinement) and its refinements (-1)."""
    found: dict[str, list[Route]] = {b: [((b,), 0)] for b in catalog.blocks}
    for b in catalog.blocks.values():
        if b.refines is not None:
            found[b.id].append(((b.id, b.refines), 1))
            found[b.refines].append(((b.refines, b.id), -1))
    return found


def _through(a_rel: Relationship, b_rel: Relationship, hops: int) -> Relationship | None:
    """Compose `A a_rel X` and `B b_rel Y` where Y is X (0), X's parent (1) or one of its
    refinements (-1): the refined side is lifted to the parent first."""
    if hops == 0:
        return compose(a_rel, b_rel)
    if hops == 1:
        up = lift(a_rel)
        return None if up is None else compose(up, b_rel)
    up = lift(b_rel)
    return None if up is None else compose(a_rel, up)


def _refinement_note(route: tuple[str, ...]) -> str:
    return f"through a refinement in the hub ({' -> '.join(route)})"


def _order(inst: Instrument) -> Callable[[str], int]:
    position: dict[str, int] = {
        inst.requirement_id(r.ref): i for i, r in enumerate(inst.requirements)
    }
    return lambda rid: position.get(rid, len(position))


def _best(source: str, target: str, found: list[Candidate]) -> Relation:
    """The strongest relationship the blocks give, through one block before a refinement;
    subset and superset paths that disagree leave only intersects-with."""
    kinds = {rel for rel, _, _ in found}
    note = ""
    if {R.SUBSET_OF, R.SUPERSET_OF} <= kinds and R.EQUAL not in kinds:
        chosen, note = R.INTERSECTS_WITH, "paths disagree (subset and superset)"
    else:
        chosen = max(kinds, key=STRENGTH.__getitem__)
    paths = sorted(
        ((conf, route) for rel, conf, route in found if rel is chosen or note),
        key=lambda p: (len(p[1]), WEAKNESS[p[0]], p[1]),
    )
    conf, route = paths[0]
    via = tuple(dict.fromkeys(" -> ".join(r) for _, r in paths))
    if len(route) > 1 and not note:
        note = _refinement_note(route)
    return Relation(source, target, chosen, True, (source, *route, target), conf, via, note)
