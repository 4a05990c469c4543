"""The public face of the registry, on SQLite and PostgreSQL: a CLS level 2 label for a
camera on its consumer page (HTML and JSON), as time passes and after revocation; the
label art (the QR code decodes to the page's URL); the public search with its CSV and
JSON, and the Atom feed of the log's events."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import segno
import yaml
import zxingcpp
from defusedxml import ElementTree
from fastapi import FastAPI
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update
from typer.testing import CliRunner

from prodsec.catalog import Catalog
from prodsec.cli.app import app as cli
from prodsec.registry import remote
from prodsec.registry.rules import Role
from prodsec.store import accounts, repo
from prodsec.store import labels as store_labels
from prodsec.store import registry as store
from prodsec.store.audit import CLI
from prodsec.store.db import Database
from prodsec.store.models import ProductRecord, RegistryLabel, User
from prodsec.store.registry import grant
from prodsec.store.repo import Visibility
from prodsec.web.api import registry_public
from prodsec.web.ui import labelpage

from ..conftest import wired
from ..registry.test_log import tamper
from .test_browser import served
from .test_registry_api import PASSWORD, Registry, camera, open_registry

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 6, 1)
REG = "CSA/311228/PS-000001"
PAGE = f"/l/{REG}"
JSON = {"Accept": "application/json"}
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class Site:
    reg: Registry
    monkeypatch: pytest.MonkeyPatch

    def on(self, day: dt.date) -> None:
        """Read every public page as of `day`."""
        for module in (labelpage, registry_public):
            self.monkeypatch.setattr(module, "today", lambda: day)


@pytest.fixture
def site(database: Database, catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """A CLS level 2 label for the camera (security support to 2028-12-31), issued on
    2026-06-01 after the lab's review; a second camera of another maker holds none."""
    with open_registry(database, catalog, monkeypatch) as reg:
        product = reg.product("maker", camera(**{"2028-08-31": "2028-12-31"}))
        body = {"product": product, "scheme": "sg-cls", "level": "2", "lab": "Test Lab SG"}
        app = reg.post("maker", "/registry/applications", json=body).json()
        verdicts = dict.fromkeys(app["open_requirements"], "met")
        review = {"report": "All provisions tested.", "verdicts": verdicts, "passed": True}
        answer = reg.post("lab", f"/registry/applications/{app['id']}/review", json=review)
        assert answer.status_code == 200, answer.text
        answer = reg.post("csa", f"/registry/applications/{app['id']}/issue")
        assert answer.status_code == 201, answer.text
        assert answer.json()["registration"] == REG
        found = Site(reg, monkeypatch)
        found.on(TODAY)
        yield found


