"""The registry's work lists as pages, for the signed-in user's organisation in each role
it holds: the manufacturer's applications and labels with the form to apply, the lab's
applications with a review form (a verdict per open requirement), the scheme owner's
applications to decide (issue or refuse) and labels to change, each with a reason.

Forms POST without JavaScript and carry the CSRF token (`CheckedForm`); a step refused
by the store is shown inline, beside its form, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError, ProdsecError
from prodsec.registry.rules import Change, Role
from prodsec.store import labels as store_labels
from prodsec.store import registry as store
from prodsec.store.audit import Actor
from prodsec.store.db import Database
from prodsec.store.labels import Wiring
from prodsec.store.models import RegistryRole, User
from prodsec.store.repo import Visibility, list_products
from prodsec.web.api.registry import WiringDep, today
from prodsec.web.auth import ActorDep, SignedIn, signed_in
from prodsec.web.deps import CatalogDep, CheckedForm, DbDep
from prodsec.web.templating import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(signed_in)])

WORK = "/registry/work"
REPORT_LIMIT = 20_000


def _roles(session: Session, user: User) -> dict[str, list[str]]:
    """The schemes the user's organisation holds each role in."""
    held: dict[str, list[str]] = {r.value: [] for r in Role}
    if user.organisation_id is not None:
        query = select(RegistryRole).where(RegistryRole.organisation_id == user.organisation_id)
        for row in session.scalars(query.order_by(RegistryRole.scheme)):
            held[row.role].append(row.scheme)
    return held


def _work(
    request: Request,
    catalog: Catalog,
    session: Session,
    user: User,
    failed: tuple[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The work list; `failed` is (the form's key, what was wrong) to show beside it."""
    on = today()
    held = _roles(session, user)
    products, _ = list_products(session, Visibility(user.organisation_id), 0, 500)
    found = store.applications(session, user)
    applications = [store.application_view(session, a) for a in found]
    issued = [store_labels.label_view(lb, on) for lb in store_labels.labels(session, user)]
    levels = {
        scheme: [lv.id for lv in catalog.instrument(scheme).levels]
        for scheme in held[Role.MANUFACTURER.value]
    }
    return page(
        request,
        "registry.html",
        status=status,
        applications=applications,
        labels=issued,
        on=on,
        held=held,
        org=user.organisation_id,
        products=[(p.id, f"{p.manufacturer} {p.model}") for p in products],
        levels=levels,
        changes=[c.value for c in Change],
        verdicts=store.LAB_VERDICTS,
        failed=failed,
    )


@router.get(WORK, response_class=HTMLResponse)
def work_list(request: Request, db: DbDep, catalog: CatalogDep, user: SignedIn) -> HTMLResponse:
    with db.session() as s:
        return _work(request, catalog, s, user)


@dataclass(frozen=True, slots=True)
class Step:
    """What every step's form brings: the request, its checked form, the database, the
    catalog, the registry's wiring, the signed-in user and how the audit log names them."""

    request: Request
    form: FormData
    db: Database
    catalog: Catalog
    wiring: Wiring
    user: User
    actor: Actor

    def field(self, name: str) -> str:
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def take(self, key: str, act: Callable[[Session], object]) -> Response:
        """Take the step in its own transaction; back to the work list, or the work list
        with the refusal beside the form `key` (nothing written)."""
        try:
            with self.db.session() as s:
                act(s)
        except ProdsecError as exc:
            with self.db.session() as s:
                failed = (key, str(exc))
                return _work(self.request, self.catalog, s, self.user, failed, exc.status)
        return RedirectResponse(WORK, status_code=303)


def step_of(
    request: Request,
    form: CheckedForm,
    db: DbDep,
    catalog: CatalogDep,
    wiring: WiringDep,
    user: SignedIn,
    actor: ActorDep,
) -> Step:
    return Step(request, form, db, catalog, wiring, user, actor)


StepDep = Annotated[Step, Depends(step_of)]


@router.post(f"{WORK}/apply", response_model=None)
def apply(step: StepDep) -> Response:
    product, scheme, level = (step.field(k) for k in ("product", "scheme", "level"))
    lab = step.field("lab") or None

    def act(s: Session) -> object:
        by = step.actor
        return store.apply(s, step.catalog, step.user, by, product, scheme, level, lab, today())

    return step.take("apply", act)


@router.post(WORK + "/{ident}/review", response_model=None)
def review(ident: str, step: StepDep) -> Response:
    verdicts = {
        k.removeprefix("verdict:"): str(v)
        for k, v in step.form.multi_items()
        if k.startswith("verdict:") and v
    }
    report = step.field("report")[:REPORT_LIMIT]
    passed = step.field("passed") == "yes"

    def act(s: Session) -> object:
        by = step.actor
        return store.review(s, step.user, by, ident, report, verdicts, passed, today())

    return step.take(f"review:{ident}", act)


@router.post(WORK + "/{ident}/decide", response_model=None)
def decide(ident: str, step: StepDep) -> Response:
    """The scheme owner issues the label, or refuses with the reason given."""
    issuing = step.field("decision") == "issue"
    reason = step.field("reason")[: store.MAX_REASON]

    def act(s: Session) -> object:
        user, by = step.user, step.actor
        if issuing:
            return store_labels.issue(s, step.wiring.services(s, by), user, by, ident, today())
        return store.refuse(s, user, by, ident, [reason], today())

    return step.take(f"decide:{ident}", act)


@router.post(f"{WORK}/label-change", response_model=None)
def change_label(step: StepDep) -> Response:
    registration, chosen, reason = (step.field(k) for k in ("registration", "change", "reason"))

    def act(s: Session) -> object:
        services = step.wiring.services(s, step.actor)
        what = _change(chosen)
        return store_labels.change(
            s, services, step.user, step.actor, registration, what, reason, today()
        )

    return step.take(f"change:{registration}", act)


def _change(value: str) -> Change:
    try:
        return Change(value)
    except ValueError:
        choices = ", ".join(c.value for c in Change)
        raise BadInputError(f"a change is one of {choices}", field="change") from None
