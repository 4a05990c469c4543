"""Sign-in under load and abuse: the throttle's limits hold exactly under concurrency,
per account and client, per account and per client; the hash holds no connection; a huge
email is refused before any work; the next sign-in tells of failed ones."""

from __future__ import annotations

import datetime as dt
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from prodsec.errors import BadInputError, NotFoundError
from prodsec.store import accounts
from prodsec.store.db import Database
from prodsec.store.models import SignInFailure, User
from prodsec.store.throttle import Throttle, ThrottledError

EMAIL, PASSWORD = "maker@example.org", "correct horse battery"


class Hashes:
    """Counts the password checks, and the database connections open during each."""

    def __init__(self, db: Database) -> None:
        self.db, self.count, self.connections = db, 0, set[int]()
        self._lock = threading.Lock()
        self._real = accounts.verify_password

    def __call__(self, password: str, stored: str) -> bool:
        with self._lock:
            self.count += 1
            self.connections.add(self.db.engine.pool.checkedout())  # type: ignore[attr-defined]
        return self._real(password, stored)


@pytest.fixture
def hashes(database: Database, monkeypatch: pytest.MonkeyPatch) -> Hashes:
    with database.session() as s:
        accounts.create_user(s, EMAIL, PASSWORD)
    counter = Hashes(database)
    monkeypatch.setattr(accounts, "verify_password", counter)
    return counter


def _try(db: Database, throttle: Throttle, email: str, password: str, client: str) -> str:
    try:
        accounts.sign_in(db, email, password, "api", client, throttle)
    except ThrottledError:
        return "throttled"
    except accounts.SignInError:
        return "wrong"
    return "signed in"


def test_twenty_concurrent_guesses_check_exactly_five(database: Database, hashes: Hashes) -> None:
    throttle = Throttle()
    with ThreadPoolExecutor(20) as pool:
        outcomes = list(
            pool.map(lambda _: _try(database, throttle, EMAIL, "wrong guess!", "x"), range(20))
        )
    assert sorted(outcomes).count("wrong") == 5
    assert outcomes.count("throttled") == 15
    assert hashes.count == 5
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(SignInFailure)) == 5
        assert s.scalar(select(User.failed_sign_ins)) == 5


def test_a_stranger_does_not_lock_the_owner_out(database: Database, hashes: Hashes) -> None:
    throttle = Throttle(attempts=2, account_ceiling=4, client_ceiling=3)
    for _ in range(2):
        assert _try(database, throttle, EMAIL, "wrong guess!", "stranger") == "wrong"
    assert _try(database, throttle, EMAIL, PASSWORD, "stranger") == "throttled"
    # the owner, from another address, still gets in; their success clears only their own
    assert _try(database, throttle, EMAIL, "typo typo typo", "owner") == "wrong"
    assert _try(database, throttle, EMAIL, PASSWORD, "owner") == "signed in"
    assert _try(database, throttle, EMAIL, PASSWORD, "stranger") == "throttled"
    # many addresses together meet the account-wide ceiling
    assert _try(database, throttle, EMAIL, "wrong guess!", "third") == "wrong"
    assert _try(database, throttle, EMAIL, "wrong guess!", "fourth") == "wrong"
    assert _try(database, throttle, EMAIL, PASSWORD, "fifth") == "throttled"
    assert hashes.count == 6
    assert hashes.connections == {0}  # no connection is held while a password is hashed


def test_one_client_cannot_spread_guesses_over_many_emails(
    database: Database, hashes: Hashes
) -> None:
    throttle = Throttle(client_ceiling=3)
    for n in range(3):
        assert _try(database, throttle, f"user{n}@example.org", "guess guess!", "x") == "wrong"
    assert _try(database, throttle, "user9@example.org", "guess guess!", "x") == "throttled"
    assert _try(database, throttle, EMAIL, PASSWORD, "y") == "signed in"
    assert hashes.count == 1  # the owner's; unknown emails cost a dummy hash, not a check
    with database.session() as s:
        failed = s.scalars(select(SignInFailure.email).order_by(SignInFailure.id)).all()
        assert failed == [f"user{n}@example.org" for n in range(3)]


