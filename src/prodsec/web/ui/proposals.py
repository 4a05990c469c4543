"""Pages for proposals and their review, comments, and each instrument's consultation:
reading is public; proposing, commenting and reviewing need a signed-in user (forms with
CSRF, working without JavaScript)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from prodsec.catalog.history import ledger, ledger_path
from prodsec.catalog.load import PACKAGED
from prodsec.catalog.patches import EDITABLE
from prodsec.store import proposals as store
from prodsec.store.models import User
from prodsec.web.api.proposals import patch_of
from prodsec.web.auth import ActorDep, SignedIn, user_of
from prodsec.web.deps import CatalogDep, CheckedForm, DbDep, local_path
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False)


def _back(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303)


@router.get("/proposals", response_class=HTMLResponse)
def proposals(request: Request, db: DbDep, status: str | None = None) -> HTMLResponse:
    with db.session() as s:
        rows, total = store.proposals(s, status=status or None, limit=500)
        views = [store.proposal_view(r) for r in rows]
    return page(request, "proposals.html", views=views, total=total, wanted=status or "")


@router.get("/proposals/new", response_class=HTMLResponse)
def new_proposal(request: Request, user: SignedIn, fact: str = "", field: str = "") -> HTMLResponse:
    current = store.current_value(fact, field) if fact and field else ""
    kind = fact.partition(":")[0]
    fields = sorted(EDITABLE.get(kind, ())) or sorted({f for v in EDITABLE.values() for f in v})
    return page(
        request, "proposal_new.html", fact=fact, field=field, fields=fields, current=current
    )


@router.post("/proposals/new", response_model=None)
def create_proposal(
    form: CheckedForm, catalog: CatalogDep, db: DbDep, user: SignedIn, actor: ActorDep
) -> Response:
    given: store.ProposalIn = {
        "fact": str(form.get("fact") or ""),
        "action": str(form.get("action") or "change"),
        "field": str(form.get("field") or ""),
        "value": str(form.get("value") or ""),
        "citation": str(form.get("citation") or ""),
        "quote": str(form.get("quote") or ""),
        "url": str(form.get("url") or ""),
        "rationale": str(form.get("rationale") or ""),
    }
    with db.session() as s:
        row = store.propose(s, catalog, user, actor, given)
        return _back(f"/proposals/{row.id}")


def _may_review(s: Any, user: User | None, row: Any) -> bool:
    return user is not None and row.author_id != user.id and store.covers(store.remit(s, user), row)


@router.get("/proposals/{ident}.patch")
def patch_download(ident: int, db: DbDep) -> Response:
    with db.session() as s:
        text = patch_of(s, ident)
    headers = {"Content-Disposition": f'attachment; filename="proposal-{ident}.patch"'}
    return Response(text, media_type="text/x-diff; charset=utf-8", headers=headers)


@router.get("/proposals/{ident}", response_class=HTMLResponse)
def proposal(request: Request, ident: int, db: DbDep) -> HTMLResponse:
    user = user_of(request)
    with db.session() as s:
        row = store.get_proposal(s, ident)
        view = store.proposal_view(row, list(ledger(ledger_path(PACKAGED))))
        thread = store.comments(s, f"proposal:{ident}")
        reviewer = _may_review(s, user, row) and row.status == "open"
        author = user is not None and row.author_id == user.id
    return page(
        request,
        "proposal.html",
        view=view,
        thread=thread,
        reviewer=reviewer,
        author=author and view["status"] in ("open", "changes-requested"),
    )


@router.post("/proposals/{ident}/decision", response_model=None)
def decide(ident: int, form: CheckedForm, db: DbDep, user: SignedIn, actor: ActorDep) -> Response:
    with db.session() as s:
        store.decide(
            s, user, actor, ident, str(form.get("decision") or ""), str(form.get("reason") or "")
        )
    return _back(f"/proposals/{ident}")


@router.post("/proposals/{ident}/revision", response_model=None)
def revise(ident: int, form: CheckedForm, db: DbDep, user: SignedIn, actor: ActorDep) -> Response:
    withdraw = form.get("withdraw") == "yes"
    value = str(form.get("value") or "") or None
    rationale = str(form.get("rationale") or "") or None
    with db.session() as s:
        store.revise(s, user, actor, ident, value=value, rationale=rationale, withdraw=withdraw)
    return _back(f"/proposals/{ident}")


@router.post("/comments", response_model=None)
def comment(
    form: CheckedForm, catalog: CatalogDep, db: DbDep, user: SignedIn, actor: ActorDep
) -> Response:
    subject = str(form.get("subject") or "")
    with db.session() as s:
        store.comment(s, catalog, user, actor, subject, str(form.get("body") or ""))
    return _back(local_path(form.get("next"), "/proposals") + "#discussion")


@router.get("/instruments/{spec}/consultation", response_class=HTMLResponse)
def consultation(request: Request, spec: str, catalog: CatalogDep, db: DbDep) -> HTMLResponse:
    """An instrument's public consultation: open proposals, the discussion, decisions."""
    inst = catalog.instrument(spec)
    with db.session() as s:
        rows, _ = store.proposals(s, instrument=inst.id, limit=500)
        kept = list(ledger(ledger_path(PACKAGED)))
        views = [store.proposal_view(r, kept) for r in rows]
        talk = {v["id"]: len(store.comments(s, f"proposal:{v['id']}")) for v in views}
    open_ = [v for v in views if v["status"] in ("open", "changes-requested")]
    decided = [v for v in views if v["status"] in ("accepted", "rejected")]
    return page(request, "consultation.html", inst=inst, open=open_, decided=decided, talk=talk)
