"""Checks across files: ids unique, names match, every reference resolves, bindings typed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from prodsec.catalog.catalog import region_of
from prodsec.catalog.model import (
    BuildingBlock,
    Category,
    Instrument,
    MappingSet,
    Market,
    ProductFeature,
    Region,
)
from prodsec.catalog.recognition import Recognition, RecognitionFile, RecognitionKind, refers_to
from prodsec.catalog.vocab import check_value
from prodsec.catalog.when import literals
from prodsec.catalog.yamlsrc import Document
from prodsec.errors import Issue

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    doc: Document
    value: T


def check_vocabularies(
    blocks: Parsed[tuple[BuildingBlock, ...]],
    features: Parsed[tuple[ProductFeature, ...]],
    categories: Parsed[tuple[Category, ...]],
) -> Iterator[Issue]:
    yield from _unique(blocks.doc, "blocks", [b.id for b in blocks.value], "block id")
    parents = {b.id: b.refines for b in blocks.value}
    for i, block in enumerate(blocks.value):
        names = [p.name for p in block.parameters]
        yield from _unique(blocks.doc, ("blocks", i, "parameters"), names, "parameter name")
        if block.refines is None:
            continue
        if block.refines not in parents:
            yield blocks.doc.issue(("blocks", i, "refines"), f"unknown block '{block.refines}'")
        elif parents[block.refines] is not None:
            yield blocks.doc.issue(
                ("blocks", i, "refines"),
                f"'{block.refines}' refines another block itself; refinements are one level deep",
            )
    yield from _unique(features.doc, "features", [f.id for f in features.value], "feature id")
    ids = [c.id for c in categories.value]
    yield from _unique(categories.doc, "categories", ids, "category id")
    known = set(ids)
    feature_ids = {f.id for f in features.value}
    for i, cat in enumerate(categories.value):
        for j, parent in enumerate(cat.parents):
            if parent not in known:
                yield categories.doc.issue(
                    ("categories", i, "parents", j), f"unknown category '{parent}'"
                )
        for j, feature in enumerate(cat.features):
            if feature not in feature_ids:
                yield categories.doc.issue(
                    ("categories", i, "features", j), f"unknown product feature '{feature}'"
                )


def check_markets(markets: Parsed[tuple[Market, ...]]) -> Iterator[Issue]:
    yield from _unique(markets.doc, "markets", [m.id for m in markets.value], "market id")


def check_regions(
    regions: Parsed[tuple[Region, ...]], instruments: list[tuple[Document, Instrument]]
) -> Iterator[Issue]:
    """Region ids and codes appear once; every instrument's jurisdiction has a region."""
    yield from _unique(regions.doc, "regions", [r.id for r in regions.value], "region id")
    seen: dict[str, str] = {}
    for i, region in enumerate(regions.value):
        for j, code in enumerate(region.jurisdictions):
            if code in seen:
                where = ("regions", i, "jurisdictions", j)
                yield regions.doc.issue(where, f"'{code}' is already in region '{seen[code]}'")
            seen.setdefault(code, region.id)
    for doc, inst in instruments:
        for i, code in enumerate(inst.jurisdictions):
            if region_of(regions.value, code) is None:
                yield doc.issue(("jurisdictions", i), f"jurisdiction '{code}' is in no region")


def _unknown_features(
    doc: Document, at: tuple[str | int, ...], when: tuple[str, ...], features: set[str]
) -> Iterator[Issue]:
    for lit in literals(when):
        if lit.lstrip("!") not in features:
            yield doc.issue(at, f"unknown product feature '{lit.lstrip('!')}'")


def _unique(
    doc: Document, where: str | tuple[str | int, ...], ids: list[str], what: str
) -> Iterator[Issue]:
    base = (where,) if isinstance(where, str) else where
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            yield doc.issue((*base, i), f"duplicate {what} '{ident}'")
        seen.add(ident)


