"""Proposals through the API: a contributor proposes a date correction with its source,
an editor outside the remit is refused, the editor within it asks for changes and then
accepts; the patch is written and checked; comments are rate-limited and shown escaped;
a published crosswalk becomes proposals with its agreement report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.web.app import create_app

ADMIN, EDITOR, OTHER, ALICE = (
    "root@example.org",
    "ed@example.org",
    "uk@example.org",
    "al@example.org",
)
PASSWORD = "a long enough password"
DATE = "date:eu-cra@2024-2847:applies:Art14"


def token(client: TestClient, email: str) -> dict[str, str]:
    answer = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201
    return {"Authorization": f"Bearer {answer.json()['token']}"}


@pytest.fixture
def site(
    database: Database, catalog: Catalog
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    with database.session() as s:
        accounts.create_user(s, ADMIN, PASSWORD, is_admin=True)
        for email in (EDITOR, OTHER, ALICE):
            accounts.create_user(s, email, PASSWORD)
    with TestClient(create_app(database, catalog)) as client:
        who = {e: token(client, e) for e in (ADMIN, EDITOR, OTHER, ALICE)}
        for email, kind, scope in (
            (EDITOR, "jurisdiction", "EU"),
            (OTHER, "instrument", "uk-psti"),
        ):
            granted = client.post(
                "/api/v1/editors", headers=who[ADMIN],
                json={"email": email, "scope_kind": kind, "scope": scope},
            )  # fmt: skip
            assert granted.status_code == 201, granted.text
        yield client, who


def test_a_date_correction_from_proposal_to_patch(
    site: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, who = site
    body = {
        "fact": DATE,
        "field": "date",
        "value": "2026-09-12",
        "source": {
            "citation": "Regulation (EU) 2024/2847, Article 71(2)",
            "quote": "shall apply from",
        },
        "rationale": "A test correction.",
    }
    made = client.post("/api/v1/proposals", headers=who[ALICE], json=body)
    assert made.status_code == 201, made.text
    view = made.json()
    ident = view["id"]
    assert (view["current"], view["proposed"], view["status"]) == (
        "2026-09-11",
        "2026-09-12",
        "open",
    )
    assert view["instruments"] == ["eu-cra@2024-2847"]
    assert view["jurisdictions"] == ["EU"]
    outside = client.post(
        f"/api/v1/proposals/{ident}/decision", headers=who[OTHER], json={"decision": "accept"}
    )
    assert outside.status_code == 403
    assert outside.json()["detail"] == (
        f"proposal {ident} concerns eu-cra@2024-2847: outside your remit as an editor"
    )
    reasonless = client.post(
        f"/api/v1/proposals/{ident}/decision", headers=who[EDITOR], json={"decision": "reject"}
    )
    assert reasonless.status_code == 400
    assert reasonless.json()["detail"] == "reason: must not be empty"
    asked = client.post(
        f"/api/v1/proposals/{ident}/decision", headers=who[EDITOR],
        json={"decision": "request-changes", "reason": "Quote the article's words."},
    )  # fmt: skip
    assert asked.json()["status"] == "changes-requested"
    revised = client.post(
        f"/api/v1/proposals/{ident}/revision", headers=who[ALICE],
        json={"rationale": "Article 71(2) as published."},
    )  # fmt: skip
    assert revised.json()["status"] == "open"
    accepted = client.post(
        f"/api/v1/proposals/{ident}/decision", headers=who[EDITOR], json={"decision": "accept"}
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["has_patch"] is True
    patch = client.get(f"/api/v1/proposals/{ident}/patch").json()
    download = client.get(f"/proposals/{ident}.patch")
    assert download.headers["content-type"] == "text/x-diff; charset=utf-8"
    assert download.text == patch["patch"]
    lines = patch["patch"].splitlines()
    assert lines[:4] == [
        f"# proposal {ident}: change {DATE} date",
        "# source: Regulation (EU) 2024/2847, Article 71(2)",
        "--- a/instruments/eu-cra/2024-2847.yaml",
        "+++ b/instruments/eu-cra/2024-2847.yaml",
    ]
    assert [ln[:40] for ln in lines if ln.startswith(("-  ", "+  "))] == [
        "-  - {kind: applies, date: 2026-09-11, r",
        "+  - {kind: applies, date: 2026-09-12, r",
    ]
    again = client.post(
        f"/api/v1/proposals/{ident}/decision", headers=who[EDITOR], json={"decision": "accept"}
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (
            {"fact": "requirement:eu-cra@2024-2847:Art99", "field": "gist", "value": "x"},
            400,
            "fact: no such fact in the catalog: 'requirement:eu-cra@2024-2847:Art99'",
        ),
        (
            {"fact": DATE, "field": "refs", "value": "x"},
            400,
            "field: date facts can change confidence, date, note",
        ),
        (
            {"fact": DATE, "field": "date", "value": "2026-09-11"},
            400,
            "value: the proposed value is the current one",
        ),
        (
            {"fact": DATE, "field": "date", "value": "soon"},
            400,
            "value: not a day (YYYY-MM-DD): 'soon'",
        ),
    ],
)
def test_bad_proposals_are_refused(
    site: tuple[TestClient, dict[str, dict[str, str]]],
    body: dict[str, str],
    status: int,
    detail: str,
) -> None:
    client, who = site
    sent = body | {"source": {"citation": "somewhere"}, "rationale": "why"}
    answer = client.post("/api/v1/proposals", headers=who[ALICE], json=sent)
    assert (answer.status_code, answer.json()["detail"]) == (status, detail)
    assert client.get("/api/v1/proposals").json()["total"] == 0


def test_a_source_needs_a_citation(site: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, who = site
    sent = {
        "fact": DATE,
        "field": "note",
        "value": "x",
        "source": {"citation": " "},
        "rationale": "y",
    }
    answer = client.post("/api/v1/proposals", headers=who[ALICE], json=sent)
    assert (answer.status_code, answer.json()["detail"]) == (
        400,
        "source.citation: must not be empty",
    )


def test_a_patch_that_breaks_the_catalog_is_refused(
    site: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, who = site
    sent = {
        "fact": "requirement:eu-cra@2024-2847:Art14-1", "field": "status", "value": "Q",
        "source": {"citation": "x"}, "rationale": "y",
    }  # fmt: skip
    ident = client.post("/api/v1/proposals", headers=who[ALICE], json=sent).json()["id"]
    answer = client.post(
        f"/api/v1/proposals/{ident}/decision", headers=who[EDITOR], json={"decision": "accept"}
    )
    assert answer.status_code == 422
    problems = answer.json()["errors"]
    assert problems[0]["file"].endswith("instruments/eu-cra/2024-2847.yaml")
    assert problems[0]["field"] == "requirements[Art14-1].status"
    assert client.get(f"/api/v1/proposals/{ident}").json()["status"] == "open"


def test_comments_are_limited_and_kept_as_text(
    site: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, who = site
    subject = "requirement:uk-psti@2025-12-04:Sch1-1"
    for n in range(5):
        made = client.post(
            "/api/v1/comments", headers=who[ALICE],
            json={"subject": subject, "body": f"<script>alert({n})</script> *point {n}*"},
        )  # fmt: skip
        assert made.status_code == 201
    sixth = client.post(
        "/api/v1/comments", headers=who[ALICE], json={"subject": subject, "body": "x"}
    )
    assert sixth.status_code == 429
    listed = client.get("/api/v1/comments", params={"subject": subject}).json()["comments"]
    assert [c["body"] for c in listed][:1] == ["<script>alert(0)</script> *point 0*"]
    unknown = client.post(
        "/api/v1/comments",
        headers=who[OTHER],
        json={"subject": "requirement:uk-psti@2025-12-04:X9", "body": "x"},
    )
    assert (unknown.status_code, unknown.json()["detail"]) == (
        404,
        "unknown requirement 'uk-psti@2025-12-04:X9'",
    )


def test_a_published_crosswalk_becomes_proposals(
    site: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, who = site
    text = (
        "source,target,relationship,rationale\n"
        "uk-psti@2025-12-04:Sch1-2,block:vulnerability-disclosure-policy,equal,same\n"
        "uk-psti@2025-12-04:Sch1-2,block:security-advisories,intersects with,advisories too\n"
        "uk-psti@2025-12-04:Sch1-1,etsi-en-303-645@2.1.1:5.1-1,subset of,narrower\n"
    )
    answer = client.post(
        "/api/v1/proposals/import", headers=who[ALICE] | {"Content-Type": "text/csv"},
        params={"citation": "A test crosswalk"}, content=text,
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    found = answer.json()
    assert found["unchanged"] == 1
    assert found["agreement"]["counts"] == {
        "agrees": 1,
        "stronger": 0,
        "weaker": 0,
        "contradicts": 1,
        "new": 1,
    }
    assert [r["verdict"] for r in found["agreement"]["rows"]] == ["agrees", "new", "contradicts"]
    made = client.get("/api/v1/proposals", params={"batch": found["batch"]}).json()["items"]
    assert sorted((p["fact"], p["action"], p["proposed"], p["origin"]) for p in made) == [
        (
            "mapping:uk-psti@2025-12-04:Sch1-1->req:etsi-en-303-645@2.1.1:5.1-1",
            "change",
            "subset-of",
            "published crosswalk",
        ),
        (
            "mapping:uk-psti@2025-12-04:Sch1-2->block:security-advisories",
            "add",
            "intersects-with",
            "published crosswalk",
        ),
    ]
    bad = client.post(
        "/api/v1/proposals/import", headers=who[ALICE] | {"Content-Type": "text/csv"},
        params={"citation": "x"}, content="source,target,relationship\nnope,block:x,equal\n",
    )  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["message"] == "no requirement or block 'nope'"


def test_comments_show_markdown_never_markup(
    site: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, who = site
    subject = "requirement:uk-psti@2025-12-04:Sch1-2"
    body = "<img src=x onerror=alert(1)> **bold** [link](javascript:alert(1)) [ok](https://example.org)"
    made = client.post(
        "/api/v1/comments", headers=who[ALICE], json={"subject": subject, "body": body}
    )
    assert made.status_code == 201
    html = client.get("/instruments/uk-psti@2025-12-04/requirements/Sch1-2").text
    assert "&lt;img src=x onerror=alert(1)&gt; <strong>bold</strong>" in html
    assert '<a href="https://example.org">ok</a>' in html
    assert "javascript:alert" not in html.replace("[link](javascript:alert(1))", "")
    assert "<img" not in html.split('id="discussion"')[1]
