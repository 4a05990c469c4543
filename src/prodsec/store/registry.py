"""The registry's workflow, stored: roles granted to organisations per scheme,
applications, evidence files, the lab's review, issuance and refusal, and the changes of
an issued label.

Every step names the signed-in `User` who takes it and checks the role of that user's
organisation in the scheme (`WrongRoleError`, 403, exit 2): a manufacturer applies, the
chosen lab reviews, the scheme owner issues, refuses and changes labels; an application or
label of another organisation is not the caller's to act on. Every step is checked before
anything is written, then recorded in the audit log in the same transaction; the label
signer and the transparency log are called last, once every check has passed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from prodsec.assess.evaluate import assess
from prodsec.assess.report import assessment_view
from prodsec.catalog import Catalog
from prodsec.catalog.model import Instrument
from prodsec.errors import BadInputError, LimitExceededError, NotFoundError
from prodsec.registry.ports import EventLog, LabelSigner
from prodsec.registry.rules import (
    Role,
    Stage,
    StateError,
    Status,
    WrongRoleError,
    admit,
    needs_lab,
    status_on,
)
from prodsec.store.audit import Action, Actor, Target, record
from prodsec.store.models import (
    Application,
    Evidence,
    Organisation,
    ProductRecord,
    RegistryLabel,
    RegistryRole,
    User,
)
from prodsec.store.repo import NotStoredError, Visibility, get_product, latest, parse

EVIDENCE_LIMIT = 256 * 1024
"""The largest evidence file, in bytes (under the request cap of `web/limits.py`)."""
EVIDENCE_TYPES = ("application/pdf", "image/png", "image/jpeg", "text/plain", "application/json")
_MAGIC = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}
MAX_REASON = 2000


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Services:
    """What issuing and changing labels call beyond the database; `clock` gives the
    moment a label is signed (its `issued`) and an event logged."""

    catalog: Catalog
    signer: LabelSigner
    log: EventLog
    clock: Callable[[], dt.datetime] = utc_now


# --- roles --------------------------------------------------------------------------


def _scheme(catalog: Catalog, ident: str) -> Instrument:
    found = catalog.instrument(ident)
    if found.label is None or not found.levels:
        raise BadInputError(f"{ident} is not a labelling scheme", field="scheme")
    return found


def grant(
    session: Session,
    catalog: Catalog,
    admin: User | None,
    by: Actor,
    organisation: str,
    scheme: str,
    role: Role,
    levels: Sequence[str] = (),
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> RegistryRole:
    """Grant an organisation a role in a scheme; only an administrator (or the server's
    command line: `admin` None) may."""
    if admin is not None and not admin.is_admin:
        raise WrongRoleError("only an administrator grants registry roles")
    found = _scheme(catalog, scheme)
    known = {lv.id for lv in found.levels}
    if unknown := sorted(set(levels) - known):
        raise BadInputError(f"{found.id} has no level {', '.join(unknown)}", field="levels")
    if levels and role is not Role.LAB:
        raise BadInputError("only a lab's grant names levels", field="levels")
    if valid_from and valid_until and valid_until < valid_from:
        raise BadInputError("valid_until is before valid_from", field="valid_until")
    org = session.scalar(select(Organisation).where(Organisation.name == organisation))
    if org is None:
        raise NotFoundError("organisation", organisation)
    clash = session.scalar(
        select(RegistryRole).where(
            RegistryRole.organisation_id == org.id,
            RegistryRole.scheme == found.id,
            RegistryRole.role == role.value,
        )
    )
    if clash is not None:
        raise StateError(f"{organisation} is already {role.value} of {found.id}")
    row = RegistryRole(
        organisation=org,
        scheme=found.id,
        role=role.value,
        levels=sorted(levels),
        valid_from=valid_from,
        valid_until=valid_until,
        granted_by=by.name,
    )
    session.add(row)
    session.flush()
    detail = {"scheme": found.id, "role": role.value, "levels": sorted(levels)}
    record(
        session,
        by,
        Action.ROLE_GRANTED,
        Target("organisation", org.name),
        by.client,
        detail,
        organisation=org.id,
    )
    return row


def holds(
    session: Session,
    organisation_id: str | None,
    scheme: str,
    role: Role,
    on: dt.date | None,
    level: str | None = None,
) -> bool:
    """Whether the organisation holds the role in the scheme on the day (None: on any day;
    a lab: for the level, when one is named)."""
    if organisation_id is None:
        return False
    row = session.scalar(
        select(RegistryRole).where(
            RegistryRole.organisation_id == organisation_id,
            RegistryRole.scheme == scheme,
            RegistryRole.role == role.value,
        )
    )
    if row is None:
        return False
    if on is not None and (
        (row.valid_from and on < row.valid_from) or (row.valid_until and on > row.valid_until)
    ):
        return False
    return level is None or not row.levels or level in row.levels


def _require(session: Session, user: User, scheme: str, role: Role, on: dt.date) -> None:
    if not holds(session, user.organisation_id, scheme, role, on):
        raise WrongRoleError(f"{user.email} does not act as {role.value} of {scheme}")


def roles(session: Session) -> list[RegistryRole]:
    return list(session.scalars(select(RegistryRole).order_by(RegistryRole.created)))


# --- applications -------------------------------------------------------------------


def apply(
    session: Session,
    catalog: Catalog,
    user: User,
    by: Actor,
    product_id: str,
    scheme: str,
    level: str,
    lab: str | None,
    on: dt.date,
) -> Application:
    """A manufacturer's application for a scheme level for the product's latest version,
    with prodsec's assessment attached; RefusedError when the product does not qualify."""
    product = get_product(session, Visibility(user.organisation_id), product_id)
    found = _scheme(catalog, scheme)
    _require(session, user, found.id, Role.MANUFACTURER, on)
    version = latest(product)
    profile = parse(catalog, version.profile, f"product {product.id} version {version.number}")
    result = assess(catalog, profile, on)
    admission = admit(result, found, level)
    _no_second(session, product, found.id, level, on)
    lab_org: Organisation | None = None
    if needs_lab(admission.route):
        lab_org = _lab(session, lab, found.id, level, on)
    elif lab is not None:
        raise BadInputError(f"the route {admission.route.value} takes no lab", field="lab")
    application = Application(
        organisation_id=product.organisation_id,
        version_id=version.id,
        product_id=product.id,
        scheme=found.id,
        edition=found.edition,
        level=level,
        route=admission.route.value,
        basis=admission.basis,
        stage=(Stage.WITH_LAB if lab_org else Stage.WITH_OWNER).value,
        lab_id=lab_org.id if lab_org else None,
        assessed_on=on,
        catalog_revision=catalog.data_hash,
        assessment=dict(assessment_view(result)),
        reasons=list(admission.result.reasons),
        open_requirements=list(admission.result.unknown),
    )
    session.add(application)
    session.flush()
    _audit(session, by, Action.APPLIED, application, {"route": application.route})
    return application


