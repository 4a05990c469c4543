"""Issued labels, stored: issuance by the scheme owner, renewal, suspension,
reinstatement, withdrawal and revocation, each with a reason, each an event appended to
the transparency log and signed anew where the record changes. Expiry is read from the
term (`rules.status_on`), never written.

The checks run first; the signer and the log are called last, so a refused step leaves
the database and the log as they were. What is signed is a `LabelRecord`
(`registry.signing`, decision 0017); what the log holds is the label's `LabelFacts`,
with the SHA-256 of the signed label, so a verifier finds the entry of the very token it
holds. `Wiring` builds both ports over one session: the label row, the key store's
signature, the log entry and the signed tree head commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError
from prodsec.registry.keys import stamp
from prodsec.registry.rules import (
    Change,
    Role,
    Route,
    Stage,
    StateError,
    Status,
    WrongRoleError,
    changed,
    registration_id,
    status_on,
    term,
    unsupported_since,
)
from prodsec.registry.signing import KeyStoreLabelSigner, LabelRecord
from prodsec.store.audit import Action, Actor, Target, record
from prodsec.store.keys import SqlKeyStore
from prodsec.store.log import SqlEventLog
from prodsec.store.models import Application, RegistryLabel, User
from prodsec.store.registry import (
    MAX_REASON,
    Services,
    _mine,
    holds,
    no_label_in_force,
    utc_now,
)
from prodsec.store.repo import NotStoredError


@dataclass(frozen=True, slots=True)
class Wiring:
    """How the registry reaches its signer and its log: the key store and the
    transparency log in the database, opened with `secret` (PRODSEC_KEY_SECRET; without
    it signing refuses with 503, exit 2, and nothing is written)."""

    catalog: Catalog
    secret: str | None
    clock: Callable[[], dt.datetime] = utc_now

    def services(self, session: Session, by: Actor) -> Services:
        """The ports over `session`: they write in its transaction."""
        keys = SqlKeyStore(session, by, self.secret or "")
        log = SqlEventLog(session, keys, self.clock)
        return Services(self.catalog, KeyStoreLabelSigner(keys), log, self.clock)


class LabelFacts(TypedDict):
    """What the log holds of a label at issuance or at a change: its facts, its status
    and the reason, and `signed`, the SHA-256 (hex) of the signed label of that moment."""

    registration: str
    scheme: str
    edition: str
    level: str
    status: str
    product: str
    manufacturer: str
    model: str
    version: int
    issued_on: str
    valid_until: str
    support_end: str | None
    lab: str | None
    basis: str
    catalog_revision: str
    reason: str
    signed: str


def issue(
    session: Session, services: Services, user: User, by: Actor, ident: str, on: dt.date
) -> RegistryLabel:
    """The scheme owner issues the label of an application that is with them: the
    registration id in the scheme's form, the term from the scheme's rule."""
    app = _mine(session, user, ident, Role.SCHEME_OWNER, on)
    if app.stage != Stage.WITH_OWNER.value:
        raise StateError(f"application {ident} is {app.stage}, not with the scheme owner")
    if Route(app.route) in (Route.LAB_REVIEW, Route.LAB_TEST):
        report = app.lab_report or {}
        if report.get("passed") is not True:
            raise StateError(f"the lab did not pass application {ident}: refuse it instead")
    product = app.version.product
    no_label_in_force(session, product, app.scheme, app.level, on)
    scheme = services.catalog.instrument(f"{app.scheme}@{app.edition}")
    assert scheme.label is not None  # checked when the application was made
    lifecycle = app.version.profile.get("lifecycle")
    end = lifecycle.get("end_of_security_support") if isinstance(lifecycle, dict) else None
    support_end = dt.date.fromisoformat(str(end)) if end else None
    until = term(scheme.label.validity_years, on, support_end)
    serial = (
        session.scalar(
            select(func.count(RegistryLabel.id)).where(RegistryLabel.scheme == app.scheme)
        )
        or 0
    ) + 1
    lab = app.lab_report.get("lab") if app.lab_report else None
    label = RegistryLabel(
        registration=registration_id(scheme, serial, until),
        application_id=app.id,
        organisation_id=app.organisation_id,
        product_id=product.id,
        scheme=app.scheme,
        level=app.level,
        status=Status.ACTIVE.value,
        issued_on=on,
        valid_until=until,
        support_end=support_end,
        reason="",
        signed="",
        log_index=-1,
    )
    app.stage = Stage.ISSUED.value
    session.add(label)
    try:
        session.flush()
    except IntegrityError as exc:  # another label took the serial at the same time
        raise StateError(f"a label of {app.scheme} was issued at the same time; try again") from exc
    _sign_and_log(services, label, app, cast(str | None, lab), "issue")
    record(
        session,
        by,
        Action.ISSUED,
        Target("label", label.registration),
        by.client,
        {"application": app.id, "valid_until": until.isoformat()},
        organisation=app.organisation_id,
    )
    return label


def _sign_and_log(
    services: Services, label: RegistryLabel, app: Application, lab: str | None, kind: str
) -> None:
    """Sign the label's record as of now and append the event with its facts: the last
    step, inside the caller's transaction."""
    label.signed = services.signer.sign(signed_record(services, label, app, lab))
    facts = label_facts(label, app, lab)
    label.log_index = services.log.append(kind, label.registration, facts)


