"""Shared fixtures: a private compiled-cache folder, the packaged catalog, a copy to break."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, create_engine, inspect, make_url, text

# Every test run gets its own compiled-catalog cache, never the user's.
os.environ["PRODSEC_CACHE_DIR"] = tempfile.mkdtemp(prefix="prodsec-test-cache-")

from prodsec.catalog import Catalog, load_catalog
from prodsec.catalog.load import PACKAGED
from prodsec.store.audit import CLI
from prodsec.store.db import Database
from prodsec.store.keys import SqlKeyStore
from prodsec.store.labels import Wiring
from prodsec.store.log import SqlLogStore

if TYPE_CHECKING:
    from prodsec.supplychain.vuln.index import MemoryIndex

ASSETS = Path(__file__).resolve().parent / "assets"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def small_catalog() -> Catalog:
    """The small catalog written for the logic tests (tests/assets/catalog/): made-up
    instruments in fictional markets, so that editing the packaged data never moves them.
    Data tests keep reading the packaged catalog (`catalog`)."""
    return load_catalog(ASSETS / "catalog")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged catalog data, for tests that break it."""
    target = tmp_path / "data"
    shutil.copytree(PACKAGED, target, ignore=shutil.ignore_patterns("schemas"))
    return target


@pytest.fixture
def small_copy(tmp_path: Path) -> Path:
    """A writable copy of the small catalog, for logic tests that need one edit of it."""
    target = tmp_path / "catalog"
    shutil.copytree(ASSETS / "catalog", target)
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
# Each kind is migrated once per session (the template); a test gets a copy of it.


class DatabaseTemplates:
    """One migrated, empty database per kind, made on first use in a session. SQLite: a
    template file, copied per test. PostgreSQL: the test database, its schema dropped and
    migrated once, then every table but Alembic's emptied per test (measured faster and
    steadier than CREATE DATABASE ... TEMPLATE, which waits on other sessions)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite: Path | None = None
        self._postgres: tuple[Engine, str] | None = None  # an engine to empty, and how

    def empty(self, kind: str, folder: Path) -> Database:
        """A migrated, empty database: a SQLite file in `folder`, or the test PostgreSQL
        database emptied."""
        if kind == "sqlite":
            target = folder / "prodsec.db"
            shutil.copyfile(self._sqlite_template(), target)
            return Database(f"sqlite:///{target}")
        if self._postgres is None:
            url = _worker_url(os.environ.get("PRODSEC_TEST_POSTGRES_URL", ""))
            self._postgres = create_engine(url), _migrated_postgres(url)
        else:
            engine, truncate = self._postgres
            with engine.begin() as conn:
                conn.execute(text(truncate))
        return Database(self._postgres[0].url.render_as_string(hide_password=False))

    def close(self) -> None:
        if self._postgres is not None:
            self._postgres[0].dispose()

    def _sqlite_template(self) -> Path:
        if self._sqlite is None:
            template = self._folder / "template.db"
            Database(f"sqlite:///{template}").engine.dispose()
            self._sqlite = template
        return self._sqlite


def _worker_url(url: str) -> str:
    """The test PostgreSQL database's URL; when the suite runs on several workers
    (pytest-xdist), each worker's own database beside it, `<name>_<worker>`, created on
    first use."""
    assert url, "PRODSEC_TEST_POSTGRES_URL is not set: run the suite through `make test`"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if found.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _migrated_postgres(url: str) -> str:
    """Drop the schema, migrate it afresh; the statement that empties it again."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    db = Database(url)
    tables = sorted(set(inspect(db.engine).get_table_names()) - {"alembic_version"})
    db.engine.dispose()
    return f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"


DATABASES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def new_database(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[[str, Path], Database]]:
    """A migrated, empty database of a kind (see `DatabaseTemplates.empty`), also for
    fixtures with a wider scope than one test."""
    templates = DatabaseTemplates(tmp_path_factory.mktemp("templates"))
    yield templates.empty
    templates.close()


@pytest.fixture(params=DATABASES)
def database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    new_database: Callable[[str, Path], Database],
) -> Iterator[Database]:
    db = new_database(request.param, tmp_path)
    yield db
    db.engine.dispose()


# --- the registry's ports: the real key store and transparency log, under a test secret


TEST_SECRET = "a test secret, not for any real key store"
KEYS_FROM = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class SigningClock:
    """The moment labels are signed and events logged: from 2026-06-01 09:00 UTC, one
    second later at each call, so that every run signs and hashes the same bytes."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def wired(db: Database, catalog: Catalog, schemes: Sequence[str] = ("sg-cls",)) -> Wiring:
    """The registry's real signer and log over `db`: keys for `schemes` created from
    2026-01-01 under the test secret, a `SigningClock`."""
    with db.session() as s:
        keys = SqlKeyStore(s, CLI, TEST_SECRET)
        for scheme in schemes:
            keys.create(scheme, KEYS_FROM)
    return Wiring(catalog, TEST_SECRET, SigningClock())


def log_size(db: Database) -> int:
    """The number of entries in the transparency log."""
    return SqlLogStore(db).size()


# --- findings: the smart camera example's advisories (tests/assets/findings) -----------

FINDINGS_ASSETS = Path(__file__).resolve().parent / "assets" / "findings"


def _camera_index(late: bool = False) -> MemoryIndex:
    """An in-memory advisory index of the example's advisories (NVD-shaped files with
    their CPE rules) and the KEV file written for the tests; the late advisory too when
    `late`."""
    from prodsec.supplychain.vuln.index import MemoryIndex
    from prodsec.supplychain.vuln.kev import read_kev
    from prodsec.supplychain.vuln.sync import read_cpe_file

    names = ["nvd-camera.json", "nvd-late.json"] if late else ["nvd-camera.json"]
    read = [read_cpe_file(FINDINGS_ASSETS / name) for name in names]
    records = [item.record for loaded, _ in read for item in loaded]
    rules = [rule for _, found in read for rule in found]
    kev = read_kev(FINDINGS_ASSETS / "kev-written-for-test.json")
    return MemoryIndex(records, kev, rules)


@pytest.fixture(scope="session")
def camera_index() -> Callable[..., MemoryIndex]:
    """Builds the smart camera's advisory index: `camera_index()`, or with the late
    advisory `camera_index(late=True)`."""
    return _camera_index