def _no_second(
    session: Session, product: ProductRecord, scheme: str, level: str, on: dt.date
) -> None:
    """StateError when the product has an open application or a label in force for the
    scheme's level."""
    open_one = session.scalar(
        select(func.count(Application.id)).where(
            Application.product_id == product.id,
            Application.scheme == scheme,
            Application.level == level,
            Application.stage.in_([Stage.WITH_LAB.value, Stage.WITH_OWNER.value]),
        )
    )
    if open_one:
        raise StateError(f"the product already has an open application for {scheme} level {level}")
    no_label_in_force(session, product, scheme, level, on)


def no_label_in_force(
    session: Session, product: ProductRecord, scheme: str, level: str, on: dt.date
) -> None:
    """StateError when the product holds an active or suspended label of the level."""
    for label in session.scalars(
        select(RegistryLabel).where(
            RegistryLabel.product_id == product.id,
            RegistryLabel.scheme == scheme,
            RegistryLabel.level == level,
        )
    ):
        now = status_on(Status(label.status), label.valid_until, on)
        if now in (Status.ACTIVE, Status.SUSPENDED):
            raise StateError(
                f"the product already holds {scheme} level {level} ({label.registration}, "
                f"{now.value})"
            )


def _lab(session: Session, name: str | None, scheme: str, level: str, on: dt.date) -> Organisation:
    if not name:
        raise BadInputError(f"{scheme} level {level} needs a lab: name one", field="lab")
    org = session.scalar(select(Organisation).where(Organisation.name == name))
    if org is None or not holds(session, org.id, scheme, Role.LAB, on, level):
        raise BadInputError(
            f"'{name}' is not a lab accredited for {scheme} level {level} on {on}", field="lab"
        )
    return org


