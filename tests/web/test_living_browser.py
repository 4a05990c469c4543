"""Living documents in the browser: a contributor proposes a date correction with its
source, an editor accepts it into a validated patch, the patch is applied to a copy of the
data, and the server, restarted on the new catalog, shows the watched product's change of
verdict on its page. Chromium against a live server, on SQLite."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from prodsec.catalog import Catalog, load_catalog
from prodsec.catalog.load import PACKAGED
from prodsec.catalog.patches import apply_patch
from prodsec.store import accounts, audit, repo
from prodsec.store.db import Database
from prodsec.store.proposals import grant_editor

from .test_browser import ARTIFACTS, served

CAMERA = Path(__file__).resolve().parents[2] / "examples" / "smart-camera.yaml"
MAKER, EDITOR, ADMIN = "maker@cams.example", "editor@eu.example", "root@example.org"
PASSWORD = "a long enough password"
FACT = "date:eu-cra@2024-2847:applies:Art14"


def _sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _setup(db: Database, catalog: Catalog) -> str:
    data = yaml.safe_load(CAMERA.read_text())
    with db.session() as s:
        maker = accounts.create_user(
            s, MAKER, PASSWORD, organisation="Cams", create_organisation=True
        )
        accounts.create_user(s, EDITOR, PASSWORD)
        admin = accounts.create_user(s, ADMIN, PASSWORD, is_admin=True)
        by = audit.Actor.of(maker, "test")
        sight = repo.Visibility.of(maker)
        product = repo.create_product(s, sight, repo.parse(catalog, data, "camera"), data, by).id
        repo.run_assessment(s, sight, catalog, product, dt.date(2026, 11, 30), ("EU",), by)
        grant_editor(s, catalog, admin, audit.Actor.of(admin, "test"), EDITOR, "jurisdiction", "EU")
    return product


def test_a_date_correction_reaches_the_watched_product(
    browser: Browser,
    catalog: Catalog,
    new_database: Callable[[str, Path], Database],
    tmp_path: Path,
) -> None:
    db = new_database("sqlite", tmp_path)
    product = _setup(db, catalog)
    with served(db, catalog) as url:
        maker = browser.new_context(base_url=url).new_page()
        _sign_in(maker, MAKER)
        maker.goto(f"/products/{product}")
        maker.get_by_role("button", name="Watch this product").click()
        maker.goto(f"/proposals/new?fact={FACT}&field=date")
        expect(maker.get_by_label("Proposed value")).to_have_value("2026-09-11")
        maker.get_by_label("Proposed value").fill("2027-01-01")
        maker.get_by_label("Source: citation").fill("A test source, Article 71(2)")
        maker.get_by_label("Why").fill("A date to correct, for this test.")
        maker.get_by_role("button", name="Propose").click()
        expect(maker).to_have_url(re.compile(r"/proposals/\d+$"))
        expect(maker.locator("p.status-open")).to_contain_text("Status: open")
        proposal = maker.url.rsplit("/", 1)[1]

        editor = browser.new_context(base_url=url).new_page()
        _sign_in(editor, EDITOR)
        editor.goto(f"/proposals/{proposal}")
        editor.get_by_label("Accept (writes the patch)").check()
        editor.get_by_role("button", name="Decide").click()
        expect(editor.locator("p.status-accepted")).to_contain_text("Status: accepted")
        answer = editor.request.get(f"{url}/proposals/{proposal}.patch")
        patch = answer.text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        editor.screenshot(path=str(ARTIFACTS / "proposal-accepted.png"), full_page=True)
    assert patch.splitlines()[0] == f"# proposal {proposal}: change {FACT} date"
    assert "+  - {kind: applies, date: 2027-01-01, refs: [Art14]" in patch

    data = tmp_path / "data"
    shutil.copytree(PACKAGED, data, ignore=shutil.ignore_patterns("history"))
    assert apply_patch(data, patch) == ["instruments/eu-cra/2024-2847.yaml"]
    changed = load_catalog(data, use_cache=False)
    with served(db, changed) as url:
        maker = browser.new_context(base_url=url).new_page()
        _sign_in(maker, MAKER)
        maker.goto(f"/products/{product}#changes")
        change = maker.locator("section.verdict-change").first
        expect(change.locator("h3")).to_contain_text("3 start moved")
        expect(change).to_contain_text(
            "eu-cra@2024-2847:Art14-1: start moved, applies from 2027-01-01"
        )
        maker.screenshot(path=str(ARTIFACTS / "product-verdict-change.png"), full_page=True)
        feed = maker.request.get(f"{url}/feeds/verdicts.json").json()
        assert [i["title"] for i in feed["items"]] == [
            f"Example Cameras Ltd HomeCam 3: 3 start moved (catalog {changed.data_hash[:12]})"
        ]


@pytest.fixture(autouse=True)
def _no_leftover_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PRODSEC_CACHE_DIR", str(tmp_path / "cache"))
