"""The log as a service, on memory and on SQLite and PostgreSQL: appends in batches, the
heads they sign, proofs that verify against them, and every stored row checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from prodsec.errors import (
    BadInputError,
    ConflictError,
    NotFoundError,
    UnavailableError,
    VerificationError,
)
from prodsec.registry import merkle
from prodsec.registry.events import Event, EventKind
from prodsec.registry.log import Batch, LogStore, MemoryLogStore, TransparencyLog, TreeHead
from prodsec.registry.merkle import LeafSource, Subtree
from prodsec.registry.verify import check_copy, check_snapshot
from prodsec.store.db import Database
from prodsec.store.log import SqlLogStore

Events = Callable[..., list[Event]]
BATCHES = (5, 1, 7, 19)  # 32 entries, heads at 5, 6, 13 and 32


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    new_database: Callable[[str, Path], Database],
) -> Iterator[LogStore]:
    if request.param == "memory":
        yield MemoryLogStore()
        return
    database = new_database(request.param, tmp_path)
    yield SqlLogStore(database)
    database.engine.dispose()


def filled(
    store: LogStore, signer: object, clock: Callable[[], int], events: Events
) -> TransparencyLog:
    log = TransparencyLog(store, signer, clock)  # type: ignore[arg-type]
    first = 0
    for count in BATCHES:
        log.append(events(count, first))
        first += count
    return log


def test_appends_store_every_complete_subtree_and_sign_heads(
    store: LogStore, signer: object, clock: Callable[[], int], events: Events
) -> None:
    log = filled(store, signer, clock, events)
    records = [e.record() for e in events(32)]
    leaves = [merkle.leaf_hash(r) for r in records]
    assert [e.data for e in log.entries(0, 100)] == records
    head = log.head()
    assert (head.size, head.root, head.key_id) == (32, merkle.root_hash(leaves), "test-key-1")
    assert head.timestamp == 1796029200000 + 4000  # the fourth tick of the clock
    assert head.signed_bytes() == (
        head.timestamp.to_bytes(8, "big") + (32).to_bytes(8, "big") + b"\x20" + head.root
    )
    assert [log.head(s).root for s in (5, 6, 13)] == [
        merkle.root_hash(leaves[:s]) for s in (5, 6, 13)
    ]
    every = [
        Subtree(s, lv) for lv in range(6) for s in range(0, 32, 1 << lv) if s + (1 << lv) <= 32
    ]
    assert store.subtree_hashes(every) == LeafSource(leaves).subtree_hashes(every)
    check_snapshot(store.snapshot())


def test_proofs_from_the_store_verify(
    store: LogStore, signer: object, clock: Callable[[], int], events: Events
) -> None:
    log = filled(store, signer, clock, events)
    heads = {s: log.head(s) for s in (5, 6, 13, 32)}
    for size, head in heads.items():
        for index in range(size):
            entry = log.entry(index)
            merkle.verify_inclusion(
                entry.leaf_hash, index, size, log.inclusion(index, size), head.root
            )
        for old, old_head in heads.items():
            if old <= size:
                proof = log.consistency(old, size)
                merkle.verify_consistency(old, size, old_head.root, head.root, proof)
    assert log.index_of(log.entry(17).leaf_hash) == 17


def test_questions_outside_the_log_are_refused(
    store: LogStore, signer: object, clock: Callable[[], int], events: Events
) -> None:
    log = filled(store, signer, clock, events)
    with pytest.raises(BadInputError, match=r"^size: tree size 33 is outside 0\.\.32$"):
        log.inclusion(0, 33)
    with pytest.raises(BadInputError, match=r"^second: tree size 40 is outside 0\.\.32$"):
        log.consistency(3, 40)
    with pytest.raises(NotFoundError, match=r"^unknown tree head 'size 7'$"):
        log.head(7)
    with pytest.raises(NotFoundError, match=r"^unknown log entry '32'$"):
        log.entry(32)
    with pytest.raises(NotFoundError, match=r"^unknown leaf hash '00000000"):
        log.index_of(bytes(32))
    with pytest.raises(BadInputError, match=r"^events: nothing to append$"):
        log.append([])
    with pytest.raises(UnavailableError, match=r"^no key to sign tree heads with"):
        TransparencyLog(store).append(events(1))


class Counting:
    """A store that counts the questions a proof asks it."""

    def __init__(self, inner: LogStore) -> None:
        self.inner = inner
        self.asked: list[str] = []

    def size(self) -> int:
        self.asked.append("size")
        return self.inner.size()

    def subtree_hashes(self, wanted: Sequence[Subtree]) -> list[bytes]:
        self.asked.append(f"{len(wanted)} hashes")
        return self.inner.subtree_hashes(wanted)


def test_a_proof_is_one_batch_of_look_ups_and_the_size_is_read_only_when_needed(
    store: LogStore, signer: object, clock: Callable[[], int], events: Events
) -> None:
    filled(store, signer, clock, events)
    counting = Counting(store)
    log = TransparencyLog(counting)  # type: ignore[arg-type]
    assert len(log.inclusion(21, 32)) == 5
    assert len(log.consistency(13, 32)) == 6
    assert counting.asked == ["6 hashes", "6 hashes"]
    counting.asked.clear()
    # the leaf just past the log: the path alone would be all stored hashes
    with pytest.raises(BadInputError, match=r"^size: tree size 33 is outside 0\.\.32$"):
        log.inclusion(32, 33)
    # both wrong: the size is named first, as before
    with pytest.raises(BadInputError, match=r"^size: tree size 40 is outside 0\.\.32$"):
        log.inclusion(45, 40)
    with pytest.raises(BadInputError, match=r"^second: tree size 40 is outside 0\.\.32$"):
        log.consistency(0, 40)
    assert log.consistency(0, 32) == log.consistency(32, 32) == []
    assert counting.asked == ["2 hashes", "size", "size", "size", "size", "size"]


def test_an_append_on_a_stale_size_writes_nothing(
    store: LogStore, signer: object, clock: Callable[[], int], events: Events
) -> None:
    log = filled(store, signer, clock, events)
    head = log.head()
    with pytest.raises(ConflictError, match=r"^the log grew to 32 entries meanwhile$"):
        store.append(Batch(31, [], [], head))
    assert (store.size(), log.head().size) == (32, 32)
    assert len(store.snapshot().heads) == 4


def test_a_copy_verifies_and_fails_on_any_changed_record(
    signer: object,
    clock: Callable[[], int],
    events: Events,
    signature_check: Callable[[TreeHead], str | None],
) -> None:
    store = MemoryLogStore()
    log = filled(store, signer, clock, events)
    entries, head = log.entries(0, 32), log.head()
    check_copy(entries, head, signature_check)
    changed = list(entries)
    changed[9] = type(entries[9])(
        9, entries[9].data.replace(b"suspend", b"revoke"), entries[9].leaf_hash
    )
    with pytest.raises(VerificationError) as caught:
        check_copy(changed, head, signature_check)
    assert caught.value.lines() == ["entry 9: its record does not hash to its leaf hash"]
    with pytest.raises(VerificationError) as caught:
        check_copy(entries[:9] + entries[10:], head)
    assert caught.value.lines() == ["entry 9 is missing"]
    forged = TreeHead(head.size, head.root, head.timestamp + 1, head.key_id, head.signature)
    with pytest.raises(VerificationError) as caught:
        check_copy(entries, forged, signature_check)
    assert caught.value.lines() == ["the tree head of size 32: its signature is wrong"]
    other = TreeHead(31, head.root, head.timestamp, head.key_id, head.signature)
    with pytest.raises(VerificationError) as caught:
        check_copy(entries, other)
    assert caught.value.lines() == [
        "the tree head of size 31: the entries do not give its root hash"
    ]


# --- rows changed behind the log's back (plain SQL, with the triggers out of the way) --

LOG_TABLES = ("log_entries", "log_subtrees", "log_heads", "log_subjects")


def tamper(database: Database, *statements: str) -> None:
    """Run statements as someone with the database's own rights would: the append-only
    triggers dropped (SQLite, a file per test) or disabled and enabled again (PostgreSQL,
    shared by the tests)."""
    postgres = database.engine.dialect.name == "postgresql"
    with database.engine.begin() as conn:
        for table in LOG_TABLES:
            if postgres:
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
            else:
                for verb in ("update", "delete"):
                    conn.execute(text(f"DROP TRIGGER {table}_no_{verb}"))
        for statement in statements:
            conn.execute(text(statement))
        if postgres:
            for table in LOG_TABLES:
                conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only"))


def sql_log(
    database: Database, signer: object, clock: Callable[[], int], events: Events
) -> SqlLogStore:
    store = SqlLogStore(database)
    filled(store, signer, clock, events)
    return store


def test_the_database_refuses_updates_and_deletes(
    database: Database, signer: object, clock: Callable[[], int], events: Events
) -> None:
    sql_log(database, signer, clock, events)
    for statement in (
        "UPDATE log_entries SET record = 'x' WHERE idx = 3",
        "DELETE FROM log_subtrees",
        "DELETE FROM log_heads WHERE tree_size = 5",
    ):
        with (
            pytest.raises(DBAPIError, match="the transparency log is append-only"),
            database.engine.begin() as conn,
        ):
            conn.execute(text(statement))


EDIT = "UPDATE log_entries SET record = REPLACE(record, 'CSA/311228/00021', 'CSA/311228/00099')"


@pytest.mark.parametrize(
    ("statements", "findings"),
    [
        ([f"{EDIT} WHERE idx = 21"], ["entry 21: its record does not hash to its leaf hash"]),
        (
            [
                f"{EDIT} WHERE idx = 21",
                "UPDATE log_entries SET leaf_hash = '{leaf}' WHERE idx = 21",
            ],
            ["the stored hash of entry 21 differs from its recomputed hash"],
        ),
        (
            [
                f"{EDIT} WHERE idx = 21",
                "UPDATE log_entries SET leaf_hash = '{leaf}' WHERE idx = 21",
                "UPDATE log_subtrees SET hash = '{leaf}' WHERE id = {node}",
            ],
            ["the stored hash of entries 20..21 differs from its recomputed hash"],
        ),
        (["DELETE FROM log_entries WHERE idx = 21"], ["entry 21 is missing"]),
        (["DELETE FROM log_entries WHERE idx = 31"], ["entry 31 is missing"]),
        (
            ["UPDATE log_heads SET root_hash = '{leaf}' WHERE tree_size = 13"],
            ["the tree head of size 13: the entries do not give its root hash"],
        ),
        (
            [
                "INSERT INTO log_entries (idx, leaf_hash, record) "
                "SELECT 32, leaf_hash, record FROM log_entries WHERE idx = 21",
                "INSERT INTO log_subtrees (id, hash) SELECT 2048, hash FROM log_subtrees WHERE id = {node}",
            ],
            ["entries 32..32 are not covered by a signed tree head"],
        ),
    ],
    ids=[
        "record",
        "record-and-leaf",
        "record-leaf-and-subtree",
        "deleted",
        "deleted-last",
        "head",
        "added",
    ],
)
def test_verification_names_what_was_changed_in_the_database(
    database: Database,
    signer: object,
    clock: Callable[[], int],
    events: Events,
    statements: list[str],
    findings: list[str],
) -> None:
    store = sql_log(database, signer, clock, events)
    edited = store.entries(21, 22)[0].data.replace(b"CSA/311228/00021", b"CSA/311228/00099")
    leaf = merkle.leaf_hash(edited).hex()
    node = 21 << 6
    tamper(database, *(s.format(leaf=leaf, node=node) for s in statements))
    with pytest.raises(VerificationError) as caught:
        check_snapshot(store.snapshot())
    assert caught.value.lines() == findings


def test_log_verify_names_an_entry_edited_in_the_database(
    database: Database, signer: object, clock: Callable[[], int], events: Events
) -> None:
    from typer.testing import CliRunner

    from prodsec.cli.app import app

    store = sql_log(database, signer, clock, events)
    url = database.engine.url.render_as_string(hide_password=False)
    root = store.head(None)
    assert root is not None
    clean = CliRunner().invoke(app, ["log", "verify", "--db", url])
    assert (clean.exit_code, clean.stdout) == (
        0,
        f"ok: 32 entries, 4 tree heads, latest root {root.root.hex()}\n",
    )
    tamper(database, f"{EDIT} WHERE idx = 21")
    found = CliRunner().invoke(app, ["log", "verify", "--db", url])
    assert (found.exit_code, found.stdout, found.stderr) == (
        1,
        "",
        "error: entry 21: its record does not hash to its leaf hash\n",
    )


class Racing:
    """A store on which another writer appends just before each of our first `races`
    appends lands: ours is refused and tried again on the new right edge."""

    def __init__(self, store: LogStore, other: TransparencyLog, races: int, events: Events) -> None:
        self.store, self.other, self.races, self.events = store, other, races, events

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def append(self, batch: Batch) -> None:
        if self.races:
            self.races -= 1
            self.other.append(self.events(2, 100 + 2 * self.races))
        self.store.append(batch)


def test_an_append_beaten_by_another_is_retried_then_refused(
    store: LogStore, signer: object, clock: Callable[[], int], events: Events
) -> None:
    other = TransparencyLog(store, signer, clock)  # type: ignore[arg-type]
    racing = TransparencyLog(Racing(store, other, 2, events), signer, clock)  # type: ignore[arg-type]
    head = racing.append(events(3))
    assert (head.size, store.size()) == (7, 7)
    assert [e.data for e in store.entries(4, 7)] == [e.record() for e in events(3)]
    check_snapshot(store.snapshot())
    losing = TransparencyLog(Racing(store, other, 3, events), signer, clock)  # type: ignore[arg-type]
    with pytest.raises(ConflictError, match=r"^the log grew to 13 entries meanwhile$"):
        losing.append(events(1))
    assert store.size() == 13


def test_a_locked_sqlite_file_is_a_conflict_not_a_crash(
    tmp_path: Path,
    new_database: Callable[[str, Path], Database],
    signer: object,
    clock: Callable[[], int],
    events: Events,
) -> None:
    import sqlite3
    from types import SimpleNamespace

    from sqlalchemy import create_engine

    database = new_database("sqlite", tmp_path)
    log = filled(SqlLogStore(database), signer, clock, events)
    impatient = create_engine(database.engine.url, connect_args={"timeout": 0.05})
    store = SqlLogStore(SimpleNamespace(engine=impatient))  # type: ignore[arg-type]
    head = log.head()
    holder = sqlite3.connect(str(tmp_path / "prodsec.db"))
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ConflictError, match=r"^another append holds the log$"):
            store.append(Batch(32, [], [], head))
    finally:
        holder.rollback()
        holder.close()
        impatient.dispose()
    assert store.size() == 32


# --- the index of subjects (migration 0015): a look-up for the consumer page ----------


AT = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def about_log(database: Database, signer: object, clock: Callable[[], int]) -> SqlLogStore:
    """Six entries: A at 0, 2 and 5, B at 1 and 4, C at 3 (heads at 3 and 6)."""
    store = SqlLogStore(database)
    log = TransparencyLog(store, signer, clock)  # type: ignore[arg-type]
    for subjects in ("ABA", "CBA"):
        log.append([Event.at(EventKind.ISSUE, s, AT, {"n": 1}) for s in subjects])
    return store


def test_the_index_of_subjects_finds_a_subjects_entries(
    database: Database, signer: object, clock: Callable[[], int]
) -> None:
    store = about_log(database, signer, clock)
    assert [e.index for e in store.about("A", 6)] == [0, 2, 5]
    assert [e.index for e in store.about("A", 5)] == [0, 2]
    assert [e.index for e in store.about("A", 6, offset=1, limit=1)] == [2]
    assert store.about("A", 6)[2] == store.entries(5, 6)[0]
    assert [store.about_count(s, 6) for s in ("A", "B", "C", "D")] == [3, 2, 1, 0]
    assert store.about("CSA/311228/00001", 6) == []
    check_snapshot(store.snapshot())


@pytest.mark.parametrize(
    ("statement", "finding"),
    [
        (
            "DELETE FROM log_subjects WHERE idx = 5",
            "entry 5: the index of subjects has no row, its record 'A'",
        ),
        (
            "UPDATE log_subjects SET subject = 'B' WHERE idx = 2",
            "entry 2: the index of subjects says 'B', its record 'A'",
        ),
        (
            "INSERT INTO log_subjects (idx, subject) VALUES (9, 'A')",
            "the index of subjects names entry 9, which the log does not hold",
        ),
    ],
    ids=["deleted", "changed", "added"],
)
def test_verification_names_a_changed_row_of_the_index_of_subjects(
    database: Database, signer: object, clock: Callable[[], int], statement: str, finding: str
) -> None:
    """A row of the index removed or changed hides an entry from the page's look-up: the
    stored log's check compares the index with the records and names it."""
    store = about_log(database, signer, clock)
    tamper(database, statement)
    with pytest.raises(VerificationError) as caught:
        check_snapshot(store.snapshot())
    assert caught.value.lines() == [finding]


