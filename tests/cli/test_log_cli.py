"""`prodsec log ...` on a real SQLite file: heads and proofs as JSON, a downloaded copy
checked offline, and the monitor's three outcomes with their exit codes."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from prodsec.registry import merkle
from prodsec.registry.events import Event, EventKind
from prodsec.registry.log import TransparencyLog
from prodsec.registry.views import head_view
from prodsec.store.db import Database
from prodsec.store.log import SqlLogStore

from .conftest import Run

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


class Signer:
    key_id = "cli-test-key"

    def sign(self, data: bytes) -> bytes:
        return hmac.new(b"cli", data, hashlib.sha256).digest()


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A SQLite log of 13 entries, heads at 5 and 13."""
    found = f"sqlite:///{tmp_path / 'log.db'}"
    database = Database(found)
    log = TransparencyLog(SqlLogStore(database), Signer(), lambda: 1_796_029_200_000)
    for first, count in ((0, 5), (5, 8)):
        log.append(
            [
                Event.at(EventKind.RENEW, f"sik-{i:05d}", T0 + dt.timedelta(days=i), {"n": i})
                for i in range(first, first + count)
            ]
        )
    database.engine.dispose()
    return found


def _json(run: Run, *args: str) -> dict[str, object]:
    code, out, err = run(*args)
    assert (code, err) == (0, "")
    found = json.loads(out)
    assert isinstance(found, dict)
    return found


def test_heads_and_proofs_print_as_json(run: Run, url: str) -> None:
    store = SqlLogStore(Database(url))
    head13, head5 = store.head(13), store.head(5)
    assert head13 is not None
    assert head5 is not None
    assert _json(run, "log", "head", "--db", url) == head_view(head13)
    assert _json(run, "log", "head", "--size", "5", "--db", url) == head_view(head5)
    inclusion = _json(run, "log", "proof", "--index", "3", "--size", "5", "--db", url)
    path = [bytes.fromhex(h) for h in inclusion["inclusion_path"]]  # type: ignore[attr-defined]
    merkle.verify_inclusion(store.entries(3, 4)[0].leaf_hash, 3, 5, path, head5.root)
    leaf = store.entries(7, 8)[0].leaf_hash.hex()
    assert _json(run, "log", "proof", "--leaf", leaf, "--db", url)["leaf_index"] == 7
    consistency = _json(run, "log", "proof", "--first", "5", "--db", url)
    path = [bytes.fromhex(h) for h in consistency["consistency_path"]]  # type: ignore[attr-defined]
    merkle.verify_consistency(5, 13, head5.root, head13.root, path)
    assert run("log", "head", "--size", "6", "--db", url) == (
        2,
        "",
        "error: unknown tree head 'size 6'\n",
    )
    assert run("log", "proof", "--db", url) == (
        2,
        "",
        "error: --index: give one of --index, --leaf or --first\n",
    )


def _copy(run: Run, url: str, folder: Path) -> tuple[Path, Path]:
    from fastapi.testclient import TestClient

    from prodsec.catalog import load_catalog
    from prodsec.web.app import create_app

    with TestClient(create_app(Database(url), load_catalog())) as client:
        page = client.get("/api/v1/log/entries", params={"limit": 500}).text
        head = client.get("/api/v1/log/heads/latest").text
    entries, head_file = folder / "entries.json", folder / "head.json"
    entries.write_text(page, encoding="utf-8")
    head_file.write_text(head, encoding="utf-8")
    return entries, head_file


def test_a_downloaded_copy_verifies_offline(run: Run, url: str, tmp_path: Path) -> None:
    entries, head = _copy(run, url, tmp_path)
    root = json.loads(head.read_text())["root_hash"]
    assert run("log", "verify", "--entries", str(entries), "--head", str(head)) == (
        0,
        f"ok: the entries give the root hash {root} of the tree head of size 13\n",
        "",
    )
    text = entries.read_text(encoding="utf-8")
    entries.write_text(text.replace('\\"n\\":9}', '\\"n\\":90}'), encoding="utf-8")
    assert run("log", "verify", "--entries", str(entries), "--head", str(head)) == (
        1,
        "",
        "error: entry 9: its record does not hash to its leaf hash\n",
    )
    entries.write_text("{", encoding="utf-8")
    code, _, err = run("log", "verify", "--entries", str(entries), "--head", str(head))
    assert (code, err.startswith(f"error: --entries: {entries} is not JSON: ")) == (2, True)
    assert run("log", "verify", "--entries", str(entries)) == (
        2,
        "",
        "error: --entries: give both --entries and --head, or neither\n",
    )


def test_the_monitor_accepts_extensions_and_refuses_forks(
    run: Run, url: str, tmp_path: Path
) -> None:
    state, new, proof = tmp_path / "state.json", tmp_path / "new.json", tmp_path / "proof.json"
    new.write_text(run("log", "head", "--size", "5", "--db", url)[1], encoding="utf-8")
    assert run("log", "monitor", str(new), "--state", str(state)) == (
        0,
        "first head seen: size 5\n",
        "",
    )
    new.write_text(run("log", "head", "--db", url)[1], encoding="utf-8")
    proof.write_text(run("log", "proof", "--first", "5", "--db", url)[1], encoding="utf-8")
    args = ("log", "monitor", str(new), "--state", str(state), "--proof", str(proof))
    assert run(*args) == (0, "consistent: size 5 -> 13\n", "")
    assert json.loads(state.read_text()) == json.loads(new.read_text())
    # the same head again, with the database's (empty) proof
    assert run("log", "monitor", str(new), "--state", str(state), "--db", url) == (
        0,
        "consistent: size 13 -> 13\n",
        "",
    )
    forked = json.loads(new.read_text()) | {"root_hash": "ab" * 32}
    new.write_text(json.dumps(forked), encoding="utf-8")
    before = state.read_text()
    assert run("log", "monitor", str(new), "--state", str(state), "--db", url) == (
        1,
        "",
        "error: two different root hashes for the tree size 13\n",
    )
    assert state.read_text() == before
    new.write_text(run("log", "head", "--size", "5", "--db", url)[1], encoding="utf-8")
    assert run("log", "monitor", str(new), "--state", str(state), "--db", url) == (
        1,
        "",
        "error: the new tree head has 5 entries, fewer than the 13 seen before\n",
    )
    new.write_text(run("log", "head", "--db", url)[1], encoding="utf-8")
    assert run(*args) == (2, "", "error: --proof: the proof is not for sizes 13 and 13\n")
    new.write_text('{"tree_size": "x"}', encoding="utf-8")
    assert run(*args) == (
        2,
        "",
        "error: HEAD_FILE: 'signature' must be a string\n",
    )
