"""The registry's workflow through the API, on SQLite and PostgreSQL: a CLS level 2
application from a manufacturer through an accredited lab to issuance, recognition of a
BSI label, the label's changes, and every bad input the issue lists (a clear 4xx, nothing
stored, the log untouched)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from prodsec.catalog import Catalog
from prodsec.registry.keys import keyring_of
from prodsec.registry.signing import Keyring, Verdict, verify_label
from prodsec.registry.status import LogStatus
from prodsec.registry.verify import check_snapshot, signed_by
from prodsec.registry.views import entries_of, head_of
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.store.labels import Wiring
from prodsec.store.log import SqlLogStore
from prodsec.store.models import Application, AuditEntry, Evidence, RegistryLabel
from prodsec.web.api import registry as registry_api
from prodsec.web.app import create_app

from ..conftest import log_size, wired

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PASSWORD = "correct horse battery"
TODAY = dt.date(2026, 6, 1)
PEOPLE = {
    "admin": ("admin@registry.test", None),
    "maker": ("maker@cams.test", "Example Cameras"),
    "other": ("maker@other.test", "Other Devices"),
    "lab": ("tester@lab.test", "Test Lab SG"),
    "csa": ("officer@csa.test", "CSA"),
}


class Registry:
    """The app with five signed-in people, its real signer and log, and helpers to act as
    each."""

    def __init__(self, client: TestClient, db: Database, catalog: Catalog) -> None:
        self.client, self.db, self.catalog = client, db, catalog
        self.tokens: dict[str, str] = {}
        for who, (email, _) in PEOPLE.items():
            answer = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
            assert answer.status_code == 201, answer.text
            self.tokens[who] = answer.json()["token"]

    def post(
        self,
        who: str,
        path: str,
        json: object = None,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = {"Authorization": f"Bearer {self.tokens[who]}", **(headers or {})}
        answer: httpx.Response = self.client.post(
            f"/api/v1{path}", headers=sent, json=json, content=content
        )
        return answer

    def get(self, who: str, path: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        answer: httpx.Response = self.client.get(f"/api/v1{path}", headers=headers)
        return answer

    def product(self, who: str, text: str) -> str:
        answer = self.post(
            who, "/products", content=text, headers={"content-type": "application/yaml"}
        )
        assert answer.status_code == 201, answer.text
        ident: str = answer.json()["id"]
        return ident

    def counts(self) -> tuple[int, int, int, int, int]:
        """Applications, evidence files, labels, audit entries, log entries."""
        with self.db.session() as s:
            rows = tuple(
                s.scalar(select(func.count()).select_from(model)) or 0
                for model in (Application, Evidence, RegistryLabel, AuditEntry)
            )
        return rows[0], rows[1], rows[2], rows[3], log_size(self.db)

    def events(self) -> list[tuple[str, str, dict[str, object]]]:
        """The log's events: kind, subject, payload."""
        page = self.client.get("/api/v1/log/entries?limit=500").json()
        return [(e["event"]["kind"], e["event"]["subject"], e["event"]["payload"])
                for e in page["items"]]  # fmt: skip


@contextmanager
def open_registry(
    database: Database,
    catalog: Catalog,
    monkeypatch: pytest.MonkeyPatch,
    *,
    on: dt.date = TODAY,
) -> Iterator[Registry]:
    """The app with the five people signed in and their roles in CLS granted, on `on`."""
    monkeypatch.setattr(registry_api, "today", lambda: on)
    with database.session() as s:
        for who, (email, org) in PEOPLE.items():
            accounts.create_user(
                s, email, PASSWORD, is_admin=who == "admin", organisation=org,
                create_organisation=True,
            )  # fmt: skip
    app = create_app(database, catalog, registry=wired(database, catalog))
    with TestClient(app) as client:
        registry = Registry(client, database, catalog)
        grants = [
            {"organisation": "CSA", "scheme": "sg-cls", "role": "scheme-owner"},
            {"organisation": "Example Cameras", "scheme": "sg-cls", "role": "manufacturer"},
            {"organisation": "Other Devices", "scheme": "sg-cls", "role": "manufacturer"},
            {"organisation": "Test Lab SG", "scheme": "sg-cls", "role": "lab",
             "levels": ["1", "2"], "valid_from": "2026-01-01", "valid_until": "2027-12-31"},
        ]  # fmt: skip
        for grant in grants:
            answer = registry.post("admin", "/registry/roles", json=grant)
            assert answer.status_code == 201, answer.text
        yield registry