def signed_record(
    services: Services, label: RegistryLabel, app: Application, lab: str | None
) -> LabelRecord:
    """The record the scheme owner's key signs (decision 0017), issued now."""
    product = app.version.product
    scheme = services.catalog.instrument(f"{app.scheme}@{app.edition}")
    return {
        "scheme": app.scheme,
        "level": app.level,
        "registration": label.registration,
        "product": product.model,
        "manufacturer": product.manufacturer,
        "product_version": str(app.version.number),
        "issued": stamp(services.clock()),
        "valid_until": label.valid_until.isoformat(),
        "support_end": label.support_end.isoformat() if label.support_end else None,
        "catalog_revision": app.catalog_revision,
        "lab": lab,
        "standard_version": f"{scheme.title} ({scheme.id}@{scheme.edition})",
    }


def label_facts(label: RegistryLabel, app: Application, lab: str | None) -> LabelFacts:
    product = app.version.product
    return {
        "registration": label.registration,
        "scheme": app.scheme,
        "edition": app.edition,
        "level": app.level,
        "status": label.status,
        "product": product.id,
        "manufacturer": product.manufacturer,
        "model": product.model,
        "version": app.version.number,
        "issued_on": label.issued_on.isoformat(),
        "valid_until": label.valid_until.isoformat(),
        "support_end": label.support_end.isoformat() if label.support_end else None,
        "lab": lab,
        "basis": app.basis,
        "catalog_revision": app.catalog_revision,
        "reason": label.reason,
        "signed": hashlib.sha256(label.signed.encode("ascii")).hexdigest(),
    }


def get_label(session: Session, registration: str) -> RegistryLabel:
    found = session.scalar(select(RegistryLabel).where(RegistryLabel.registration == registration))
    if found is None:
        raise NotStoredError("label", registration)
    return found


def change(
    session: Session,
    services: Services,
    user: User,
    by: Actor,
    registration: str,
    what: Change,
    reason: str,
    on: dt.date,
) -> RegistryLabel:
    """Renew, suspend, reinstate, withdraw or revoke a label, with a reason: only its
    scheme's owner may; the new record is signed and the event appended to the log."""
    label = get_label(session, registration)
    if not holds(session, user.organisation_id, label.scheme, Role.SCHEME_OWNER, on):
        raise WrongRoleError(f"{user.email} does not act as scheme-owner of {label.scheme}")
    if len(reason) > MAX_REASON:
        raise BadInputError(f"at most {MAX_REASON} characters", field="reason")
    now = status_on(Status(label.status), label.valid_until, on)
    after = changed(now, what, reason)
    app = label.application
    if what is Change.RENEW:
        scheme = services.catalog.instrument(f"{app.scheme}@{app.edition}")
        years = scheme.label.validity_years if scheme.label else None
        label.valid_until = term(years, on, label.support_end)
    label.status = after.value
    label.reason = reason.strip()
    lab = app.lab_report.get("lab") if app.lab_report else None
    _sign_and_log(services, label, app, cast(str | None, lab), what.value)
    detail = {
        "change": what.value,
        "reason": label.reason,
        "status": after.value,
        "from": now.value,
    }
    record(
        session,
        by,
        Action.LABEL_CHANGED,
        Target("label", label.registration),
        by.client,
        detail,
        organisation=label.organisation_id,
    )
    return label


class LabelPublic(TypedDict):
    """An issued label as the registry shows it: its status as of `on` (expired once past
    its last day) and the day security updates ended, once past."""

    registration: str
    scheme: str
    level: str
    status: str
    product: str
    issued_on: str
    valid_until: str
    support_end: str | None
    unsupported_since: str | None
    reason: str
    application: str
    signed: str
    log_index: int


def label_view(label: RegistryLabel, on: dt.date) -> LabelPublic:
    gone = unsupported_since(label.support_end, on)
    return {
        "registration": label.registration,
        "scheme": label.scheme,
        "level": label.level,
        "status": status_on(Status(label.status), label.valid_until, on).value,
        "product": label.product_id,
        "issued_on": label.issued_on.isoformat(),
        "valid_until": label.valid_until.isoformat(),
        "support_end": label.support_end.isoformat() if label.support_end else None,
        "unsupported_since": gone.isoformat() if gone else None,
        "reason": label.reason,
        "application": label.application_id,
        "signed": label.signed,
        "log_index": label.log_index,
    }


def labels(session: Session, user: User) -> list[RegistryLabel]:
    """The labels of the user's organisation's products and of the schemes it owns."""
    query = select(RegistryLabel).order_by(RegistryLabel.issued_on, RegistryLabel.registration)
    found = list(session.scalars(query))
    if user.is_admin:
        return found
    return [
        lb
        for lb in found
        if lb.organisation_id == user.organisation_id
        or holds(session, user.organisation_id, lb.scheme, Role.SCHEME_OWNER, None)
    ]
