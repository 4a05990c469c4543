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

No chain is longer than requirement -> block -> requirement: IR 8477 warns that such
relations are not transitive. The one exception is a safe harbour inside an instrument
(SB-327: a unique password per device is deemed a reasonable security feature): the duty
it shelters relates to whatever its harbour provisions relate to, as intersects-with only
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


def weakest(*levels: Confidence) -> Confidence:
    return max(levels, key=WEAKNESS.__getitem__)


@dataclass(frozen=True, slots=True)
class Relation:
    """`source relationship target`. A derived relation's path runs through one block;
    `via` lists every block that gives the same relationship."""

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
    for rid, pairs in _blocks(catalog, a).items():
        candidates: dict[str, list[tuple[Relationship, Confidence, str]]] = defaultdict(list)
        for block, m in pairs:
            for other, n in by_block.get(block, ()):
                rel = compose(m.relationship, n.relationship)
                if rel is not None:
                    conf = weakest(m.confidence, n.confidence)
                    candidates[other].append((rel, conf, block))
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


def _order(inst: Instrument) -> Callable[[str], int]:
    position: dict[str, int] = {
        inst.requirement_id(r.ref): i for i, r in enumerate(inst.requirements)
    }
    return lambda rid: position.get(rid, len(position))


def _best(source: str, target: str, found: list[tuple[Relationship, Confidence, str]]) -> Relation:
    """The strongest relationship the blocks give; subset and superset paths that disagree
    leave only intersects-with."""
    kinds = {rel for rel, _, _ in found}
    note = ""
    if {R.SUBSET_OF, R.SUPERSET_OF} <= kinds and R.EQUAL not in kinds:
        chosen, note = R.INTERSECTS_WITH, "paths disagree (subset and superset)"
    else:
        chosen = max(kinds, key=STRENGTH.__getitem__)
    paths = sorted(
        ((conf, block) for rel, conf, block in found if rel is chosen or note),
        key=lambda p: (WEAKNESS[p[0]], p[1]),
    )
    conf, block = paths[0]
    via = tuple(dict.fromkeys(b for _, b in paths))
    return Relation(source, target, chosen, True, (source, block, target), conf, via, note)
