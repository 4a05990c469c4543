"""Where a label (or a met instrument) counts: the recognition edges out of it, judged for
one product category on one day.

An edge counts when the day falls in its window, the held level is at or above the
edge's `origin_level`, the category (or one of its ancestors) is not excluded and, when
the edge names categories, is among them, and, when the edge needs a current label, the
label is still in force. Edges do not chain: a label earned through an arrangement
counts elsewhere only once it is issued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from typing_extensions import TypedDict

from prodsec.catalog import Catalog
from prodsec.catalog.editions import current_editions, start
from prodsec.catalog.model import Instrument
from prodsec.catalog.recognition import Recognition, RecognitionKind, refers_to
from prodsec.catalog.schemes import Level
from prodsec.errors import BadInputError, NotFoundError

ONE_DAY = dt.timedelta(days=1)

WHAT = {
    RecognitionKind.DEEMED_COMPLIANCE: "deemed compliance",
    RecognitionKind.PRESUMPTION_OF_CONFORMITY: "presumption of conformity",
    RecognitionKind.MUTUAL_RECOGNITION: "full recognition",
    RecognitionKind.SIMPLIFIED_APPLICATION: "a simplified application",
    RecognitionKind.SAFE_HARBOUR: "a safe harbour",
}


@dataclass(frozen=True, slots=True)
class Path:
    """One edge out of the held label, and whether it counts on the day."""

    edge: Recognition
    target: Instrument
    markets: tuple[str, ...]
    counts: bool
    reasons: tuple[str, ...]
    last_day: dt.date | None

    @property
    def grants(self) -> str:
        """What the edge gives, in words: `deemed compliance with Sch1-1, Sch1-2`."""
        what = WHAT[self.edge.kind]
        parts = []
        if self.edge.target_level is not None:
            parts.append(f"towards {level_name(self.target, self.edge.target_level)}")
        if self.edge.grants:
            parts.append(f"covering {', '.join(self.edge.grants)}")
        return " ".join([what, *parts])


@dataclass(frozen=True, slots=True)
class Reach:
    scheme: Instrument
    level: Level | None
    category: str
    on: dt.date
    valid_until: dt.date | None
    markets: tuple[str, ...]
    paths: tuple[Path, ...]
    notes: tuple[str, ...]

    @property
    def counting(self) -> tuple[Path, ...]:
        return tuple(p for p in self.paths if p.counts)


def level_name(inst: Instrument, level: str) -> str:
    """`sg-cls level 3`, or `the de-bsi-itsk label` for a one-level scheme."""
    return f"the {inst.id} label" if len(inst.levels) == 1 else f"{inst.id} level {level}"


def edition_on(catalog: Catalog, ident: str, on: dt.date) -> Instrument:
    """The edition of an instrument in force on a day, else the first to come."""
    return current_editions(catalog.editions(catalog.instrument(ident).id), on)[-1]


def registered_until(held: Instrument, registration: str, given: dt.date | None) -> dt.date | None:
    """The label's last valid day: the expiry its registration ID carries (CLS), else the
    one given. BadInputError (with the field) for an ID of the wrong form or a
    contradicting day."""
    if held.label is None:
        raise BadInputError(f"{held.id} issues no labels", field="registration")
    issue = held.label.registration_issue(held.id, registration, given)
    if issue is not None:
        raise BadInputError(issue.message, field=issue.field)
    return held.label.read_registration(registration).expiry or given


def _level(scheme: Instrument, wanted: str | None) -> Level | None:
    """The held level; a one-level (binary) scheme needs none named. With no level named
    on a scheme of several, edges that ask for a level do not count."""
    if wanted is None:
        return scheme.levels[0] if len(scheme.levels) == 1 else None
    found = scheme.level(wanted)
    if found is None:
        raise NotFoundError("level", wanted, [], [lv.id for lv in scheme.levels])
    return found


def reach(
    catalog: Catalog,
    scheme: str,
    category: str,
    on: dt.date,
    level: str | None = None,
    markets: tuple[str, ...] = (),
    valid_until: dt.date | None = None,
    registration: str | None = None,
) -> Reach:
    """Every edge out of `scheme`, judged for a label at `level` on a `category` product.
    A `registration` ID is checked against the scheme's form, and the expiry it carries
    (CLS) is the label's last valid day (BadInputError otherwise)."""
    held = catalog.instrument(scheme) if "@" in scheme else edition_on(catalog, scheme, on)
    if registration is not None:
        valid_until = registered_until(held, registration, valid_until)
    held_level = _level(held, level)
    lineage = catalog.lineage(category)
    wanted = [catalog.market(m) for m in markets]
    notes: list[str] = []
    if on < start(held):
        notes.append(f"{held.id} had not started on {on}")
    if valid_until is not None and valid_until < on:
        notes.append(f"the label expired on {valid_until}")
    paths = []
    for edge in catalog.recognitions:
        if not refers_to(edge.origin, held):
            continue
        if "@" in edge.target:
            target = catalog.instrument(edge.target)
        else:
            target = edition_on(catalog, edge.target, on)
        where = _markets(catalog, target)
        if wanted and not any(m.id in where for m in wanted):
            continue
        reasons = _obstacles(catalog, edge, held, target, held_level, lineage, on, valid_until)
        paths.append(
            Path(edge, target, where, not reasons, tuple(reasons), _last_day(edge, valid_until))
        )
        if not reasons:
            notes += _maybe_excluded(target, lineage)
    return Reach(
        held,
        held_level,
        category,
        on,
        valid_until,
        tuple(markets),
        tuple(paths),
        tuple(dict.fromkeys(notes)),
    )


