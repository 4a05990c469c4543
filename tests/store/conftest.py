"""A fresh database per test, on SQLite and on PostgreSQL (the suite runs on both).

PostgreSQL comes from PRODSEC_TEST_POSTGRES_URL, which `make test` sets after starting
Debian's server (scripts/test-postgres.sh); without it the PostgreSQL case fails loudly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from prodsec.store.db import Database


def _fresh_postgres(url: str) -> str:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'prodsec.db'}"
    else:
        url = os.environ.get("PRODSEC_TEST_POSTGRES_URL", "")
        assert url, "PRODSEC_TEST_POSTGRES_URL is not set: run the suite through `make test`"
        url = _fresh_postgres(url)
    db = Database(url)
    yield db
    db.engine.dispose()
