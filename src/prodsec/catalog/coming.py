"""Dates as they approach: when obligations start, transitions end, instruments are
repealed, and recognition edges open or close, from the catalog itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from typing_extensions import TypedDict

from prodsec.catalog.catalog import Catalog
from prodsec.catalog.vocab import DateKind

# The kinds of date a reader plans around; adoption and publication are history.
AHEAD = frozenset(
    {
        DateKind.IN_FORCE,
        DateKind.APPLIES,
        DateKind.TRANSITION_END,
        DateKind.REPEALED,
        DateKind.WITHDRAWN,
        DateKind.MILESTONE,
    }
)


class DueView(TypedDict):
    id: str
    date: str
    days: int
    kind: str
    instrument: str
    title: str
    refs: list[str]
    note: str
    jurisdictions: list[str]
    categories: list[str]


@dataclass(frozen=True, slots=True)
class Window:
    """From `behind` days before `today` to `ahead` days after it, both included."""

    today: dt.date
    ahead: int = 730
    behind: int = 90

    def holds(self, day: dt.date) -> bool:
        return -self.behind <= (day - self.today).days <= self.ahead


def coming(catalog: Catalog, window: Window) -> list[DueView]:
    """Every dated step in the window, soonest first: an edition's dates of the kinds in
    AHEAD, and the opening and closing of recognition edges between two instruments."""
    out: list[DueView] = []
    for inst in catalog.instruments.values():
        where = list(inst.jurisdictions)
        cats = list(inst.scope.categories)
        for event in inst.dates:
            if event.kind in AHEAD and window.holds(event.date):
                refs = list(event.refs)
                suffix = f":{','.join(refs)}" if refs else ""
                out.append(
                    _due(
                        f"{inst.key}:{event.kind.value}{suffix}",
                        event.date,
                        window,
                        event.kind.value,
                        inst.key,
                        inst.short_title or inst.title,
                        refs,
                        event.note,
                        where,
                        cats,
                    )
                )
    for edge in catalog.recognitions:
        if edge.inside:
            continue
        target = catalog.instrument(edge.target)
        for kind, day in (("edge-opens", edge.valid_from), ("edge-closes", edge.valid_until)):
            if day is not None and window.holds(day):
                out.append(
                    _due(
                        f"{edge.id}:{kind}",
                        day,
                        window,
                        kind,
                        target.key,
                        f"{edge.origin} counts towards {edge.target} ({edge.kind.value})",
                        list(edge.grants),
                        edge.note,
                        list(target.jurisdictions),
                        list(edge.categories or target.scope.categories),
                    )
                )
    out.sort(key=lambda d: (d["date"], d["id"]))
    return out


def _due(
    ident: str,
    day: dt.date,
    window: Window,
    kind: str,
    instrument: str,
    title: str,
    refs: list[str],
    note: str,
    jurisdictions: list[str],
    categories: list[str],
) -> DueView:
    return {
        "id": ident,
        "date": day.isoformat(),
        "days": (day - window.today).days,
        "kind": kind,
        "instrument": instrument,
        "title": title,
        "refs": refs,
        "note": note,
        "jurisdictions": jurisdictions,
        "categories": categories,
    }
