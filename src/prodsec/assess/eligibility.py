"""Label eligibility: for every level of every labelling scheme on offer to a product, or
reachable from a label it holds, whether it holds the label, can get it on its own
evidence, through recognition, through a simplified application, or not."""

from __future__ import annotations

from collections.abc import Iterable

from prodsec.assess.compiled import LIMIT, LevelProgram, level_program, scheme_program
from prodsec.assess.judge import Judge
from prodsec.assess.profile import HeldLabel
from prodsec.assess.verdicts import POSITIVE, SHORT, Eligibility, LabelResult, Verdict
from prodsec.catalog.model import Instrument, Requirement
from prodsec.catalog.recognition import Recognition, RecognitionKind
from prodsec.catalog.schemes import Level
from prodsec.catalog.vocab import Actor, InstrumentType
from prodsec.catalog.when import holds

PARTIAL_CRITERIA = (
    "every requirement of the level in the catalog is met, but the catalog holds only part "
    "of the level's criteria"
)


CARRIED = POSITIVE[1:]
"""The statuses a cumulative level passes down to the levels below it (held already does:
a label held counts at every level up to its own)."""


def label_results(
    judge: Judge,
    markets: tuple[str, ...],
    compliant: set[str],
    role: Actor = Actor.MANUFACTURER,
) -> tuple[LabelResult, ...]:
    """Every level of the schemes of the markets, of the labels held and of where those
    lead. `compliant`: the keys of the instrument editions the product is compliant with;
    a level's requirements that `role` does not bear (a lab's test) are listed apart."""
    laws = judge.index.laws(markets)
    return tuple(
        found
        for scheme in schemes(judge, markets)
        for found in scheme_labels(
            judge, scheme, compliant, bool(laws & set(scheme.jurisdictions)), role
        )
    )


def schemes(judge: Judge, markets: tuple[str, ...]) -> list[Instrument]:
    """The schemes of the markets, the schemes of labels held, and where those lead."""
    held = tuple(sorted({label.scheme for label in judge.profile.labels}))
    key = (markets, held, judge.on)
    found = judge.index.scheme_lists.get(key)
    if found is None:
        ids = set(judge.index.schemes_in(markets)) | set(held)
        for scheme in held:
            for e in judge.catalog.recognitions:
                if e.origin.partition("@")[0] == scheme and e.target_level is not None:
                    ids.add(e.target.partition("@")[0])
        found = [judge.index.edition(ident, judge.on) for ident in sorted(ids)]
        judge.index.scheme_lists[key] = found
    return found


def scheme_labels(
    judge: Judge,
    scheme: Instrument,
    compliant: set[str],
    listed: bool,
    role: Actor = Actor.MANUFACTURER,
) -> list[LabelResult]:
    """Every level of one scheme: held, eligible on the product's own evidence, through
    recognition, or not. `listed`: the scheme is on offer in the product's markets (else
    only levels the product holds or can get are kept)."""
    key = (scheme.key, role, judge.on)
    compiled = judge.index.scheme_programs.get(key)
    if compiled is None:
        compiled = judge.index.scheme_programs[key] = scheme_program(
            judge.index, scheme, role, judge.on
        )
    if judge.req_claims:  # a requirement claim goes through the judge
        return _labels(judge, scheme, compiled.routes, compliant, listed, role)
    state = (
        listed,
        judge.lineage,
        judge.features & compiled.named,
        judge.profile.labels,
        tuple(k in compliant for k in compiled.origins),
        judge.state(compiled.decided),
    )
    found = compiled.seen.get(state)
    if found is None:
        if len(compiled.seen) >= LIMIT:
            compiled.seen.clear()
        found = compiled.seen[state] = tuple(
            _labels(judge, scheme, compiled.routes, compliant, listed, role)
        )
        judge.index.keep()
    return list(found)


def _labels(
    judge: Judge,
    scheme: Instrument,
    routes: dict[str, tuple[Recognition, ...]],
    compliant: set[str],
    listed: bool,
    role: Actor,
) -> list[LabelResult]:
    held = [lb for lb in judge.held(scheme.id) if lb.current(judge.on)]
    inside = covers(judge, scheme)
    if not held and not inside:
        return []
    reached: dict[str, LabelResult] = {}
    carried = False
    for level in scheme.levels:
        edges = routes.get(level.id, ())
        result = _level(judge, scheme, level, held, edges, compliant, inside, role)
        if result is not None:
            reached[level.id] = result
            carried = carried or result.status in CARRIED
    if carried:
        _cumulate(scheme, reached)
    return [r for r in reached.values() if listed or r.status in POSITIVE]