def check_instrument(
    item: Parsed[Instrument],
    expected: tuple[str, str],
    editions: dict[str, Instrument],
    features: set[str],
    categories: set[str],
    broken: set[str],
) -> Iterator[Issue]:
    """Checks within one instrument edition, and against its previous edition.

    `broken` names the editions whose own file failed; checks against them are skipped so
    that one bad file does not bury its real errors under consequences.
    """
    doc, inst = item.doc, item.value
    if (inst.id, inst.edition) != expected:
        yield doc.issue(
            ("id",),
            f"file is named for {expected[0]}@{expected[1]} but holds {inst.id}@{inst.edition}",
        )
    yield from _unique(doc, "sections", [s.ref for s in inst.sections], "section ref")
    yield from _unique(doc, "requirements", [r.ref for r in inst.requirements], "requirement ref")
    section_refs = {s.ref for s in inst.sections}
    refs = {r.ref for r in inst.requirements}
    for i, sec in enumerate(inst.sections):
        if sec.ref in refs:
            yield doc.issue(("sections", i, "ref"), f"'{sec.ref}' is also a requirement ref")
        if sec.parent is not None and sec.parent not in section_refs:
            yield doc.issue(("sections", i, "parent"), f"unknown parent '{sec.parent}'")
    for kind, terms in (("conditions", inst.conditions), ("features", inst.features)):
        for i, term in enumerate(terms):
            yield from _unknown_features(doc, (kind, i, "when"), term.when, features)
    yield from _check_scope(item, features, categories)
    yield from _check_levels(item)
    yield from _check_actors(item)
    for j, event in enumerate(inst.dates):
        for k, ref in enumerate(event.refs):
            if ref not in refs and ref not in section_refs:
                yield doc.issue(("dates", j, "refs", k), f"unknown ref '{ref}'")
    previous = None
    if inst.previous_edition is not None:
        previous = editions.get(f"{inst.id}@{inst.previous_edition}")
        if f"{inst.id}@{inst.previous_edition}" in broken:
            return
        if previous is None:
            yield doc.issue(
                ("previous_edition",), f"no edition '{inst.previous_edition}' of {inst.id}"
            )
    yield from _check_requirements(item, refs | section_refs, previous)


def _check_levels(item: Parsed[Instrument]) -> Iterator[Issue]:
    doc, inst = item.doc, item.value
    yield from _unique(doc, "levels", [lv.id for lv in inst.levels], "level id")
    yield from _unique(doc, "levels", [str(lv.rank) for lv in inst.levels], "level rank")
    routes = {r.id for r in inst.conformity_routes}
    for j, level in enumerate(inst.levels):
        for k, route in enumerate(level.routes):
            if route not in routes:
                yield doc.issue(("levels", j, "routes", k), f"'{route}' is not a conformity route")


def _check_scope(
    item: Parsed[Instrument], features: set[str], categories: set[str]
) -> Iterator[Issue]:
    doc, inst = item.doc, item.value
    yield from _unknown_features(doc, ("scope", "when"), inst.scope.when, features)
    for j, cat in enumerate(inst.scope.categories):
        if cat not in categories:
            yield doc.issue(("scope", "categories", j), f"unknown category '{cat}'")
    for j, excl in enumerate(inst.scope.exclusions):
        at = ("scope", "exclusions", j)
        if excl.category not in categories:
            yield doc.issue((*at, "category"), f"unknown category '{excl.category}'")
        yield from _unknown_features(doc, (*at, "when"), excl.when, features)
    routes = {r.id for r in inst.conformity_routes}
    yield from _unique(doc, "classes", [c.id for c in inst.classes], "class id")
    for j, cls in enumerate(inst.classes):
        yield from _unknown_features(doc, ("classes", j, "when"), cls.when, features)
        for k, cat in enumerate(cls.categories):
            if cat not in categories:
                yield doc.issue(("classes", j, "categories", k), f"unknown category '{cat}'")
        for k, route in enumerate(cls.routes):
            if route not in routes:
                yield doc.issue(("classes", j, "routes", k), f"'{route}' is not a conformity route")


