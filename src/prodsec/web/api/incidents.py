"""Incidents and their reporting clocks (private: a signed-in user, for the products of
their organisation). Deadlines come back in UTC and in the incident's time zone."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from prodsec.catalog import limits
from prodsec.store import incidents as store
from prodsec.web.auth import ActorDep, VisibilityDep, signed_in
from prodsec.web.deps import CatalogDep, DbDep

router = APIRouter(prefix="/api/v1", tags=["incidents"], dependencies=[Depends(signed_in)])

Answer = Annotated[str, Field(max_length=limits.TEXT_LENGTH)]
Facts = Annotated[
    dict[Annotated[str, Field(max_length=40)], Answer], Field(max_length=store.MAX_FACTS)
]
Now = Annotated[
    dt.datetime | None,
    Query(description="Read the clocks at this moment, with its UTC offset (default: now)."),
]


class IncidentsPublic(TypedDict):
    incidents: list[store.IncidentView]


class IncidentCreate(BaseModel):
    event: Annotated[str, Field(max_length=40)]
    title: Annotated[str, Field(max_length=limits.NAME_LENGTH)]
    aware: dt.datetime
    zone: Annotated[str, Field(max_length=64)] = "UTC"
    fix: dt.datetime | None = None
    size: Annotated[str, Field(max_length=10)] | None = None
    facts: Facts = {}


class IncidentChange(BaseModel):
    fix: dt.datetime | None = None
    facts: Facts = {}


class ReportSent(BaseModel):
    step: Annotated[str, Field(max_length=200)]
    sent: dt.datetime


@router.post("/products/{ident}/incidents", summary="Record an incident", status_code=201)
def record_incident(
    ident: str,
    body: IncidentCreate,
    response: Response,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
    now: Now = None,
) -> store.IncidentView:
    """Record an actively exploited vulnerability, a severe incident or another event that
    sets reports off; the answer has every report's deadline and draft."""
    at = store.aware_now(now)
    with db.session() as s:
        row = store.record_incident(
            s, catalog, visibility, actor, ident,
            event=body.event, title=body.title, aware=body.aware, zone_name=body.zone,
            now=at, fix=body.fix, size=body.size, facts=body.facts,
        )  # fmt: skip
        view = store.incident_view(catalog, s, row, at)
    response.headers["Location"] = f"/api/v1/incidents/{view['id']}"
    return view


@router.get("/products/{ident}/incidents", summary="A product's incidents")
def product_incidents(
    ident: str, catalog: CatalogDep, db: DbDep, visibility: VisibilityDep, now: Now = None
) -> IncidentsPublic:
    at = store.aware_now(now)
    with db.session() as s:
        rows = store.incidents_of(s, visibility, ident)
        return {"incidents": [store.incident_view(catalog, s, r, at) for r in rows]}


@router.get("/incidents/{ident}", summary="One incident and its clocks")
def incident(
    ident: str, catalog: CatalogDep, db: DbDep, visibility: VisibilityDep, now: Now = None
) -> store.IncidentView:
    at = store.aware_now(now)
    with db.session() as s:
        return store.incident_view(catalog, s, store.get_incident(s, visibility, ident), at)


@router.patch("/incidents/{ident}", summary="Record the fix, add answers")
def change_incident(
    ident: str,
    body: IncidentChange,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
    now: Now = None,
) -> store.IncidentView:
    at = store.aware_now(now)
    with db.session() as s:
        row = store.update_incident(
            s, visibility, actor, ident, now=at, fix=body.fix, facts=body.facts
        )
        return store.incident_view(catalog, s, row, at)


@router.post("/incidents/{ident}/reports", summary="Record a report sent", status_code=201)
def report_sent(
    ident: str,
    body: ReportSent,
    catalog: CatalogDep,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
    now: Now = None,
) -> store.IncidentView:
    """Record that one step's report was sent (its draft is kept as sent); 409 when it was
    already recorded."""
    at = store.aware_now(now)
    with db.session() as s:
        store.send_report(s, catalog, visibility, actor, ident, body.step, sent=body.sent, now=at)
        return store.incident_view(catalog, s, store.get_incident(s, visibility, ident), at)
