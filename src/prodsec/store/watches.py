"""Watches, and the re-assessment of watched products when the catalog changes.

A signed-in user watches an instrument, a jurisdiction, or one of their products. When
the server starts with a catalog other than the one it last re-assessed for (a new
release, a patch applied), every watched product is assessed again on the day and markets
of its latest stored assessment, and what changed (assess/changes.py) is stored as a
`CatalogReassessment`, shown on the product's page and in the organisation's feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from prodsec.assess.changes import summary, verdict_changes
from prodsec.catalog import Catalog
from prodsec.catalog.history import RevisionView
from prodsec.errors import BadInputError, ConflictError, NotFoundError
from prodsec.store.audit import SYSTEM, Action, Actor, Target, record
from prodsec.store.db import Database
from prodsec.store.models import (
    AppState,
    CatalogReassessment,
    ProductRecord,
    SavedAssessment,
    User,
    Watch,
)
from prodsec.store.repo import EVERY_PRODUCT, Visibility, get_product, latest, run_assessment

KINDS = ("instrument", "jurisdiction", "product")
CATALOG_KEY = "catalog"


def _remember(session: Session, catalog: Catalog) -> None:
    if session.get(AppState, CATALOG_KEY) is None:
        session.add(AppState(key=CATALOG_KEY, value=catalog.data_hash))


def watch(
    session: Session, catalog: Catalog, user: User, actor: Actor, kind: str, target: str
) -> Watch:
    if kind not in KINDS:
        raise BadInputError(f"one of {', '.join(KINDS)}", field="kind")
    if kind == "instrument":
        target = catalog.instrument(target).id
    elif kind == "jurisdiction":
        known = {j for i in catalog.instruments.values() for j in i.jurisdictions}
        if target not in known:
            raise NotFoundError("jurisdiction", target)
    else:
        target = get_product(session, Visibility.of(user), target).id
    found = session.scalars(
        select(Watch).where(Watch.user_id == user.id, Watch.kind == kind, Watch.target == target)
    ).one_or_none()
    if found is not None:
        raise ConflictError(f"you already watch {kind} {target}")
    row = Watch(user_id=user.id, kind=kind, target=target)
    session.add(row)
    _remember(session, catalog)
    session.flush()
    record(session, actor, Action.WATCHED, Target(kind, target), actor.client)
    return row


def unwatch(session: Session, user: User, actor: Actor, kind: str, target: str) -> None:
    found = session.scalars(
        select(Watch).where(Watch.user_id == user.id, Watch.kind == kind, Watch.target == target)
    ).one_or_none()
    if found is None:
        raise NotFoundError("watch", f"{kind} {target}")
    session.delete(found)
    record(session, actor, Action.UNWATCHED, Target(kind, target), actor.client)


def watches_of(session: Session, user: User) -> list[Watch]:
    return list(
        session.scalars(select(Watch).where(Watch.user_id == user.id).order_by(Watch.created))
    )


def watched_products(session: Session, catalog: Catalog) -> list[ProductRecord]:
    """Every product some watch covers: a watched product; a product of the watcher's
    organisation sold in a watched jurisdiction, or in one of a watched instrument's."""
    chosen: dict[str, ProductRecord] = {}
    for w, user in session.execute(select(Watch, User).join(User, User.id == Watch.user_id)):
        sight = Visibility.of(user)
        if w.kind == "product":
            product = session.get(ProductRecord, w.target)
            if product is not None and sight.sees(product):
                chosen[product.id] = product
            continue
        where = (
            {w.target}
            if w.kind == "jurisdiction"
            else {j for i in catalog.editions(w.target) for j in i.jurisdictions}
        )
        for product in session.scalars(sight.narrow(select(ProductRecord))):
            listed = latest(product).profile.get("markets")
            markets = {str(m) for m in listed} if isinstance(listed, list) else set()
            if markets & where:
                chosen[product.id] = product
    return [chosen[k] for k in sorted(chosen)]


def _previous(product: ProductRecord, catalog: Catalog) -> SavedAssessment | None:
    found = [a for a in latest(product).assessments if a.catalog_revision != catalog.data_hash]
    return max(found, key=lambda a: a.created) if found else None


def refresh(
    session: Session, catalog: Catalog, cause: str, now: dt.datetime | None = None
) -> list[CatalogReassessment]:
    """Re-assess the watched products if the catalog is not the one last seen; store and
    return the changes. The first run only remembers the catalog."""
    state = session.get(AppState, CATALOG_KEY)
    if state is not None and state.value == catalog.data_hash:
        return []
    if state is None:
        _remember(session, catalog)
        return []
    at = now or dt.datetime.now(dt.UTC)
    made: list[CatalogReassessment] = []
    for product in watched_products(session, catalog):
        before = _previous(product, catalog)
        if before is None:
            continue
        after = run_assessment(
            session, EVERY_PRODUCT, catalog, product.id, before.on, tuple(before.markets), SYSTEM
        )
        changes = verdict_changes(before.result, after.result)
        if not changes and before.all_binding_met == after.all_binding_met:
            continue
        row = CatalogReassessment(
            product_id=product.id,
            organisation_id=product.organisation_id,
            cause=cause,
            at=at,
            summary=summary(changes, before.all_binding_met, after.all_binding_met),
            changes=[dict(c) for c in changes],
        )
        session.add(row)
        made.append(row)
    state.value = catalog.data_hash
    session.flush()
    for row in made:
        record(
            session, SYSTEM, Action.REASSESSED, Target("product", row.product_id), "system",
            {"cause": cause, "summary": row.summary}, organisation=row.organisation_id,
        )  # fmt: skip
    return made


def cause_of(catalog: Catalog, revisions: Sequence[RevisionView]) -> str:
    """How a catalog change is named: its ledger revision, else its data hash."""
    if revisions:
        last = revisions[-1]
        return f"catalog revision {last['id']}: {last['summary']}"[:300]
    return f"catalog {catalog.data_hash[:12]}"


def reassess_watched(db: Database, catalog: Catalog) -> list[str]:
    """At start-up: when anyone watches anything and the catalog is new to the server,
    re-assess the watched products in one transaction. Returns the changed products."""
    from prodsec.catalog.history import ledger, ledger_path
    from prodsec.catalog.load import PACKAGED, data_hash

    with db.session() as s:
        if s.scalar(select(Watch.id).limit(1)) is None:
            return []
        packaged = catalog.data_hash == data_hash(PACKAGED)
        kept = list(ledger(ledger_path(PACKAGED))) if packaged else []
        made = refresh(s, catalog, cause_of(catalog, kept))
        return [m.product_id for m in made]
