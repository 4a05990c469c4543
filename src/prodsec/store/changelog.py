"""One change log per organisation: the changes of verdict its products went through,
whatever brought them, newest first.

Two tables hold them (decision 0030): `verdict_changes`, the supply-chain blocks of a
product version judged again when an advisory, a KEV entry, an SBOM or a VEX document
arrives (`store/reassess.py`), and `catalog_reassessments`, a watched product assessed
again when the catalog changes (`store/watches.py`). `organisation_log` reads both and
merges them by time into `LoggedChange`s, each with its cause in one form: `advisory
GHSA-...`, `KEV CVE-...`, `VEX <file>`, `SBOM <file>`, `catalog revision N`. The feeds
(`web/ui/supply.py`) are written from it; the API's lists (`GET /api/v1/verdict-changes`,
`GET /api/v1/products/{id}/changes`) read it through `change_log`, which filters it (by
product, kind of cause, time) for what a caller may see and cuts a page of it.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice
from typing import Any, assert_never

from sqlalchemy import ColumnElement, Select, and_, func, not_, select
from sqlalchemy.orm import InstrumentedAttribute, Session
from typing_extensions import TypedDict

from prodsec.errors import BadInputError
from prodsec.store.models import (
    CatalogReassessment,
    ProductRecord,
    ProductVersion,
    VerdictChange,
)
from prodsec.store.repo import Visibility, get_product

LOG_SIZE = 100
"""The newest changes one read of the log returns."""
SUPPLY_CAUSES = ("KEV ", "VEX ", "SBOM ")
"""How a stored supply-chain cause starts when an advisory did not bring it."""
DETAIL_LINES = 200


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """One change of verdict in an organisation's log."""

    key: str
    """Stable across reads: `supply-change/<id>` or `verdict-change/<id>`."""
    kind: str
    """`supply` (an advisory, KEV, SBOM or VEX) or `catalog`."""
    at: dt.datetime
    product: str
    product_name: str
    version: int | None
    cause: str
    """`advisory CVE-...`, `KEV CVE-...`, `VEX <file>`, `SBOM <file>`, `catalog revision N`."""
    summary: str
    details: tuple[str, ...]

    @property
    def title(self) -> str:
        version = f" version {self.version}" if self.version is not None else ""
        return f"{self.product_name}{version}: {self.summary} ({self.cause})"


def supply_cause(stored: str) -> str:
    """The cause of a stored supply-chain change in the log's form: the advisory ids a
    re-assessment names are `advisory <ids>`; the rest say what they are already."""
    return stored if stored.startswith(SUPPLY_CAUSES) else f"advisory {stored}"


def catalog_cause(stored: str) -> str:
    """`catalog revision 24: what it did` is `catalog revision 24`."""
    return stored.partition(": ")[0]


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _verdict(met: bool | None) -> str:
    return "unjudged" if met is None else "met" if met else "not met"


def _supply(change: VerdictChange, product: ProductRecord) -> LoggedChange:
    moved = [b for b in change.after if change.before.get(b) != change.after[b]]
    said = [f"{b}: {_verdict(change.before.get(b))} -> {_verdict(change.after[b])}" for b in moved]
    return LoggedChange(
        key=f"supply-change/{change.id}",
        kind="supply",
        at=_utc(change.at),
        product=product.id,
        product_name=f"{product.manufacturer} {product.model}",
        version=change.version.number,
        cause=supply_cause(change.advisory),
        summary=", ".join(f"{b} {_verdict(change.after[b])}" for b in moved) or "no block moved",
        details=(*said, *change.requirements[:DETAIL_LINES]),
    )


def _catalog_line(change: Mapping[str, Any]) -> str:
    """`eu-cra@2024-2847:Art14-1: start moved, applies from 2027-01-01`, with the values
    before and after when they differ."""
    before, after = change.get("before"), change.get("after")
    moved = f" ({before or 'none'} -> {after or 'none'})" if before != after else ""
    since = f", applies from {change['applies_from']}" if change.get("applies_from") else ""
    return f"{change['requirement']}: {str(change['change']).replace('-', ' ')}{moved}{since}"


def _catalog(row: CatalogReassessment, product: ProductRecord) -> LoggedChange:
    cause = catalog_cause(row.cause)
    return LoggedChange(
        key=f"verdict-change/{row.id}",
        kind="catalog",
        at=_utc(row.at),
        product=product.id,
        product_name=f"{product.manufacturer} {product.model}",
        version=None,
        cause=cause,
        summary=row.summary,
        details=(
            *([row.cause] if row.cause != cause else []),
            *(_catalog_line(c) for c in row.changes[:DETAIL_LINES]),
        ),
    )


def _owned(column: InstrumentedAttribute[str | None], org: str | None) -> ColumnElement[bool]:
    return column.is_(None) if org is None else column == org


_Rows = Select[*tuple[Any, ...]]
"""A query of (change row, product) pairs."""


def _supply_rows() -> _Rows:
    return (
        select(VerdictChange, ProductRecord)
        .join(ProductVersion, VerdictChange.version_id == ProductVersion.id)
        .join(ProductRecord, ProductVersion.product_id == ProductRecord.id)
    )


