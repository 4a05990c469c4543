"""The web app as a person uses it: Playwright driving Debian's Chromium against a live
server on loopback, on SQLite and on PostgreSQL. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Route, expect

from prodsec.catalog import Catalog
from prodsec.cli.serve import load_demo
from prodsec.store.db import Database
from prodsec.store.labels import Wiring
from prodsec.web.app import create_app
from prodsec.web.ratelimit import Settings

from .conftest import EMAIL, PASSWORD, add_user

NewDatabase = Callable[[str, Path], Database]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def served(
    db: Database, catalog: Catalog, settings: Settings | None = None, registry: Wiring | None = None
) -> Iterator[str]:
    """The app on this database, served by uvicorn in a thread; yields its base URL."""
    port = _free_port()
    app = create_app(db, catalog, settings, registry=registry)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    db.engine.dispose()


def demo_database(
    kind: str, tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, new: NewDatabase
) -> Database:
    """A database of this kind with the demo products and the test user."""
    db = new(kind, tmp_path_factory.mktemp("site"))
    load_demo(db, catalog)
    add_user(db)
    return db


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    catalog: Catalog,
    new_database: NewDatabase,
) -> Iterator[str]:
    """The app with the demo data; yields its base URL with the database's name appended."""
    db = demo_database(request.param, tmp_path_factory, catalog, new_database)
    with served(db, catalog) as url:
        yield f"{url}/{request.param}"


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """A fresh page; after the test, no Content-Security-Policy violation may have been
    reported in its console (every script, style and image came from the site)."""
    context = browser.new_context(base_url=site.rsplit("/", 1)[0])
    opened = context.new_page()
    blocked: list[str] = []
    opened.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield opened
    context.close()
    assert blocked == []


def _shot(page: Page, site: str, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{site.rsplit('/', 1)[1]}.png"), full_page=True)


def _accessible(page: Page) -> None:
    """One h1; every visible form control has a label; every image a text; the skip link is the first stop
    of the keyboard and moves focus past the navigation."""
    expect(page.locator("h1")).to_have_count(1)
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.type !== 'hidden' && e.labels.length === 0
                    && !e.closest('label'))
            .map(e => e.name)"""
    )
    assert unlabelled == []
    assert page.evaluate("[...document.images].filter(i => !i.alt).length") == 0
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_search_an_instrument_and_open_a_requirement(page: Page, site: str) -> None:
    page.goto("/")
    _accessible(page)
    page.get_by_label("Search instruments, requirements and building blocks").fill(
        "default password"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Results for “default password”")).to_be_visible()
    page.get_by_role("link", name="uk-psti@2025-12-04 Sch1-1").click()
    expect(page).to_have_url(re.compile(r"/instruments/uk-psti@2025-12-04#r-Sch1-1$"))
    row = page.locator("#r-Sch1-1")
    expect(row).to_contain_text("no-universal-default-passwords")
    row.get_by_role("link", name="Sch1-1", exact=True).click()
    expect(page.locator("h1")).to_have_text("Sch1-1: Passwords")
    expect(page.get_by_role("table", name="What Sch1-1 maps to")).to_contain_text(
        "etsi-en-303-645@2.1.1:5.1-1"
    )
    _shot(page, site, "requirement")
    page.get_by_role("link", name="no-universal-default-passwords").first.click()
    expect(page.locator("h1")).to_contain_text("No universal default passwords")
    _accessible(page)


def test_compare_two_instruments(page: Page, site: str) -> None:
    page.goto("/compare")
    _accessible(page)
    page.get_by_label("From").select_option("uk-psti@2024-04-29")
    page.get_by_label("To").select_option("au-smart-devices@2025")
    page.get_by_role("button", name="Compare").click()
    expect(
        page.get_by_role("heading", name="uk-psti@2024-04-29 to au-smart-devices@2025")
    ).to_be_visible()
    expect(page.locator("main p").first).to_contain_text("Overlap of required building blocks")
    expect(page.get_by_role("table", name="Crosswalk").locator("tbody tr")).not_to_have_count(0)
    _shot(page, site, "compare")


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_dashboard_filter(browser: Browser, site: str, javascript: bool) -> None:
    """With JavaScript, htmx swaps the results in and pushes the filtered URL; without
    it, the form is a plain GET. The answer is the same."""
    context = browser.new_context(base_url=site.rsplit("/", 1)[0], java_script_enabled=javascript)
    page = context.new_page()
    page.goto("/harmonise")
    _accessible(page)
    expect(page.locator("#filter-described")).to_contain_text("any bindingness")
    page.get_by_label("Bindingness").select_option("mandatory")
    page.get_by_label("Product category").select_option("consumer-iot-device")
    page.get_by_label("On date (empty: latest editions)").fill("2026-06-01")
    page.get_by_label("Jurisdictions (comma-separated, empty: all)").fill("GB, AU")
    if javascript:
        page.evaluate("window.prodsecMarker = 'kept'")
    page.get_by_role("button", name="Apply filter").click()
    described = page.locator("#filter-described")
    expect(described).to_have_text(
        "Filter: mandatory; category consumer-iot-device; on 2026-06-01; jurisdictions GB, AU;"
        " all requirements; outcome grain; security themes; 2 instrument editions."
    )
    core = page.locator("h2#common-core + p a")
    expect(core).to_have_text(
        [
            "no-universal-default-passwords",
            "vulnerability-disclosure-policy",
            "published-support-period",
        ]
    )
    expect(page).to_have_url(re.compile(r"/harmonise\?bindingness=mandatory&category="))
    if javascript:  # the same document: htmx swapped the results, no page load
        assert page.evaluate("window.prodsecMarker") == "kept"
    _shot(page, site, f"dashboard-{'htmx' if javascript else 'no-js'}")
    context.close()


def _sign_in(page: Page) -> None:
    """On the login page the private page sent us to: sign in and land back there."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    _accessible(page)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_create_a_product_from_the_form_and_read_its_assessment(page: Page, site: str) -> None:
    page.goto("/products/new")
    _sign_in(page)
    expect(page).to_have_url(re.compile(r"/products/new$"))
    _accessible(page)
    page.get_by_label("Manufacturer").fill("Acme")
    page.get_by_label("Model").fill("Cam 1")
    page.get_by_label("Category").select_option("smart-camera")
    page.get_by_label("Markets").fill("GB, AU")
    page.get_by_role("button", name="Create and assess").click()
    expect(page.locator("h1")).to_have_text("Acme Cam 1")
    page.get_by_label("Assess on").fill("2026-06-01")
    page.get_by_role("button", name="Assess", exact=True).click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        "Assessment on 2026-06-01: not every binding instrument met"
    )
    psti = page.get_by_role("table", name="Instruments").get_by_role(
        "row", name=re.compile("uk-psti")
    )
    expect(psti).to_contain_text("incomplete")
    expect(
        page.get_by_role("heading", name=re.compile("^Plan: the cheapest fixes"))
    ).to_be_visible()
    _accessible(page)
    _shot(page, site, "assessment")
    page.get_by_role("button", name="Save this assessment (2026-06-01, GB, AU)").click()
    expect(page.get_by_role("table", name=re.compile("^1 saved"))).to_contain_text(
        "2026-06-01GB, AUnot all met"
    )