def _maybe_excluded(target: Instrument, lineage: list[str]) -> list[str]:
    """Exclusions of the target that depend on the product's features only: the edge
    counts, but the target itself may not apply (PSTI excepts laptops unless made for
    children). Exclusions limited to some markets are for `applies` to tell."""
    return [
        f"{target.id} may not apply to the product: {e.note.rstrip('.')}"
        for e in target.scope.exclusions
        if e.category in lineage and e.when and not e.markets
    ]


def _markets(catalog: Catalog, target: Instrument) -> tuple[str, ...]:
    laws = set(target.jurisdictions)
    return tuple(m.id for m in catalog.markets.values() if laws & {*m.jurisdictions, "INT"})


def _obstacles(
    catalog: Catalog,
    edge: Recognition,
    held: Instrument,
    target: Instrument,
    level: Level | None,
    lineage: list[str],
    on: dt.date,
    valid_until: dt.date | None,
) -> list[str]:
    found = []
    if on < edge.valid_from:
        found.append(f"not in force until {edge.valid_from}")
    if target.label is not None and not target.label.issuing:
        found.append(f"{target.id} no longer issues new labels")
    if edge.valid_until is not None and on >= edge.valid_until:
        found.append(f"ended on {edge.valid_until - ONE_DAY}")
    needed = held.level(edge.origin_level) if edge.origin_level is not None else None
    if needed is not None and level is None:
        found.append(f"needs {level_name(held, needed.id)} or above; no level was given")
    elif needed is not None and level is not None and level.rank < needed.rank:
        found.append(f"needs {level_name(held, needed.id)} or above; the label is level {level.id}")
    excluded = [c for c in lineage if c in edge.excluded_categories]
    if excluded:
        found.append(f"the arrangement excludes {catalog.categories[excluded[0]].title.lower()}")
    if edge.categories and not set(edge.categories) & set(lineage):
        found.append(f"covers only {', '.join(edge.categories)}")
    outside = target.scope.leaves_out(set(lineage))
    if outside is not None and not excluded and not edge.categories:
        # (an edge that names or excludes categories has said so already)
        found.append(f"{target.id} does not cover the category: {outside}")
    if edge.current_label and valid_until is not None and valid_until < on:
        found.append(f"needs a label in force; this one expired on {valid_until}")
    return found


