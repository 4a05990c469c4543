"""Backup and restore on both databases and across them, and one organisation's export."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from prodsec.catalog import Catalog
from prodsec.errors import BadInputError, ConflictError, NotFoundError
from prodsec.registry.events import Event, EventKind
from prodsec.registry.log import TransparencyLog
from prodsec.store import accounts, audit, backup, repo
from prodsec.store.db import Database
from prodsec.store.log import SqlLogStore
from prodsec.store.models import AuditEntry, Comment, SignInFailure

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NewDatabase = Callable[[str, Path], Database]

MIGRATIONS = Path(__file__).resolve().parents[2] / "src/prodsec/store/migrations/versions"
HEAD = max(p.name[:4] for p in MIGRATIONS.glob("0*.py"))
"""The newest migration's revision: a backup carries it."""


def _fill(db: Database, catalog: Catalog) -> dict[str, str]:
    """A little of everything: two organisations' products (one deleted), versions,
    assessments, a sign-in, a failure, a comment, audit entries."""
    with db.session() as s:
        maker = accounts.create_user(
            s,
            "a@acme.example",
            "long enough password",
            organisation="Acme",
            create_organisation=True,
        )
        rival = accounts.create_user(
            s,
            "b@rival.example",
            "long enough password",
            organisation="Rival",
            create_organisation=True,
        )
        made = {}
        for user, name in ((maker, "laptop"), (rival, "smart-camera"), (maker, "smart-plug-cls")):
            data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
            by = audit.Actor.of(user, "10.0.0.1")
            sight = repo.Visibility.of(user)
            product = repo.create_product(s, sight, repo.parse(catalog, data, name), data, by)
            repo.update_product(s, sight, product.id, repo.parse(catalog, data, name), data, by)
            repo.run_assessment(s, sight, catalog, product.id, dt.date(2026, 1, 15), None, by)
            made[name] = product.id
        repo.delete_product(s, repo.Visibility.of(maker), made["smart-plug-cls"], audit.CLI)
        s.add(SignInFailure(email="x@example.org", at=1767225600.25))
        s.add(Comment(subject=f"product:{made['laptop']}", user_id=maker.id, body="first"))
    accounts.sign_in(db, "a@acme.example", "long enough password", "api")
    return made


def _dump(db: Database) -> list[str]:
    with db.session() as s:
        return list(backup.backup(s))


def _rows(lines: list[str]) -> list[str]:
    return lines[1:]


class _Signer:
    key_id = "backup-test"

    def sign(self, data: bytes) -> bytes:
        return data[:8]


def _log(database: Database) -> None:
    """Three transparency-log entries, their 4 complete subtrees and their head."""
    log = TransparencyLog(SqlLogStore(database), _Signer(), lambda: 1_796_029_200_000)
    moment = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    log.append([Event.at(EventKind.ISSUE, f"sik-{i:05d}", moment, {}) for i in range(3)])


def test_a_backup_restores_into_either_database(
    database: Database, catalog: Catalog, new_database: NewDatabase, tmp_path: Path
) -> None:
    _fill(database, catalog)
    _log(database)
    lines = _dump(database)
    header = json.loads(lines[0])
    assert (header["format"], header["revision"]) == ("prodsec-backup", HEAD)
    tables = [json.loads(line)["table"] for line in _rows(lines)]
    assert (tables.count("products"), tables.count("audit_log")) == (3, 13)
    assert [tables.count(t) for t in ("log_entries", "log_subtrees", "log_heads")] == [3, 4, 1]
    database.engine.dispose()
    for kind in ("sqlite", "postgresql"):
        (tmp_path / kind).mkdir()
        target = new_database(kind, tmp_path / kind)
        with target.session() as s:
            counts = backup.restore(s, lines, "all.jsonl")
        assert sum(counts.values()) == len(lines) - 1
        assert _rows(_dump(target)) == _rows(lines), kind
        with target.session() as s:  # ids go on after the restored ones
            entry = audit.record(
                s, audit.CLI, audit.Action.USER_ADDED, audit.Target("user", "u"), "cli"
            )
            s.flush()
            assert entry.id == 14
            failure = SignInFailure(email="y@example.org", at=1.0)
            s.add(failure)
            s.flush()
            assert failure.id == 2
        target.engine.dispose()


