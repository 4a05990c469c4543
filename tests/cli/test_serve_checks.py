"""`prodsec serve` checks its database before it serves: one line on stderr and exit 2
for a URL that does not parse, a folder that cannot be made, a read-only database and a
server that is not there; never a traceback."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from prodsec.store.db import Database

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py


def test_a_url_that_does_not_parse_names_the_option(run: Run) -> None:
    assert run("serve", "--db", "nonsense") == (
        2,
        "",
        "error: --db: not a database URL this server can use "
        "(Could not parse SQLAlchemy URL from given URL string)\n",
    )


def test_an_unknown_kind_of_database_names_the_variable(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODSEC_DATABASE_URL", "foo://somewhere/db")
    assert run("serve") == (
        2,
        "",
        "error: PRODSEC_DATABASE_URL: not a database URL this server can use "
        "(Can't load plugin: sqlalchemy.dialects:foo)\n",
    )


def test_a_folder_that_cannot_be_created(run: Run, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    url = f"sqlite:///{tmp_path}/a-file/sub/prodsec.db"
    assert run("serve", "--db", url) == (
        2,
        "",
        f"error: cannot create the folder {tmp_path}/a-file/sub for the SQLite database: "
        "Not a directory\n",
    )


def test_a_missing_folder_is_created(tmp_path: Path) -> None:
    Database(f"sqlite:///{tmp_path}/new/folder/prodsec.db").check_writable()
    assert (tmp_path / "new" / "folder" / "prodsec.db").is_file()


def test_a_read_only_database_is_refused_before_serving(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "prodsec.db"
    Database(f"sqlite:///{path}")  # migrated, then opened read-only
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    assert run("serve", "--db", url) == (
        2,
        "",
        f"error: the database file:{path} is not writable: attempt to write a readonly database\n",
    )


def test_postgresql_not_running(run: Run) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://prodsec:secret@127.0.0.1:{port}/prodsec"
    assert run("serve", "--db", url) == (
        2,
        "",
        f"error: the database postgresql+psycopg://prodsec:***@127.0.0.1:{port}/prodsec is "
        f'unavailable: connection failed: connection to server at "127.0.0.1", port {port} '
        "failed: Connection refused\n",
    )
