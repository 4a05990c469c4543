"""Public reads of the registry's labels: the public search (by scheme, level, status as
of a day, category, manufacturer and support end, paged) and one label by its
registration id. Every issued label is public; its product's profile is read only for
the facts the consumer page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import assert_never

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from prodsec.catalog import Catalog
from prodsec.registry.art import LabelArt, consumer_url
from prodsec.registry.rules import Status
from prodsec.store.models import ProductRecord, RegistryLabel


@dataclass(frozen=True, slots=True)
class LabelQuery:
    """A search of the public registry: every field given narrows it. `status` is the
    status as of `on` (an active label past its term is `expired`); `manufacturer`
    matches part of the name, ignoring case; the support end lies between
    `support_end_from` and `support_end_to`, both included."""

    on: dt.date
    scheme: str | None = None
    level: str | None = None
    status: Status | None = None
    category: str | None = None
    manufacturer: str | None = None
    support_end_from: dt.date | None = None
    support_end_to: dt.date | None = None


def status_is(status: Status, on: dt.date) -> ColumnElement[bool]:
    """A label's status as of `on` as an SQL condition (`rules.status_on`)."""
    standing = RegistryLabel.status.in_([Status.ACTIVE.value, Status.SUSPENDED.value])
    match status:
        case Status.EXPIRED:
            return and_(standing, RegistryLabel.valid_until < on)
        case Status.ACTIVE | Status.SUSPENDED:
            return and_(RegistryLabel.status == status.value, RegistryLabel.valid_until >= on)
        case Status.WITHDRAWN | Status.REVOKED:
            return RegistryLabel.status == status.value
        case _ as unreachable:
            assert_never(unreachable)


def _like(text: str) -> str:
    """A LIKE pattern that finds `text` anywhere, its wildcards taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(query: LabelQuery) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if query.scheme:
        found.append(RegistryLabel.scheme == query.scheme)
    if query.level:
        found.append(RegistryLabel.level == query.level)
    if query.status:
        found.append(status_is(query.status, query.on))
    if query.category:
        found.append(ProductRecord.category == query.category)
    if query.manufacturer:
        name = func.lower(ProductRecord.manufacturer)
        found.append(name.like(_like(query.manufacturer), escape="\\"))
    if query.support_end_from:
        found.append(RegistryLabel.support_end >= query.support_end_from)
    if query.support_end_to:
        found.append(RegistryLabel.support_end <= query.support_end_to)
    return found


def search(
    session: Session, query: LabelQuery, offset: int, limit: int
) -> tuple[list[RegistryLabel], int]:
    """One page of the labels the query selects, newest first, and their total."""
    where = and_(RegistryLabel.product_id == ProductRecord.id, *_conditions(query))
    counted = select(func.count(RegistryLabel.id)).select_from(RegistryLabel, ProductRecord)
    total = session.scalar(counted.where(where)) or 0
    rows = session.scalars(
        select(RegistryLabel)
        .join(ProductRecord, ProductRecord.id == RegistryLabel.product_id)
        .where(where)
        .order_by(RegistryLabel.issued_on.desc(), RegistryLabel.registration)
        .offset(offset)
        .limit(limit)
    )
    return list(rows), total


def find_label(session: Session, registration: str) -> RegistryLabel | None:
    """The label of a registration id, or None."""
    return session.scalar(select(RegistryLabel).where(RegistryLabel.registration == registration))


def art_of(catalog: Catalog, label: RegistryLabel, base: str) -> LabelArt:
    """What the printed label shows for a stored label."""
    app = label.application
    scheme = catalog.instrument(f"{app.scheme}@{app.edition}")
    level = scheme.level(label.level)
    words = level.title.split(":")[0] if level else f"Level {label.level}"
    return LabelArt(
        consumer_url(base, label.registration),
        scheme.short_title or scheme.title,
        words,
        label.registration,
    )
