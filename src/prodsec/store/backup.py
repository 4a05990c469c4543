"""Backup, restore and one organisation's export, as portable JSON Lines.

The first line is a header (`{"format": "prodsec-backup", "revision": ..., ...}`, the
schema revision the rows fit); every other line is one row, `{"table": ..., "row":
{...}}`, tables in the order their foreign keys need (parents first), rows by primary key.
Moments are ISO 8601 in UTC, days ISO dates, so a SQLite backup restores into PostgreSQL
and back. A restore goes into an empty database at the same revision only, in one
transaction: a bad line or a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Date, DateTime, Integer, Table, func, insert, select, text
from sqlalchemy.orm import Session

from prodsec.errors import BadInputError, ConflictError, Issue, NotFoundError
from prodsec.store.audit import utc
from prodsec.store.models import (
    AuditEntry,
    Base,
    Organisation,
    ProductRecord,
    ProductVersion,
    SavedAssessment,
)

FORMAT = "prodsec-backup"
EXPORT = "prodsec-organisation-export"
TABLES: tuple[Table, ...] = tuple(Base.metadata.sorted_tables)


def revision(session: Session) -> str:
    """The schema revision of the database (Alembic's)."""
    return str(session.scalar(text("SELECT version_num FROM alembic_version")))


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime):
        return utc(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _line(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n"


def _rows(session: Session, table: Table, where: Any = None) -> Iterator[str]:
    query = select(table).order_by(*table.primary_key.columns)
    if where is not None:
        query = query.where(where)
    for row in session.execute(query).mappings():
        yield _line({"table": table.name, "row": {k: _plain(v) for k, v in row.items()}})


def backup(session: Session) -> Iterator[str]:
    """Every row of every table, as the lines of a backup."""
    header = {
        "format": FORMAT,
        "revision": revision(session),
        "tables": [t.name for t in TABLES],
        "written": dt.datetime.now(dt.UTC).isoformat(),
    }
    yield _line(header)
    for table in TABLES:
        yield from _rows(session, table)


def export_organisation(session: Session, name: str) -> Iterator[str]:
    """One organisation's products (tombstones too), their versions and assessments, and
    the audit entries about its data, in the backup's line format (no accounts)."""
    found = session.scalar(select(Organisation).where(Organisation.name == name))
    if found is None:
        known = list(session.scalars(select(Organisation.name).order_by(Organisation.name)))
        raise NotFoundError("organisation", name, difflib.get_close_matches(name, known))
    products = select(ProductRecord.id).where(ProductRecord.organisation_id == found.id)
    versions = select(ProductVersion.id).where(ProductVersion.product_id.in_(products))
    parts: list[tuple[Table, Any]] = [
        (_table(Organisation), Organisation.id == found.id),
        (_table(ProductRecord), ProductRecord.organisation_id == found.id),
        (_table(ProductVersion), ProductVersion.product_id.in_(products)),
        (_table(SavedAssessment), SavedAssessment.version_id.in_(versions)),
        (_table(AuditEntry), AuditEntry.organisation_id == found.id),
    ]
    yield _line(
        {
            "format": EXPORT,
            "revision": revision(session),
            "organisation": name,
            "tables": [t.name for t, _ in parts],
            "written": dt.datetime.now(dt.UTC).isoformat(),
        }
    )
    for table, where in parts:
        yield from _rows(session, table, where)


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _bad(source: str, number: int, message: str) -> BadInputError:
    return BadInputError(issues=[Issue(source, number, "line", message)])


def _parse(source: str, number: int, line: str) -> dict[str, Any]:
    try:
        document = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _bad(source, number, f"not JSON: {exc.msg}") from exc
    if not isinstance(document, dict):
        raise _bad(source, number, "not a JSON object")
    return document


def _typed(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """A row of a backup with its moments and days as Python values again."""
    typed = dict(row)
    for column in table.columns:
        value = typed.get(column.name)
        if isinstance(value, str) and isinstance(column.type, DateTime):
            typed[column.name] = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, Date):
            typed[column.name] = dt.date.fromisoformat(value)
    return typed


def restore(session: Session, lines: Iterable[str], source: str = "backup") -> dict[str, int]:
    """Insert a backup's rows into this empty database at the backup's revision; how many
    rows per table. Refuses (ConflictError) a database that holds any row or stands at
    another revision, and (BadInputError, located) a line that is not a backup's."""
    numbered = enumerate(lines, start=1)
    header = _parse(source, 1, next((line for _, line in numbered), "null"))
    if header.get("format") != FORMAT:
        raise _bad(source, 1, f"not a prodsec backup (format {header.get('format')!r})")
    here = revision(session)
    if header.get("revision") != here:
        raise ConflictError(
            f"{source} is of schema revision {header.get('revision')}; this database is at "
            f"{here}: restore into a database at the backup's revision"
        )
    held = [t.name for t in TABLES if session.scalar(select(func.count()).select_from(t))]
    if held:
        raise ConflictError(
            f"the database is not empty (rows in {', '.join(held)}): restore into a new, "
            "migrated database only"
        )
    tables = {t.name: t for t in TABLES}
    counts = dict.fromkeys(tables, 0)
    batch: list[dict[str, Any]] = []
    current: Table | None = None
    for number, line in numbered:
        if not line.strip():
            continue
        document = _parse(source, number, line)
        table = tables.get(str(document.get("table")))
        row = document.get("row")
        if table is None or not isinstance(row, dict):
            raise _bad(source, number, "not a row of a known table")
        if table is not current or len(batch) >= BATCH:
            _insert(session, current, batch)
            current, batch = table, []
        batch.append(_typed(table, row))
        counts[table.name] += 1
    _insert(session, current, batch)
    _continue_sequences(session)
    return counts


BATCH = 500


def _insert(session: Session, table: Table | None, rows: list[dict[str, Any]]) -> None:
    if table is not None and rows:
        session.execute(insert(table), rows)


def _continue_sequences(session: Session) -> None:
    """PostgreSQL: the next generated id follows the restored ones."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        (key,) = table.primary_key.columns
        if isinstance(key.type, Integer):
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key.name}'), "
                    f"COALESCE((SELECT MAX({key.name}) FROM {table.name}), 0) + 1, false)"
                )
            )