def _migrate(database: Database, revision: str, down: bool = False) -> None:
    from alembic import command
    from alembic.config import Config

    from prodsec.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_the_migration_fills_the_index_of_subjects_from_the_stored_entries(
    database: Database, signer: object, clock: Callable[[], int]
) -> None:
    """A log written before the index existed (the table dropped by going back to 0014),
    plus a record that is not JSON: the upgrade indexes every entry that names a
    subject, and the index then checks out against the records."""
    store = about_log(database, signer, clock)
    _migrate(database, "0014", down=True)
    with database.engine.begin() as conn:
        conn.execute(text("INSERT INTO log_entries (idx, leaf_hash, record) VALUES (6, 'x', '{')"))
    _migrate(database, "head")
    with database.engine.connect() as conn:
        rows = conn.execute(text("SELECT idx, subject FROM log_subjects ORDER BY idx")).all()
    assert [tuple(r) for r in rows] == [(0, "A"), (1, "B"), (2, "A"), (3, "C"), (4, "B"), (5, "A")]
    assert [e.index for e in store.about("A", 7)] == [0, 2, 5]
    with (
        pytest.raises(DBAPIError, match="the transparency log is append-only"),
        database.engine.begin() as conn,
    ):
        conn.execute(text("DELETE FROM log_subjects WHERE idx = 0"))
