"""The registry wired end to end on SQLite and PostgreSQL: a label issued through the real
key store and transparency log verifies offline, its log entry names its signed token, and
a failure after the label row leaves no row, no signature, no entry and no head."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import pytest
from sqlalchemy import func, select

from prodsec.catalog import Catalog
from prodsec.registry.keys import LOG_KEYS
from prodsec.registry.signing import Keyring, Verdict, verify_label
from prodsec.registry.verify import check_snapshot
from prodsec.store import labels
from prodsec.store.audit import CLI
from prodsec.store.db import Database
from prodsec.store.keys import SqlKeyStore
from prodsec.store.log import SqlLogStore
from prodsec.store.models import LogHeadRow, RegistryLabel, SigningKeyRow
from prodsec.store.registry import Services

from ..conftest import log_size, wired
from .conftest import ON, with_owner


def test_an_issued_label_verifies_offline_and_its_entry_names_it(
    database: Database, catalog: Catalog
) -> None:
    wiring = wired(database, catalog)
    with database.session() as s:
        owner, ident = with_owner(s, catalog)
        label = labels.issue(s, wiring.services(s, CLI), owner, CLI, ident, ON)
        token, index = label.signed, label.log_index
    with database.session() as s:
        keys = SqlKeyStore(s, CLI).published()
    assert sorted(k.scheme for k in keys) == [LOG_KEYS, "sg-cls"]
    found = verify_label(token, Keyring(keys), on=ON)
    assert (found.verdict, found.reason) == (
        Verdict.VALID,
        f"sg-cls level 2 CSA/310529/PS-000001, signed by key {found.kid}",
    )
    assert found.record is not None
    assert (found.record["issued"], found.record["product"]) == (
        "2026-06-01T09:00:01Z",
        "Sprechbox 2",
    )
    assert index == 0
    entry = SqlLogStore(database).entries(0, 1)[0]
    event = json.loads(entry.data)
    assert (event["kind"], event["subject"], event["time"]) == (
        "issue", "CSA/310529/PS-000001", "2026-06-01T09:00:02Z",
    )  # fmt: skip
    assert event["payload"]["signed"] == hashlib.sha256(token.encode()).hexdigest()
    assert check_snapshot(SqlLogStore(database).snapshot()) == 1


class FailingAfterTheLog:
    """The real event log, then a failure: everything before it must be undone."""

    def __init__(self, services: Services) -> None:
        self.inner = services.log

    def append(self, kind: str, subject: str, payload: Mapping[str, object]) -> int:
        self.inner.append(kind, subject, payload)
        raise RuntimeError("the disk is full")


def _rows(db: Database) -> tuple[int, int, int, int]:
    """Labels, log entries, log heads, signing keys."""
    with db.session() as s:
        counted = [
            s.scalar(select(func.count()).select_from(model)) or 0
            for model in (RegistryLabel, LogHeadRow, SigningKeyRow)
        ]
    return counted[0], log_size(db), counted[1], counted[2]


def test_a_failure_after_the_label_row_leaves_nothing(database: Database, catalog: Catalog) -> None:
    wiring = wired(database, catalog)
    with database.session() as s:
        owner, ident = with_owner(s, catalog)
    before = _rows(database)
    assert before == (0, 0, 0, 1)

    def issue_then_fail() -> None:
        with database.session() as s:
            services = wiring.services(s, CLI)
            broken = Services(catalog, services.signer, FailingAfterTheLog(services), wiring.clock)
            labels.issue(s, broken, owner, CLI, ident, ON)

    with pytest.raises(RuntimeError, match="the disk is full"):
        issue_then_fail()
    # the label row, the log's entry and head, and the log key made on the way: all gone
    assert _rows(database) == before
    with database.session() as s:
        again = labels.issue(s, wiring.services(s, CLI), owner, CLI, ident, ON)
        assert (again.registration, again.log_index) == ("CSA/310529/PS-000001", 0)