def test_the_consumer_page_says_what_the_label_promises(site: Site) -> None:
    client = site.reg.client
    html = client.get(PAGE)
    assert (html.status_code, html.headers["content-type"]) == (200, "text/html; charset=utf-8")
    text = html.text
    assert "<h1>Example Cameras Ltd HomeCam 3</h1>" in text
    assert (
        '<dt>Label</dt><dd><span class="status active">Valid</span> until 2028-12-31</dd>' in text
    )
    assert "<dt>Level</dt><dd>Level 2: the standard&#39;s mandatory provisions</dd>" in text
    assert "<dt>Security updates until</dt><dd>2028-12-31</dd>" in text
    assert "<dt>Lab</dt><dd>Test Lab SG</dd>" in text
    assert 'role="alert"' not in text
    assert "None known." in text

    view = client.get(PAGE, headers=JSON).json()
    assert client.get(PAGE, headers=JSON).headers["vary"] == "Accept"
    facts = {k: v for k, v in view.items() if k not in {"disclosures", "verify", "product"}}
    assert facts == {
        "registration": REG,
        "url": f"http://testserver{PAGE}",
        "checked_on": "2026-06-01",
        "status": "active",
        "status_words": "Valid",
        "reason": "",
        "scheme": "sg-cls",
        "scheme_title": "Singapore CLS(IoT)",
        "edition": "2025",
        "issuer": "Cyber Security Agency of Singapore (CSA)",
        "level": "2",
        "level_words": "Level 2: the standard's mandatory provisions",
        "issued_on": "2026-06-01",
        "valid_until": "2028-12-31",
        "manufacturer": "Example Cameras Ltd",
        "model": "HomeCam 3",
        "category": "smart-camera",
        "product_version": "3.0",
        "end_of_sales": "2027-09-01",
        "end_of_security_support": "2028-12-31",
        "unsupported_since": None,
        "last_updated": view["last_updated"],
        "route": "lab-review",
        "route_words": "the manufacturer's declaration, reviewed by an accredited lab",
        "basis": "own-evidence",
        "lab": "Test Lab SG",
        "standard": "Singapore CLS(IoT), edition 2025",
        "catalog_revision": site.reg.catalog.data_hash,
        "advisories": [],
        "advisories_note": "none known: the manufacturer has stored no SBOM for this version",
    }
    assert [(d["topic"], d["answer"]) for d in view["disclosures"]] == [
        ("report", "yes"),
        ("unique-password", "yes"),
        ("change-password", "not stated"),
        ("automatic-updates", "not stated"),
        ("secure-setup", "not stated"),
        ("sbom", "no"),
        ("sensors", "not stated"),
    ]
    assert view["disclosures"][0]["evidence"] == [
        "https://cameras.example/security",
        "https://cameras.example/.well-known/security.txt",
    ]
    check = view["verify"]
    jwks = client.get("/api/v1/schemes/sg-cls/jwks.json").json()
    assert [k["kid"] for k in jwks["keys"]] == [check["key_id"]]
    assert (check["verdict"], check["reason"]) == (
        "valid",
        f"sg-cls level 2 {REG}, signed by key {check['key_id']}; "
        "entry 0 of the log's tree head of size 1",
    )
    assert check["log"] == {
        "tree_size": 1,
        "entry": 0,
        "last_entry": 0,
        "status": "active",
        "valid_until": "2028-12-31",
        "agrees": True,
        "disagreements": [],
    }
    assert (
        "<dt>The transparency log</dt><dd>latest signed tree head of size 1: this signed label "
        "is entry 0; the latest entry about it, 0, says active, valid until 2028-12-31</dd>"
    ) in text
    assert "do not agree with its log" not in text
    assert check["jwks_url"] == "http://testserver/api/v1/schemes/sg-cls/jwks.json"
    assert check["command"] == f"prodsec label verify http://testserver{PAGE}/label.jws"
    assert client.get(f"{PAGE}/label.jws").text == check["jws"]


def test_the_page_warns_once_support_has_ended_and_when_the_label_is_revoked(
    site: Site,
) -> None:
    client = site.reg.client
    site.on(dt.date(2029, 1, 2))
    text = client.get(PAGE).text
    assert "<strong>Security updates ended on 2028-12-31.</strong>" in text
    assert "<strong>This label is expired.</strong> Its term ended on 2028-12-31." in text
    assert client.get(PAGE, headers=JSON).json()["status"] == "expired"

    site.on(TODAY)
    answer = site.reg.post(
        "csa", f"/registry/label-changes/revoke/{REG}", json={"reason": "false declaration"}
    )
    assert answer.status_code == 200, answer.text
    text = client.get(PAGE).text
    assert (
        '<p class="banner bad" role="alert"><strong>This label is revoked.</strong> '
        "Reason given by the scheme owner: false declaration</p>"
    ) in text
    view = client.get(PAGE, headers=JSON).json()
    assert (view["status"], view["status_words"], view["reason"]) == (
        "revoked", "Revoked", "false declaration",
    )  # fmt: skip
    when = site.reg.client.get("/api/v1/log/entries?start=1").json()["items"][0]["event"]["time"]
    assert (view["verify"]["verdict"], view["verify"]["reason"]) == (
        "revoked", f"revoke on {when} (entry 1): false declaration",
    )  # fmt: skip
    assert (view["verify"]["log"]["status"], view["verify"]["log"]["agrees"]) == ("revoked", True)

    missing = client.get("/l/CSA/311228/PS-999999", headers=JSON)
    assert missing.status_code == 404


