"""`prodsec db backup|restore|export|audit` on real SQLite files."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import yaml

from prodsec.catalog import Catalog
from prodsec.store import accounts, audit, repo
from prodsec.store.db import Database

Run = Callable[..., tuple[int, str, str]]  # the `run` fixture of conftest.py
LAPTOP = Path(__file__).resolve().parents[2] / "examples" / "laptop.yaml"


def _filled(folder: Path, catalog: Catalog) -> str:
    url = f"sqlite:///{folder / 'source.db'}"
    db = Database(url)
    data = yaml.safe_load(LAPTOP.read_text())
    with db.session() as s:
        user = accounts.create_user(
            s, "a@acme.example", "long enough password", organisation="Acme"
        )
        sight = repo.Visibility.of(user)
        by = audit.Actor.of(user, "10.0.0.1")
        repo.create_product(s, sight, repo.parse(catalog, data, "laptop"), data, by)
        repo.create_product(s, repo.EVERY_PRODUCT, repo.parse(catalog, data, "laptop"), data)
    db.engine.dispose()
    return url


def test_backup_and_restore(run: Run, tmp_path: Path, catalog: Catalog) -> None:
    source = _filled(tmp_path, catalog)
    dump, again = tmp_path / "all.jsonl", tmp_path / "again.jsonl"
    code, _, err = run("db", "backup", str(dump), "--db", source)
    assert (code, err) == (0, f"wrote {dump}\n")
    target = f"sqlite:///{tmp_path / 'target.db'}"
    code, _, err = run("db", "restore", str(dump), "--db", target)
    assert (code, err) == (0, f"restored 8 rows from {dump}\n")
    run("db", "backup", str(again), "--db", target)
    assert dump.read_text().splitlines()[1:] == again.read_text().splitlines()[1:]
    code, _, err = run("db", "restore", str(dump), "--db", target)
    assert (code, err.splitlines()) == (
        1,
        [
            "error: the database is not empty (rows in audit_log, organisations, products, "
            "users, product_versions): restore into a new, migrated database only"
        ],
    )
    code, _, err = run("db", "restore", str(tmp_path / "none.jsonl"), "--db", target)
    assert code == 2
    assert err.startswith(f"error: cannot read {tmp_path / 'none.jsonl'}: ")


def test_export_one_organisation(run: Run, tmp_path: Path, catalog: Catalog) -> None:
    source = _filled(tmp_path, catalog)
    out = tmp_path / "acme.jsonl"
    code, _, _ = run("db", "export", "--organisation", "Acme", str(out), "--db", source)
    assert code == 0
    tables = [json.loads(line).get("table") for line in out.read_text().splitlines()]
    assert tables == [None, "organisations", "products", "product_versions", "audit_log"]
    code, _, err = run("db", "export", "--organisation", "Nobody", str(out), "--db", source)
    assert (code, err) == (2, "error: unknown organisation 'Nobody'\n")


def test_audit_as_json_lines(run: Run, tmp_path: Path, catalog: Catalog) -> None:
    source = _filled(tmp_path, catalog)
    code, out, _ = run("db", "audit", "--db", source)
    entries = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [(e["id"], e["actor"], e["action"], e["client"]) for e in entries] == [
        (1, "a@acme.example", "created", "10.0.0.1"),
        (2, "system", "created", "system"),
    ]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    written = tmp_path / "log.jsonl"
    code, out, _ = run("db", "audit", "--since", tomorrow, "-o", str(written), "--db", source)
    assert (code, out, written.read_text()) == (0, "", "")