def test_restore_refuses_a_database_in_use_and_other_revisions(
    database: Database, catalog: Catalog
) -> None:
    _fill(database, catalog)
    lines = _dump(database)
    with pytest.raises(ConflictError) as taken, database.session() as s:
        backup.restore(s, lines, "all.jsonl")
    assert str(taken.value) == (
        "the database is not empty (rows in audit_log, organisations, sign_in_failures, "
        "products, users, comments, logins, product_versions, assessments): restore into a "
        "new, migrated database only"
    )
    older = json.dumps({**json.loads(lines[0]), "revision": "0003"})
    with pytest.raises(ConflictError) as revised, database.session() as s:
        backup.restore(s, [older], "old.jsonl")
    assert str(revised.value) == (
        f"old.jsonl is of schema revision 0003; this database is at {HEAD}: restore into a "
        "database at the backup's revision"
    )


def test_a_bad_line_writes_nothing(database: Database, catalog: Catalog) -> None:
    with database.session() as s:
        header = next(backup.backup(s))
    cases = {
        "not json\n": "b.jsonl:1: line: not JSON: Expecting value",
        '["a list"]\n': "b.jsonl:1: line: not a JSON object",
        '{"format": "other"}\n': "b.jsonl:1: line: not a prodsec backup (format 'other')",
    }
    good = json.dumps({"table": "organisations", "row": {"id": "o", "name": "Acme", "created": "2026-01-01T00:00:00+00:00"}})  # fmt: skip
    for first, said in cases.items():
        with pytest.raises(BadInputError) as caught, database.session() as s:
            backup.restore(s, [first], "b.jsonl")
        assert caught.value.lines() == [said]
    for broken, said in (
        ("{", "b.jsonl:3: line: not JSON: Expecting property name enclosed in double quotes"),
        ('{"table": "secrets", "row": {}}', "b.jsonl:3: line: not a row of a known table"),
    ):
        with pytest.raises(BadInputError) as caught, database.session() as s:
            backup.restore(s, [header, good, "", broken], "b.jsonl")
        assert caught.value.lines() == [said.replace(":3:", ":4:")]
    with database.session() as s:
        assert _rows(list(backup.backup(s))) == []


def test_an_organisation_exports_its_own_data(database: Database, catalog: Catalog) -> None:
    made = _fill(database, catalog)
    with database.session() as s:
        lines = list(backup.export_organisation(s, "Acme"))
        acme = s.scalar(
            select(AuditEntry.organisation_id).where(AuditEntry.target_id == made["laptop"])
        )
    header = json.loads(lines[0])
    assert (header["format"], header["organisation"]) == ("prodsec-organisation-export", "Acme")
    rows = [json.loads(line) for line in lines[1:]]
    found: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        found.setdefault(row["table"], []).append(row["row"])
    assert sorted(found) == [
        "assessments",
        "audit_log",
        "organisations",
        "product_versions",
        "products",
    ]
    assert sorted(str(p["id"]) for p in found["products"]) == sorted(
        [made["laptop"], made["smart-plug-cls"]]
    )
    assert [o["name"] for o in found["organisations"]] == ["Acme"]
    assert (len(found["product_versions"]), len(found["assessments"])) == (4, 2)
    assert [e["action"] for e in found["audit_log"]] == [
        "user-added", "created", "changed", "assessed", "created", "changed", "assessed",
        "deleted",
    ]  # fmt: skip
    assert {e["organisation_id"] for e in found["audit_log"]} == {acme}
    with pytest.raises(NotFoundError) as unknown, database.session() as s:
        list(backup.export_organisation(s, "Acme Ltd"))
    assert str(unknown.value) == "unknown organisation 'Acme Ltd'; did you mean Acme?"
