"""Shared fixtures: a private compiled-cache folder, the packaged catalog, a copy to break."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

# Every test run gets its own compiled-catalog cache, never the user's.
os.environ["PRODSEC_CACHE_DIR"] = tempfile.mkdtemp(prefix="prodsec-test-cache-")

from prodsec.catalog import Catalog, load_catalog
from prodsec.catalog.load import PACKAGED
from prodsec.store.db import Database


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged catalog data, for tests that break it."""
    target = tmp_path / "data"
    shutil.copytree(PACKAGED, target, ignore=shutil.ignore_patterns("schemas"))
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def edit() -> Callable[[Path, str, str], None]:
    """Replace exactly one occurrence of a string in a data file."""
    return _edit


# --- databases: every storage and web test runs on SQLite and on PostgreSQL ---------
# PostgreSQL comes from PRODSEC_TEST_POSTGRES_URL, which `make test` sets after starting
# Debian's server (scripts/test-postgres.sh); without it the PostgreSQL case fails loudly.


def _fresh_postgres(url: str) -> str:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def empty_database(kind: str, folder: Path) -> Database:
    """A migrated, empty database: a SQLite file in `folder`, or the test PostgreSQL
    database with its schema dropped and recreated."""
    if kind == "sqlite":
        return Database(f"sqlite:///{folder / 'prodsec.db'}")
    url = os.environ.get("PRODSEC_TEST_POSTGRES_URL", "")
    assert url, "PRODSEC_TEST_POSTGRES_URL is not set: run the suite through `make test`"
    return Database(_fresh_postgres(url))


DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(params=DATABASES)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    db = empty_database(request.param, tmp_path)
    yield db
    db.engine.dispose()


@pytest.fixture(scope="session")
def new_database() -> Callable[[str, Path], Database]:
    """`empty_database` for fixtures with a wider scope than one test."""
    return empty_database