def _audit(
    session: Session, by: Actor, action: Action, app: Application, detail: Mapping[str, object]
) -> None:
    record(
        session,
        by,
        action,
        Target("application", app.id),
        by.client,
        {"scheme": app.scheme, "level": app.level, **detail},
        organisation=app.organisation_id,
    )


def application(session: Session, user: User, ident: str) -> Application:
    """An application the user's organisation takes part in (manufacturer, its lab, or the
    scheme's owner); an administrator sees every one."""
    found = session.get(Application, ident)
    if found is None:
        raise NotStoredError("application", ident)
    if not (user.is_admin or _party(session, user, found)):
        raise WrongRoleError(f"application {ident} is another organisation's")
    return found


def _party(session: Session, user: User, app: Application) -> bool:
    org = user.organisation_id
    if org is None:
        return False
    if org in (app.organisation_id, app.lab_id):
        return True
    return holds(session, org, app.scheme, Role.SCHEME_OWNER, None)


def _mine(session: Session, user: User, ident: str, role: Role, on: dt.date) -> Application:
    """The application, when the user's organisation takes this role in it."""
    app = application(session, user, ident)
    match role:
        case Role.MANUFACTURER:
            ok = user.organisation_id == app.organisation_id
        case Role.LAB:
            ok = user.organisation_id == app.lab_id
        case Role.SCHEME_OWNER:
            ok = True
    if not (ok and holds(session, user.organisation_id, app.scheme, role, on)):
        raise WrongRoleError(f"{user.email} is not the {role.value} of application {ident}")
    return app


def applications(session: Session, user: User) -> list[Application]:
    """The user's work list: the applications their organisation takes part in."""
    query = select(Application).order_by(Application.created, Application.id)
    if not user.is_admin:
        org = user.organisation_id
        owned = select(RegistryRole.scheme).where(
            RegistryRole.organisation_id == org, RegistryRole.role == Role.SCHEME_OWNER.value
        )
        query = query.where(
            or_(
                Application.organisation_id == org,
                Application.lab_id == org,
                Application.scheme.in_(owned),
            )
        )
    return list(session.scalars(query))


def add_evidence(
    session: Session,
    user: User,
    by: Actor,
    ident: str,
    name: str,
    media_type: str,
    content: bytes,
    on: dt.date,
) -> Evidence:
    """An evidence file for an open application, checked for size and type."""
    app = _mine(session, user, ident, Role.MANUFACTURER, on)
    _open(app)
    if len(content) > EVIDENCE_LIMIT:
        raise LimitExceededError(
            f"an evidence file is at most {EVIDENCE_LIMIT} bytes; this one is {len(content)}"
        )
    check_type(media_type, content)
    name = name.strip()
    if not name or len(name) > 200 or "/" in name or "\\" in name:
        raise BadInputError("a file name of 1 to 200 characters, no folders", field="name")
    digest = hashlib.sha256(content).hexdigest()
    evidence = Evidence(
        application=app,
        name=name,
        media_type=media_type,
        size=len(content),
        sha256=digest,
        content=content,
    )
    session.add(evidence)
    session.flush()
    _audit(session, by, Action.EVIDENCE_ADDED, app, {"file": name, "sha256": digest})
    return evidence


def check_type(media_type: str, content: bytes) -> None:
    """BadInputError unless the type is allowed and the content is of that type."""
    if media_type not in EVIDENCE_TYPES:
        allowed = ", ".join(EVIDENCE_TYPES)
        raise BadInputError(f"'{media_type}' is not allowed ({allowed})", field="type")
    magic = _MAGIC.get(media_type)
    if magic is not None:
        ok = content.startswith(magic)
    else:
        try:
            text = content.decode("utf-8")
            ok = "\x00" not in text
            if ok and media_type == "application/json":
                json.loads(text)
        except ValueError:
            ok = False
    if not ok:
        raise BadInputError(f"the content is not {media_type}", field="type")


def _open(app: Application) -> None:
    if app.stage in (Stage.ISSUED.value, Stage.REFUSED.value):
        raise StateError(f"application {app.id} is {app.stage}")