def test_a_row_changed_behind_the_registrys_back_disagrees_with_the_log(site: Site) -> None:
    """The label revoked through the registry, then set back to valid directly in the
    database: the page's check follows the log (revoked) and says plainly that the
    records do not agree with it."""
    client = site.reg.client
    issued = client.get(f"{PAGE}/label.jws").text
    answer = site.reg.post(
        "csa", f"/registry/label-changes/revoke/{REG}", json={"reason": "false declaration"}
    )
    assert answer.status_code == 200, answer.text
    with site.reg.db.session() as s:
        s.execute(
            update(RegistryLabel)
            .where(RegistryLabel.registration == REG)
            .values(status="active", reason="", valid_until=dt.date(2030, 1, 1))
        )
        s.commit()
    view = client.get(PAGE, headers=JSON).json()
    assert (view["status"], view["valid_until"]) == ("active", "2030-01-01")  # the row's word
    when = client.get("/api/v1/log/entries?start=1").json()["items"][0]["event"]["time"]
    check = view["verify"]
    assert (check["verdict"], check["reason"]) == (
        "revoked", f"revoke on {when} (entry 1): false declaration",
    )  # fmt: skip
    said = [
        "the records say active, the log says revoked (entry 1)",
        "the records say valid until 2030-01-01, the log says 2028-12-31 (entry 1)",
        "the records give the reason '', the log 'false declaration' (entry 1)",
    ]
    assert check["log"] == {
        "tree_size": 2,
        "entry": 1,
        "last_entry": 1,
        "status": "revoked",
        "valid_until": "2028-12-31",
        "agrees": False,
        "disagreements": said,
    }
    html = client.get(PAGE).text
    assert (
        '<p class="banner bad" role="alert"><strong>The registry\'s records do not agree '
        f"with its log.</strong> {'; '.join(said).replace(chr(39), '&#39;')}. The signed log is "
        "what counts: this server's check below follows it.</p>"
    ) in html

    # the older token put back: not the label the log's latest entry names
    with site.reg.db.session() as s:
        s.execute(
            update(RegistryLabel)
            .where(RegistryLabel.registration == REG)
            .values(signed=issued, status="revoked",
                    reason="false declaration", valid_until=dt.date(2028, 12, 31))
        )  # fmt: skip
        s.commit()
    check = client.get(PAGE, headers=JSON).json()["verify"]
    assert (check["verdict"], check["log"]["entry"], check["log"]["disagreements"]) == (
        "revoked", 0, ["the signed label this server gives is of entry 0, not the latest"],
    )  # fmt: skip


def test_the_label_art_leads_to_the_consumer_page(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRODSEC_PUBLIC_URL", "https://labels.example/")
    url = f"https://labels.example{PAGE}"
    png = site.reg.client.get(f"{PAGE}/art.png")
    assert png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert [round(d) for d in image.info["dpi"]] == [300, 300]
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [url]

    svg = site.reg.client.get(f"{PAGE}/art.svg")
    assert svg.headers["content-type"] == "image/svg+xml"
    root = ElementTree.fromstring(svg.content)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["Singapore CLS(IoT) · Level 2", REG]
    found = root.find("{http://www.w3.org/2000/svg}path")
    assert found is not None
    path = found.get("d") or ""
    drawn = {(int(x), int(y)) for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", path)}
    code = segno.make(url, error="m", micro=False)
    expected = {
        (x, y)
        for y, row in enumerate(code.matrix_iter(scale=1, border=4))
        for x, dark in enumerate(row)
        if dark
    }
    assert drawn == expected


def test_the_public_registry_searches_and_exports_the_same_rows(site: Site) -> None:
    client = site.reg.client
    page = client.get("/registry?scheme=sg-cls&status=active&manufacturer=example")
    assert page.status_code == 200
    assert f'<th scope="row"><a href="{PAGE}">{REG}</a></th>' in page.text
    assert "Labels 1 to 1 of 1, newest first" in page.text
    assert "No labels match." in client.get("/registry?status=revoked").text

    found = client.get("/api/v1/registry/public/labels?category=smart-camera&level=2").json()
    assert found == {
        "items": [
            {
                "registration": REG,
                "page": PAGE,
                "scheme": "sg-cls",
                "level": "2",
                "status": "active",
                "reason": "",
                "manufacturer": "Example Cameras Ltd",
                "model": "HomeCam 3",
                "category": "smart-camera",
                "issued_on": "2026-06-01",
                "valid_until": "2028-12-31",
                "support_end": "2028-12-31",
                "unsupported_since": None,
            }
        ],
        "total": 1,
        "offset": 0,
        "limit": 50,
    }
    none = client.get("/api/v1/registry/public/labels?support_end_to=2028-12-30").json()
    assert none["total"] == 0
    site.on(dt.date(2029, 1, 1))
    expired = client.get("/api/v1/registry/public/labels?status=expired").json()
    assert [i["status"] for i in expired["items"]] == ["expired"]

    exported = client.get("/registry.csv?status=expired&manufacturer=EXAMPLE%25")
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(exported.text))) == [list(registry_public.FIELDS)]
    rows = list(csv.DictReader(io.StringIO(client.get("/registry.csv?status=expired").text)))
    assert [(r["registration"], r["status"], r["unsupported_since"]) for r in rows] == [
        (REG, "expired", "2028-12-31")
    ]
    assert client.get("/api/v1/registry/public/labels?status=lost").status_code == 400


