"""Catalog changes and dates coming into force: pages, Atom and JSON Feed, the API."""

from __future__ import annotations

from defusedxml import ElementTree as SafeET
from fastapi.testclient import TestClient

A = "{http://www.w3.org/2005/Atom}"


def test_the_changes_feed_is_atom_with_stable_ids(web: TestClient) -> None:
    answer = web.get("/changes.atom?since=21")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
    root = SafeET.fromstring(answer.content)
    assert root.tag == f"{A}feed"
    # RFC 4287 4.1.1: a feed has exactly one id, title and updated, and an author
    for name in ("id", "title", "updated", "author"):
        assert len(root.findall(f"{A}{name}")) == 1, name
    assert root.findtext(f"{A}id") == "tag:prodsec.dev,2026:catalog-changes?since=21"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links == {
        "self": "http://testserver/changes.atom?since=21",
        "alternate": "http://testserver/changes?since=21",
    }
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}id") for e in entries] == [
        "tag:prodsec.dev,2026:catalog-revision/23",
        "tag:prodsec.dev,2026:catalog-revision/22",
    ]
    newest = entries[0]
    assert (
        newest.findtext(f"{A}title")
        == "Revision 23: 3 editions changed (label.registration_template 3)"
    )
    assert newest.findtext(f"{A}updated") == "2026-11-30T12:00:00Z"
    assert newest.find(f"{A}content").get("type") == "text"  # type: ignore[union-attr]
    assert "changed edition sg-cls@2025 (label.registration_template)" in (
        newest.findtext(f"{A}content") or ""
    )


def test_the_changes_json_feed(web: TestClient) -> None:
    answer = web.get("/changes.json?since=22&jurisdiction=SG")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/feed+json; charset=utf-8"
    feed = answer.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "http://testserver/changes.json?jurisdiction=SG&since=22"
    assert [i["id"] for i in feed["items"]] == ["tag:prodsec.dev,2026:catalog-revision/23"]
    assert feed["items"][0]["title"] == (
        "Revision 23: 2 editions changed (label.registration_template 2)"
    )  # BSI's edition is German, not Singapore's
    assert feed["items"][0]["tags"] == ["edition"]


def test_the_changes_page_and_its_filters(web: TestClient) -> None:
    page = web.get("/changes?since=22&instrument=sg-cls")
    assert page.status_code == 200
    assert '<link rel="alternate" type="application/atom+xml"' in page.text
    assert "Revision 23" in page.text
    assert "Revision 22" not in page.text
    assert '<th scope="row">sg-cls@2025</th><td>label.registration_template</td>' in page.text
    unknown = web.get("/changes?jurisdiction=XX")
    assert unknown.status_code == 404
    assert "unknown jurisdiction" in unknown.text


def test_coming_into_force_counts_from_the_day(web: TestClient) -> None:
    answer = web.get("/api/v1/catalog/coming?today=2026-11-30&jurisdiction=EU&behind=90&ahead=400")
    assert answer.status_code == 200
    rows = [
        (d["date"], d["days"], d["kind"], d["instrument"], d["refs"])
        for d in answer.json()["dates"]
    ]
    cra = [r for r in rows if r[3].startswith("eu-cra")]
    assert ("2026-09-11", -80, "applies", cra[0][3], cra[0][4]) == cra[0]
    assert any(r[0] == "2027-12-11" and r[1] == 376 for r in cra)
    assert rows == sorted(rows, key=lambda r: r[0])
    feed = web.get("/coming.atom?today=2026-11-30&jurisdiction=EU&ahead=400")
    root = SafeET.fromstring(feed.content)
    ids = [e.findtext(f"{A}id") or "" for e in root.findall(f"{A}entry")]
    assert ids
    assert all(i.startswith("tag:prodsec.dev,2026:coming/") for i in ids)
    assert len(ids) == len(set(ids))
    page = web.get("/coming?today=2026-11-30&jurisdiction=EU")
    assert "80 days ago" in page.text


def test_changes_api_matches_the_feed(web: TestClient) -> None:
    answer = web.get("/api/v1/catalog/changes?since=2026-11-30&instrument=de-bsi-itsk")
    assert answer.status_code == 200
    found = answer.json()["revisions"]
    assert [r["id"] for r in found] == [23, 20, 14, 13]  # newest first
    assert found[0]["changes"][0]["key"] == "edition:de-bsi-itsk@2021"
    bad = web.get("/api/v1/catalog/changes?since=soon")
    assert bad.status_code == 400
    assert bad.json()["detail"] == (
        "since: 'soon' is neither a revision number nor a day (YYYY-MM-DD)"
    )
