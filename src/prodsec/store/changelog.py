"""One change log per organisation: the changes of verdict its products went through,
whatever brought them, newest first.

Two tables hold them (decision 0030): `verdict_changes`, the supply-chain blocks of a
product version judged again when an advisory, a KEV entry, an SBOM or a VEX document
arrives (`store/reassess.py`), and `catalog_reassessments`, a watched product assessed
again when the catalog changes (`store/watches.py`). `organisation_log` reads both and
merges them by time into `LoggedChange`s, each with its cause in one form: `advisory
GHSA-...`, `KEV CVE-...`, `VEX <file>`, `SBOM <file>`, `catalog revision N`. The feeds
(`web/ui/supply.py`) are written from it.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from prodsec.store.models import (
    CatalogReassessment,
    ProductRecord,
    ProductVersion,
    VerdictChange,
)

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


def _catalog(row: CatalogReassessment, product: ProductRecord) -> LoggedChange:
    return LoggedChange(
        key=f"verdict-change/{row.id}",
        kind="catalog",
        at=_utc(row.at),
        product=product.id,
        product_name=f"{product.manufacturer} {product.model}",
        version=None,
        cause=catalog_cause(row.cause),
        summary=row.summary,
        details=(
            row.cause,
            *(f"{c['requirement']}: {c['change']}" for c in row.changes[:DETAIL_LINES]),
        ),
    )


def _owned(column: InstrumentedAttribute[str | None], org: str | None) -> ColumnElement[bool]:
    return column.is_(None) if org is None else column == org


def organisation_log(
    session: Session, organisation_id: str | None, limit: int = LOG_SIZE
) -> list[LoggedChange]:
    """The organisation's newest `limit` changes of verdict from both tables, newest
    first (None: the products of users who belong to no organisation)."""
    supply = session.execute(
        select(VerdictChange, ProductRecord)
        .join(ProductVersion, VerdictChange.version_id == ProductVersion.id)
        .join(ProductRecord, ProductVersion.product_id == ProductRecord.id)
        .where(_owned(VerdictChange.organisation_id, organisation_id))
        .order_by(VerdictChange.at.desc(), VerdictChange.id.desc())
        .limit(limit)
    )
    catalog = session.execute(
        select(CatalogReassessment, ProductRecord)
        .join(ProductRecord, CatalogReassessment.product_id == ProductRecord.id)
        .where(_owned(CatalogReassessment.organisation_id, organisation_id))
        .order_by(CatalogReassessment.at.desc(), CatalogReassessment.id.desc())
        .limit(limit)
    )
    merged: Iterator[LoggedChange] = heapq.merge(
        (_supply(c, p) for c, p in supply),
        (_catalog(r, p) for r, p in catalog),
        key=lambda c: c.at,
        reverse=True,
    )
    return [c for _, c in zip(range(limit), merged, strict=False)]
