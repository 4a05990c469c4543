"""Watched products are re-assessed when the server meets a new catalog, and what changed
is kept; unwatched ones are left alone."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from prodsec.catalog import Catalog, load_catalog
from prodsec.catalog.load import PACKAGED
from prodsec.catalog.patches import Edit, apply_patch, make_patch
from prodsec.store import accounts, audit, repo
from prodsec.store.changelog import LogFilter, change_log
from prodsec.store.db import Database
from prodsec.store.models import AppState
from prodsec.store.watches import reassess_watched, watch

CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera.yaml"


def patched_catalog(tmp_path: Path) -> Catalog:
    data = tmp_path / "data"
    shutil.copytree(PACKAGED, data, ignore=shutil.ignore_patterns("history"))
    edit = Edit("change", "date:eu-cra@2024-2847:applies:Art14", "date", "2027-01-01")
    apply_patch(data, make_patch(data, [edit]))
    return load_catalog(data, use_cache=False)


def test_a_catalog_change_reassesses_watched_products(
    database: Database, catalog: Catalog, tmp_path: Path
) -> None:
    data = yaml.safe_load(CAMERA.read_text())
    with database.session() as s:
        user = accounts.create_user(
            s, "w@cams.example", "long enough password", organisation="Cams",
            create_organisation=True,
        )  # fmt: skip
        sight = repo.Visibility.of(user)
        by = audit.Actor.of(user, "10.0.0.1")
        watched = repo.create_product(s, sight, repo.parse(catalog, data, "c"), data, by).id
        other = repo.create_product(s, sight, repo.parse(catalog, data, "c"), data, by).id
        for ident in (watched, other):
            repo.run_assessment(s, sight, catalog, ident, dt.date(2026, 11, 30), ("EU",), by)
        watch(s, catalog, user, by, "product", watched)
    assert reassess_watched(database, catalog) == []  # the same catalog: nothing to do
    changed = patched_catalog(tmp_path)
    assert reassess_watched(database, changed) == [watched]
    with database.session() as s:
        logged, total = change_log(s, sight, LogFilter(), 0, 10)
        assert s.get(AppState, "catalog").value == changed.data_hash  # type: ignore[union-attr]
    assert total == 1
    (change,) = logged
    assert (change.kind, change.product, change.cause, change.summary) == (
        "catalog",
        watched,
        f"catalog {changed.data_hash[:12]}",
        "3 start moved",
    )
    assert change.details == (
        "eu-cra@2024-2847:Art14-1: start moved, applies from 2027-01-01",
        "eu-cra@2024-2847:Art14-3: start moved, applies from 2027-01-01",
        "eu-cra@2024-2847:Art14-8: start moved, applies from 2027-01-01",
    )
    assert reassess_watched(database, changed) == []  # once per catalog
