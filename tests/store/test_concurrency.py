"""Two servers on one database (defect 9): versions numbered without gaps or clashes when
writers race, and the demo products loaded once when two servers start together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from prodsec.catalog import Catalog
from prodsec.cli.serve import EXAMPLES, load_demo
from prodsec.errors import ConflictError
from prodsec.store import audit, repo
from prodsec.store.db import Database
from prodsec.store.models import AuditEntry, ProductRecord, ProductVersion

WRITERS = 20


def _together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run `work(i)` in `count` threads that start at the same moment."""
    barrier = threading.Barrier(count)

    def run(i: int) -> object:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_racing_updates_number_every_version_once(database: Database, catalog: Catalog) -> None:
    data = yaml.safe_load((EXAMPLES / "laptop.yaml").read_text())
    profile = repo.parse(catalog, data, "laptop")
    with database.session() as s:
        ident = repo.create_product(s, repo.EVERY_PRODUCT, profile, data, audit.CLI).id

    def update(i: int) -> int:
        sent = {**data, "model": f"model {i}"}
        with database.session() as s:
            changed = repo.update_product(
                s, repo.EVERY_PRODUCT, ident, repo.parse(catalog, sent, "x"), sent, audit.CLI
            )
            return repo.latest(changed).number

    numbers = _together(WRITERS, update)
    assert sorted(numbers) == list(range(2, WRITERS + 2))  # type: ignore[type-var]
    with database.session() as s:
        stored = s.scalars(select(ProductVersion).where(ProductVersion.product_id == ident)).all()
        assert sorted(v.number for v in stored) == list(range(1, WRITERS + 2))
        models = sorted(str(v.profile["model"]) for v in stored if v.number > 1)
        assert models == sorted(f"model {i}" for i in range(WRITERS))  # nothing lost
        changed = s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "changed")
        )
        assert changed == WRITERS


def test_two_servers_starting_together_load_the_demo_once(
    database: Database, catalog: Catalog, tmp_path: Path
) -> None:
    servers = [Database(database.url) for _ in range(2)]
    loaded = _together(2, lambda i: load_demo(servers[i], catalog))
    for server in servers:
        server.engine.dispose()
    examples = len(list(EXAMPLES.glob("*.yaml")))
    assert sorted(loaded) == [0, examples]  # type: ignore[type-var]
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(ProductRecord)) == examples


def test_deleted_demo_products_do_not_come_back(database: Database, catalog: Catalog) -> None:
    load_demo(database, catalog)
    with database.session() as s:
        for product in repo.list_products(s, repo.EVERY_PRODUCT)[0]:
            repo.delete_product(s, repo.EVERY_PRODUCT, product.id, audit.CLI)
    assert load_demo(database, catalog) == 0
    with database.session() as s:
        assert repo.list_products(s, repo.EVERY_PRODUCT) == ([], 0)


def test_a_clash_that_gets_through_is_a_conflict(
    database: Database, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a number still clash (a stale read), the client is told to try again (409)
    and nothing is written."""
    data = yaml.safe_load((EXAMPLES / "laptop.yaml").read_text())
    profile = repo.parse(catalog, data, "laptop")
    with database.session() as s:
        ident = repo.create_product(s, repo.EVERY_PRODUCT, profile, data, audit.CLI).id
    monkeypatch.setattr(repo, "_next_number", lambda session, ident: 1)
    with pytest.raises(ConflictError) as caught, database.session() as s:
        repo.update_product(s, repo.EVERY_PRODUCT, ident, profile, data, audit.CLI)
    assert (str(caught.value), caught.value.status) == (
        f"product '{ident}' was changed at the same time; send the change again",
        409,
    )
    with database.session() as s:
        assert [v.number for v in repo.get_product(s, repo.EVERY_PRODUCT, ident).versions] == [1]
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_a_product_deleted_meanwhile_is_not_stored(database: Database, catalog: Catalog) -> None:
    data = yaml.safe_load((EXAMPLES / "laptop.yaml").read_text())
    profile = repo.parse(catalog, data, "laptop")
    with database.session() as s:
        ident = repo.create_product(s, repo.EVERY_PRODUCT, profile, data, audit.CLI).id
    with database.session() as slow:
        seen = repo.get_product(slow, repo.EVERY_PRODUCT, ident)  # held before the delete
        with database.session() as fast:
            repo.delete_product(fast, repo.EVERY_PRODUCT, ident, audit.CLI)
        with pytest.raises(repo.NotStoredError, match=f"no product '{ident}'"):
            repo.update_product(slow, repo.EVERY_PRODUCT, ident, profile, data, audit.CLI)
        assert seen.deleted_at is None  # what this session read: the lock saw further
