"""`prodsec users add|password|remove|list` on a real SQLite file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.store.models import Comment, User

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py


def test_add_and_list_users(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    code, out, _ = run(
        "users", "add", "ana@example.org", "--admin", "--db", url, input="a long password\n" * 2
    )
    assert code == 0
    assert out.endswith("added ana@example.org (administrator)\n")
    code, _, err = run("users", "add", "bo@example.org", "--db", url, input="short\n" * 2)
    assert (code, err) == (2, "error: password: at least 12 characters\n")
    code, _, err = run(
        "users", "add", "ana@example.org", "--db", url, input="another long one\n" * 2
    )
    assert (code, err) == (1, "error: email: 'ana@example.org' already has an account\n")
    code, out, _ = run(
        "users",
        "add",
        "cy@acme.example",
        "-o",
        "Acme",
        "--create-organisation",
        "--db",
        url,
        input="a long password\n" * 2,
    )
    assert out.endswith("added cy@acme.example of Acme\n")
    code, out, _ = run("users", "list", "--db", url)
    today = f"{dt.date.today():%Y-%m-%d}"
    assert (code, out) == (
        0,
        f"ana@example.org\tadministrator\t-\t{today}\ncy@acme.example\tuser\tAcme\t{today}\n",
    )
    signed = accounts.sign_in(Database(url), "ana@example.org", "a long password", "api")
    with Database(url).session() as s:
        assert accounts.user_for(s, signed.token) is not None


def test_change_a_password_and_remove_users(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    for email, admin in (("ana@example.org", ["--admin"]), ("bo@example.org", [])):
        code, _, _ = run("users", "add", email, *admin, "--db", url, input="a long password\n" * 2)
        assert code == 0
    old = accounts.sign_in(Database(url), "bo@example.org", "a long password", "api").token
    with Database(url).session() as s:
        s.add(Comment(subject="product:x", user_id=accounts.user_for(s, old).id, body="hi"))  # type: ignore[union-attr]
    code, out, _ = run(
        "users", "password", "bo@example.org", "--db", url, input="another password\n" * 2
    )
    assert (code, out.splitlines()[-1]) == (
        0,
        "password of bo@example.org changed; its sign-ins were revoked",
    )
    with Database(url).session() as s:
        assert accounts.user_for(s, old) is None
    with pytest.raises(accounts.SignInError):
        accounts.sign_in(Database(url), "bo@example.org", "a long password", "api")
    accounts.sign_in(Database(url), "bo@example.org", "another password", "api")
    code, _, err = run(
        "users", "password", "cy@example.org", "--db", url, input="another password\n" * 2
    )
    assert (code, err) == (2, "error: unknown account 'cy@example.org'\n")
    code, _, err = run("users", "remove", "ana@example.org", "--db", url)
    assert (code, err) == (1, "error: email: 'ana@example.org' is the last administrator\n")
    code, out, _ = run("users", "remove", "bo@example.org", "--db", url)
    assert (code, out) == (0, "removed bo@example.org\n")
    with Database(url).session() as s:
        assert s.scalars(select(User.email)).all() == ["ana@example.org"]
        assert s.scalars(select(Comment.user_id)).all() == [None]
