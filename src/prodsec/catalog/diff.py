"""What changed between two editions of an instrument.

Lineage comes from the data: a requirement's `previous` lists the refs it descends from in
the edition before it; without `previous`, a requirement descends from the same ref when
that ref existed before. Lineage composes along the chain of editions, so any two
editions of one instrument can be compared, in either order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from prodsec.catalog.catalog import Catalog
from prodsec.catalog.model import Instrument, Requirement
from prodsec.errors import BadInputError

Pairs = set[tuple[str, str]]


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    SPLIT = "split"
    MERGED = "merged"
    RENUMBERED = "renumbered"
    STATUS_CHANGED = "status-changed"
    STRENGTH_CHANGED = "strength-changed"
    LEVEL_CHANGED = "level-changed"
    GIST_CHANGED = "gist-changed"


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    old: tuple[str, ...]
    new: tuple[str, ...]
    detail: str = ""


@dataclass(frozen=True, slots=True)
class EditionDiff:
    old: str
    new: str
    changes: tuple[Change, ...]
    unchanged: int

    def of_kind(self, kind: ChangeKind) -> list[Change]:
        return [c for c in self.changes if c.kind is kind]


def _step(before: Instrument, after: Instrument) -> Pairs:
    old_refs = {r.ref for r in before.requirements}
    pairs: Pairs = set()
    for req in after.requirements:
        preds = (
            req.previous
            if req.previous is not None
            else ((req.ref,) if req.ref in old_refs else ())
        )
        pairs.update((p, req.ref) for p in preds)
    return pairs


def _chain(catalog: Catalog, older: Instrument, newer: Instrument) -> Pairs | None:
    """Lineage from `older` to `newer` along previous_edition, or None if not connected."""
    steps: list[Pairs] = []
    current = newer
    while current.edition != older.edition:
        if current.previous_edition is None:
            return None
        before = catalog.instrument(f"{current.id}@{current.previous_edition}")
        steps.append(_step(before, current))
        current = before
    pairs: Pairs = {(r.ref, r.ref) for r in older.requirements}
    for step in reversed(steps):
        forward: dict[str, set[str]] = defaultdict(set)
        for a, b in step:
            forward[a].add(b)
        pairs = {(a, c) for a, b in pairs for c in forward.get(b, ())}
    return pairs


def lineage(catalog: Catalog, old: Instrument, new: Instrument) -> Pairs:
    if old.id != new.id:
        raise BadInputError(
            f"cannot diff editions of different instruments: {old.key} and {new.key}"
        )
    forward = _chain(catalog, old, new)
    if forward is not None:
        return forward
    backward = _chain(catalog, new, old)
    if backward is not None:
        return {(b, a) for a, b in backward}
    old_refs = {r.ref for r in old.requirements}
    return {(r.ref, r.ref) for r in new.requirements if r.ref in old_refs}


def diff_editions(catalog: Catalog, old: Instrument, new: Instrument) -> EditionDiff:
    pairs = lineage(catalog, old, new)
    succ: dict[str, list[str]] = defaultdict(list)
    pred: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(pairs):
        succ[a].append(b)
        pred[b].append(a)
    old_reqs = {r.ref: r for r in old.requirements}
    new_reqs = {r.ref: r for r in new.requirements}
    changes: list[Change] = []
    unchanged = 0
    for ref, req in old_reqs.items():
        targets = succ.get(ref, [])
        if not targets:
            changes.append(Change(ChangeKind.REMOVED, (ref,), (), req.gist))
        elif len(targets) > 1:
            parts = ", ".join(f"{t} {new_reqs[t].status_code}" for t in targets)
            changes.append(Change(ChangeKind.SPLIT, (ref,), tuple(targets), parts))
    for ref, req in new_reqs.items():
        sources = pred.get(ref, [])
        if not sources:
            changes.append(Change(ChangeKind.ADDED, (), (ref,), req.gist))
        elif len(sources) > 1:
            changes.append(Change(ChangeKind.MERGED, tuple(sources), (ref,)))
        elif len(succ[sources[0]]) == 1:
            found = _compare(old_reqs[sources[0]], req)
            changes += found
            unchanged += not found
    return EditionDiff(old.key, new.key, tuple(changes), unchanged)


def _compare(before: Requirement, after: Requirement) -> list[Change]:
    key = ((before.ref,), (after.ref,))
    found: list[Change] = []
    if before.ref != after.ref:
        found.append(Change(ChangeKind.RENUMBERED, *key, f"{before.ref} -> {after.ref}"))
    if before.status_code != after.status_code:
        detail = f"{before.status_code} -> {after.status_code}"
        found.append(Change(ChangeKind.STATUS_CHANGED, *key, detail))
    if before.strength != after.strength:
        detail = f"{before.strength} -> {after.strength}"
        found.append(Change(ChangeKind.STRENGTH_CHANGED, *key, detail))
    if before.levels != after.levels:
        detail = f"{', '.join(before.levels) or 'every level'} -> "
        detail += ", ".join(after.levels) or "every level"
        found.append(Change(ChangeKind.LEVEL_CHANGED, *key, detail))
    if before.gist != after.gist:
        found.append(Change(ChangeKind.GIST_CHANGED, *key, after.gist))
    return found
