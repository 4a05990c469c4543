"""`prodsec users add|list` on a real SQLite file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from prodsec.cli.app import app
from prodsec.store import accounts
from prodsec.store.db import Database


def test_add_and_list_users(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    added = runner.invoke(
        app,
        ["users", "add", "ana@example.org", "--admin", "--db", url],
        input="a long password\n" * 2,
    )
    assert added.exit_code == 0, added.output
    assert added.output.endswith("added ana@example.org (administrator)\n")
    short = runner.invoke(app, ["users", "add", "bo@example.org", "--db", url], input="short\n" * 2)
    assert short.exit_code == 2
    assert "error: password: at least 12 characters" in short.output
    again = runner.invoke(
        app, ["users", "add", "ana@example.org", "--db", url], input="another long one\n" * 2
    )
    assert again.exit_code == 2
    assert "error: email: 'ana@example.org' already has an account" in again.output
    listed = runner.invoke(app, ["users", "list", "--db", url])
    assert listed.output == f"ana@example.org\tadministrator\t{dt.date.today():%Y-%m-%d}\n"
    with Database(url).session() as s:
        token, _ = accounts.sign_in(s, "ana@example.org", "a long password", "api")
        assert accounts.user_for(s, token) is not None