def check_recognitions(
    item: Parsed[RecognitionFile],
    instruments: dict[str, Instrument],
    categories: set[str],
    broken: set[str],
) -> Iterator[Issue]:
    doc, edges = item.doc, item.value.edges
    arrangements = [a.id for a in item.value.arrangements]
    yield from _unique(doc, "arrangements", arrangements, "arrangement id")
    yield from _unique(doc, "edges", [e.id for e in edges], "edge id")
    broken_ids = {key.partition("@")[0] for key in broken}
    for i, edge in enumerate(edges):
        at = ("edges", i)
        if edge.valid_until is not None and edge.valid_until <= edge.valid_from:
            yield doc.issue((*at, "valid_until"), "must be later than valid_from")
        if edge.arrangement is not None and edge.arrangement not in arrangements:
            yield doc.issue((*at, "arrangement"), f"unknown arrangement '{edge.arrangement}'")
        for name in ("categories", "excluded_categories"):
            for k, cat in enumerate(getattr(edge, name)):
                if cat not in categories:
                    yield doc.issue((*at, name, k), f"unknown category '{cat}'")
        ends = {}
        for name in ("origin", "target"):
            spec = getattr(edge, name)
            found = [i for i in instruments.values() if refers_to(spec, i)]
            if not found and spec not in broken and spec.partition("@")[0] not in broken_ids:
                yield doc.issue((*at, name), f"no instrument {spec} in the catalog")
            ends[name] = found
        yield from _harbour(doc, at, edge)
        yield from _edge_ends(doc, at, edge, ends["origin"], ends["target"])


def _harbour(doc: Document, at: tuple[str | int, ...], edge: Recognition) -> Iterator[Issue]:
    """A safe harbour joins one instrument edition to itself, from named provisions to
    other named provisions; every other kind joins two instruments."""
    harbour = edge.kind is RecognitionKind.SAFE_HARBOUR
    if not harbour:
        if edge.inside:
            yield doc.issue((*at, "kind"), "an edge inside one instrument must be safe-harbour")
        return
    if edge.origin != edge.target or "@" not in edge.origin:
        yield doc.issue((*at, "target"), "a safe harbour names one edition as origin and target")
    if not edge.origin_refs or not edge.grants:
        yield doc.issue((*at, "grants"), "a safe harbour needs origin_refs and grants")
    for name in ("origin_level", "target_level"):
        if getattr(edge, name) is not None:
            yield doc.issue((*at, name), "a safe harbour grants provisions, not label levels")
    for k, ref in enumerate(edge.grants):
        if ref in edge.origin_refs:
            yield doc.issue((*at, "grants", k), f"'{ref}' cannot grant itself")


def _edge_ends(
    doc: Document,
    at: tuple[str | int, ...],
    edge: Recognition,
    origins: list[Instrument],
    targets: list[Instrument],
) -> Iterator[Issue]:
    """Refs and levels an edge names must exist in some edition of the end it names."""
    # (path to the list or value, what it cites, "requirement" or "level", from which end)
    lists: list[tuple[tuple[str | int, ...], tuple[str, ...], str, bool]] = [
        (("grants",), edge.grants, "requirement", False),
        (("origin_refs",), edge.origin_refs, "requirement", True),
        *(
            (("restrictions", k, "refs"), rst.refs, "requirement", True)
            for k, rst in enumerate(edge.restrictions)
        ),
    ]
    singles = [
        ("target_level", edge.target_level, False),
        ("origin_level", edge.origin_level, True),
    ]
    for path, cited, what, from_origin in lists:
        for k, ident in enumerate(cited):
            yield from _edge_cite(
                doc, (*at, *path, k), edge, ident, what, from_origin, origins, targets
            )
    for name, value, from_origin in singles:
        if value is not None:
            yield from _edge_cite(
                doc, (*at, name), edge, value, "level", from_origin, origins, targets
            )


def _edge_cite(
    doc: Document,
    where: tuple[str | int, ...],
    edge: Recognition,
    ident: str,
    what: str,
    from_origin: bool,
    origins: list[Instrument],
    targets: list[Instrument],
) -> Iterator[Issue]:
    ends = origins if from_origin else targets
    if not ends:
        return
    if what == "requirement":
        known = {r.ref for e in ends for r in e.requirements}
    else:
        known = {lv.id for e in ends for lv in e.levels}
    if ident not in known:
        yield doc.issue(
            where, f"no {what} '{ident}' in {edge.origin if from_origin else edge.target}"
        )


