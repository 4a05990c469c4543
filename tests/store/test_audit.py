"""The audit log in the store: written with the change it records, never rewritten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from prodsec.assess.profile import Profile
from prodsec.catalog import Catalog
from prodsec.errors import BadInputError
from prodsec.store import accounts, audit, repo
from prodsec.store.db import Database
from prodsec.store.models import AuditEntry

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _laptop(catalog: Catalog) -> tuple[Profile, dict[str, object]]:
    data = yaml.safe_load((EXAMPLES / "laptop.yaml").read_text())
    return repo.parse(catalog, data, "laptop"), data


def test_record_names_users_names_and_emails(database: Database) -> None:
    with database.session() as s:
        user = accounts.create_user(
            s, "a@acme.example", "long enough password", organisation="Acme"
        )
        target = audit.Target("user", user.id)
        audit.record(s, user, audit.Action.SIGNED_IN, target, "10.0.0.1", {"kind": "browser"})
        audit.record(s, "who@example.org", audit.Action.SIGN_IN_FAILED, target, "10.0.0.2")
        audit.record(
            s,
            audit.CLI,
            audit.Action.USER_ADDED,
            target,
            "cli",
            organisation=user.organisation_id,
        )
        ident, org = user.id, user.organisation_id
    with database.session() as s:
        rows = [
            (e.actor, e.actor_id, e.action, e.target_id, e.client, e.detail, e.organisation_id)
            for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert rows == [
        ("a@acme.example", ident, "signed-in", ident, "10.0.0.1", {"kind": "browser"}, None),
        ("who@example.org", None, "sign-in-failed", ident, "10.0.0.2", {}, None),
        ("cli", None, "user-added", ident, "cli", {}, org),
    ]


def test_an_entry_rolls_back_with_its_change(database: Database, catalog: Catalog) -> None:
    profile, data = _laptop(catalog)

    def fail_after_creating() -> None:
        with database.session() as s:
            repo.create_product(s, repo.EVERY_PRODUCT, profile, data, audit.CLI)
            raise BadInputError("something after it failed")

    with pytest.raises(BadInputError):
        fail_after_creating()
    with database.session() as s:
        assert s.scalars(select(AuditEntry)).all() == []
        assert repo.list_products(s, repo.EVERY_PRODUCT) == ([], 0)


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_database_refuses_to_rewrite_the_log(
    database: Database, catalog: Catalog, statement: str
) -> None:
    profile, data = _laptop(catalog)
    with database.session() as s:
        repo.create_product(s, repo.EVERY_PRODUCT, profile, data, audit.CLI)
    change = (
        update(AuditEntry).values(actor="someone else")
        if statement == "update"
        else delete(AuditEntry)
    )
    with (
        pytest.raises(DatabaseError, match="the audit log is append-only"),
        database.session() as s,
    ):
        s.execute(change)
    with database.session() as s:
        assert s.scalars(select(AuditEntry.actor)).all() == ["cli"]


def test_entries_filter_by_since_and_page(database: Database, catalog: Catalog) -> None:
    profile, data = _laptop(catalog)
    with database.session() as s:
        for _ in range(3):
            repo.create_product(s, repo.EVERY_PRODUCT, profile, data, audit.CLI)
    with database.session() as s:
        everything = audit.AuditFilter()
        found, total = audit.entries(s, everything, offset=1, limit=1)
        assert (total, [e.id for e in found]) == (3, [2])
        assert [e.id for e in audit.every_entry(s, everything)] == [1, 2, 3]
        past = audit.AuditFilter(since=dt.datetime(2000, 1, 1))
        assert audit.entries(s, past)[1] == 3
        future = audit.AuditFilter(since=dt.datetime(2999, 1, 1, tzinfo=dt.UTC))
        assert audit.entries(s, future) == ([], 0)
