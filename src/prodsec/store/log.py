"""The transparency log's rows in SQL: the `LogStore` port of `registry.log`.

Three append-only tables (migration 0006): `log_entries`, `log_subtrees` (the hash of
every complete subtree, leaves included, keyed `start << 6 | level` so that a proof's
subtrees come back from one `IN`) and `log_heads`. Hashes are stored as hex and
signatures as unpadded base64url, so a backup stays plain JSON. Each method is one
transaction; an append writes its entries, subtrees and head together or not at all.

A fourth table, `log_subjects` (migration 0015), keeps the subject each entry's record
names, written in the same transaction as the entry, so the entries about a registration
are a look-up (`about`), not a scan of every record. It is an index, not evidence: see
`about` for what it can and cannot vouch for.

`SqlLogStore.within(session)` works inside a session's transaction instead (the
registry's workflow: a label row, its signature, its log entry and the signed head commit
together or not at all); `SqlEventLog` is the workflow's `EventLog` port over it. On
PostgreSQL an append first takes a transaction-scoped advisory lock, so appenders queue
instead of colliding on the same positions; SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from prodsec.errors import ConflictError
from prodsec.registry.canonical import b64url, from_b64url
from prodsec.registry.events import Event, EventKind, subject_of
from prodsec.registry.keys import KeyStore
from prodsec.registry.log import (
    Batch,
    Entry,
    KeyStoreSigner,
    Snapshot,
    TransparencyLog,
    TreeHead,
)
from prodsec.registry.merkle import Subtree
from prodsec.store.db import Database
from prodsec.store.models import Base, LogEntryRow, LogHeadRow, LogSubjectRow, LogSubtreeRow

ENTRIES = Base.metadata.tables[LogEntryRow.__tablename__]
SUBTREES = Base.metadata.tables[LogSubtreeRow.__tablename__]
HEADS = Base.metadata.tables[LogHeadRow.__tablename__]
SUBJECTS = Base.metadata.tables[LogSubjectRow.__tablename__]
BATCH = 10_000
LOCK = 0x70726F64_6C6F67  # "prodlog": the advisory lock appenders take on PostgreSQL

_SUBTREES_IN = select(SUBTREES.c.id, SUBTREES.c.hash).where(
    SUBTREES.c.id.in_(bindparam("ids", expanding=True))
)


_ENTRY_AT = select(ENTRIES.c.idx).where(ENTRIES.c.idx == bindparam("idx"))


def subtree_id(subtree: Subtree) -> int:
    return subtree.start << 6 | subtree.level


def _subtree(ident: int) -> Subtree:
    return Subtree(ident >> 6, ident & 63)


def _head(row: Row[Any]) -> TreeHead:
    size, root, timestamp, key_id, signature = tuple(row)
    return TreeHead(int(size), _hex(root), int(timestamp), str(key_id), from_b64url(signature))


class SqlLogStore:
    """The log's rows in the database: each method its own transaction, or, made by
    `within`, statements in a session's transaction that the session commits."""

    def __init__(self, database: Database) -> None:
        self.engine = database.engine
        self._session: Session | None = None
        self._held: Connection | None = None

    @classmethod
    def within(cls, session: Session) -> SqlLogStore:
        store = cls.__new__(cls)
        bind = session.get_bind()
        store.engine = bind if not isinstance(bind, Connection) else bind.engine
        store._session = session
        store._held = None
        return store

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Appends inside reuse one connection, each still its own transaction: a run
        of appends by one writer (a bulk load, the benchmark) skips the pool's checkout
        and reset per append."""
        if self._session is not None or self._held is not None:
            yield
            return
        with self.engine.connect() as conn:
            self._held = conn
            try:
                yield
            finally:
                self._held = None

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        if self._session is not None:
            yield self._session.connection()
            return
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        if self._session is not None:
            yield self._session.connection()
            return
        if self._held is not None:
            with self._held.begin():
                yield self._held
            return
        with self.engine.begin() as conn:
            yield conn

    def _size(self, conn: Connection) -> int:
        top = conn.scalar(select(func.max(ENTRIES.c.idx)))
        return 0 if top is None else int(top) + 1

    def lock(self) -> None:
        """Queue behind other appenders until this transaction ends (PostgreSQL; SQLite
        serialises writers by itself). Only in a session's transaction."""
        if self._session is not None and self.engine.dialect.name == "postgresql":
            self._session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})

    def size(self) -> int:
        with self._reading() as conn:
            return self._size(conn)

    def subtree_hashes(self, wanted: Sequence[Subtree]) -> list[bytes]:
        if not wanted:
            return []
        ids = [subtree_id(s) for s in wanted]
        with self._reading() as conn:
            found = dict(iter(conn.execute(_SUBTREES_IN, {"ids": ids})))
        missing = [_subtree(i) for i in ids if i not in found]
        if missing:
            raise ConflictError(f"the log has no stored hash for {missing[0]}")
        return [bytes.fromhex(found[i]) for i in ids]

    def append(self, batch: Batch) -> None:
        entry_rows = [
            {"idx": e.index, "leaf_hash": e.leaf_hash.hex(), "record": e.data.decode()}
            for e in batch.entries
        ]
        subtree_rows = [{"id": subtree_id(s), "hash": h.hex()} for s, h in batch.subtrees]
        subject_rows = [
            {"idx": e.index, "subject": subject}
            for e in batch.entries
            if (subject := subject_of(e.data)) is not None
        ]
        head = batch.head
        head_row = {
            "tree_size": head.size,
            "root_hash": head.root.hex(),
            "timestamp": head.timestamp,
            "key_id": head.key_id,
            "signature": b64url(head.signature),
        }
        try:
            with self._writing() as conn:
                # the last entry must be there; the first new one collides (its primary
                # key) when another writer appended meanwhile
                if batch.size and conn.scalar(_ENTRY_AT, {"idx": batch.size - 1}) is None:
                    size = self._size(conn)
                    raise ConflictError(f"the log has {size} entries, not {batch.size}")
                written = (
                    (ENTRIES, entry_rows),
                    (SUBTREES, subtree_rows),
                    (SUBJECTS, subject_rows),
                )
                for table, rows in written:
                    for start in range(0, len(rows), BATCH):
                        conn.execute(insert(table), rows[start : start + BATCH])
                conn.execute(insert(HEADS), head_row)
        except IntegrityError:
            if self._session is not None:
                raise ConflictError("another append took these positions in the log") from None
            raise ConflictError(f"the log grew to {self.size()} entries meanwhile") from None
        except OperationalError as exc:  # SQLite: two writers, one told to back off
            if "database is locked" not in str(exc.orig):
                raise
            raise ConflictError("another append holds the log") from None

    def entries(self, start: int, end: int) -> list[Entry]:
        query = (
            select(ENTRIES.c.idx, ENTRIES.c.record, ENTRIES.c.leaf_hash)
            .where(ENTRIES.c.idx >= start, ENTRIES.c.idx < end)
            .order_by(ENTRIES.c.idx)
        )
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return [Entry(int(i), r.encode(), bytes.fromhex(h)) for i, r, h in rows]

    def about(
        self, subject: str, size: int, offset: int = 0, limit: int | None = None
    ) -> list[Entry]:
        """The entries before `size` that the index of subjects gives for `subject`, in
        order (from the `offset`-th, at most `limit`): one look-up of the index, then the
        entries by their keys.

        What the index vouches for: nothing on its own. It says where to look; each
        record is read from `log_entries` as stored, and the caller (`LogStatus` with a
        prover) must check that the record names `subject` and prove its leaf hash,
        recomputed from the text read, against a signed tree head. So a record edited
        behind the registry's back (its subject, its status, anything) fails that proof
        and is caught wherever it is read. What it cannot vouch for: that it lists
        every entry about the subject. A row of the index removed (it refuses UPDATE and
        DELETE by trigger, so that takes someone who can drop triggers) hides its entry
        from this look-up, and the page would read an earlier standing; `prodsec log
        verify` compares every row of the index with the records and names it."""
        query = (
            select(ENTRIES.c.idx, ENTRIES.c.record, ENTRIES.c.leaf_hash)
            .select_from(SUBJECTS.join(ENTRIES, SUBJECTS.c.idx == ENTRIES.c.idx))
            .where(SUBJECTS.c.subject == subject, SUBJECTS.c.idx < size)
            .order_by(SUBJECTS.c.idx)
            .offset(offset)
            .limit(limit)
        )
        with self._reading() as conn:
            rows = conn.execute(query).all()
        return [Entry(int(i), r.encode(), _hex(h)) for i, r, h in rows]

    def about_count(self, subject: str, size: int) -> int:
        """How many entries before `size` the index gives for `subject`."""
        query = select(func.count()).where(SUBJECTS.c.subject == subject, SUBJECTS.c.idx < size)
        with self._reading() as conn:
            return int(conn.scalar(query) or 0)

    def index_of(self, leaf_hash: bytes) -> int | None:
        query = select(func.min(ENTRIES.c.idx)).where(ENTRIES.c.leaf_hash == leaf_hash.hex())
        with self._reading() as conn:
            found = conn.scalar(query)
        return None if found is None else int(found)

    def head(self, size: int | None) -> TreeHead | None:
        query = select(HEADS)
        if size is None:
            query = query.order_by(HEADS.c.tree_size.desc()).limit(1)
        else:
            query = query.where(HEADS.c.tree_size == size)
        with self._reading() as conn:
            row = conn.execute(query).first()
        return None if row is None else _head(row)

    def snapshot(self) -> Snapshot:
        """Every row in one read transaction. A value that no longer parses (hex edited
        into something else) becomes an empty hash, which never matches."""
        with self.engine.connect() as conn, conn.begin():
            entries = [
                Entry(int(i), r.encode(), _hex(h))
                for i, h, r in conn.execute(select(ENTRIES).order_by(ENTRIES.c.idx))
            ]
            subtrees = {_subtree(int(i)): _hex(h) for i, h in conn.execute(select(SUBTREES))}
            heads = [_head(r) for r in conn.execute(select(HEADS).order_by(HEADS.c.tree_size))]
            subjects = {int(i): str(s) for i, s in conn.execute(select(SUBJECTS))}
        return Snapshot(entries, subtrees, heads, subjects)


class SqlEventLog:
    """The workflow's `EventLog` port: each registry event appended to the transparency
    log inside the session's transaction, the new head signed by the log's key
    (`KeyStoreSigner`); the entry's index back."""

    def __init__(self, session: Session, keys: KeyStore, clock: Callable[[], dt.datetime]) -> None:
        self._store = SqlLogStore.within(session)
        self._clock = clock
        self._log = TransparencyLog(
            self._store,
            KeyStoreSigner(keys, clock),
            lambda: int(clock().timestamp() * 1000),
        )

    def append(self, kind: str, subject: str, payload: Mapping[str, object]) -> int:
        event = Event.at(EventKind(kind), subject, self._clock(), payload)
        self._store.lock()
        return self._log.append([event]).size - 1


def _hex(text: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return b""
