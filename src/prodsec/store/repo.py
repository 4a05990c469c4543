"""Products, their versions and their assessments, stored and read back.

A profile is checked (schema, catalog, contradictions) before anything is written; a bad
one raises ProfileError and changes nothing. Every call names the `Visibility` it reads
and writes with: a product belongs to the organisation of the user who created it, and a
user sees only that organisation's products (a product they cannot see is "not stored", so
its existence is not given away). Administrators see every product.

Every change names its `Actor` and records an audit entry in the same transaction. A
deleted product stays as a tombstone (`deleted_at`, `deleted_by`): it leaves every list
and answers "not stored" (404) like a product that never was. A new version's number is
allocated under a lock on the product's row (an UPDATE of it: PostgreSQL's row lock,
SQLite's write lock), so two servers saving one product at once number their versions
one after the other; what still clashes is a ConflictError (409: try again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prodsec.assess.evaluate import assess
from prodsec.assess.profile import Profile, check_profile
from prodsec.assess.report import assessment_view
from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Actor as Role
from prodsec.catalog.yamlsrc import Document
from prodsec.errors import ConflictError, NotFoundError
from prodsec.store.audit import SYSTEM, Action, Actor, Target, record
from prodsec.store.models import ProductRecord, ProductVersion, SavedAssessment, User

if TYPE_CHECKING:
    from prodsec.supplychain.vuln.findings import AdvisoryIndex


class NotStoredError(NotFoundError):
    """No stored row of `kind` with this id that the caller may see (no near matches: they
    would give other organisations' ids away)."""

    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(kind, ident)

    def _message(self) -> str:
        return f"no {self.kind} '{self.wanted}'"


@dataclass(frozen=True)
class Visibility:
    """Whose products a caller may see and change: one organisation's (None: the products
    of users who belong to none), or every product."""

    organisation_id: str | None = None
    everything: bool = False

    @classmethod
    def of(cls, user: User) -> Visibility:
        return cls(user.organisation_id, everything=user.is_admin)

    def sees(self, product: ProductRecord) -> bool:
        if product.deleted_at is not None:
            return False
        return self.everything or product.organisation_id == self.organisation_id

    def narrow(self, query: Select[Any]) -> Select[Any]:
        query = query.where(ProductRecord.deleted_at.is_(None))
        if self.everything:
            return query
        if self.organisation_id is None:
            return query.where(ProductRecord.organisation_id.is_(None))
        return query.where(ProductRecord.organisation_id == self.organisation_id)


EVERY_PRODUCT = Visibility(everything=True)
"""What the server's own command line sees (loading the demo data, for example)."""


START_UP_LOCK = 0x70726F64
"""The PostgreSQL advisory lock that one-off start-up work (the demo products) holds."""


def exclusive(session: Session) -> None:
    """Make this transaction, from now to its end, the only one doing one-off work: a
    second server starting at the same time waits here, then sees what the first wrote.
    PostgreSQL: an advisory lock; SQLite: the write lock (BEGIN IMMEDIATE, so call this
    before anything else in the session)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": START_UP_LOCK})
    else:
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def parse(
    catalog: Catalog, data: Any, source: str, lines: dict[tuple[str | int, ...], int] | None = None
) -> Profile:
    """Check a profile's data; raise ProfileError naming `source` and the field."""
    return check_profile(Document(Path(source), data, lines or {(): 1}), catalog)


def _plain(data: Any) -> Any:
    """JSON-ready data: dates as ISO strings."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def create_product(
    session: Session, visibility: Visibility, profile: Profile, data: Any, by: Actor = SYSTEM
) -> ProductRecord:
    """A new product owned by the visibility's organisation, with the profile as version 1."""
    product = ProductRecord(
        organisation_id=visibility.organisation_id,
        manufacturer=profile.manufacturer,
        model=profile.model,
        category=profile.category,
    )
    product.versions.append(ProductVersion(number=1, profile=_plain(data), author=by.name))
    session.add(product)
    session.flush()
    _record(session, by, Action.CREATED, product, {"version": 1})
    return product


def _record(
    session: Session,
    by: Actor,
    action: Action,
    product: ProductRecord,
    detail: dict[str, object],
) -> None:
    record(
        session,
        by,
        action,
        Target("product", product.id),
        by.client,
        {"manufacturer": product.manufacturer, "model": product.model, **detail},
        organisation=product.organisation_id,
    )


def get_product(session: Session, visibility: Visibility, ident: str) -> ProductRecord:
    found = session.get(ProductRecord, ident)
    if found is None or not visibility.sees(found):
        raise NotStoredError("product", ident)
    return found


def _locked(
    session: Session, visibility: Visibility, ident: str, **values: object
) -> ProductRecord:
    """The product, once this transaction holds the lock on its row: an UPDATE (of
    `values`, or of nothing) waits for every other writer of the product to finish, and
    what is read after it is what they committed. A product deleted meanwhile is not
    stored."""
    product = get_product(session, visibility, ident)
    changes = values or {"deleted_at": ProductRecord.deleted_at}
    locked = session.execute(
        update(ProductRecord)
        .where(ProductRecord.id == ident, ProductRecord.deleted_at.is_(None))
        .values(**changes)
        .execution_options(synchronize_session=False)
    )
    if locked.rowcount != 1:  # type: ignore[attr-defined]
        raise NotStoredError("product", ident)
    session.refresh(product)
    session.expire(product, ["versions"])
    return product


def update_product(
    session: Session,
    visibility: Visibility,
    ident: str,
    profile: Profile,
    data: Any,
    by: Actor = SYSTEM,
) -> ProductRecord:
    """A new version of the profile; earlier versions and their assessments stay."""
    product = _locked(
        session,
        visibility,
        ident,
        manufacturer=profile.manufacturer,
        model=profile.model,
        category=profile.category,
    )
    number = _next_number(session, ident)
    product.versions.append(ProductVersion(number=number, profile=_plain(data), author=by.name))
    try:
        session.flush()
    except IntegrityError as exc:  # the lock makes this rare; the client may try again
        raise ConflictError(
            f"product '{ident}' was changed at the same time; send the change again"
        ) from exc
    _record(session, by, Action.CHANGED, product, {"version": number})
    return product


def _next_number(session: Session, ident: str) -> int:
    """The number of the product's next version (read under the product's lock)."""
    newest = session.scalar(
        select(func.max(ProductVersion.number)).where(ProductVersion.product_id == ident)
    )
    return (newest or 0) + 1


def delete_product(
    session: Session, visibility: Visibility, ident: str, by: Actor = SYSTEM
) -> None:
    """Leave a tombstone: the product, its versions and assessments stay stored, seen by
    no one."""
    product = _locked(session, visibility, ident)
    product.deleted_at = dt.datetime.now(dt.UTC)
    product.deleted_by = by.name
    _record(session, by, Action.DELETED, product, {})
    session.flush()


def list_products(
    session: Session,
    visibility: Visibility,
    offset: int = 0,
    limit: int = 50,
    category: str | None = None,
) -> tuple[list[ProductRecord], int]:
    query = visibility.narrow(select(ProductRecord))
    counted = visibility.narrow(select(func.count()).select_from(ProductRecord))
    if category is not None:
        query = query.where(ProductRecord.category == category)
        counted = counted.where(ProductRecord.category == category)
    total = session.scalar(counted) or 0
    rows = session.scalars(
        query.order_by(ProductRecord.created, ProductRecord.id).offset(offset).limit(limit)
    )
    return list(rows), total


def latest(product: ProductRecord) -> ProductVersion:
    return product.versions[-1]


def current_profile(
    session: Session, visibility: Visibility, catalog: Catalog, ident: str
) -> tuple[ProductVersion, Profile]:
    """The product's latest version and its profile, checked against today's catalog."""
    version = latest(get_product(session, visibility, ident))
    return version, parse(catalog, version.profile, f"product {ident} version {version.number}")


def run_assessment(
    session: Session,
    visibility: Visibility,
    catalog: Catalog,
    ident: str,
    on: dt.date,
    markets: tuple[str, ...] | None = None,
    by: Actor = SYSTEM,
    role: Role = Role.MANUFACTURER,
    index: AdvisoryIndex | None = None,
) -> SavedAssessment:
    """Assess the product's latest version for the duties `role` bears and store the
    result with the catalog revision. The supply-chain claims are derived from the
    version's stored SBOMs and the product's VEX documents against `index` (the
    database's advisory index when None), as `prodsec assess` derives them from files,
    and the result carries their notes."""
    from prodsec.assess.supply import annotated
    from prodsec.store.reassess import session_index
    from prodsec.store.supply import stored_evidence  # it imports this module

    version, profile = current_profile(session, visibility, catalog, ident)
    found = index if index is not None else session_index(session)
    profile = stored_evidence(session, version, profile, found, on)
    result = annotated(assess(catalog, profile, on, markets, role))
    stored = SavedAssessment(
        version=version,
        on=on,
        markets=list(result.markets),
        catalog_revision=catalog.data_hash,
        all_binding_met=result.all_binding_met,
        result=assessment_view(result),
        author=by.name,
    )
    session.add(stored)
    session.flush()
    detail = {
        "assessment": stored.id,
        "version": version.number,
        "on": on.isoformat(),
        "all_binding_met": result.all_binding_met,
    }
    _record(session, by, Action.ASSESSED, version.product, detail)
    return stored


def saved_assessments(
    session: Session, visibility: Visibility, ident: str
) -> list[SavedAssessment]:
    """Every stored assessment of every version of a product, newest first."""
    product = get_product(session, visibility, ident)
    found = [a for v in product.versions for a in v.assessments]
    return sorted(found, key=lambda a: (a.created, a.version.number), reverse=True)


def get_assessment(session: Session, visibility: Visibility, ident: str) -> SavedAssessment:
    found = session.get(SavedAssessment, ident)
    if found is None or not visibility.sees(found.version.product):
        raise NotStoredError("assessment", ident)
    return found
