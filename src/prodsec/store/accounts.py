"""Users, passwords and sign-in tokens.

Passwords are hashed with scrypt (standard library) and a random salt. A sign-in is a
random token handed to the client once; the database keeps its SHA-256 and an expiry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
import time

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from prodsec.errors import (
    BadInputError,
    ConflictError,
    NotFoundError,
    TooManyRequestsError,
    UnauthenticatedError,
)
from prodsec.store.db import Database
from prodsec.store.models import Comment, Login, Organisation, SignInFailure, User

ADMIN = "admin@localhost"
LIFETIME = {"browser": dt.timedelta(hours=12), "api": dt.timedelta(days=30)}
MIN_PASSWORD = 12


class SignInError(UnauthenticatedError):
    """Wrong email or password; the message never says which."""

    title = "Sign-in failed"

    def __init__(self) -> None:
        super().__init__("the email or the password is wrong")


class ThrottledError(TooManyRequestsError):
    """Too many failed sign-ins for one email lately; try again after `retry_after`
    seconds."""

    title = "Too many sign-ins"

    def __init__(self, wait: int) -> None:
        super().__init__(f"too many failed sign-ins; try again in {wait} s", retry_after=wait)


class Throttle:
    """At most `attempts` failed sign-ins per email in `window` seconds. The failures are
    kept in the database, each written in its own transaction (a failed sign-in rolls its
    own session back), so the count holds across restarts and between server workers.
    Times are Unix seconds."""

    def __init__(self, db: Database, attempts: int = 5, window: int = 900) -> None:
        self.db, self.attempts, self.window = db, attempts, window

    def check(self, email: str, now: float) -> None:
        with self.db.session() as s:
            s.execute(delete(SignInFailure).where(SignInFailure.at <= now - self.window))
            recent = s.scalars(
                select(SignInFailure.at)
                .where(SignInFailure.email == email)
                .order_by(SignInFailure.at)
            ).all()
        if len(recent) >= self.attempts:
            raise ThrottledError(math.ceil(self.window - (now - recent[0])))

    def failed(self, email: str, now: float) -> None:
        with self.db.session() as s:
            s.add(SignInFailure(email=email, at=now))

    def succeeded(self, email: str) -> None:
        with self.db.session() as s:
            s.execute(delete(SignInFailure).where(SignInFailure.email == email))


def hash_password(password: str) -> str:
    """scrypt with a random salt, stored as `scrypt$salt$hash` (hex)."""
    salt = secrets.token_bytes(16)
    return f"scrypt${salt.hex()}${_scrypt(password, salt).hex()}"


def _scrypt(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


def verify_password(password: str, stored: str) -> bool:
    kind, salt, digest = [*stored.split("$"), "", ""][:3]
    if kind != "scrypt" or not salt or not digest:
        return False
    return hmac.compare_digest(_scrypt(password, bytes.fromhex(salt)).hex(), digest)


def create_user(
    session: Session,
    email: str,
    password: str,
    is_admin: bool = False,
    organisation: str | None = None,
) -> User:
    """A new account; `organisation` names the organisation it belongs to (created when
    new), whose products the user sees and creates."""
    _check_password(password)
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise ConflictError(f"email: '{email}' already has an account")
    user = User(email=email, password_hash=hash_password(password), is_admin=is_admin)
    if organisation is not None:
        name = organisation.strip()
        if not name:
            raise BadInputError("the name is empty", field="organisation")
        found = session.scalar(select(Organisation).where(Organisation.name == name))
        user.organisation = found or Organisation(name=name)
    session.add(user)
    session.flush()
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadInputError(f"at least {MIN_PASSWORD} characters", field="password")


def _account(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        raise NotFoundError("account", email)
    return user


def set_password(session: Session, email: str, password: str) -> None:
    """A new password for an account; every session and API token it had is revoked."""
    _check_password(password)
    user = _account(session, email)
    user.password_hash = hash_password(password)
    session.execute(delete(Login).where(Login.user_id == user.id))


def remove_user(session: Session, email: str) -> None:
    """Delete an account and its sign-ins; the last administrator stays (someone must be
    able to sign in and add accounts)."""
    user = _account(session, email)
    if user.is_admin:
        admins = session.scalar(select(func.count()).select_from(User).where(User.is_admin))
        if admins == 1:
            raise ConflictError(f"email: '{email}' is the last administrator")
    session.execute(delete(Login).where(Login.user_id == user.id))
    # comments stay, without their author
    session.execute(update(Comment).where(Comment.user_id == user.id).values(user_id=None))
    session.delete(user)


def ensure_admin(session: Session, password: str | None = None) -> str | None:
    """Create the administrator when there is no user yet: with `password` when given,
    else a generated one, returned so it can be shown once. No default password exists."""
    if session.scalar(select(func.count()).select_from(User)):
        return None
    chosen = password or secrets.token_urlsafe(18)
    create_user(session, ADMIN, chosen, is_admin=True)
    return None if password else chosen


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    session: Session,
    email: str,
    password: str,
    kind: str,
    throttle: Throttle | None = None,
) -> tuple[str, dt.datetime]:
    """A new token of `kind` (browser or api) and its expiry, for a right email and
    password; SignInError otherwise (ThrottledError after too many failures). Also drops
    the user's expired tokens."""
    tick = time.time()
    if throttle:
        throttle.check(email, tick)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        _scrypt(password, b"0" * 16)  # the same work as for a known user
    if user is None or not verify_password(password, user.password_hash):
        if throttle:
            throttle.failed(email, tick)
        raise SignInError
    if throttle:
        throttle.succeeded(email)
    now = dt.datetime.now(dt.UTC)
    session.execute(delete(Login).where(Login.user_id == user.id, Login.expires < now))
    token = secrets.token_urlsafe(32)
    expires = now + LIFETIME[kind]
    session.add(Login(user_id=user.id, token_hash=_digest(token), kind=kind, expires=expires))
    session.flush()
    return token, expires


def user_for(session: Session, token: str) -> User | None:
    """The user a token signs in, while it has not expired."""
    login = session.scalar(select(Login).where(Login.token_hash == _digest(token)))
    if login is None:
        return None
    expires = login.expires if login.expires.tzinfo else login.expires.replace(tzinfo=dt.UTC)
    if expires <= dt.datetime.now(dt.UTC):
        return None
    return login.user


def sign_out(session: Session, token: str) -> None:
    session.execute(delete(Login).where(Login.token_hash == _digest(token)))
