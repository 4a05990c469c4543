"""Every page type at a phone's width (390 px) and a desktop's (1,440 px): axe-core finds
no serious or critical violation, nothing scrolls sideways but wide tables and charts,
focus is visible; the charts are drawn in the page by Vega under the strict
Content-Security-Policy, with tooltips; the product report downloads as a PDF whose text
is the report's. Screenshots of each go to tests/artifacts/screenshots/."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Download, Page, expect
from pypdf import PdfReader

from prodsec.catalog import Catalog
from prodsec.store import accounts
from prodsec.web.ratelimit import Settings

from .test_browser import ARTIFACTS, NewDatabase, _sign_in, demo_database, served
from .test_label_page import issued_label

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()
ROOMY = Settings(rate_per_minute=600, rate_burst=600)
"""Every page type twice over from one client: more than the default burst allows."""
WIDTHS = {"phone": 390, "desktop": 1440}
PUBLIC = {
    "home": "/",
    "world": "/atlas/world?on=2027-01-01",
    "search": "/?q=default+password",
    "instrument": "/instruments/etsi-en-303-645@3.1.3",
    "requirement": "/instruments/eu-cra@2024-2847/requirements/Art13-8",
    "block": "/blocks/published-support-period",
    "compare": "/compare?a=etsi-en-303-645%402.1.1&b=uk-cop-iot%402018",
    "harmonise": "/harmonise",
    "applicability": "/applicability?category=smart-camera&markets=GB%2C+EU&on=2028-01-01",
    "recognition": "/recognition",
    "changes": "/changes?since=20",
    "coming": "/coming?today=2026-11-30",
    "login": "/login",
    "api": "/api",
    "not-found": "/instruments/no-such-thing",
}
ADMIN, ADMIN_PASSWORD = "root@example.org", "a long admin password"
PRIVATE = {
    "products": "/products",
    "product-new": "/products/new",
    "account": "/account",
}
SERIOUS = """async () => {
  const found = await axe.run(document, {resultTypes: ["violations"]});
  return found.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
}"""
SIDEWAYS = """() => {
  const page = document.documentElement;
  if (page.scrollWidth <= page.clientWidth) return [];
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > page.clientWidth + 1)
    .filter(e => !e.parentElement.closest(".wide, .chart-view"))
    .map(e => e.tagName + (e.id ? "#" + e.id : "") + "." + e.className);
}"""


@pytest.fixture(scope="module")
def sqlite_site(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, new_database: NewDatabase
) -> Iterator[str]:
    """The site with the demo data on SQLite only: how pages look does not depend on the
    database (test_browser runs the flows on both)."""
    db = demo_database("sqlite", tmp_path_factory, catalog, new_database)
    with db.session() as s:
        accounts.create_user(s, ADMIN, ADMIN_PASSWORD, is_admin=True)
    with served(db, catalog, ROOMY) as url:
        yield url


def _context(browser: Browser, site: str, width: int) -> BrowserContext:
    return browser.new_context(base_url=site, viewport={"width": width, "height": 900})


@pytest.fixture
def watched() -> Iterator[list[str]]:
    """Messages about the Content-Security-Policy; none may be reported."""
    blocked: list[str] = []
    yield blocked
    assert blocked == []


def _open(context: BrowserContext, blocked: list[str]) -> Page:
    opened = context.new_page()
    opened.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return opened


def _charts_drawn(page: Page) -> None:
    """Every chart on the page drawn by Vega in place of its static picture."""
    figures = page.locator("figure.chart")
    expect(page.locator("figure.chart[data-drawn] .chart-view svg.marks")).to_have_count(
        figures.count()
    )


def _check(page: Page, name: str, width: str) -> None:
    """axe-core, sideways overflow, a visible focus ring; then the screenshot."""
    _charts_drawn(page)
    page.evaluate(AXE)
    assert (name, page.evaluate(SERIOUS)) == (name, [])
    assert (name, page.evaluate(SIDEWAYS)) == (name, [])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert (name, ring) == (name, "solid")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_type_is_accessible_and_fits(
    browser: Browser,
    sqlite_site: str,
    watched: list[str],
    width: str,
) -> None:
    context = _context(browser, sqlite_site, WIDTHS[width])
    page = _open(context, watched)
    for name, path in PUBLIC.items():
        page.goto(path)
        _check(page, name, width)
    page.goto("/products")
    _sign_in(page)
    for name, path in PRIVATE.items():
        page.goto(path)
        _check(page, name, width)
    page.goto("/products")
    page.get_by_role("table").locator("tbody a").first.click()
    _check(page, "product", width)
    page.get_by_role("link", name="Edit the profile").click()
    _check(page, "product-edit", width)
    context.close()


@pytest.fixture(scope="module")
def label_site(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, new_database: NewDatabase
) -> Iterator[tuple[str, str]]:
    """A site on SQLite with one issued CLS label; its URL and the label's registration."""
    db = new_database("sqlite", tmp_path_factory.mktemp("labels"))
    registration = issued_label(db, catalog)
    with served(db, catalog, ROOMY) as url:
        yield url, registration


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_consumer_page_and_the_public_registry_are_accessible_and_fit(
    browser: Browser, label_site: tuple[str, str], watched: list[str], width: str
) -> None:
    site, registration = label_site
    context = _context(browser, site, WIDTHS[width])
    page = _open(context, watched)
    page.goto(f"/l/{registration}")
    expect(page.locator(".status")).to_have_text("Valid")
    _check(page, "consumer", width)
    page.goto("/registry?scheme=sg-cls")
    expect(page.get_by_role("table")).to_contain_text(registration)
    _check(page, "registry", width)
    context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_administrators_audit_page_is_accessible_and_fits(
    browser: Browser, sqlite_site: str, watched: list[str], width: str
) -> None:
    context = _context(browser, sqlite_site, WIDTHS[width])
    page = _open(context, watched)
    page.goto("/admin/audit")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/audit$"))
    _check(page, "audit", width)
    context.close()