def _last_day(edge: Recognition, valid_until: dt.date | None) -> dt.date | None:
    days = [d for d in (edge.valid_until and edge.valid_until - ONE_DAY,) if d]
    if edge.current_label and valid_until is not None:
        days.append(valid_until)
    return min(days) if days else None


# --- views ----------------------------------------------------------------------------


def _until(path: Path) -> str:
    if path.last_day is not None:
        return f"until {path.last_day}"
    return "while the label is in force" if path.edge.current_label else "no end date"


class ArrangementPublic(TypedDict):
    id: str
    title: str


class PathPublic(TypedDict):
    """One edge out of a label into a market's instrument, counting or not, with why."""

    edge: str
    kind: str
    target: str
    target_title: str
    markets: list[str]
    what: str
    grants: list[str]
    target_level: str | None
    origin_level: str | None
    valid_from: str
    last_day: str | None
    until: str
    current_label: bool
    arrangement: ArrangementPublic | None
    reasons: list[str]
    confidence: str
    source: str
    note: str


class ReachPublic(TypedDict):
    """Where a label counts (the public shape of `reach`, shared by the CLI and the API)."""

    scheme: str
    edition: str
    level: str | None
    category: str
    on: str
    label_valid_until: str | None
    markets: list[str]
    counts: list[PathPublic]
    does_not_count: list[PathPublic]
    notes: list[str]


def path_view(catalog: Catalog, path: Path) -> PathPublic:
    edge = path.edge
    arrangement = catalog.arrangements.get(edge.arrangement or "")
    return {
        "edge": edge.id,
        "kind": edge.kind.value,
        "target": path.target.key,
        "target_title": path.target.short_title or path.target.title,
        "markets": list(path.markets),
        "what": path.grants,
        "grants": list(edge.grants),
        "target_level": edge.target_level,
        "origin_level": edge.origin_level,
        "valid_from": edge.valid_from.isoformat(),
        "last_day": None if path.last_day is None else path.last_day.isoformat(),
        "until": _until(path),
        "current_label": edge.current_label,
        "arrangement": None
        if arrangement is None
        else {"id": arrangement.id, "title": arrangement.title},
        "reasons": list(path.reasons),
        "confidence": edge.confidence.value,
        "source": edge.source,
        "note": edge.note,
    }


def reach_view(catalog: Catalog, r: Reach) -> ReachPublic:
    return {
        "scheme": r.scheme.id,
        "edition": r.scheme.edition,
        "level": None if r.level is None else r.level.id,
        "category": r.category,
        "on": r.on.isoformat(),
        "label_valid_until": None if r.valid_until is None else r.valid_until.isoformat(),
        "markets": list(r.markets),
        "counts": [path_view(catalog, p) for p in r.paths if p.counts],
        "does_not_count": [path_view(catalog, p) for p in r.paths if not p.counts],
        "notes": list(r.notes),
    }


def reach_text(catalog: Catalog, r: Reach) -> str:
    held = level_name(r.scheme, r.level.id) if r.level is not None else r.scheme.id
    scope = f" in {', '.join(r.markets)}" if r.markets else ""
    out = [f"{held} ({r.scheme.key}) on a {r.category}, {r.on}{scope}"]
    counting = [p for p in r.paths if p.counts]
    out.append("counts:" if counting else "counts nowhere")
    for p in counting:
        arrangement = catalog.arrangements.get(p.edge.arrangement or "")
        via = f" ({arrangement.title})" if arrangement else ""
        out.append(f"  {', '.join(p.markets)}: {p.target.key}: {p.grants}")
        out.append(f"    through {p.edge.id}{via}, since {p.edge.valid_from}, {_until(p)}")
    others = [p for p in r.paths if not p.counts]
    if others:
        out.append("does not count:")
        for p in others:
            out.append(f"  {', '.join(p.markets)}: {p.target.key} through {p.edge.id}")
            out.append(f"    {'; '.join(p.reasons)}")
    if r.notes:
        out.append("notes:")
        out += [f"  {note}" for note in r.notes]
    return "\n".join(out) + "\n"