def test_a_bad_form_says_what_is_wrong_and_stores_nothing(page: Page, site: str) -> None:
    page.goto("/products")
    _sign_in(page)
    before = page.get_by_role("table").locator("caption").inner_text()
    page.goto("/products/new")
    page.get_by_label("Manufacturer").fill("Acme")
    page.get_by_label("Model").fill("Cam 2")
    page.get_by_label("Markets").fill("XX")
    page.get_by_role("button", name="Create and assess").click()
    expect(page.locator(".error").first).to_contain_text("unknown market 'XX'")
    page.goto("/products")
    expect(page.get_by_role("table").locator("caption")).to_have_text(before)


PUBLIC_PAGES = [
    "/",
    "/instruments/etsi-en-303-645@3.1.3",
    "/instruments/eu-cra@2024-2847/requirements/Art13-8",
    "/blocks/published-support-period",
    "/compare?a=etsi-en-303-645%402.1.1&b=uk-cop-iot%402018",
    "/harmonise",
    "/applicability?category=smart-camera&markets=GB%2C+EU&on=2028-01-01",
    "/recognition",
    "/login",
    "/api",
    "/instruments/no-such-thing",
]


def test_every_page_has_one_heading_labels_and_a_skip_link(page: Page, site: str) -> None:
    for path in PUBLIC_PAGES:
        page.goto(path)
        _accessible(page)
    page.goto("/products")
    _sign_in(page)
    first = page.get_by_role("table").locator("tbody a").first
    first.click()
    _accessible(page)
    page.get_by_role("link", name="Edit the profile").click()
    _accessible(page)
    expect(page.get_by_label("Or paste a whole profile (YAML)")).to_contain_text("manufacturer:")
    page.goto("/products")
    _accessible(page)


def test_the_api_explorer_draws_every_operation_offline(page: Page, site: str) -> None:
    """Swagger UI at /api/v1/docs, with every request that leaves the server refused."""
    base = site.rsplit("/", 1)[0]
    elsewhere: list[str] = []

    def only_here(route: Route) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_here)
    page.goto("/api/v1/docs")
    operations = page.locator(".opblock")
    spec = page.request.get("/api/v1/openapi.json").json()
    count = sum(len(methods) for methods in spec["paths"].values())
    expect(operations).to_have_count(count)
    _shot(page, site, "api-explorer")
    assert elsewhere == []
