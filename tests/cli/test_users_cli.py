"""`prodsec users add|list` on a real SQLite file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from prodsec.store import accounts
from prodsec.store.db import Database

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
    assert (code, err) == (2, "error: email: 'ana@example.org' already has an account\n")
    code, out, _ = run(
        "users", "add", "cy@acme.example", "-o", "Acme", "--db", url, input="a long password\n" * 2
    )
    assert out.endswith("added cy@acme.example of Acme\n")
    code, out, _ = run("users", "list", "--db", url)
    today = f"{dt.date.today():%Y-%m-%d}"
    assert (code, out) == (
        0,
        f"ana@example.org\tadministrator\t-\t{today}\ncy@acme.example\tuser\tAcme\t{today}\n",
    )
    with Database(url).session() as s:
        token, _ = accounts.sign_in(s, "ana@example.org", "a long password", "api")
        assert accounts.user_for(s, token) is not None
