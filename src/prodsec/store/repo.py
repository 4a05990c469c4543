"""Products, their versions and their assessments, stored and read back.

A profile is checked (schema, catalog, contradictions) before anything is written; a bad
one raises ProfileError and changes nothing. Every call names the `Visibility` it reads
and writes with: a product belongs to the organisation of the user who created it, and a
user sees only that organisation's products (a product they cannot see is "not stored", so
its existence is not given away). Administrators see every product.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from prodsec.assess.evaluate import assess
from prodsec.assess.profile import Profile, check_profile
from prodsec.assess.report import assessment_view
from prodsec.catalog import Catalog
from prodsec.catalog.yamlsrc import Document
from prodsec.errors import NotFoundError
from prodsec.store.models import ProductRecord, ProductVersion, SavedAssessment, User


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
        return self.everything or product.organisation_id == self.organisation_id

    def narrow(self, query: Select[Any]) -> Select[Any]:
        if self.everything:
            return query
        if self.organisation_id is None:
            return query.where(ProductRecord.organisation_id.is_(None))
        return query.where(ProductRecord.organisation_id == self.organisation_id)


EVERY_PRODUCT = Visibility(everything=True)
"""What the server's own command line sees (loading the demo data, for example)."""


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
    session: Session, visibility: Visibility, profile: Profile, data: Any
) -> ProductRecord:
    """A new product owned by the visibility's organisation, with the profile as version 1."""
    product = ProductRecord(
        organisation_id=visibility.organisation_id,
        manufacturer=profile.manufacturer,
        model=profile.model,
        category=profile.category,
    )
    product.versions.append(ProductVersion(number=1, profile=_plain(data)))
    session.add(product)
    session.flush()
    return product


def get_product(session: Session, visibility: Visibility, ident: str) -> ProductRecord:
    found = session.get(ProductRecord, ident)
    if found is None or not visibility.sees(found):
        raise NotStoredError("product", ident)
    return found


def update_product(
    session: Session, visibility: Visibility, ident: str, profile: Profile, data: Any
) -> ProductRecord:
    """A new version of the profile; earlier versions and their assessments stay."""
    product = get_product(session, visibility, ident)
    product.manufacturer, product.model, product.category = (
        profile.manufacturer,
        profile.model,
        profile.category,
    )
    number = max((v.number for v in product.versions), default=0) + 1
    product.versions.append(ProductVersion(number=number, profile=_plain(data)))
    session.flush()
    return product


def delete_product(session: Session, visibility: Visibility, ident: str) -> None:
    session.delete(get_product(session, visibility, ident))


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
) -> SavedAssessment:
    """Assess the product's latest version and store the result with the catalog revision."""
    version, profile = current_profile(session, visibility, catalog, ident)
    result = assess(catalog, profile, on, markets)
    stored = SavedAssessment(
        version=version,
        on=on,
        markets=list(result.markets),
        catalog_revision=catalog.data_hash,
        all_binding_met=result.all_binding_met,
        result=assessment_view(result),
    )
    session.add(stored)
    session.flush()
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
