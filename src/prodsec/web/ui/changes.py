"""What changed in the catalog and what comes into force: pages and feeds (public).

`/changes` lists the catalog's revisions, filtered as `prodsec catalog changes` filters
them; `/changes.atom` and `/changes.json` are the same as Atom and JSON Feed. `/coming`
lists the dates ahead (and just past); `/coming.atom` and `/coming.json` follow it. The
API (web/api/changes.py) answers with the plain JSON shapes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from prodsec.catalog import Catalog
from prodsec.catalog.coming import DueView, Window, coming
from prodsec.catalog.history import (
    ChangeFilter,
    RevisionView,
    change_filter,
    ledger,
    ledger_path,
    select,
)
from prodsec.catalog.load import PACKAGED
from prodsec.web.deps import CatalogDep
from prodsec.web.feeds import Entry, Feed, feed_response, tag
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False)
# Feeds carry the newest revisions only; the page and the API page through all of them.
FEED_REVISIONS = 50

Since = Annotated[str | None, Query(description="After this revision number, or from this day.")]
Instrument = Annotated[str | None, Query(description="Only changes to ID or ID@EDITION.")]
Jurisdiction = Annotated[str | None, Query(description="Only this jurisdiction's regimes.")]
Category = Annotated[
    str | None, Query(description="Only regimes covering this category or one above it.")
]
Ahead = Annotated[int, Query(ge=0, le=3650, description="Days ahead of today.")]
Behind = Annotated[int, Query(ge=0, le=3650, description="Days before today.")]
Today = Annotated[dt.date | None, Query(description="The day to count from (today).")]


@dataclass(frozen=True, slots=True)
class Asked:
    """The filters of a request, as given (they go back into the feed's links)."""

    since: str | None
    instrument: str | None
    jurisdiction: str | None
    category: str | None
    ahead: int
    behind: int
    today: dt.date | None

    def query(self, *, dates: bool) -> str:
        given: dict[str, str | int | None] = {
            "jurisdiction": self.jurisdiction,
            "category": self.category,
        }
        if dates:
            given |= {"ahead": self.ahead, "behind": self.behind}
        else:
            given |= {"since": self.since, "instrument": self.instrument}
        return _query(**given)

    def wanted(self, catalog: Catalog) -> ChangeFilter:
        return change_filter(catalog, self.since, self.instrument, self.jurisdiction, self.category)


def _asked(
    since: Since = None,
    instrument: Instrument = None,
    jurisdiction: Jurisdiction = None,
    category: Category = None,
    ahead: Ahead = 730,
    behind: Behind = 90,
    today: Today = None,
) -> Asked:
    return Asked(since, instrument, jurisdiction, category, ahead, behind, today)


AskedDep = Annotated[Asked, Depends(_asked)]


def revisions_for(catalog: Catalog, wanted: ChangeFilter) -> list[RevisionView]:
    del catalog  # the ledger describes the packaged data the catalog was loaded from
    return select(ledger(ledger_path(PACKAGED)), wanted)


def _query(**given: str | int | None) -> str:
    kept = {k: v for k, v in given.items() if v not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


def _at_noon(day: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12), tzinfo=dt.UTC)


def _change_feed(request: Request, found: list[RevisionView], query: str, suffix: str) -> Feed:
    base = str(request.base_url).rstrip("/")
    entries = [
        Entry(
            id=tag(f"catalog-revision/{rev['id']}"),
            title=f"Revision {rev['id']}: {rev['summary']}",
            updated=_at_noon(rev["date"]),
            text="\n".join(
                [rev["summary"], ""]
                + [
                    f"{c['change']} {c['kind']} {c['key'].partition(':')[2]}"
                    + (f" ({c['field']})" if "field" in c else "")
                    for c in rev["changes"][:200]
                ]
                + (
                    [f"... and {len(rev['changes']) - 200} more"]
                    if len(rev["changes"]) > 200
                    else []
                )
            ),
            url=f"{base}/changes?since={rev['id'] - 1}",
            tags=sorted({c["kind"] for c in rev["changes"]}),
        )
        for rev in found[:FEED_REVISIONS]
    ]
    updated = entries[0].updated if entries else _at_noon("2026-01-01")
    return Feed(
        id=tag(f"catalog-changes{query}"),
        title="prodsec: catalog changes" + (f" ({query[1:]})" if query else ""),
        self_url=f"{base}/changes.{suffix}{query}",
        home_url=f"{base}/changes{query}",
        updated=updated,
        entries=entries,
    )


def _coming_feed(request: Request, due: list[DueView], query: str, suffix: str) -> Feed:
    base = str(request.base_url).rstrip("/")
    entries = [
        Entry(
            id=tag(f"coming/{d['id']}@{d['date']}"),
            title=f"{d['date']}: {d['kind'].replace('-', ' ')}, {d['title']}",
            updated=_at_noon(d["date"]),
            text=" ".join(
                part
                for part in (
                    f"{d['instrument']} ({', '.join(d['jurisdictions'])}):",
                    f"{d['kind'].replace('-', ' ')} on {d['date']}",
                    f"for {', '.join(d['refs'])}." if d["refs"] else ".",
                    d["note"],
                )
                if part
            ),
            url=f"{base}/instruments/{d['instrument']}",
            tags=[d["kind"], *d["jurisdictions"]],
        )
        for d in due
    ]
    return Feed(
        id=tag(f"coming-into-force{query}"),
        title="prodsec: coming into force" + (f" ({query[1:]})" if query else ""),
        self_url=f"{base}/coming.{suffix}{query}",
        home_url=f"{base}/coming{query}",
        updated=max((e.updated for e in entries), default=_at_noon("2026-01-01")),
        entries=entries,
    )


def due_for(catalog: Catalog, asked: Asked) -> list[DueView]:
    wanted = asked.wanted(catalog)
    found = coming(catalog, Window(asked.today or dt.date.today(), asked.ahead, asked.behind))
    return [
        d
        for d in found
        if wanted.wants_change(
            {"change": "changed", "kind": "date", "key": d["id"], "instruments": [d["instrument"]]},
            {d["instrument"]: {"jurisdictions": d["jurisdictions"], "categories": d["categories"]}},
        )
    ]


@router.get("/changes", response_class=HTMLResponse)
def changes_page(request: Request, catalog: CatalogDep, asked: AskedDep) -> HTMLResponse:
    found = revisions_for(catalog, asked.wanted(catalog))
    return page(
        request,
        "changes.html",
        revisions=found[:FEED_REVISIONS],
        total=len(found),
        query=asked.query(dates=False),
        asked=asked,
    )


@router.get("/changes.atom")
def changes_atom(request: Request, catalog: CatalogDep, asked: AskedDep) -> Response:
    found = revisions_for(catalog, asked.wanted(catalog))
    feed = _change_feed(request, found, asked.query(dates=False), "atom")
    return feed_response(feed, "atom")


@router.get("/changes.json")
def changes_json_feed(request: Request, catalog: CatalogDep, asked: AskedDep) -> Response:
    found = revisions_for(catalog, asked.wanted(catalog))
    feed = _change_feed(request, found, asked.query(dates=False), "json")
    return feed_response(feed, "json")


@router.get("/coming", response_class=HTMLResponse)
def coming_page(request: Request, catalog: CatalogDep, asked: AskedDep) -> HTMLResponse:
    due = due_for(catalog, asked)
    return page(request, "coming.html", due=due, query=asked.query(dates=True), asked=asked)


@router.get("/coming.atom")
def coming_atom(request: Request, catalog: CatalogDep, asked: AskedDep) -> Response:
    feed = _coming_feed(request, due_for(catalog, asked), asked.query(dates=True), "atom")
    return feed_response(feed, "atom")


@router.get("/coming.json")
def coming_json_feed(request: Request, catalog: CatalogDep, asked: AskedDep) -> Response:
    feed = _coming_feed(request, due_for(catalog, asked), asked.query(dates=True), "json")
    return feed_response(feed, "json")