def test_the_events_feed_is_atom(site: Site) -> None:
    client = site.reg.client
    site.reg.post("csa", f"/registry/label-changes/suspend/{REG}", json={"reason": "checking"})
    answer = client.get("/registry/events.atom")
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = ElementTree.fromstring(answer.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        f"Suspended: {REG}",
        f"Issued: {REG}",
    ]
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")
    assert entries[0].findtext(f"{ATOM}summary") == (
        "log entry 1; status: suspended; level: 2; valid_until: 2028-12-31; reason: checking"
    )
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert all(i and i.startswith("urn:uuid:") for i in ids)
    assert len(set(ids)) == 2
    again = ElementTree.fromstring(client.get("/registry/events.atom").content)
    assert [e.findtext(f"{ATOM}id") for e in again.findall(f"{ATOM}entry")] == ids
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == f"http://testserver{PAGE}"


def test_the_command_line_draws_the_same_art(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = CliRunner()
    base = ["--base-url", "https://labels.example", "--db", site.reg.db.url]
    target = tmp_path / "label.png"
    done = run.invoke(cli, ["label", "art", REG, "-o", str(target), *base])
    assert (done.exit_code, done.stdout, done.stderr) == (0, "", "")
    image = Image.open(target)
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [
        f"https://labels.example{PAGE}"
    ]
    svg = run.invoke(cli, ["label", "art", REG, *base])
    monkeypatch.setenv("PRODSEC_PUBLIC_URL", "https://labels.example")
    assert svg.stdout == site.reg.client.get(f"{PAGE}/art.svg").text
    errors = [
        (["label", "art", REG, "-o", str(tmp_path / "a.pdf"), *base],
         f"error: --output: {tmp_path / 'a.pdf'} must end in .svg or .png\n"),
        (["label", "art", "CSA/311228/PS-999999", *base],
         "error: no label CSA/311228/PS-999999 in the registry\n"),
        (["label", "art", REG, "--base-url", "labels.example", "--db", site.reg.db.url],
         "error: --base-url (or PRODSEC_PUBLIC_URL) must be an http(s) URL\n"),
    ]  # fmt: skip
    for args, message in errors:
        failed = run.invoke(cli, args)
        assert (failed.exit_code, failed.stderr) == (2, message)
    assert not (tmp_path / "a.pdf").exists()


def test_label_verify_fetches_the_registrys_own_log(site: Site, tmp_path: Path) -> None:
    """`prodsec label verify URL` against the app served on loopback: the key set, the
    latest signed head, the entries about the label's registration and an inclusion proof
    of each fetched from the public API, checked, and the label's status read from them
    (every request counted); a label file with --server alike; --whole-log fetches every
    entry instead."""
    run = CliRunner()
    asked: list[str] = []

    class Counting:
        def open(self, request: Any, timeout: float) -> Any:
            asked.append(request.full_url.removeprefix(base))
            return opener.open(request, timeout=timeout)

    opener = remote._OPENER
    site.monkeypatch.setattr(remote, "_OPENER", Counting())

    def verify(*args: str) -> tuple[int, str, str, list[str]]:
        asked.clear()
        done = run.invoke(cli, ["label", "verify", *args, "--at", "2026-06-01"])
        return done.exit_code, done.stdout, done.stderr, list(asked)

    client = site.reg.client
    kid = client.get(PAGE, headers=JSON).json()["verify"]["key_id"]
    issued = tmp_path / "issued.jws"
    issued.write_text(client.get(f"{PAGE}/label.jws").text)
    about = "/api/v1/log/about?subject=CSA%2F311228%2FPS-000001&size={}&offset=0&limit=500"
    start = ["/.well-known/jwks.json", "/api/v1/log/heads/latest"]
    with served(site.reg.db, site.reg.catalog) as base:
        url = f"{base}{PAGE}/label.jws"
        valid = f"valid: sg-cls level 2 {REG}, signed by key {kid}"
        assert verify(url) == (
            0, f"{valid}; entry 0 of the log's tree head of size 1\n", "",
            [f"{PAGE}/label.jws", *start, about.format(1),
             "/api/v1/log/proofs/inclusion?index=0&size=1"],
        )  # fmt: skip
        answer = site.reg.post(
            "csa", f"/registry/label-changes/revoke/{REG}", json={"reason": "false declaration"}
        )
        assert answer.status_code == 200, answer.text
        when = client.get("/api/v1/log/entries?start=1").json()["items"][0]["event"]["time"]
        revoked = f"revoked: revoke on {when} (entry 1): false declaration\n"
        proofs = [f"/api/v1/log/proofs/inclusion?index={i}&size=2" for i in (0, 1)]
        assert verify(url) == (
            9,
            revoked,
            "",
            [f"{PAGE}/label.jws", *start, about.format(2), *proofs],
        )
        assert verify(str(issued), "--server", base) == (
            9,
            revoked,
            "",
            [*start, about.format(2), *proofs],
        )
        assert verify(str(issued), "--server", base, "--whole-log") == (
            9, revoked, "", [*start, "/api/v1/log/entries?start=0&limit=500"],
        )  # fmt: skip
        assert verify(str(issued), "--server", base, "--no-log") == (
            0, f"{valid}\n", "", ["/.well-known/jwks.json"],
        )  # fmt: skip
    assert verify(str(issued), "--server", base) == (
        2, "", f"error: cannot fetch {base}/.well-known/jwks.json: <urlopen error [Errno 111] Connection refused>\n",
        ["/.well-known/jwks.json"],
    )  # fmt: skip


BROWSER_PEOPLE = {
    "maker": ("maker@cams.test", "Example Cameras", "manufacturer"),
    "lab": ("tester@lab.test", "Test Lab SG", "lab"),
    "csa": ("officer@csa.test", "CSA", "scheme-owner"),
}


def _registry_site(database: Database, catalog: Catalog) -> None:
    """Three organisations with their roles in CLS, and the maker's camera."""
    with database.session() as s:
        makers = []
        for email, org, role in BROWSER_PEOPLE.values():
            user = accounts.create_user(
                s, email, PASSWORD, organisation=org, create_organisation=True
            )
            levels = ["1", "2"] if role == "lab" else []
            grant(s, catalog, None, CLI, org, "sg-cls", Role(role), levels)
            makers.append(user.organisation_id)
        data = yaml.safe_load(camera())
        profile = repo.parse(catalog, data, "camera")
        repo.create_product(s, Visibility(makers[0]), profile, data)


def issued_label(database: Database, catalog: Catalog) -> str:
    """The registry site of the browser test with the camera's CLS level 2 label issued
    today through the store (maker, lab, scheme owner); its registration id."""
    _registry_site(database, catalog)
    on = dt.datetime.now(dt.UTC).date()
    wiring = wired(database, catalog)
    with database.session() as s:
        people = {
            who: s.scalars(select(User).where(User.email == email)).one()
            for who, (email, _, _) in BROWSER_PEOPLE.items()
        }
        product = s.scalars(select(ProductRecord)).one().id
        app = store.apply(
            s, catalog, people["maker"], CLI, product, "sg-cls", "2", "Test Lab SG", on
        )
        verdicts = dict.fromkeys(app.open_requirements, "met")
        store.review(s, people["lab"], CLI, app.id, "Every provision tested.", verdicts, True, on)
        label = store_labels.issue(s, wiring.services(s, CLI), people["csa"], CLI, app.id, on)
        return label.registration


def _as(browser: Browser, site: str, who: str) -> Page:
    """A page of a fresh context, signed in as `who`, on the work list."""
    opened = browser.new_context(base_url=site, viewport={"width": 1440, "height": 900}).new_page()
    opened.goto("/registry/work")
    opened.get_by_label("Email").fill(BROWSER_PEOPLE[who][0])
    opened.get_by_label("Password").fill(PASSWORD)
    opened.get_by_role("button", name="Sign in").click()
    expect(opened.get_by_role("heading", level=1)).to_have_text("Registry work list")
    return opened


def test_a_cls_label_from_application_to_revocation_in_the_browser(
    browser: Browser, database: Database, catalog: Catalog
) -> None:
    _registry_site(database, catalog)
    with served(database, catalog, registry=wired(database, catalog)) as site:
        maker = _as(browser, site, "maker")
        maker.get_by_label("Level", exact=True).select_option("2")
        maker.get_by_label("Lab (where the level needs one)").fill("Test Lab SG")
        maker.get_by_role("button", name="Apply").click()
        expect(maker.get_by_role("table").first).to_contain_text("with-lab")

        lab = _as(browser, site, "lab")
        for verdict in lab.get_by_label(re.compile("^Verdict on ")).all():
            verdict.select_option("met")
        lab.get_by_label("Report").fill("Every provision tested.")
        lab.get_by_label("The product passed").check()
        lab.get_by_role("button", name="Send the review").click()
        expect(lab.get_by_role("table").first).to_contain_text("with-owner")

        owner = _as(browser, site, "csa")
        owner.get_by_role("button", name="Issue the label").click()
        expect(owner.get_by_role("link", name=re.compile("^Consumer page of "))).to_have_count(1)
        owner.get_by_role("link", name=re.compile("^Consumer page of ")).click()
        expect(owner.locator(".status")).to_have_text("Valid")
        expect(owner.get_by_role("alert")).to_have_count(0)
        expect(owner.locator(".verdict")).to_have_text("valid")
        consumer = owner.url

        owner.goto("/registry/work")
        owner.get_by_label("Change", exact=True).select_option("revoke")
        owner.get_by_label("Reason", exact=True).fill("false declaration")
        owner.get_by_role("button", name="Change the label").click()
        buyer = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
        buyer.goto(consumer)
        expect(buyer.get_by_role("alert")).to_have_text(
            "This label is revoked. Reason given by the scheme owner: false declaration"
        )
        expect(buyer.locator(".verdict")).to_have_text("revoked")


def test_the_work_list_forms_show_a_refusal_beside_the_form_and_refuse_forgeries(
    site: Site,
) -> None:
    reg = site.reg
    client = reg.client

    def as_(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {reg.tokens[who]}"}

    work = client.get("/registry/work", headers=as_("maker")).text
    token = re.findall(r'name="csrf" value="([^"]+)"', work)[0]
    product = re.findall(r'<option value="([0-9a-f-]{36})">', work)[0]
    before = reg.counts()
    form = {"csrf": token, "product": product, "scheme": "sg-cls", "level": "1", "lab": ""}
    answer = client.post("/registry/work/apply", data=form, headers=as_("maker"))
    assert answer.status_code == 400
    assert (
        '<p class="error" role="alert" id="error-apply">Not done: '
        "lab: sg-cls level 1 needs a lab: name one</p>"
    ) in answer.text

    form = {"csrf": token, "registration": REG, "change": "revoke", "reason": " "}
    answer = client.post("/registry/work/label-change", data=form, headers=as_("csa"))
    assert answer.status_code == 400
    assert (
        f'id="error-change-{REG.replace("/", "-")}">Not done: reason: revoke needs a reason</p>'
        in (answer.text)
    )
    form = {"csrf": token, "registration": REG, "change": "lose", "reason": "x"}
    answer = client.post("/registry/work/label-change", data=form, headers=as_("csa"))
    assert "Not done: change: a change is one of renew, suspend, reinstate, withdraw, revoke" in (
        answer.text
    )
    for path in ("/apply", "/label-change", "/some-id/review", "/some-id/decide"):
        forged = client.post(f"/registry/work{path}", data={"csrf": "forged"}, headers=as_("csa"))
        assert (path, forged.status_code) == (path, 403)
    assert reg.counts() == before


def test_the_consumer_page_lists_open_advisories_from_the_stored_sbom(
    site: Site, camera_index: Callable[..., Any]
) -> None:
    """The labelled version's firmware SBOM is checked against the advisories: the open
    ones are listed for the buyer, the ones a VEX statement closes are not."""
    from prodsec.store.repo import EVERY_PRODUCT
    from prodsec.store.supply import add_sbom, add_vex

    product = site.reg.client.get(PAGE, headers=JSON).json()["product"]
    firmware = ROOT / "examples" / "smart-camera-sbom" / "firmware.cdx.json"
    with site.reg.db.session() as s:
        add_sbom(s, EVERY_PRODUCT, product, 1, firmware.read_bytes(), firmware.name, "firmware")
    served = site.reg.client.app
    assert isinstance(served, FastAPI)
    served.state.advisories = camera_index()
    view = site.reg.client.get(PAGE, headers=JSON).json()
    assert view["advisories"] == [
        "CVE-2018-16525 in FreeRTOS 10.0.1",
        "CVE-2022-25640 in wolfSSL 4.8.1, fixed in 5.2.0",
    ]
    assert view["advisories_note"] == ""
    assert "CVE-2022-25640 in wolfSSL 4.8.1, fixed in 5.2.0" in site.reg.client.get(PAGE).text
    vex = firmware.with_name("vex.openvex.json")
    with site.reg.db.session() as s:
        add_vex(s, EVERY_PRODUCT, product, vex.read_bytes(), vex.name)
    view = site.reg.client.get(PAGE, headers=JSON).json()  # the VEX says so from November
    assert len(view["advisories"]) == 2
    site.on(dt.date(2026, 12, 1))
    view = site.reg.client.get(PAGE, headers=JSON).json()
    assert view["advisories"] == ["CVE-2022-25640 in wolfSSL 4.8.1, fixed in 5.2.0"]


def test_a_log_record_edited_in_the_database_fails_the_pages_proof(site: Site) -> None:
    """The revocation's record has its subject rewritten to another registration,
    directly in the database: the page still reads that entry through the index of
    subjects, its proof against the signed head fails, and the page says so in red
    (a text match on the records would have missed the entry and called the label
    valid)."""
    client = site.reg.client
    answer = site.reg.post(
        "csa", f"/registry/label-changes/revoke/{REG}", json={"reason": "false declaration"}
    )
    assert answer.status_code == 200, answer.text
    other = "CSA/311228/PS-000002"
    tamper(site.reg.db, f"UPDATE log_entries SET record = REPLACE(record, '{REG}', '{other}') "
           "WHERE idx = 1")  # fmt: skip
    check = client.get(PAGE, headers=JSON).json()["verify"]
    why = "the log's entries about it do not check out: entry 1: the inclusion proof does not lead to the root hash"
    assert (check["verdict"], check["reason"], check["log"]["disagreements"]) == (
        "not-logged", why, [why],
    )  # fmt: skip
    assert (
        '<p class="banner bad" role="alert"><strong>The registry\'s records do not agree '
        f"with its log.</strong> {why.replace(chr(39), '&#39;')}. The signed log is "
    ) in client.get(PAGE).text