def _check_actors(item: Parsed[Instrument]) -> Iterator[Issue]:
    """An instrument's actors are exactly those its requirements name."""
    doc, inst = item.doc, item.value
    declared = set(inst.actors)
    first: dict[str, str] = {}
    for req in inst.requirements:
        for actor in req.actors:
            first.setdefault(actor, req.ref)
    for i, actor in enumerate(inst.actors):
        if actor not in first:
            yield doc.issue(("actors", i), f"'{actor}' bears no requirement of this instrument")
    for i, req in enumerate(inst.requirements):
        for k, actor in enumerate(req.actors):
            if actor not in declared and first[actor] == req.ref:
                yield doc.issue(
                    ("requirements", i, "actors", k),
                    f"'{actor}' bears requirement {req.ref} "
                    "but is missing from the header's actors",
                )


def _check_requirements(
    item: Parsed[Instrument], parents: set[str], previous: Instrument | None
) -> Iterator[Issue]:
    doc, inst = item.doc, item.value
    conditions = {c.id for c in inst.conditions}
    features = {f.id for f in inst.features}
    levels = {lv.id for lv in inst.levels}
    refs = {r.ref for r in inst.requirements}
    old_refs = {r.ref for r in previous.requirements} if previous else set()
    for i, req in enumerate(inst.requirements):
        at = ("requirements", i)
        if req.parent is not None and req.parent not in parents:
            yield doc.issue((*at, "parent"), f"unknown parent '{req.parent}'")
        for name, cited, known in (
            ("conditions", req.conditions, conditions),
            ("features", req.features, features),
            ("levels", req.levels, levels),
        ):
            for k, ident in enumerate(cited):
                if ident not in known:
                    yield doc.issue(
                        (*at, name, k), f"'{ident}' is not declared in the header's {name}"
                    )
        for k, ref in enumerate(req.previous or ()):
            if previous is None:
                yield doc.issue((*at, "previous"), "'previous' needs the header's previous_edition")
                break
            if ref not in old_refs:
                yield doc.issue((*at, "previous", k), f"no requirement '{ref}' in {previous.key}")
        if req.superseded_by is not None and req.superseded_by not in refs:
            yield doc.issue((*at, "superseded_by"), f"unknown requirement '{req.superseded_by}'")


def check_mappings(
    item: Parsed[MappingSet],
    expected: str,
    instruments: dict[str, Instrument],
    blocks: dict[str, BuildingBlock],
    requirement_ids: set[str],
    broken: set[str],
) -> Iterator[Issue]:
    doc, mset = item.doc, item.value
    key = f"{mset.instrument}@{mset.edition}"
    if key != expected:
        yield doc.issue(("instrument",), f"file is named for {expected} but maps {key}")
    if key in broken:
        return
    inst = instruments.get(key)
    if inst is None:
        yield doc.issue(("instrument",), f"no instrument edition {key} in the catalog")
        return
    refs = {r.ref for r in inst.requirements}
    seen: set[tuple[str, str]] = set()
    for i, m in enumerate(mset.mappings):
        at = ("mappings", i)
        if m.ref not in refs:
            yield doc.issue((*at, "ref"), f"no requirement '{m.ref}' in {key}")
        if (m.ref, m.target) in seen:
            yield doc.issue(at, f"'{m.ref}' is mapped to '{m.target}' twice")
        seen.add((m.ref, m.target))
        if m.requirement is not None:
            if m.requirement.partition(":")[0] in broken:
                continue
            if m.requirement not in requirement_ids:
                yield doc.issue((*at, "requirement"), f"unknown requirement '{m.requirement}'")
            if m.bindings:
                yield doc.issue((*at, "bindings"), "bindings are for mappings to blocks")
            continue
        block = blocks.get(m.block or "")
        if block is None:
            yield doc.issue((*at, "block"), f"unknown building block '{m.block}'")
            continue
        for name, value in m.bindings.items():
            param = block.parameter(name)
            if param is None:
                yield doc.issue(
                    (*at, "bindings", name), f"block '{block.id}' has no parameter '{name}'"
                )
                continue
            problem = check_value(param.type, value)
            if problem:
                yield doc.issue((*at, "bindings", name), problem)
