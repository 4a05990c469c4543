"""The public log API on SQLite and PostgreSQL: heads, entries and proofs that verify,
and problem+json for what cannot be answered."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from prodsec.catalog import Catalog
from prodsec.registry import merkle
from prodsec.registry.events import Event, EventKind
from prodsec.registry.log import TransparencyLog
from prodsec.store.db import Database
from prodsec.store.log import SqlLogStore
from prodsec.web.app import create_app

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
PROBLEM = "application/problem+json"


class Signer:
    key_id = "api-test-key"

    def sign(self, data: bytes) -> bytes:
        return hmac.new(b"test", data, hashlib.sha256).digest()


def fill(database: Database) -> TransparencyLog:
    times = iter(range(1_796_029_200_000, 1_796_029_300_000, 1000))
    log = TransparencyLog(SqlLogStore(database), Signer(), lambda: next(times))
    for first, count in ((0, 5), (5, 8)):
        log.append(
            [
                Event.at(EventKind.ISSUE, f"sik-{i:05d}", T0 + dt.timedelta(hours=i), {"n": i})
                for i in range(first, first + count)
            ]
        )
    return log


@pytest.fixture
def client(database: Database, catalog: Catalog) -> Iterator[TestClient]:
    fill(database)
    with TestClient(create_app(database, catalog)) as found:
        yield found


def test_heads_are_public_and_exact(client: TestClient) -> None:
    latest = client.get("/api/v1/log/heads/latest").json()
    signature = Signer().sign(
        (1_796_029_201_000).to_bytes(8, "big")
        + (13).to_bytes(8, "big")
        + b"\x20"
        + bytes.fromhex(latest["root_hash"])
    )
    assert latest["tree_size"] == 13
    assert latest["timestamp"] == 1_796_029_201_000
    assert latest["key_id"] == "api-test-key"
    from prodsec.registry.canonical import b64url

    assert latest["signature"] == b64url(signature)
    assert client.get("/api/v1/log/heads/5").json()["tree_size"] == 5
    missing = client.get("/api/v1/log/heads/6")
    assert (missing.status_code, missing.headers["content-type"]) == (404, PROBLEM)
    assert missing.json()["detail"] == "unknown tree head 'size 6'"


def test_entries_come_in_pages_and_hash_to_their_leaves(client: TestClient) -> None:
    found = client.get("/api/v1/log/entries", params={"start": 10, "limit": 5}).json()
    assert (found["total"], found["offset"], found["limit"]) == (13, 10, 5)
    assert [e["index"] for e in found["items"]] == [10, 11, 12]
    first = found["items"][0]
    assert first["record"] == (
        '{"kind":"issue","payload":{"n":10},"subject":"sik-00010","time":"2026-11-30T19:00:00Z"}'
    )
    assert first["event"]["subject"] == "sik-00010"
    assert merkle.leaf_hash(first["record"].encode()).hex() == first["leaf_hash"]


def test_proofs_verify_against_the_heads(client: TestClient) -> None:
    root5 = bytes.fromhex(client.get("/api/v1/log/heads/5").json()["root_hash"])
    root13 = bytes.fromhex(client.get("/api/v1/log/heads/latest").json()["root_hash"])
    proof = client.get("/api/v1/log/proofs/inclusion", params={"index": 3, "size": 5}).json()
    assert (proof["leaf_index"], proof["tree_size"], proof["root_hash"]) == (3, 5, root5.hex())
    path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
    merkle.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), 3, 5, path, root5)
    by_hash = client.get(
        "/api/v1/log/proofs/inclusion", params={"leaf_hash": proof["leaf_hash"]}
    ).json()
    assert (by_hash["leaf_index"], by_hash["tree_size"]) == (3, 13)
    path = [bytes.fromhex(h) for h in by_hash["inclusion_path"]]
    merkle.verify_inclusion(bytes.fromhex(proof["leaf_hash"]), 3, 13, path, root13)
    consistency = client.get("/api/v1/log/proofs/consistency", params={"first": 5}).json()
    assert (consistency["first"], consistency["second"]) == (5, 13)
    assert (consistency["first_root"], consistency["second_root"]) == (root5.hex(), root13.hex())
    path = [bytes.fromhex(h) for h in consistency["consistency_path"]]
    merkle.verify_consistency(5, 13, root5, root13, path)


@pytest.mark.parametrize(
    ("path", "params", "status", "detail"),
    [
        (
            "inclusion",
            {"index": 13},
            400,
            "index: leaf index 13 is outside a tree of size 13 (0..12)",
        ),
        ("inclusion", {"index": 1, "size": 14}, 400, "size: tree size 14 is outside 0..13"),
        ("inclusion", {}, 400, "index: give either index or leaf_hash"),
        (
            "inclusion",
            {"index": 1, "leaf_hash": "00"},
            400,
            "index: give either index or leaf_hash",
        ),
        (
            "inclusion",
            {"leaf_hash": "zz" * 32},
            400,
            f"leaf_hash: not a SHA-256 hash in hex (64 hex digits): '{'zz' * 32}'",
        ),
        ("inclusion", {"leaf_hash": "00" * 32}, 404, f"unknown leaf hash '{'00' * 32}'"),
        (
            "consistency",
            {"first": 9, "second": 5},
            400,
            "first: the first tree size 9 must be between 0 and the second, 5",
        ),
        ("consistency", {"first": 1, "second": 20}, 400, "second: tree size 20 is outside 0..13"),
    ],
)
def test_bad_questions_are_problems(
    client: TestClient, path: str, params: dict[str, object], status: int, detail: str
) -> None:
    answer = client.get(f"/api/v1/log/proofs/{path}", params=params)
    assert (answer.status_code, answer.headers["content-type"]) == (status, PROBLEM)
    assert answer.json()["detail"] == detail


def test_an_empty_log_has_no_head(database: Database, catalog: Catalog) -> None:
    with TestClient(create_app(database, catalog)) as client:
        answer = client.get("/api/v1/log/heads/latest")
    assert (answer.status_code, answer.json()["detail"]) == (404, "unknown tree head 'latest'")


def test_the_entries_about_a_subject_come_in_pages(database: Database, catalog: Catalog) -> None:
    """`GET /api/v1/log/about`: the entries whose records name a subject, in log order,
    among the latest head's (or `size`) entries, paged; bounded questions."""
    log = fill(database)
    log.append(
        [
            Event.at(EventKind.REVOKE, "sik-00002", T0, {"n": 13}),
            Event.at(EventKind.RENEW, "sik-00007", T0, {"n": 14}),
        ]
    )
    with TestClient(create_app(database, catalog)) as client:

        def about(**params: object) -> dict[str, object]:
            answer = client.get("/api/v1/log/about", params=params)
            assert answer.status_code == 200, answer.text
            found: dict[str, object] = answer.json()
            return found

        whole = about(subject="sik-00002")
        items = client.get("/api/v1/log/entries", params={"start": 0, "limit": 15}).json()["items"]
        assert whole == {"items": [items[2], items[13]], "total": 2, "offset": 0, "limit": 100}
        assert about(subject="sik-00002", offset=1, limit=1) == {
            "items": [items[13]], "total": 2, "offset": 1, "limit": 1,
        }  # fmt: skip
        assert about(subject="sik-00002", size=13)["items"] == [items[2]]
        assert about(subject="sik-99999") == {"items": [], "total": 0, "offset": 0, "limit": 100}
        for params in ({}, {"subject": ""}, {"subject": "x" * 201}, {"subject": "a", "limit": 501}):
            answer = client.get("/api/v1/log/about", params=params)
            assert (answer.status_code, answer.headers["content-type"]) == (400, PROBLEM)


def test_an_empty_log_has_no_entries_about_anything(database: Database, catalog: Catalog) -> None:
    with TestClient(create_app(database, catalog)) as client:
        answer = client.get("/api/v1/log/about", params={"subject": "sik-00001"})
    assert answer.json() == {"items": [], "total": 0, "offset": 0, "limit": 100}
