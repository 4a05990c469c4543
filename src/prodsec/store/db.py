"""Connecting: a SQLite file by default, PostgreSQL when PRODSEC_DATABASE_URL names one.

The schema is created and kept current by the Alembic migrations in `migrations/`, run
on first use (`connect`). A URL that does not parse is a `BadInputError` naming where it
came from; a database that cannot be reached, opened or (`check_writable`) written is an
`UnavailableError` in one line, never a driver's traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from prodsec.errors import BadInputError, UnavailableError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url() -> str:
    """PRODSEC_DATABASE_URL, else a SQLite file under $XDG_DATA_HOME/prodsec/."""
    configured = os.environ.get("PRODSEC_DATABASE_URL")
    if configured:
        return configured
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return f"sqlite:///{Path(base) / 'prodsec' / 'prodsec.db'}"


def _parse(url: str, given: bool) -> URL:
    source = "--db" if given else "PRODSEC_DATABASE_URL"
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise BadInputError(
            f"not a database URL this server can use ({exc})", field=source
        ) from None
    return parsed


def _sqlite_folder(url: URL) -> None:
    """The folder of a SQLite file, created when missing."""
    name = url.database or ""
    if url.get_backend_name() != "sqlite" or name in {"", ":memory:"} or name.startswith("file:"):
        return
    folder = Path(name).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnavailableError(
            f"cannot create the folder {folder} for the SQLite database: {exc.strerror}"
        ) from None


def _reason(exc: DBAPIError) -> str:
    """The driver's first line, without SQLAlchemy's wrapping."""
    lines = str(exc.orig).strip().splitlines()
    return lines[0] if lines else type(exc.orig).__name__


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


class Database:
    """An engine with its session factory, migrated on creation."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        parsed = _parse(self.url, given=url is not None)
        _sqlite_folder(parsed)
        self.engine = create_engine(parsed, future=True)
        sqlite = parsed.get_backend_name() == "sqlite"
        self.name = (parsed.database or "") if sqlite else parsed.render_as_string(True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            upgrade(self.engine)
        except DBAPIError as exc:
            raise UnavailableError(
                f"the database {self.name} is unavailable: {_reason(exc)}"
            ) from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def check_writable(self) -> None:
        """A write in a transaction that is rolled back: a read-only file, a read-only
        role or a full disk show here, at start-up, rather than on a user's first save."""
        try:
            with self.engine.connect() as connection, connection.begin() as transaction:
                connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
                transaction.rollback()
        except DBAPIError as exc:
            raise UnavailableError(
                f"the database {self.name} is not writable: {_reason(exc)}"
            ) from None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error: nothing half
        written."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
