"""The database's key store on SQLite and PostgreSQL: keys created, rotated and kept,
private keys sealed under PRODSEC_KEY_SECRET, every change audited, labels signed through
it verifying against its public keys."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, update

from prodsec.errors import BadInputError, ConflictError, NotFoundError, UnavailableError
from prodsec.registry.canonical import b64url
from prodsec.registry.signing import (
    Keyring,
    Verdict,
    check_record,
    sign_label,
    verify_label,
)
from prodsec.store import audit, backup
from prodsec.store.db import Database
from prodsec.store.keys import SqlKeyStore, unseal
from prodsec.store.log import SqlLogStore
from prodsec.store.models import AuditEntry, SigningKeyRow

SECRET = "0123456789abcdef0123456789abcdef-test"
T0 = dt.datetime(2026, 1, 1, 8, 0, 0, 500_000, tzinfo=dt.UTC)
T1 = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
RECORD = check_record(
    {
        **json.loads(
            (Path(__file__).resolve().parents[1] / "assets" / "label-record.json").read_text()
        ),
        **{"support_end": None, "lab": "Lab One"},
    }
)


def _store(s: object, secret: str | None = SECRET) -> SqlKeyStore:
    return SqlKeyStore(s, audit.CLI, secret)  # type: ignore[arg-type]


def test_create_rotate_and_list(database: Database) -> None:
    with database.session() as s:
        first = _store(s).create("sg-cls", T0)
        _store(s).create("de-bsi-itsk", T0)
    with database.session() as s:
        second = _store(s).rotate("sg-cls", T1)
    with database.session() as s:
        keys = _store(s, None).published("sg-cls")
        assert [(k.kid, k.activated, k.retired) for k in keys] == [
            (first.kid, T0.replace(microsecond=0), T1),
            (second.kid, T1, None),
        ]
        assert _store(s, None).active("sg-cls") == second
        # the rotation went into the transparency log, whose head the registry's own key
        # signs: that key was made for the first head
        assert [k.scheme for k in _store(s, None).published()] == [
            "de-bsi-itsk",
            "registry",
            "sg-cls",
            "sg-cls",
        ]
        bsi = _store(s, None).active("de-bsi-itsk").kid
        log_key = _store(s, None).active("registry").kid
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        assert [(e.action, e.target_id, e.detail, e.actor) for e in entries][3:] == [
            ("key-created", log_key, {"scheme": "registry", "kid": log_key}, "cli")
        ]
        assert [(e.action, e.target_id, e.detail, e.actor) for e in entries][:3] == [
            ("key-created", first.kid, {"scheme": "sg-cls", "kid": first.kid}, "cli"),
            ("key-created", bsi, {"scheme": "de-bsi-itsk", "kid": bsi}, "cli"),
            (
                "key-rotated",
                second.kid,
                {"scheme": "sg-cls", "kid": second.kid, "retired": first.kid},
                "cli",
            ),
        ]
    logged = [json.loads(e.data) for e in SqlLogStore(database).entries(0, 1)]
    assert logged == [
        {
            "kind": "key-rotation",
            "payload": {
                "activated": "2027-01-01T00:00:00Z",
                "retired": first.kid,
                "scheme": "sg-cls",
            },
            "subject": second.kid,
            "time": "2027-01-01T00:00:00Z",
        }
    ]


def test_a_label_signed_through_the_store_verifies(database: Database) -> None:
    with database.session() as s:
        _store(s).create("sg-cls", T0)
    with database.session() as s:
        token = sign_label(RECORD, _store(s))
        keyring = Keyring(_store(s, None).published())
    found = verify_label(token, keyring, on=dt.date(2027, 1, 1))
    assert found.verdict is Verdict.VALID


def test_a_key_with_an_expiry(database: Database) -> None:
    ends = dt.datetime(2027, 1, 1, 0, 0, 0, 900_000, tzinfo=dt.UTC)
    with database.session() as s:
        key = _store(s).create("sg-cls", T0, expires=ends)
        assert key.expires == T1
        assert _store(s).published() == [key]
    with pytest.raises(BadInputError) as caught, database.session() as s:
        _store(s).rotate("sg-cls", T1, expires=T0)
    assert str(caught.value) == (
        "expires: must be after the key's activation (2027-01-01T00:00:00Z)"
    )
    with database.session() as s:
        assert _store(s).active("sg-cls") == key


def test_a_second_first_key_is_refused(database: Database) -> None:
    with database.session() as s:
        kid = _store(s).create("sg-cls", T0).kid
    with pytest.raises(ConflictError) as caught, database.session() as s:
        _store(s).create("sg-cls")
    assert str(caught.value) == f"sg-cls already has the active key {kid}; rotate it instead"


def test_rotating_needs_a_key_and_a_later_moment(database: Database) -> None:
    with pytest.raises(NotFoundError) as missing, database.session() as s:
        _store(s).rotate("sg-cls")
    assert str(missing.value) == "unknown active signing key of scheme 'sg-cls'"
    with database.session() as s:
        kid = _store(s).create("sg-cls", T1).kid
    with pytest.raises(ConflictError) as early, database.session() as s:
        _store(s).rotate("sg-cls", T0)
    assert str(early.value) == (
        f"cannot rotate at 2026-01-01T08:00:00Z: the key {kid} was activated then or later"
    )


def test_nothing_is_created_or_signed_without_the_secret(database: Database) -> None:
    with pytest.raises(UnavailableError) as unset, database.session() as s:
        _store(s, None).create("sg-cls")
    assert str(unset.value) == "cannot create a signing key: PRODSEC_KEY_SECRET is not set"
    with pytest.raises(UnavailableError) as short, database.session() as s:
        _store(s, "short").create("sg-cls")
    assert str(short.value) == (
        "cannot create a signing key: PRODSEC_KEY_SECRET must be at least 32 characters"
    )
    with database.session() as s:
        assert s.scalars(select(SigningKeyRow)).all() == []
        assert s.scalars(select(AuditEntry)).all() == []
        _store(s).create("sg-cls", T0)
    with pytest.raises(UnavailableError) as cannot, database.session() as s:
        sign_label(RECORD, _store(s, None))
    assert str(cannot.value) == "cannot sign: PRODSEC_KEY_SECRET is not set"


def test_the_secret_is_read_from_the_environment(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODSEC_KEY_SECRET", SECRET)
    with database.session() as s:
        key = SqlKeyStore(s, audit.CLI).create("sg-cls", T0)
        assert SqlKeyStore(s, audit.CLI).sign(key.kid, b"x")
    monkeypatch.setenv("PRODSEC_KEY_SECRET", "")
    with pytest.raises(UnavailableError), database.session() as s:
        SqlKeyStore(s, audit.CLI).sign(key.kid, b"x")


def test_a_private_key_opens_only_with_its_secret_and_row(database: Database) -> None:
    with database.session() as s:
        one = _store(s).create("sg-cls", T0).kid
        two = _store(s).create("de-bsi-itsk", T0).kid
    with pytest.raises(UnavailableError) as wrong, database.session() as s:
        sign_label(RECORD, _store(s, "another secret of thirty-two chars!"))
    assert str(wrong.value) == (
        f"the private key {one} does not open with PRODSEC_KEY_SECRET: it was sealed with "
        "another secret, or its row was changed"
    )
    with database.session() as s:
        sealed = s.get(SigningKeyRow, two)
        assert sealed is not None
        s.execute(
            update(SigningKeyRow)
            .where(SigningKeyRow.kid == one)
            .values(sealed_private_key=sealed.sealed_private_key)
        )
    with pytest.raises(UnavailableError), database.session() as s:
        sign_label(RECORD, _store(s))


def test_the_stored_row_holds_no_private_key_in_the_clear(database: Database) -> None:
    with database.session() as s:
        kid = _store(s).create("sg-cls", T0).kid
    with database.session() as s:
        row = s.get(SigningKeyRow, kid)
        assert row is not None
        raw = unseal(SECRET, row.sealed_private_key, row.kid, row.scheme)
        assert len(raw) == 32
        stored = " ".join(str(v) for v in (row.kid, row.public_key, row.sealed_private_key))
        assert b64url(raw) not in stored
        assert raw.hex() not in stored


def test_keys_survive_a_backup_and_restore(
    database: Database, new_database: Callable[[str, Path], Database], tmp_path: Path
) -> None:
    """The backup carries the sealed keys; restored, they sign with the same secret."""
    with database.session() as s:
        kid = _store(s).create("sg-cls", T0).kid
        lines = list(backup.backup(s))
    (tmp_path / "copy").mkdir()
    copy = new_database("sqlite", tmp_path / "copy")
    with copy.session() as s:
        assert backup.restore(s, lines, "keys.jsonl")["signing_keys"] == 1
    with copy.session() as s:
        token = sign_label(RECORD, _store(s))
        keyring = Keyring(_store(s, None).published())
    copy.engine.dispose()
    found = verify_label(token, keyring, on=dt.date(2027, 1, 1))
    assert (found.verdict, found.kid) == (Verdict.VALID, kid)