def _catalog_rows() -> _Rows:
    return select(CatalogReassessment, ProductRecord).join(
        ProductRecord, CatalogReassessment.product_id == ProductRecord.id
    )


def _merged(
    session: Session, supply: _Rows | None, catalog: _Rows | None, count: int
) -> list[LoggedChange]:
    """The newest `count` changes of the two queries (None: none of that table), merged
    by time, newest first."""
    supplied: Iterator[LoggedChange] = iter(())
    catalogued: Iterator[LoggedChange] = iter(())
    if supply is not None:
        newest = supply.order_by(VerdictChange.at.desc(), VerdictChange.id.desc()).limit(count)
        supplied = (_supply(c, p) for c, p in session.execute(newest))
    if catalog is not None:
        order = (CatalogReassessment.at.desc(), CatalogReassessment.id.desc())
        catalogued = (
            _catalog(r, p) for r, p in session.execute(catalog.order_by(*order).limit(count))
        )
    merged = heapq.merge(supplied, catalogued, key=lambda c: c.at, reverse=True)
    return list(islice(merged, count))


def organisation_log(
    session: Session, organisation_id: str | None, limit: int = LOG_SIZE
) -> list[LoggedChange]:
    """The organisation's newest `limit` changes of verdict from both tables, newest
    first (None: the products of users who belong to no organisation)."""
    supply = _supply_rows().where(_owned(VerdictChange.organisation_id, organisation_id))
    catalog = _catalog_rows().where(_owned(CatalogReassessment.organisation_id, organisation_id))
    return _merged(session, supply, catalog, limit)


class CauseKind(StrEnum):
    """What brought a change, as its cause in the log starts: `advisory`, `KEV`, `VEX`,
    `SBOM` (supply-chain changes) or `catalog`."""

    ADVISORY = "advisory"
    KEV = "kev"
    VEX = "vex"
    SBOM = "sbom"
    CATALOG = "catalog"


def _starts(prefix: str) -> ColumnElement[bool]:
    """The stored supply cause starts with `prefix` (case as written, on both databases)."""
    return func.substr(VerdictChange.advisory, 1, len(prefix)) == prefix


def _supply_cause_is(kind: CauseKind) -> ColumnElement[bool]:
    match kind:
        case CauseKind.ADVISORY:
            return and_(*(not_(_starts(p)) for p in SUPPLY_CAUSES))
        case CauseKind.KEV:
            return _starts("KEV ")
        case CauseKind.VEX:
            return _starts("VEX ")
        case CauseKind.SBOM:
            return _starts("SBOM ")
        case CauseKind.CATALOG:
            raise AssertionError("catalog changes are not in the supply table")
        case _ as unreachable:
            assert_never(unreachable)


@dataclass(frozen=True, slots=True)
class LogFilter:
    """Which changes of the log to list: one product's, one kind of cause's, those at or
    after a moment (None: any)."""

    product: str | None = None
    cause: CauseKind | None = None
    since: dt.datetime | None = None


def change_log(
    session: Session, visibility: Visibility, where: LogFilter, offset: int, limit: int
) -> tuple[list[LoggedChange], int]:
    """One page of the log of the products `visibility` sees, newest first, and how many
    changes the filter keeps in all. A product it does not see is a `NotStoredError`."""
    supply: _Rows | None = visibility.narrow(_supply_rows())
    catalog: _Rows | None = visibility.narrow(_catalog_rows())
    if where.product is not None:
        get_product(session, visibility, where.product)
        supply = _where(supply, ProductRecord.id == where.product)
        catalog = _where(catalog, ProductRecord.id == where.product)
    if where.since is not None:
        try:
            since = _utc(where.since)
        except OverflowError:
            raise BadInputError("not a moment in UTC's range", field="since") from None
        supply = _where(supply, VerdictChange.at >= since)
        catalog = _where(catalog, CatalogReassessment.at >= since)
    if where.cause is CauseKind.CATALOG:
        supply = None
    elif where.cause is not None:
        catalog = None
        supply = _where(supply, _supply_cause_is(where.cause))
    total = sum(
        session.scalar(select(func.count()).select_from(q.subquery())) or 0
        for q in (supply, catalog)
        if q is not None
    )
    return _merged(session, supply, catalog, offset + limit)[offset:], total


def _where(query: _Rows | None, condition: ColumnElement[bool]) -> _Rows | None:
    return None if query is None else query.where(condition)


class LoggedChangePublic(TypedDict):
    """One change of verdict in the log, as the API gives it."""

    key: str
    kind: str
    at: str
    product: str
    product_name: str
    version: int | None
    cause: str
    summary: str
    details: list[str]


def logged_change_view(change: LoggedChange) -> LoggedChangePublic:
    return {
        "key": change.key,
        "kind": change.kind,
        "at": change.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "product": change.product,
        "product_name": change.product_name,
        "version": change.version,
        "cause": change.cause,
        "summary": change.summary,
        "details": list(change.details),
    }
