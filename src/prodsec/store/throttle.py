"""The sign-in throttle: attempts recorded before any password is checked, counted per
account and client, per account and per client.

Each attempt is written (and the limits counted) in one short transaction that holds the
table's write lock, so concurrent attempts are counted one after another and a limit
holds exactly: the 6th of 20 simultaneous guesses is refused, never checked. A wrong
password keeps its row (a failure); a right one deletes it with the earlier failures of
its account from that client. Times are Unix seconds.

The limits (docs/web.md, "Sign-in limits"):

- `attempts` per account from one client (5 in 15 minutes): a guesser is slowed at once,
  while the owner, from another address, can still sign in;
- `account_ceiling` per account from all clients together (50): many addresses guessing
  one password are stopped too; a stranger can lock an account out only by spending that
  many attempts from many addresses;
- `client_ceiling` per client over all accounts (20): one address cannot spread its
  guesses over many emails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, select, text
from sqlalchemy.orm import Session

from prodsec.errors import TooManyRequestsError
from prodsec.store.models import SignInFailure

KEEP = 30 * 24 * 3600
"""Failures older than this are pruned (the notice at the next sign-in counts in the
account itself, not here)."""


class ThrottledError(TooManyRequestsError):
    """Too many sign-in attempts lately; try again after `retry_after` seconds."""

    title = "Too many sign-ins"

    def __init__(self, wait: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {wait} s", retry_after=wait)


@dataclass(frozen=True, slots=True)
class Throttle:
    """The limits, in attempts per `window` seconds (see the module's text)."""

    attempts: int = 5
    account_ceiling: int = 50
    client_ceiling: int = 20
    window: int = 900

    def admit(self, session: Session, email: str, client: str, now: float) -> int:
        """Record an attempt and return its id, or ThrottledError when it is over a limit
        (then the caller's transaction rolls back and nothing stays written)."""
        if session.get_bind().dialect.name == "postgresql":
            # attempts wait for each other here; SQLite's write lock, taken by the insert
            # below, does the same
            session.execute(text("LOCK TABLE sign_in_failures IN SHARE ROW EXCLUSIVE MODE"))
        attempt = SignInFailure(email=email, client=client, at=now)
        session.add(attempt)
        session.flush()
        by_email, by_client = SignInFailure.email == email, SignInFailure.client == client
        for where, limit in (
            (and_(by_email, by_client), self.attempts),
            (by_email, self.account_ceiling),
            (by_client, self.client_ceiling),
        ):
            self._check(session, where, limit, now)
        session.execute(delete(SignInFailure).where(SignInFailure.at <= now - KEEP))
        return attempt.id

    def _check(self, session: Session, where: ColumnElement[bool], limit: int, now: float) -> None:
        recent = select(SignInFailure.at).where(where, SignInFailure.at > now - self.window)
        times = session.scalars(recent.order_by(SignInFailure.at).limit(limit + 1)).all()
        if len(times) > limit:
            raise ThrottledError(max(1, math.ceil(self.window - (now - times[0]))))

    @staticmethod
    def settle(session: Session, attempt: int, email: str, client: str) -> None:
        """A right password: the attempt and the account's failures from that client go."""
        session.execute(
            delete(SignInFailure).where(
                (SignInFailure.id == attempt)
                | ((SignInFailure.email == email) & (SignInFailure.client == client))
            )
        )