def _cumulate(scheme: Instrument, reached: dict[str, LabelResult]) -> None:
    """A cumulative level reached through recognition or a simplified application holds
    every lower level's requirements: those levels are reached the same way."""
    for level in sorted(scheme.levels, key=lambda lv: -lv.rank):
        higher = reached.get(level.id)
        if higher is None or higher.status not in CARRIED or not level.cumulative:
            continue
        for lower in scheme.levels:  # a cumulative level holds every lower one's requirements
            below = reached.get(lower.id)
            if (
                lower.rank < level.rank
                and below is not None
                and below.status not in (*POSITIVE, Eligibility.NOT_OFFERED)
            ):
                why = f"level {level.id} takes level {lower.id}'s requirements: {higher.reasons[0]}"
                reached[lower.id] = LabelResult(
                    scheme, lower, higher.status, (why,), below.missing, below.unknown, below.others
                )


def covers(judge: Judge, scheme: Instrument) -> bool:
    """Whether the scheme's scope covers the product: its category, the features the
    scope needs (the FCC mark: radio), and no exclusion that holds for it."""
    key = (scheme.key, judge.lineage, judge.features)
    found = judge.index.covered.get(key)
    if found is None:
        scope = scheme.scope
        found = (
            scope.leaves_out(judge.lineage) is None
            and holds(scope.when, judge.features)
            and not any(
                e.category in judge.lineage and not e.markets and holds(e.when, judge.features)
                for e in scope.exclusions
            )
        )
        if len(judge.index.covered) >= judge.index.LIMIT:
            judge.index.covered.clear()
        judge.index.covered[key] = found
    return found


def why_not(judge: Judge, edge: Recognition) -> str:
    """Why a recognition edge from a label held gives the product no credit, as `reach`
    says it."""
    excluded = [c for c in sorted(judge.lineage) if c in edge.excluded_categories]
    if excluded:
        title = judge.catalog.categories[excluded[0]].title.lower()
        return f"{edge.id}: the arrangement excludes {title}"
    if edge.categories and not judge.lineage & set(edge.categories):
        return f"{edge.id}: the arrangement covers only {', '.join(edge.categories)}"
    return judge.edge_holds(edge).why


def _level(
    judge: Judge,
    scheme: Instrument,
    level: Level,
    held: list[HeldLabel],
    routes: Iterable[Recognition],
    compliant: set[str],
    inside: bool,
    role: Actor,
) -> LabelResult | None:
    for label in held:
        if judge.at_least(scheme, label, level.id):
            until = f" until {label.valid_until}" if label.valid_until else ""
            at = f" (level {label.level})" if label.level and label.level != level.id else ""
            return LabelResult(scheme, level, Eligibility.HELD, (f"held{at}{until}",))
    if not inside:
        return None
    if not level.offered:
        why = "the scheme takes no applications for this level (as its sources were last read)"
        return LabelResult(scheme, level, Eligibility.NOT_OFFERED, (why,))
    # the requirements of another actor (the lab's test): listed apart, never held against
    # the product
    compiled = _program(judge, scheme, level.id, role)
    requirements, others = compiled.requirements, compiled.others
    how = compiled.decided
    if not judge.req_claims:
        key = judge.state(how)
        if how.edges:
            key = (key, judge.lineage, judge.features)
        shortfall = compiled.seen.get(key)
        if shortfall is None:
            if len(compiled.seen) >= LIMIT:
                compiled.seen.clear()
            shortfall = compiled.seen[key] = _shortfall(judge, scheme, requirements)
            judge.index.keep()
    else:
        shortfall = _shortfall(judge, scheme, requirements)
    missing, unknown = shortfall
    if requirements and not missing and not unknown and level.complete:
        why = "every requirement of the level met"
        return LabelResult(scheme, level, Eligibility.ELIGIBLE, (why,), others=others)
    refused: list[str] = []
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
            return LabelResult(scheme, level, status, (why,), missing, unknown, others)
        if origin.type is InstrumentType.LABELLING_SCHEME and judge.held(origin.id):
            refused.append(why_not(judge, edge))
    if missing:
        status, why = Eligibility.NOT_ELIGIBLE, "requirements not met"
    elif unknown or not requirements:
        status, why = Eligibility.UNKNOWN, "evidence missing"
    else:
        status, why = Eligibility.UNKNOWN, PARTIAL_CRITERIA
    return LabelResult(scheme, level, status, (why, *refused), missing, unknown, others)


def _program(judge: Judge, scheme: Instrument, level: str, role: Actor) -> LevelProgram:
    """A level's requirements compiled for the role and the judge's day, once."""
    key = (scheme.key, level, role, judge.on)
    found = judge.index.level_programs.get(key)
    if found is None:
        found = judge.index.level_programs[key] = level_program(
            judge.index, scheme, level, role, judge.on
        )
    return found


def _shortfall(
    judge: Judge, scheme: Instrument, requirements: Iterable[Requirement]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The refs of the requirements not met or partly met, and of those unknown."""
    missing: list[str] = []
    unknown: list[str] = []
    for req in requirements:
        verdict = judge.found(scheme, req).verdict
        if verdict is Verdict.UNKNOWN:
            unknown.append(req.ref)
        elif verdict in SHORT:
            missing.append(req.ref)
    return tuple(missing), tuple(unknown)
