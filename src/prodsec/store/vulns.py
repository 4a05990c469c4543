"""The advisory index in the database: the sync's store (`SqlAdvisoryStore`) and the
matcher's index (`SqlAdvisoryIndex`), both over the tables of migration 0009, and a
snapshot of the whole index in memory (`memory_index`) for scans of many components.

The matcher asks for a package's compiled table (`vuln/index.PackageTable`): the index
reads the package's records with one indexed query on (ecosystem, name), compiles them
once and keeps the table (the newest `TABLES` packages), so that matching against the
database runs the same routine as matching in memory. Candidates by coarse key (`low <=
key <= high`) remain for callers that want the rows' narrowing alone. Every sync writes
in one transaction.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, insert, select, text

from prodsec.store.db import Database
from prodsec.store.models import (
    AdvisoryAlias,
    AdvisoryCpeRule,
    AdvisoryPackage,
    AdvisoryRow,
    KevRow,
)
from prodsec.supplychain.vuln.cpe import Cpe, CpeRule, parse_cpe
from prodsec.supplychain.vuln.index import (
    MemoryIndex,
    PackageTable,
    range_keys,
    reachable,
)
from prodsec.supplychain.vuln.kev import KevEntry
from prodsec.supplychain.vuln.osv import OsvRecord, parse_record
from prodsec.supplychain.vuln.sync import Batch

_CHUNK = 500
TABLES = 4_096
"""How many packages' compiled tables one `SqlAdvisoryIndex` keeps (the least recently
used goes first)."""


class SqlAdvisoryStore:
    """The sync's `AdvisoryStore` over a database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.kev_news: list[str] = []
        """The CVEs the last KEV catalog saved lists anew (or with another date added)."""

    def known(self) -> Mapping[str, tuple[str, str]]:
        with self.db.session() as session:
            rows = session.execute(
                select(AdvisoryRow.id, AdvisoryRow.modified, AdvisoryRow.withdrawn)
            )
            return {rid: (modified, withdrawn) for rid, modified, withdrawn in rows}

    def save(self, batch: Batch) -> None:
        with self.db.session() as session:
            ids = [item.record.id for item in batch.records]
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                for table in (AdvisoryAlias, AdvisoryPackage, AdvisoryCpeRule):
                    session.execute(delete(table).where(table.advisory.in_(chunk)))
                session.execute(delete(AdvisoryRow).where(AdvisoryRow.id.in_(chunk)))
            for table, rows in _rows(batch):
                for start in range(0, len(rows), _CHUNK):
                    session.execute(insert(table), rows[start : start + _CHUNK])
            if batch.kev is not None:
                held = dict(session.execute(select(KevRow.cve, KevRow.date_added)).all())
                self.kev_news = newly_exploited(held, batch.kev)
                session.execute(delete(KevRow))
                rows = [_kev_row(e) for e in batch.kev]
                if rows:
                    session.execute(insert(KevRow), rows)


def _rows(batch: Batch) -> list[tuple[type[Any], list[dict[str, Any]]]]:
    """The rows to insert, parents first."""
    records = [
        {
            "id": item.record.id,
            "modified": item.record.modified,
            "published": item.record.published,
            "withdrawn": item.record.withdrawn,
            "source": item.source[:500],
            "document": dict(item.document),
        }
        for item in batch.records
    ]
    aliases = [
        {"advisory": item.record.id, "alias": alias}
        for item in batch.records
        for alias in dict.fromkeys(item.record.aliases)
        if alias != item.record.id
    ]
    packages = [
        {"advisory": item.record.id, "ecosystem": k.ecosystem, "name": k.name}
        | {"low": k.low, "high": k.high}
        for item in batch.records
        for k in range_keys(item.record)
    ]
    rules = [
        {
            "advisory": rule.advisory,
            "part": rule.criteria.part.value,
            "vendor": rule.criteria.vendor,
            "product": rule.criteria.product,
            "criteria": str(rule.criteria),
            "start_including": rule.start_including,
            "start_excluding": rule.start_excluding,
            "end_including": rule.end_including,
            "end_excluding": rule.end_excluding,
        }
        for rule in batch.rules
    ]
    tables: list[tuple[type[Any], list[dict[str, Any]]]] = [
        (AdvisoryRow, records),
        (AdvisoryAlias, aliases),
        (AdvisoryPackage, packages),
        (AdvisoryCpeRule, rules),
    ]
    return [(table, rows) for table, rows in tables if rows]


def newly_exploited(held: Mapping[str, date], entries: Sequence[KevEntry]) -> list[str]:
    """The CVEs of `entries` that `held` (CVE: date added) lacks or dates otherwise,
    sorted."""
    return sorted({e.cve for e in entries if held.get(e.cve) != e.date_added})


def _kev_row(e: KevEntry) -> dict[str, Any]:
    return {
        "cve": e.cve,
        "date_added": e.date_added,
        "due_date": e.due_date,
        "ransomware": e.ransomware,
        "vendor": e.vendor,
        "product": e.product,
        "name": e.name,
        "action": e.action,
    }