def test_the_navigation_shows_where_you_are(
    browser: Browser,
    sqlite_site: str,
    watched: list[str],
) -> None:
    page = _open(_context(browser, sqlite_site, 1440), watched)
    for path, current in [
        ("/", "Atlas"),
        ("/instruments/etsi-en-303-645@3.1.3", "Atlas"),
        ("/harmonise?bindingness=mandatory", "Harmonisation"),
        ("/login", "Sign in"),
    ]:
        page.goto(path)
        expect(page.locator("nav [aria-current=page]")).to_have_text(current)
    page.goto("/products/new")
    _sign_in(page)
    expect(page.locator("nav [aria-current=page]")).to_have_text("New product")


def test_charts_are_drawn_in_the_page_with_tooltips(
    browser: Browser,
    sqlite_site: str,
    watched: list[str],
) -> None:
    """The dashboard's three charts and the recognition graph are Vega views in the page
    (no unsafe-eval: the console reports no CSP violation); hovering a heatmap cell shows
    its pair and value. After an htmx filter the charts are drawn again, filtered."""
    page = _open(_context(browser, sqlite_site, 1440), watched)
    page.goto("/harmonise")
    expect(page.locator("figure.chart")).to_have_count(3)
    _charts_drawn(page)
    cell = page.locator("#overlap ~ figure.chart text[aria-roledescription='text mark']").first
    cell.hover()
    tooltip = page.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text(re.compile(r"jaccard\s*[01]"))
    page.get_by_label("Bindingness").select_option("mandatory")
    page.get_by_label("On date (empty: latest editions)").fill("2026-06-01")
    page.get_by_label("Jurisdictions (comma-separated, empty: all)").fill("GB")
    page.get_by_role("button", name="Apply filter").click()
    expect(page.locator("figure.chart[data-drawn*='jurisdictions=GB']")).to_have_count(3)
    _charts_drawn(page)
    page.goto("/recognition")
    _charts_drawn(page)
    expect(page.locator("figure.chart svg.marks text").first).to_be_visible()


def test_without_javascript_the_static_pictures_stay(
    browser: Browser,
    sqlite_site: str,
) -> None:
    context = browser.new_context(base_url=sqlite_site, java_script_enabled=False)
    page = context.new_page()
    page.goto("/harmonise")
    pictures = page.locator("figure.chart img")
    expect(pictures).to_have_count(3)
    assert [
        src.split("?")[0] for src in pictures.evaluate_all("l => l.map(i => i.getAttribute('src'))")
    ] == ["/harmonise/coverage.svg", "/harmonise/overlap.svg", "/harmonise/timeline.svg"]
    context.close()


def test_the_product_report_downloads_as_a_pdf(
    browser: Browser,
    sqlite_site: str,
    watched: list[str],
) -> None:
    page = _open(_context(browser, sqlite_site, 1440), watched)
    page.goto("/products")
    _sign_in(page)
    page.get_by_role("table").locator("tbody a").first.click()
    title = page.locator("h1").inner_text()
    page.get_by_label("Assess on").fill("2026-06-01")
    page.get_by_role("button", name="Assess", exact=True).click()
    heading = page.get_by_role("heading", level=2).first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (PDF)").click()
    assert re.fullmatch(r"prodsec-[\w-]+-2026-06-01\.pdf", download.value.suggested_filename)
    pages = PdfReader(io.BytesIO(_read(download.value))).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert title in text
    assert heading in text
    assert "Sign out" not in text  # the navigation and the forms are not printed
    assert "Assess and plan" not in text
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "product-print.png"), full_page=True)


def _read(download: Download) -> bytes:
    return Path(download.path()).read_bytes()
