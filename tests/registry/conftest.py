"""Fixtures of the log tests: a signer (HMAC-SHA-256 under a fixed key stands in for the
key store's Ed25519 keys: the log only needs `key_id` and `sign`), a clock, events."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session

from prodsec.catalog import Catalog
from prodsec.registry.events import Event, EventKind
from prodsec.registry.log import TreeHead
from prodsec.registry.rules import Role
from prodsec.store import accounts, registry, repo
from prodsec.store.audit import CLI
from prodsec.store.models import User

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
KEY = b"not a real key"


class HmacSigner:
    key_id = "test-key-1"

    def sign(self, data: bytes) -> bytes:
        return hmac.new(KEY, data, hashlib.sha256).digest()


class Clock:
    """Milliseconds that move one second per call, from 2026-11-30 09:00 UTC."""

    def __init__(self) -> None:
        self.now = int(T0.timestamp() * 1000)

    def __call__(self) -> int:
        self.now += 1000
        return self.now


def make_events(count: int, first: int = 0) -> list[Event]:
    kinds = list(EventKind)
    return [
        Event.at(
            kinds[i % len(kinds)],
            f"CSA/311228/{i:05d}",
            T0 + dt.timedelta(minutes=i),
            {"level": 1 + i % 4, "reason": None if i % 3 else "test"},
        )
        for i in range(first, first + count)
    ]


def head_check(head: TreeHead) -> str | None:
    good = HmacSigner().sign(head.signed_bytes())
    return None if hmac.compare_digest(good, head.signature) else "its signature is wrong"


@pytest.fixture
def signer() -> HmacSigner:
    return HmacSigner()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def events() -> Callable[..., list[Event]]:
    """`events(count, first=0)`: made-up registry events, one a minute."""
    return make_events


@pytest.fixture
def signature_check() -> Callable[[TreeHead], str | None]:
    return head_check


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ON = dt.date(2026, 6, 1)


def with_owner(s: Session, catalog: Catalog) -> tuple[User, str]:
    """The scheme owner, and a BSI-labelled speaker's application for CLS level 2 through
    recognition, waiting for the owner."""
    owner = accounts.create_user(s, "o@csa.test", "a long password", False, "CSA", True)
    maker = accounts.create_user(s, "m@b.test", "a long password", False, "B", True)
    registry.grant(s, catalog, None, CLI, "CSA", "sg-cls", Role.SCHEME_OWNER)
    registry.grant(s, catalog, None, CLI, "B", "sg-cls", Role.MANUFACTURER)
    data = yaml.safe_load((EXAMPLES / "smart-speaker-bsi.yaml").read_text(encoding="utf-8"))
    visibility = repo.Visibility(maker.organisation_id)
    product = repo.create_product(s, visibility, repo.parse(catalog, data, "b"), data)
    app = registry.apply(s, catalog, maker, CLI, product.id, "sg-cls", "2", None, ON)
    return owner, app.id