def test_a_huge_email_or_password_is_refused_before_any_work(
    database: Database, hashes: Hashes
) -> None:
    throttle = Throttle()
    huge = "a" * 400_000 + "@example.org"
    with pytest.raises(BadInputError, match=r"^email: at most 254 characters$"):
        accounts.sign_in(database, huge, PASSWORD, "api", "x", throttle)
    with pytest.raises(accounts.SignInError):
        accounts.sign_in(database, EMAIL, "p" * 400_000, "api", "x", throttle)
    assert hashes.count == 0
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(SignInFailure)) == 0


def test_the_next_sign_in_tells_of_failed_ones_once(database: Database, hashes: Hashes) -> None:
    throttle = Throttle()
    for _ in range(3):
        assert _try(database, throttle, EMAIL, "wrong guess!", "x") == "wrong"
    first = accounts.sign_in(database, " Maker@Example.ORG ", PASSWORD, "browser", "x", throttle)
    assert (first.failures, first.since, first.day) == (3, None, "")
    assert accounts.notice(first.failures, first.day) == (
        "3 failed sign-in attempts since your last sign-in"
    )
    again = accounts.sign_in(database, EMAIL, PASSWORD, "browser", "x", throttle)
    assert (again.failures, accounts.notice(again.failures, again.day)) == (0, None)
    assert again.since is not None
    assert _try(database, throttle, EMAIL, "wrong guess!", "y") == "wrong"
    third = accounts.sign_in(database, EMAIL, PASSWORD, "api", "x", throttle)
    today = f"{dt.datetime.now(dt.UTC):%Y-%m-%d}"
    assert accounts.notice(third.failures, third.day) == (
        f"1 failed sign-in attempt since your last sign-in on {today}"
    )
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", third.day)


def test_sessions_are_listed_and_revoked_by_their_owner_only(database: Database) -> None:
    with database.session() as s:
        owner = accounts.create_user(s, EMAIL, PASSWORD)
        other = accounts.create_user(s, "other@example.org", PASSWORD)
    browser = accounts.sign_in(database, EMAIL, PASSWORD, "browser")
    api = accounts.sign_in(database, EMAIL, PASSWORD, "api")
    theirs = accounts.sign_in(database, "other@example.org", PASSWORD, "api")
    with database.session() as s:
        logins = accounts.logins_of(s, owner.id)
        assert sorted(login.kind for login in logins) == ["api", "browser"]
        assert [accounts.is_token(login, browser.token) for login in logins].count(True) == 1
        assert accounts.login_for(s, api.token) is not None
        (stranger,) = accounts.logins_of(s, other.id)
        with pytest.raises(NotFoundError, match=f"^unknown session '{stranger.id}'$"):
            accounts.revoke(s, owner.id, stranger.id)
        for odd, shown in (("x" * 4000, "x" * 36), ("a\x00b", "a\x00b")):
            with pytest.raises(NotFoundError, match=rf"^unknown session '{shown}'$"):
                accounts.revoke(s, owner.id, odd)
        mine = next(login for login in logins if login.kind == "api")
        accounts.revoke(s, owner.id, mine.id)
    with database.session() as s:
        assert accounts.user_for(s, api.token) is None
        assert accounts.user_for(s, browser.token) is not None
        assert accounts.user_for(s, theirs.token) is not None


def test_odd_stored_hashes_and_vanished_accounts_sign_no_one_in(database: Database) -> None:
    assert accounts.verify_password(PASSWORD, "md5$abc") is False
    with database.session() as s, pytest.raises(BadInputError, match=r"^password: at most 1024"):
        accounts.create_user(s, EMAIL, "p" * 1025)
    gone = accounts._Checked("no-such-id", EMAIL, "x", None, None)
    with pytest.raises(accounts.SignInError):
        accounts.record_success(database, gone, "api")
