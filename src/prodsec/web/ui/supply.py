"""The supply chain on the product page (components, findings with their VEX status, the
SBOM diff from the previous version), its upload forms (multipart, no
script needed), and each organisation's feed of verdict changes (Atom and JSON Feed 1.1,
for its own signed-in members)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from prodsec.assess.supply import finding_view
from prodsec.errors import BadInputError, DataError
from prodsec.store import supply
from prodsec.store.changelog import LoggedChange, organisation_log
from prodsec.store.db import Database
from prodsec.store.models import Organisation, ProductVersion, User
from prodsec.store.repo import NotStoredError
from prodsec.supplychain.vex import read_vex_document
from prodsec.supplychain.vuln.findings import AdvisoryIndex
from prodsec.web.api.supply import advisories
from prodsec.web.auth import ActorDep, SignedIn, VisibilityDep, signed_in
from prodsec.web.deps import UPLOAD_LIMIT, CheckedForm, DbDep
from prodsec.web.feeds import Entry, Feed, FeedKind, feed_response, tag

router = APIRouter(include_in_schema=False, dependencies=[Depends(signed_in)])

COMPONENTS_PAGE = 50
FEED_SIZE = 100


def supply_section(
    s: Session, version: ProductVersion, index: AdvisoryIndex, on: dt.date, offset: int
) -> dict[str, Any]:
    """What the product page's supply-chain section shows for a version."""
    rows, total = supply.components_page(s, version, offset, COMPONENTS_PAGE)
    if total and offset >= total:  # past the end (an old link): the last page
        offset = (total - 1) // COMPONENTS_PAGE * COMPONENTS_PAGE
        rows, total = supply.components_page(s, version, offset, COMPONENTS_PAGE)
    found, verdicts = supply.findings_of(s, version, index, on)
    return {
        "sboms": supply.sboms_of(s, version),
        "vex": supply.vex_of(s, version.product_id),
        "components": [{"role": r, "row": c} for r, c in rows],
        "component_total": total,
        "offset": offset,
        "previous": max(offset - COMPONENTS_PAGE, 0) if offset else None,
        "next": offset + COMPONENTS_PAGE if offset + COMPONENTS_PAGE < total else None,
        "findings": [finding_view(role, f) for role, f in found],
        "verdicts": verdicts,
        "diffs": supply.sbom_diff(s, version),
    }


async def _upload(form: Any, field: str) -> tuple[bytes, str]:
    upload = form.get(field)
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise BadInputError("choose a file to upload", field=field)
    data = await upload.read(2 * UPLOAD_LIMIT + 1)
    return data, str(upload.filename)[:200]


async def _stored(db: Database, ident: str, store: Callable[[Session], object]) -> Response:
    """Run `store` in a worker thread in one transaction; back to the product's page."""

    def work() -> None:
        with db.session() as s:
            store(s)

    await run_in_threadpool(work)
    return RedirectResponse(f"/products/{ident}#supply", status_code=303)


@router.post("/products/{ident}/sboms", response_model=None)
async def add_sbom(
    request: Request,
    ident: str,
    form: CheckedForm,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
) -> Response:
    """Store the uploaded SBOM for the version and role of the form; back to the page."""
    data, name = await _upload(form, "sbom")
    role = str(form.get("role") or "firmware").strip()
    try:
        number = int(str(form.get("version") or ""))
    except ValueError:
        raise BadInputError("the version is a number", field="version") from None
    index = advisories(request)
    return await _stored(
        db,
        ident,
        lambda s: supply.add_sbom(s, visibility, ident, number, data, name, role, actor, index),
    )


@router.post("/products/{ident}/vex", response_model=None)
async def add_vex(
    request: Request,
    ident: str,
    form: CheckedForm,
    db: DbDep,
    visibility: VisibilityDep,
    actor: ActorDep,
) -> Response:
    """Store the uploaded VEX document of the product; back to the page."""
    data, name = await _upload(form, "vex")
    _offered_vex(data, name)
    index = advisories(request)
    return await _stored(
        db, ident, lambda s: supply.add_vex(s, visibility, ident, data, name, actor, index)
    )


def _offered_vex(data: bytes, name: str) -> None:
    """Refuse an SBOM sent through the VEX form (the store reads it as VEX of no
    statements); an empty file is left to the store, which says so in its words."""
    if data:
        try:
            read_vex_document(data, name, offered=True)
        except DataError as exc:
            raise BadInputError(issues=exc.issues) from None


def _organisation(s: Session, user: User, name: str) -> Organisation:
    """The organisation named, for its own members only (others: not stored)."""
    org = s.scalar(select(Organisation).where(Organisation.name == name))
    if org is None or user.organisation_id != org.id:
        raise NotStoredError("organisation", name)
    return org


def _entry(change: LoggedChange, base: str) -> Entry:
    return Entry(
        id=tag(change.key),
        title=change.title,
        updated=change.at,
        summary=f"{change.summary}, after {change.cause}",
        text="\n".join(change.details),
        url=f"{base}/products/{change.product}#changes",
        tags=[change.kind],
        data={
            "kind": change.kind,
            "cause": change.cause,
            "product": change.product,
            "version": change.version,
        },
    )


def change_feed(request: Request, s: Session, organisation: Organisation | None, path: str) -> Feed:
    """An organisation's one feed of changes of verdict (None: of the products of users
    who belong to no organisation), written at `path` (`.atom` or `.json` after it)."""
    base = str(request.base_url).rstrip("/")
    logged = organisation_log(s, organisation.id if organisation else None, FEED_SIZE)
    entries = [_entry(c, base) for c in logged]
    who = organisation.name if organisation else "products without an organisation"
    return Feed(
        id=tag(f"organisation/{organisation.id if organisation else 'none'}/changes"),
        title=f"{who}: changes of verdict",
        self_url=f"{base}{path}",
        home_url=f"{base}/products",
        updated=entries[0].updated if entries else dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        entries=entries,
    )


@router.get("/orgs/{name}/feed.{suffix}")
def organisation_feed(
    request: Request, name: str, suffix: FeedKind, db: DbDep, user: SignedIn
) -> Response:
    """The organisation's changes of verdict, whatever brought them (an advisory, a KEV
    entry, an SBOM or VEX upload, a catalog revision), as Atom or JSON Feed 1.1."""
    with db.session() as s:
        org = _organisation(s, user, name)
        feed = change_feed(request, s, org, f"/orgs/{name}/feed.{suffix}")
    return feed_response(feed, suffix)
