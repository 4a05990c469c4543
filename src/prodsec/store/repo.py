"""Products, their versions and their assessments, stored and read back.

A profile is checked (schema, catalog, contradictions) before anything is written; a bad
one raises ProfileError and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prodsec.assess.evaluate import assess
from prodsec.assess.profile import Profile, check_profile
from prodsec.assess.report import assessment_view
from prodsec.catalog import Catalog
from prodsec.catalog.yamlsrc import Document
from prodsec.store.models import Assessment, Product, ProductVersion


class NotStoredError(LookupError):
    def __init__(self, kind: str, ident: str) -> None:
        self.kind, self.ident = kind, ident
        super().__init__(f"no {kind} '{ident}'")


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


def create_product(session: Session, profile: Profile, data: Any) -> Product:
    product = Product(
        manufacturer=profile.manufacturer, model=profile.model, category=profile.category
    )
    product.versions.append(ProductVersion(number=1, profile=_plain(data)))
    session.add(product)
    session.flush()
    return product


def get_product(session: Session, ident: str) -> Product:
    found = session.get(Product, ident)
    if found is None:
        raise NotStoredError("product", ident)
    return found


def update_product(session: Session, ident: str, profile: Profile, data: Any) -> Product:
    """A new version of the profile; earlier versions and their assessments stay."""
    product = get_product(session, ident)
    product.manufacturer, product.model, product.category = (
        profile.manufacturer,
        profile.model,
        profile.category,
    )
    number = max((v.number for v in product.versions), default=0) + 1
    product.versions.append(ProductVersion(number=number, profile=_plain(data)))
    session.flush()
    return product


def delete_product(session: Session, ident: str) -> None:
    session.delete(get_product(session, ident))


def list_products(
    session: Session, offset: int = 0, limit: int = 50, category: str | None = None
) -> tuple[list[Product], int]:
    query = select(Product)
    counted = select(func.count()).select_from(Product)
    if category is not None:
        query = query.where(Product.category == category)
        counted = counted.where(Product.category == category)
    total = session.scalar(counted) or 0
    rows = session.scalars(query.order_by(Product.created, Product.id).offset(offset).limit(limit))
    return list(rows), total


def latest(product: Product) -> ProductVersion:
    return product.versions[-1]


def current_profile(
    session: Session, catalog: Catalog, ident: str
) -> tuple[ProductVersion, Profile]:
    """The product's latest version and its profile, checked against today's catalog."""
    version = latest(get_product(session, ident))
    return version, parse(catalog, version.profile, f"product {ident} version {version.number}")


def run_assessment(
    session: Session,
    catalog: Catalog,
    ident: str,
    on: dt.date,
    markets: tuple[str, ...] | None = None,
) -> Assessment:
    """Assess the product's latest version and store the result with the catalog revision."""
    version, profile = current_profile(session, catalog, ident)
    result = assess(catalog, profile, on, markets)
    stored = Assessment(
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


def saved_assessments(session: Session, ident: str) -> list[Assessment]:
    """Every stored assessment of every version of a product, newest first."""
    product = get_product(session, ident)
    found = [a for v in product.versions for a in v.assessments]
    return sorted(found, key=lambda a: (a.created, a.version.number), reverse=True)


def get_assessment(session: Session, ident: str) -> Assessment:
    found = session.get(Assessment, ident)
    if found is None:
        raise NotStoredError("assessment", ident)
    return found
