"""`prodsec incident record|show|list|fix|sent` on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml

from prodsec.catalog import Catalog
from prodsec.store import repo
from prodsec.store.db import Database

Run = Callable[..., tuple[int, str, str]]
CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera.yaml"
NOW = ["--now", "2026-11-30T12:00:00+00:00"]


def _camera(folder: Path, catalog: Catalog) -> tuple[str, str]:
    url = f"sqlite:///{folder / 'cams.db'}"
    db = Database(url)
    data = yaml.safe_load(CAMERA.read_text())
    with db.session() as s:
        product = repo.create_product(s, repo.EVERY_PRODUCT, repo.parse(catalog, data, "c"), data)
        ident = product.id
    db.engine.dispose()
    return url, ident


def test_the_clocks_of_an_incident(run: Run, tmp_path: Path, catalog: Catalog) -> None:
    url, product = _camera(tmp_path, catalog)
    code, out, err = run(
        "incident", "record", product, "--event", "severe-incident", "--title", "Cloud outage",
        "--aware", "2026-11-29T23:30:00-05:00", "--zone", "America/New_York",
        "--fact", "malicious=Suspected", *NOW, "-f", "json", "--db", url,
    )  # fmt: skip
    assert code == 0, err
    view = json.loads(out)
    assert err == f"recorded incident {view['id']}\n"
    assert view["aware"] == "2026-11-30T04:30:00Z"
    assert [(c["step"], c["state"], c["due_local"]) for c in view["clocks"]] == [
        ("eu-cra@2024-2847:Art14-3/early-warning", "open", "2026-11-30 23:30 EST (-05:00)"),
        ("eu-cra@2024-2847:Art14-3/notification", "open", "2026-12-02 23:30 EST (-05:00)"),
        ("eu-cra@2024-2847:Art14-3/final-report", "waiting", ""),
    ]
    ident = view["id"]
    code, out, err = run(
        "incident", "sent", ident, "eu-cra@2024-2847:Art14-3/notification",
        "--at", "2026-11-30T10:00:00+00:00", *NOW, "--db", url,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith(f"incident {ident}: eu-cra@2024-2847:Art14-3/notification sent at")
    code, out, _ = run("incident", "show", ident, *NOW, "-f", "json", "--db", url)
    final = json.loads(out)["clocks"][2]
    assert (final["state"], final["due"]) == ("open", "2026-12-30T10:00:00Z")
    code, out, _ = run("incident", "show", ident, *NOW, "-f", "md", "--db", url)
    assert out.startswith("## Early warning (eu-cra@2024-2847:Art14-3)\n")
    assert (
        "**Whether the incident is suspected to be caused by unlawful or malicious acts**\n\nSuspected\n"
        in out
    )
    code, out, _ = run("incident", "list", *NOW, "-f", "csv", "--db", url)
    assert out.splitlines()[1].endswith(",severe-incident,Cloud outage,2026-11-30T04:30:00Z,2,0")


def test_bad_moments_exit_2(run: Run, tmp_path: Path, catalog: Catalog) -> None:
    url, product = _camera(tmp_path, catalog)
    code, _, err = run(
        "incident", "record", product, "--event", "severe-incident", "--title", "x",
        "--aware", "2026-11-29 10:00", *NOW, "--db", url,
    )  # fmt: skip
    assert code == 2
    assert err == "error: aware: give the time with its UTC offset (2026-10-25T01:30:00+02:00)\n"
    code, _, err = run(
        "incident", "record", product, "--event", "severe-incident", "--title", "x",
        "--aware", "yesterday", *NOW, "--db", url,
    )  # fmt: skip
    assert (code, err) == (2, "error: aware: not a moment: 'yesterday'\n")