def review(
    session: Session,
    user: User,
    by: Actor,
    ident: str,
    report: str,
    verdicts: Mapping[str, str],
    passed: bool,
    on: dt.date,
) -> Application:
    """The chosen lab's report and per-requirement verdicts; the application goes on to
    the scheme owner."""
    app = _mine(session, user, ident, Role.LAB, on)
    if app.stage != Stage.WITH_LAB.value:
        raise StateError(f"application {ident} is {app.stage}, not with its lab")
    if not report.strip():
        raise BadInputError("the report is empty", field="report")
    if bad := sorted(v for v in set(verdicts.values()) if v not in LAB_VERDICTS):
        raise BadInputError(
            f"verdicts are {', '.join(LAB_VERDICTS)}, not {', '.join(bad)}", field="verdicts"
        )
    if unsettled := [r for r in app.open_requirements if r not in verdicts]:
        raise BadInputError(f"no verdict for {', '.join(unsettled)}", field="verdicts")
    if passed and (failed := sorted(r for r, v in verdicts.items() if v == "not-met")):
        raise BadInputError(f"passed, yet not met: {', '.join(failed)}", field="passed")
    lab = session.get(Organisation, app.lab_id)
    app.lab_report = {
        "lab": lab.name if lab else None,
        "report": report,
        "verdicts": dict(verdicts),
        "passed": passed,
        "on": on.isoformat(),
        "by": by.name,
    }
    app.stage = Stage.WITH_OWNER.value
    _audit(session, by, Action.REVIEWED, app, {"passed": passed})
    return app


LAB_VERDICTS = ("met", "not-met", "not-applicable")


def refuse(
    session: Session, user: User, by: Actor, ident: str, reasons: Sequence[str], on: dt.date
) -> Application:
    """The scheme owner refuses, with reasons."""
    app = _mine(session, user, ident, Role.SCHEME_OWNER, on)
    _open(app)
    given = [r.strip() for r in reasons if r.strip()]
    if not given:
        raise BadInputError("a refusal needs a reason", field="reasons")
    app.stage = Stage.REFUSED.value
    app.reasons = given
    _audit(session, by, Action.REFUSED, app, {"reasons": given})
    return app


# --- public shapes ------------------------------------------------------------------


class RolePublic(TypedDict):
    """A role an organisation holds in a scheme."""

    id: str
    organisation: str
    scheme: str
    role: str
    levels: list[str]
    valid_from: str | None
    valid_until: str | None
    granted_by: str


def role_view(row: RegistryRole) -> RolePublic:
    return {
        "id": row.id,
        "organisation": row.organisation.name,
        "scheme": row.scheme,
        "role": row.role,
        "levels": list(row.levels),
        "valid_from": row.valid_from.isoformat() if row.valid_from else None,
        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
        "granted_by": row.granted_by,
    }


class EvidencePublic(TypedDict):
    """An evidence file's facts (its content is not repeated)."""

    id: str
    name: str
    media_type: str
    size: int
    sha256: str


def evidence_view(row: Evidence) -> EvidencePublic:
    return {
        "id": row.id,
        "name": row.name,
        "media_type": row.media_type,
        "size": row.size,
        "sha256": row.sha256,
    }


class ApplicationPublic(TypedDict):
    """An application: the product version, the scheme level, the route and where it
    stands, prodsec's reasons (or the owner's refusal), the requirements left to the lab,
    the lab's report and the evidence files. The stored assessment is not repeated."""

    id: str
    product: str
    version: int
    scheme: str
    edition: str
    level: str
    route: str
    basis: str
    stage: str
    lab: str | None
    assessed_on: str
    catalog_revision: str
    reasons: list[str]
    open_requirements: list[str]
    lab_report: dict[str, object] | None
    evidence: list[EvidencePublic]


def application_view(session: Session, app: Application) -> ApplicationPublic:
    lab = session.get(Organisation, app.lab_id) if app.lab_id else None
    return {
        "id": app.id,
        "product": app.product_id,
        "version": app.version.number,
        "scheme": app.scheme,
        "edition": app.edition,
        "level": app.level,
        "route": app.route,
        "basis": app.basis,
        "stage": app.stage,
        "lab": lab.name if lab else None,
        "assessed_on": app.assessed_on.isoformat(),
        "catalog_revision": app.catalog_revision,
        "reasons": list(app.reasons),
        "open_requirements": list(app.open_requirements),
        "lab_report": app.lab_report,
        "evidence": [evidence_view(e) for e in app.evidence],
    }
