"""The public registry under /api/v1/registry/public, without sign-in: every issued label,
searched by scheme, level, status as of a day, category, manufacturer and support end,
paged. The page `/registry` and its CSV `/registry.csv` take the same query
(`RegistryQuery`) and the same rows (`RegistryEntry`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from prodsec.registry.rules import Status, status_on, unsupported_since
from prodsec.store.labelsearch import LabelQuery, search
from prodsec.store.models import RegistryLabel
from prodsec.web.api.registry import today
from prodsec.web.deps import DbDep, Limit, Offset, Page, page

router = APIRouter(prefix="/api/v1/registry/public", tags=["registry"])

Word = Annotated[str | None, Query(max_length=200)]
Day = Annotated[dt.date | None, Query()]


class RegistryEntry(TypedDict):
    """One label in the public registry, as of `on`: `page` is its consumer page's path."""

    registration: str
    page: str
    scheme: str
    level: str
    status: str
    reason: str
    manufacturer: str
    model: str
    category: str
    issued_on: str
    valid_until: str
    support_end: str | None
    unsupported_since: str | None


FIELDS = tuple(RegistryEntry.__annotations__)
"""The columns of the CSV export, in order."""


def registry_entry(label: RegistryLabel, on: dt.date) -> RegistryEntry:
    product = label.application.version.product
    gone = unsupported_since(label.support_end, on)
    return {
        "registration": label.registration,
        "page": f"/l/{label.registration}",
        "scheme": label.scheme,
        "level": label.level,
        "status": status_on(Status(label.status), label.valid_until, on).value,
        "reason": label.reason,
        "manufacturer": product.manufacturer,
        "model": product.model,
        "category": product.category,
        "issued_on": label.issued_on.isoformat(),
        "valid_until": label.valid_until.isoformat(),
        "support_end": label.support_end.isoformat() if label.support_end else None,
        "unsupported_since": gone.isoformat() if gone else None,
    }


def registry_query(
    scheme: Word = None,
    level: Annotated[str | None, Query(max_length=40)] = None,
    status: Status | None = None,
    category: Word = None,
    manufacturer: Word = None,
    support_end_from: Day = None,
    support_end_to: Day = None,
) -> LabelQuery:
    """The search from the query string: `status` as of today."""
    return LabelQuery(
        today(),
        scheme or None,
        level or None,
        status,
        category or None,
        (manufacturer or "").strip() or None,
        support_end_from,
        support_end_to,
    )


RegistryQuery = Annotated[LabelQuery, Depends(registry_query)]


def entries(
    session: Session, query: LabelQuery, offset: int, limit: int
) -> tuple[list[RegistryEntry], int]:
    rows, total = search(session, query, offset, limit)
    return [registry_entry(r, query.on) for r in rows], total


@router.get("/labels", summary="Search the public registry")
def public_labels(
    query: RegistryQuery, db: DbDep, offset: Offset = 0, limit: Limit = 50
) -> Page[RegistryEntry]:
    """Every issued label the query selects, newest first; no sign-in. `status` is the
    status on the day (an active label past its term reads `expired`); `manufacturer`
    matches part of the name; the support end lies between `support_end_from` and
    `support_end_to`, both included."""
    with db.session() as s:
        found, total = entries(s, query, offset, limit)
    return page(found, total, offset, limit)