def _kev(row: KevRow) -> KevEntry:
    return KevEntry(
        row.cve,
        row.date_added,
        row.due_date,
        row.ransomware,
        row.vendor,
        row.product,
        row.name,
        row.action,
    )


def _rule(row: AdvisoryCpeRule) -> CpeRule:
    return CpeRule(
        row.advisory,
        parse_cpe(row.criteria),
        row.start_including,
        row.start_excluding,
        row.end_including,
        row.end_excluding,
    )


_CANDIDATES = text(
    "SELECT DISTINCT advisory FROM vuln_packages WHERE ecosystem = :ecosystem"
    " AND name = :name AND low <= :key AND high >= :key ORDER BY advisory"
)
_ALL_CANDIDATES = text(
    "SELECT DISTINCT advisory FROM vuln_packages WHERE ecosystem = :ecosystem"
    " AND name = :name ORDER BY advisory"
)


class SqlAdvisoryIndex:
    """The matcher's `AdvisoryIndex` over the database: a package's table compiled from
    one indexed query on first use and kept (at most `TABLES`); records parsed once and
    kept; the alias graph and the KEV catalog (small) read whole on first use. What it
    kept is what the database held then: after a sync, a new index sees the sync."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._records: dict[str, OsvRecord] = {}
        self._tables: OrderedDict[tuple[str, str], PackageTable] = OrderedDict()
        self._joined: dict[str, set[str]] | None = None
        self._kevs: dict[str, KevEntry] | None = None
        self._empty: bool | None = None

    def _load(self, ids: Sequence[str]) -> list[OsvRecord]:
        wanted = [i for i in ids if i not in self._records]
        if wanted:
            query = select(AdvisoryRow.id, AdvisoryRow.document).where(AdvisoryRow.id.in_(wanted))
            with self.db.engine.connect() as connection:
                for rid, document in connection.execute(query):
                    self._records[rid] = parse_record(document, rid)
        return [self._records[i] for i in ids if i in self._records]

    def candidates(self, ecosystem: str, name: str, coarse: str | None) -> Sequence[OsvRecord]:
        values = {"ecosystem": ecosystem.partition(":")[0], "name": name, "key": coarse}
        statement = _ALL_CANDIDATES if coarse is None else _CANDIDATES
        with self.db.engine.connect() as connection:
            ids = list(connection.execute(statement, values).scalars())
        return self._load(ids)

    def table(self, ecosystem: str, name: str) -> PackageTable:
        key = (ecosystem.partition(":")[0], name)
        found = self._tables.get(key)
        if found is not None:
            self._tables.move_to_end(key)
            return found
        found = self._tables[key] = PackageTable(*key, self.candidates(*key, None))
        if len(self._tables) > TABLES:
            self._tables.popitem(last=False)
        return found

    def empty(self) -> bool:
        """Whether the index holds no advisory (CPE rules belong to advisories)."""
        if self._empty is None:
            with self.db.engine.connect() as connection:
                found = connection.execute(select(AdvisoryRow.id).limit(1)).first()
            self._empty = found is None
        return self._empty

    def cpe_candidates(self, cpe: Cpe) -> Sequence[CpeRule]:
        query = select(AdvisoryCpeRule).where(
            AdvisoryCpeRule.part == cpe.part.value,
            AdvisoryCpeRule.vendor == cpe.vendor,
            AdvisoryCpeRule.product == cpe.product,
        )
        with self.db.session() as session:
            return [_rule(row) for row in session.scalars(query.order_by(AdvisoryCpeRule.id))]

    def record(self, advisory: str) -> OsvRecord | None:
        found = self._load([advisory])
        return found[0] if found else None

    def aliases(self, advisory: str) -> tuple[str, ...]:
        if self._joined is None:
            joined: dict[str, set[str]] = {}
            with self.db.engine.connect() as connection:
                query = select(AdvisoryAlias.advisory, AdvisoryAlias.alias)
                for rid, alias in connection.execute(query):
                    joined.setdefault(rid, set()).add(alias)
                    joined.setdefault(alias, set()).add(rid)
            self._joined = joined
        return reachable(self._joined, advisory)

    def kev(self, cve: str) -> KevEntry | None:
        if self._kevs is None:
            with self.db.session() as session:
                self._kevs = {row.cve: _kev(row) for row in session.scalars(select(KevRow))}
        return self._kevs.get(cve)


def memory_index(db: Database) -> MemoryIndex:
    """The whole index read into memory (for scans of many components)."""
    with db.session() as session:
        records = [
            parse_record(document, rid)
            for rid, document in session.execute(select(AdvisoryRow.id, AdvisoryRow.document))
        ]
        kev = [_kev(row) for row in session.scalars(select(KevRow))]
        rules = [_rule(row) for row in session.scalars(select(AdvisoryCpeRule))]
    return MemoryIndex(records, kev, rules)