@pytest.fixture
def reg(
    database: Database, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Registry]:
    with open_registry(database, catalog, monkeypatch) as registry:
        yield registry


def camera(**changes: str) -> str:
    text = (EXAMPLES / "smart-camera.yaml").read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_cls_level_2_application_runs_from_maker_through_the_lab_to_a_label(
    reg: Registry,
) -> None:
    product = reg.product("maker", camera())
    answer = reg.post(
        "maker", "/registry/applications",
        json={"product": product, "scheme": "sg-cls", "level": "2", "lab": "Test Lab SG"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    app = answer.json()
    assert (app["route"], app["stage"], app["lab"], app["basis"], app["edition"]) == (
        "lab-review", "with-lab", "Test Lab SG", "own-evidence", "2025",
    )  # fmt: skip
    assert app["open_requirements"] == [
        "vulnerability-management", "updates", "standard-mandatory", "communications",
        "storage", "authentication", "declaration", "supported",
    ]  # fmt: skip
    assert app["catalog_revision"] == reg.catalog.data_hash

    pdf = b"%PDF-1.7\n% test report\n"
    answer = reg.post(
        "maker", f"/registry/applications/{app['id']}/evidence?name=design.pdf",
        content=pdf, headers={"content-type": "application/pdf"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    assert answer.json()["sha256"] == hashlib.sha256(pdf).hexdigest()

    verdicts = dict.fromkeys(app["open_requirements"], "met")
    answer = reg.post(
        "lab", f"/registry/applications/{app['id']}/review",
        json={"report": "All provisions tested.", "verdicts": verdicts, "passed": True},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["stage"] == "with-owner"

    answer = reg.post("csa", f"/registry/applications/{app['id']}/issue")
    assert answer.status_code == 201, answer.text
    label = answer.json()
    # the term: 3 years, cut at the end of security support (31 August 2028)
    assert {k: label[k] for k in ("registration", "status", "valid_until", "support_end")} == {
        "registration": "CSA/310828/PS-000001",
        "status": "active",
        "valid_until": "2028-08-31",
        "support_end": "2028-08-31",
    }
    assert [(kind, subject) for kind, subject, _ in reg.events()] == [
        ("issue", "CSA/310828/PS-000001")
    ]
    assert reg.events()[0][2]["lab"] == "Test Lab SG"
    assert reg.get("maker", f"/registry/applications/{app['id']}").json()["stage"] == "issued"
    assert [lb["registration"] for lb in reg.get("csa", "/registry/labels").json()["items"]] == [
        "CSA/310828/PS-000001"
    ]

    reg_id = label["registration"]
    steps = [
        ("suspend", "suspended"), ("reinstate", "active"), ("renew", "active"),
        ("revoke", "revoked"),
    ]  # fmt: skip
    for change, status in steps:
        answer = reg.post("csa", f"/registry/label-changes/{change}/{reg_id}",
                          json={"reason": f"{change} for the test"})  # fmt: skip
        assert (answer.status_code, answer.json()["status"]) == (200, status)
    assert [k for k, _, _ in reg.events()] == [
        "issue",
        "suspend",
        "reinstate",
        "renew",
        "revoke",
    ]
    # the label as issued verifies offline with the published keys and fails on any byte
    # changed; as of the log's latest head it is revoked, and the stored log checks out
    keys = keyring_of(reg.client.get("/.well-known/jwks.json").json())
    token = label["signed"]
    found = verify_label(token, Keyring(keys), on=TODAY)
    assert (found.verdict, found.record and found.record["registration"]) == (
        Verdict.VALID, "CSA/310828/PS-000001",
    )  # fmt: skip
    for position in range(0, len(token), 37):
        flipped = (
            token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
        )
        assert verify_label(flipped, Keyring(keys), on=TODAY).verdict != Verdict.VALID
    head = head_of(reg.client.get("/api/v1/log/heads/latest").json())
    entries = entries_of(reg.client.get("/api/v1/log/entries?limit=500").json())
    in_log = LogStatus(token, entries, head)
    assert verify_label(token, Keyring(keys), on=TODAY, status=in_log).verdict == Verdict.REVOKED
    assert check_snapshot(SqlLogStore(reg.db).snapshot(), signed_by(keys)) == 5

    # each role's work list as a page
    headers = {"Authorization": f"Bearer {reg.tokens['lab']}"}
    work = reg.client.get("/registry/work", headers=headers).text
    assert f"<code>{app['id']}</code></th><td>sg-cls level 2</td><td>lab-review</td>" in work
    assert (
        '<th scope="row">CSA/310828/PS-000001</th><td>sg-cls level 2</td>'
        "<td>revoked (revoke for the test)</td><td>2028-08-31</td><td>until 2028-08-31</td>"
    ) not in work  # a lab sees the applications it reviews, not the labels
    headers = {"Authorization": f"Bearer {reg.tokens['maker']}"}
    work = reg.client.get("/registry/work", headers=headers).text
    assert (
        '<th scope="row">CSA/310828/PS-000001</th><td>sg-cls level 2</td>'
        "<td>revoked (revoke for the test)</td><td>2028-08-31</td><td>until 2028-08-31</td>"
    ) in work
    headers = {"Authorization": f"Bearer {reg.tokens['other']}"}
    work = reg.client.get("/registry/work", headers=headers).text
    assert "<p>No applications.</p>" in work
    assert "<p>No labels.</p>" in work

    before = reg.counts()
    answer = reg.post("csa", f"/registry/label-changes/revoke/{reg_id}", json={"reason": "again"})
    assert answer.status_code == 409
    assert answer.json()["detail"] == "cannot revoke a label that is revoked"
    assert reg.counts() == before


def test_a_bsi_label_earns_cls_level_2_for_a_speaker_by_recognition(reg: Registry) -> None:
    text = (EXAMPLES / "smart-speaker-bsi.yaml").read_text(encoding="utf-8")
    product = reg.product("maker", text)
    body = {"product": product, "scheme": "sg-cls", "level": "2"}
    answer = reg.post("maker", "/registry/applications", json=body)
    assert answer.status_code == 201, answer.text
    app = answer.json()
    assert (app["route"], app["stage"], app["basis"], app["lab"]) == (
        "recognition", "with-owner", "bsi-label-cls-level-2", None,
    )  # fmt: skip
    answer = reg.post("csa", f"/registry/applications/{app['id']}/issue")
    assert answer.status_code == 201, answer.text
    assert answer.json()["valid_until"] == "2029-05-31"


def test_a_bsi_labelled_smart_lock_is_refused_with_the_reason(reg: Registry) -> None:
    text = (EXAMPLES / "smart-speaker-bsi.yaml").read_text(encoding="utf-8")
    product = reg.product("maker", text.replace("category: smart-speaker", "category: smart-lock"))
    before = reg.counts()
    body = {"product": product, "scheme": "sg-cls", "level": "2"}
    answer = reg.post("maker", "/registry/applications", json=body)
    assert answer.status_code == 400
    problem = answer.json()
    assert problem["detail"] == (
        "level: the product does not meet sg-cls level 2: requirements not met; "
        "bsi-label-cls-level-2: the arrangement excludes smart lock"
    )
    assert reg.counts() == before


def refused(reg: Registry, who: str, path: str, body: object, status: int) -> dict[str, object]:
    """Post; check the status and that nothing was stored or logged; the problem."""
    before = reg.counts()
    answer = reg.post(who, path, json=body)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert reg.counts() == before
    problem: dict[str, object] = answer.json()
    return problem


def test_applications_the_product_does_not_qualify_for_are_refused(reg: Registry) -> None:
    answer = reg.post(
        "admin", "/registry/roles",
        json={"organisation": "Example Cameras", "scheme": "jp-jc-star", "role": "manufacturer"},
    )  # fmt: skip
    assert answer.status_code == 201
    weak = reg.product("maker", (EXAMPLES / "smart-camera-default-password.yaml").read_text())
    path = "/registry/applications"
    body = {"product": weak, "scheme": "sg-cls", "level": "2", "lab": "Test Lab SG"}
    problem = refused(reg, "maker", path, body, 400)
    assert problem["detail"] == (
        "level: the product does not meet sg-cls level 2: requirements not met"
    )
    assert problem["failing"] == [
        "not met: passwords",
        *(f"unknown: {ref}" for ref in ("vulnerability-management", "updates",
          "standard-mandatory", "communications", "storage", "authentication",
          "declaration", "supported")),
    ]  # fmt: skip

    australian = reg.product("maker", camera(**{"[GB, EU, AU, SG]": "[AU]"}))
    body = {"product": australian, "scheme": "sg-cls", "level": "2", "lab": "Test Lab SG"}
    assert refused(reg, "maker", path, body, 400)["detail"] == (
        "scheme: sg-cls is not offered for this product in its markets (AU)"
    )
    japanese = reg.product("maker", camera(**{"[GB, EU, AU, SG]": "[JP, SG]"}))
    body = {"product": japanese, "scheme": "jp-jc-star", "level": "2"}
    assert refused(reg, "maker", path, body, 400)["detail"] == (
        "level: jp-jc-star level 2 takes no applications"
    )
    body = {"product": japanese, "scheme": "sg-cls", "level": "9"}
    assert refused(reg, "maker", path, body, 400)["detail"] == (
        "level: sg-cls has no level '9' (1, 2, 3, 4)"
    )
    body = {"product": japanese, "scheme": "sg-cls", "level": "2"}
    assert refused(reg, "maker", path, body, 400)["detail"] == (
        "lab: sg-cls level 2 needs a lab: name one"
    )
    body = {"product": japanese, "scheme": "sg-cls", "level": "3", "lab": "Test Lab SG"}
    assert refused(reg, "maker", path, body, 400)["detail"] == (
        "lab: 'Test Lab SG' is not a lab accredited for sg-cls level 3 on 2026-06-01"
    )


def test_a_second_label_for_the_same_product_and_level_is_refused(reg: Registry) -> None:
    text = (EXAMPLES / "smart-speaker-bsi.yaml").read_text(encoding="utf-8")
    body = {"product": reg.product("maker", text), "scheme": "sg-cls", "level": "2"}
    first = reg.post("maker", "/registry/applications", json=body).json()
    problem = refused(reg, "maker", "/registry/applications", body, 409)
    assert problem["detail"] == "the product already has an open application for sg-cls level 2"
    assert reg.post("csa", f"/registry/applications/{first['id']}/issue").status_code == 201
    problem = refused(reg, "maker", "/registry/applications", body, 409)
    assert problem["detail"] == (
        "the product already holds sg-cls level 2 (CSA/310529/PS-000001, active)"
    )


def test_nobody_takes_another_actors_step(reg: Registry) -> None:
    product = reg.product("maker", camera())
    body = {"product": product, "scheme": "sg-cls", "level": "2", "lab": "Test Lab SG"}
    app = reg.post("maker", "/registry/applications", json=body).json()
    steps = f"/registry/applications/{app['id']}"
    review = {"report": "ok", "verdicts": {}, "passed": False}
    cases = [
        ("maker", f"{steps}/review", review, "maker@cams.test is not the lab of application"),
        ("csa", f"{steps}/review", review, "officer@csa.test is not the lab of application"),
        ("lab", f"{steps}/issue", None, "tester@lab.test is not the scheme-owner of application"),
        ("maker", f"{steps}/refuse", {"reasons": ["no"]}, "maker@cams.test is not the"),
        ("other", f"{steps}/refuse", {"reasons": ["no"]}, f"application {app['id']} is another"),
        ("maker", "/registry/roles", {"organisation": "Example Cameras", "scheme": "sg-cls",
         "role": "scheme-owner"}, "only an administrator grants registry roles"),
    ]  # fmt: skip
    for who, path, sent, detail in cases:
        problem = refused(reg, who, path, sent, 403)
        assert str(problem["detail"]).startswith(detail), (who, path, problem)
    # another organisation's product is not stored, as far as the caller can see
    body = {"product": product, "scheme": "sg-cls", "level": "2", "lab": "Test Lab SG"}
    assert refused(reg, "other", "/registry/applications", body, 404)["detail"] == (
        f"no product '{product}'"
    )
    assert reg.get("other", steps).status_code == 403
    # the lab's verdicts must settle every requirement prodsec left open
    problem = refused(reg, "lab", f"{steps}/review", review, 400)
    assert problem["detail"] == f"verdicts: no verdict for {', '.join(app['open_requirements'])}"
    # the owner cannot issue before the lab has reviewed
    problem = refused(reg, "csa", f"{steps}/issue", None, 409)
    assert problem["detail"] == f"application {app['id']} is with-lab, not with the scheme owner"


def test_evidence_over_the_limit_or_of_a_wrong_type_is_refused(reg: Registry) -> None:
    product = reg.product("maker", camera())
    body = {"product": product, "scheme": "sg-cls", "level": "2", "lab": "Test Lab SG"}
    app = reg.post("maker", "/registry/applications", json=body).json()
    path = f"/registry/applications/{app['id']}/evidence?name=f"
    cases = [
        (b"%PDF-" + b"x" * (256 * 1024), "application/pdf", 413,
         "an evidence file is at most 262144 bytes; this one is 262149"),
        (b"GIF89a", "image/gif", 400, "type: 'image/gif' is not allowed (application/pdf, "
         "image/png, image/jpeg, text/plain, application/json)"),
        (b"not a pdf", "application/pdf", 400, "type: the content is not application/pdf"),
        (b"{broken", "application/json", 400, "type: the content is not application/json"),
    ]  # fmt: skip
    for content, kind, status, detail in cases:
        before = reg.counts()
        answer = reg.post("maker", path, content=content, headers={"content-type": kind})
        assert (answer.status_code, answer.json()["detail"]) == (status, detail)
        assert reg.counts() == before
    answer = reg.post("lab", path, content=b"%PDF-1", headers={"content-type": "application/pdf"})
    assert answer.status_code == 403


def test_roles_single_labels_refusal_and_a_server_without_a_signer(
    reg: Registry, database: Database, catalog: Catalog
) -> None:
    roles = reg.get("maker", "/registry/roles").json()
    assert (roles["total"], [r["role"] for r in roles["items"]][:2]) == (
        4,
        ["scheme-owner", "manufacturer"],
    )
    text = (EXAMPLES / "smart-speaker-bsi.yaml").read_text(encoding="utf-8")
    body = {"product": reg.product("maker", text), "scheme": "sg-cls", "level": "2"}
    first = reg.post("maker", "/registry/applications", json=body).json()
    answer = reg.post(
        "csa",
        f"/registry/applications/{first['id']}/refuse",
        json={"reasons": ["the BSI label is not on BSI's list"]},
    )
    assert (answer.status_code, answer.json()["stage"]) == (200, "refused")
    assert [a["stage"] for a in reg.get("maker", "/registry/applications").json()["items"]] == [
        "refused"
    ]
    second = reg.post("maker", "/registry/applications", json=body).json()
    label = reg.post("csa", f"/registry/applications/{second['id']}/issue").json()
    one = reg.get("other", f"/registry/labels/{label['registration']}").json()
    assert (one["registration"], one["status"]) == ("CSA/310529/PS-000001", "active")

    # a server without PRODSEC_KEY_SECRET checks as usual, then refuses to sign: 503,
    # nothing written, the log untouched
    bare = TestClient(create_app(database, catalog, registry=Wiring(catalog, None)))
    headers = {"Authorization": f"Bearer {reg.tokens['csa']}"}
    before = reg.counts()
    answer = bare.post(
        f"/api/v1/registry/label-changes/revoke/{label['registration']}",
        headers=headers,
        json={"reason": "test"},
    )
    assert (answer.status_code, answer.json()["detail"]) == (
        503,
        "cannot sign: PRODSEC_KEY_SECRET is not set",
    )
    assert reg.counts() == before
    assert reg.get("csa", f"/registry/labels/{label['registration']}").json()["status"] == "active"
