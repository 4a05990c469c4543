"""The public registry, without sign-in: `/registry` (the search as a page, paged),
`/registry.csv` (the same query, every row) and `/registry/events.atom` (the
transparency log's latest events as an Atom 1.0 feed, RFC 4287, written by web/feeds.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError
from prodsec.registry.events import parse_record
from prodsec.registry.rules import Status
from prodsec.store.log import SqlLogStore
from prodsec.web.api.registry_public import FIELDS, RegistryQuery, entries
from prodsec.web.deps import CatalogDep, DbDep, Limit, Offset
from prodsec.web.feeds import Entry, Feed, feed_response
from prodsec.web.templating import page
from prodsec.web.ui.labelpage import public_base

router = APIRouter(include_in_schema=False)

CSV_ROWS = 10_000
"""The most rows one CSV export holds."""
FEED_ENTRIES = 100
"""The latest log events the Atom feed carries."""
EVENT_WORDS = {
    "issue": "Issued",
    "renew": "Renewed",
    "suspend": "Suspended",
    "reinstate": "Reinstated",
    "withdraw": "Withdrawn",
    "revoke": "Revoked",
    "key-rotation": "Signing key rotated",
}


def _schemes(catalog: Catalog) -> list[tuple[str, str]]:
    """The schemes that issue labels: (id, name), by name."""
    found = {
        i.id: i.short_title or i.title for i in catalog.instruments.values() if i.label and i.levels
    }
    return sorted(found.items(), key=lambda item: item[1])


@router.get("/registry", response_class=HTMLResponse)
def public_registry(
    request: Request,
    query: RegistryQuery,
    db: DbDep,
    catalog: CatalogDep,
    offset: Offset = 0,
    limit: Limit = 50,
) -> HTMLResponse:
    with db.session() as s:
        found, total = entries(s, query, offset, limit)
    given = {k: v for k, v in request.query_params.items() if k not in {"offset", "limit"} and v}

    def link(at: int) -> str:
        return "/registry?" + urlencode({**given, "offset": at, "limit": limit})

    return page(
        request,
        "registry_public.html",
        labels=found,
        total=total,
        offset=offset,
        limit=limit,
        query=query,
        given=given,
        csv_link="/registry.csv?" + urlencode(given),
        json_link="/api/v1/registry/public/labels?" + urlencode(given),
        previous=link(max(0, offset - limit)) if offset else None,
        next=link(offset + limit) if offset + limit < total else None,
        schemes=_schemes(catalog),
        statuses=[s.value for s in Status],
        categories=sorted(catalog.categories),
    )


@router.get("/registry.csv")
def registry_csv(query: RegistryQuery, db: DbDep) -> Response:
    """The search's rows as CSV (at most CSV_ROWS), with a header row."""
    with db.session() as s:
        found, _ = entries(s, query, 0, CSV_ROWS)
    out = io.StringIO()
    writer = csv.DictWriter(out, FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(found)
    headers = {"Content-Disposition": 'attachment; filename="registry.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _uuid(text: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, text)}"


def events_feed(store: SqlLogStore, base: str) -> Feed:
    """The latest FEED_ENTRIES events of the log, newest first, as a feed (served as Atom
    through web/feeds.py). An entry's id is a name-based UUID of its log index and leaf hash:
    it never changes."""
    size = store.size()
    rows = list(reversed(store.entries(max(0, size - FEED_ENTRIES), size)))
    entries: list[Entry] = []
    for row in rows:
        try:
            event = parse_record(row.data)
        except BadInputError:  # an edited row: `prodsec log verify` names it
            continue
        payload = event["payload"]
        shown = ("status", "level", "valid_until", "reason")
        said = [f"log entry {row.index}"] + [f"{k}: {payload[k]}" for k in shown if payload.get(k)]
        words = EVENT_WORDS.get(event["kind"], event["kind"])
        entries.append(
            Entry(
                id=_uuid(f"prodsec-log:{row.index}:{row.leaf_hash.hex()}"),
                title=f"{words}: {event['subject']}",
                updated=dt.datetime.fromisoformat(event["time"].replace("Z", "+00:00")),
                text="",
                summary="; ".join(said),
                url="" if event["kind"] == "key-rotation" else f"{base}/l/{event['subject']}",
            )
        )
    self_url = f"{base}/registry/events.atom"
    return Feed(
        id=_uuid(self_url),
        title="prodsec registry: label events",
        self_url=self_url,
        home_url=f"{base}/registry",
        updated=max((e.updated for e in entries), default=dt.datetime(1970, 1, 1, tzinfo=dt.UTC)),
        author="prodsec registry",
        entries=entries,
    )


@router.get("/registry/events.atom")
def registry_events(request: Request, db: DbDep) -> Response:
    return feed_response(events_feed(SqlLogStore(db), public_base(request)), "atom")
