"""Users, passwords and sign-in tokens.

Passwords are hashed with scrypt (standard library) and a random salt. A sign-in is a
random token handed to the client once; the database keeps its SHA-256 and an expiry.

Emails are stored as typed, stripped and lower-cased whole (`normal_email`): the domain
is case-insensitive by standard and nobody expects two accounts told apart by case in
the part before the @. A sign-in reads the address the same way.

A sign-in holds no database connection while it hashes: the attempt is recorded (and
throttled) in one short transaction, the password is checked outside it, at most
`HASHERS` at a time, and the outcome is written in a second one
(`record_success`, `record_failure`: the one place each where a sign-in ends).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from prodsec.errors import BadInputError, ConflictError, NotFoundError, UnauthenticatedError
from prodsec.store import audit
from prodsec.store.audit import Action, Target
from prodsec.store.db import Database
from prodsec.store.models import Comment, Login, Organisation, User
from prodsec.store.throttle import Throttle

ADMIN = "admin@localhost"
LIFETIME = {"browser": dt.timedelta(hours=12), "api": dt.timedelta(days=30)}
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
MAX_EMAIL = 254
"""The longest address SMTP carries (RFC 5321 with RFC 3696's erratum)."""
HASHERS = 4
"""Password hashes computed at once (each takes 16 MB and a core for ~50 ms)."""
USE_GRAIN = dt.timedelta(minutes=5)
"""A session's `last_used` is written at most this often."""

_hashing = threading.BoundedSemaphore(HASHERS)


class SignInError(UnauthenticatedError):
    """Wrong email or password; the message never says which."""

    title = "Sign-in failed"

    def __init__(self) -> None:
        super().__init__("the email or the password is wrong")


def normal_email(email: str) -> str:
    """The address as stored: stripped and lower-cased; BadInputError unless it is one
    non-empty name, one @, a non-empty domain, no spaces or control characters, at most
    MAX_EMAIL characters."""
    if len(email) > MAX_EMAIL + 64:  # refused before any other work
        raise BadInputError(f"at most {MAX_EMAIL} characters", field="email")
    address = email.strip().lower()
    if not address:
        raise BadInputError("the address is empty", field="email")
    if len(address) > MAX_EMAIL:
        raise BadInputError(f"at most {MAX_EMAIL} characters", field="email")
    name, at, domain = address.partition("@")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in address):
        raise BadInputError("no spaces or control characters", field="email")
    if not (name and at and domain) or "@" in domain:
        raise BadInputError("one @ between a name and a domain", field="email")
    return address


def hash_password(password: str) -> str:
    """scrypt with a random salt, stored as `scrypt$salt$hash` (hex)."""
    salt = secrets.token_bytes(16)
    return f"scrypt${salt.hex()}${_scrypt(password, salt).hex()}"


def _scrypt(password: str, salt: bytes) -> bytes:
    with _hashing:
        return hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)


def verify_password(password: str, stored: str) -> bool:
    kind, salt, digest = [*stored.split("$"), "", ""][:3]
    if kind != "scrypt" or not salt or not digest:
        _scrypt(password, b"0" * 16)  # the same work as for a real hash
        return False
    return hmac.compare_digest(_scrypt(password, bytes.fromhex(salt)).hex(), digest)


def create_user(
    session: Session,
    email: str,
    password: str,
    is_admin: bool = False,
    organisation: str | None = None,
    create_organisation: bool = False,
) -> User:
    """A new account; `organisation` names the organisation it belongs to, whose products
    the user sees and creates. An unknown organisation is a NotFoundError (with near
    matches) unless `create_organisation`."""
    address = normal_email(email)
    _check_password(password)
    if _find(session, address) is not None:
        raise ConflictError(f"email: '{address}' already has an account")
    user = User(email=address, password_hash=hash_password(password), is_admin=is_admin)
    if organisation is not None:
        user.organisation = _organisation(session, organisation, create_organisation)
    session.add(user)
    session.flush()
    audit.record(
        session,
        audit.CLI,
        Action.USER_ADDED,
        Target("user", address),
        "cli",
        organisation=user.organisation_id,
    )
    return user


def _organisation(session: Session, given: str, create: bool) -> Organisation:
    name = given.strip()
    if not name:
        raise BadInputError("the name is empty", field="organisation")
    found = session.scalar(select(Organisation).where(Organisation.name == name))
    if found is not None:
        return found
    if not create:
        names = list(session.scalars(select(Organisation.name)))
        near = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        near += [n for n in names if n.lower() == name.lower() and n not in near]
        raise NotFoundError("organisation", name, sorted(near))
    return Organisation(name=name)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise BadInputError(f"at least {MIN_PASSWORD} characters", field="password")
    if len(password) > MAX_PASSWORD:
        raise BadInputError(f"at most {MAX_PASSWORD} characters", field="password")


def _find(session: Session, address: str) -> User | None:
    """The account of a normal address, also one stored before addresses were
    lower-cased."""
    return session.scalar(
        select(User).where(func.lower(User.email) == address).order_by(User.created).limit(1)
    )


def _account(session: Session, email: str) -> User:
    user = _find(session, normal_email(email))
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
            raise ConflictError(f"email: '{user.email}' is the last administrator")
    session.execute(delete(Login).where(Login.user_id == user.id))
    # comments stay, without their author
    session.execute(update(Comment).where(Comment.user_id == user.id).values(user_id=None))
    session.delete(user)
    audit.record(session, audit.CLI, Action.USER_REMOVED, Target("user", user.email), "cli")


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


@dataclass(frozen=True, slots=True)
class SignIn:
    """A new token of a kind, its expiry, and the failed sign-ins on the account since
    its previous sign-in (`since`: when that was; None for the first)."""

    token: str
    expires: dt.datetime
    failures: int
    since: dt.datetime | None

    @property
    def day(self) -> str:
        """The day of the previous sign-in (YYYY-MM-DD), or "" for the first."""
        return f"{self.since:%Y-%m-%d}" if self.since else ""


def notice(failures: int, day: str) -> str | None:
    """The line a user reads once after signing in, or None when nothing failed."""
    if not failures:
        return None
    what = f"{failures} failed sign-in attempt{'s' if failures != 1 else ''}"
    return f"{what} since your last sign-in{f' on {day}' if day else ''}"


@dataclass(frozen=True, slots=True)
class _Checked:
    """A right password: whose, and the attempt the throttle recorded for it."""

    user_id: str
    email: str
    client: str
    attempt: int | None
    throttle: Throttle | None

    def settle(self, session: Session) -> None:
        if self.throttle is not None and self.attempt is not None:
            self.throttle.settle(session, self.attempt, self.email, self.client)


def _check(
    db: Database, email: str, password: str, client: str, throttle: Throttle | None
) -> _Checked:
    """The account whose password this is, or SignInError (ThrottledError when over a
    limit). The attempt is recorded first; the hash runs with no connection held."""
    address = normal_email(email)
    if len(password) > MAX_PASSWORD:
        raise SignInError
    client = client[:64]
    attempt = None
    with db.session() as s:
        if throttle is not None:
            attempt = throttle.admit(s, address, client, time.time())
        user = _find(s, address)
        found = (user.id, user.password_hash) if user is not None else None
    if found is None:
        _scrypt(password, b"0" * 16)  # the same work as for a known user
        record_failure(db, address, None, client)
        raise SignInError
    if not verify_password(password, found[1]):
        record_failure(db, address, found[0], client)
        raise SignInError
    return _Checked(found[0], address, client, attempt, throttle)


def record_failure(db: Database, email: str, user_id: str | None, client: str = "") -> None:
    """A wrong password for `email` (an account's, when `user_id`): the attempt's row stays
    for the throttle; the account counts it for the notice at its next sign-in; the audit
    log keeps the attempt (the throttle bounds how many a client can add)."""
    with db.session() as s:
        audit.record(s, email, Action.SIGN_IN_FAILED, Target("user", email), client)
        if user_id is not None:
            s.execute(
                update(User)
                .where(User.id == user_id)
                .values(failed_sign_ins=User.failed_sign_ins + 1)
            )


def record_success(db: Database, checked: _Checked, kind: str) -> SignIn:
    """A right password: a new token of `kind`; the attempt and the failures from this
    client go, the account's count of failures is read and reset, its expired tokens
    dropped."""
    now = dt.datetime.now(dt.UTC)
    with db.session() as s:
        checked.settle(s)
        user = s.get(User, checked.user_id, with_for_update=True)
        if user is None:  # removed while its password was checked
            raise SignInError
        failures, since = user.failed_sign_ins, user.last_sign_in
        user.failed_sign_ins, user.last_sign_in = 0, now
        s.execute(delete(Login).where(Login.user_id == user.id, Login.expires < now))
        token = secrets.token_urlsafe(32)
        expires = now + LIFETIME[kind]
        s.add(Login(user_id=user.id, token_hash=_digest(token), kind=kind, expires=expires))
        audit.record(
            s, user, Action.SIGNED_IN, Target("user", user.email), checked.client, {"kind": kind}
        )
    return SignIn(token, expires, failures, since)


def sign_in(
    db: Database,
    email: str,
    password: str,
    kind: str,
    client: str = "",
    throttle: Throttle | None = None,
) -> SignIn:
    """A new token of `kind` (browser or api), for a right email and password from
    `client` (its address); SignInError otherwise, ThrottledError over a limit,
    BadInputError for an address no account can have."""
    checked = _check(db, email, password, client, throttle)
    return record_success(db, checked, kind)


def change_password(
    db: Database,
    user: User,
    current: str,
    new: str,
    keep: str,
    client: str = "",
    throttle: Throttle | None = None,
) -> None:
    """A signed-in user's new password, once `current` is right (checked and throttled as
    a sign-in); every session and token but `keep` (this one) is revoked."""
    _check_password(new)
    checked = _check(db, user.email, current, client, throttle)
    hashed = hash_password(new)
    with db.session() as s:
        checked.settle(s)
        s.execute(update(User).where(User.id == user.id).values(password_hash=hashed))
        s.execute(delete(Login).where(Login.user_id == user.id, Login.token_hash != _digest(keep)))
        audit.record(s, user, Action.PASSWORD_CHANGED, Target("user", user.email), client)


def login_for(session: Session, token: str) -> Login | None:
    """The session or API token a secret names, while it has not expired; its `last_used`
    is brought up to date (to USE_GRAIN)."""
    login = session.scalar(select(Login).where(Login.token_hash == _digest(token)))
    if login is None:
        return None
    now = dt.datetime.now(dt.UTC)
    if _utc(login.expires) <= now:
        return None
    if login.last_used is None or now - _utc(login.last_used) >= USE_GRAIN:
        login.last_used = now
    return login


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def user_for(session: Session, token: str) -> User | None:
    """The user a token signs in, while it has not expired."""
    login = login_for(session, token)
    return login.user if login is not None else None


def logins_of(session: Session, user_id: str) -> list[Login]:
    """A user's sessions and API tokens that have not expired, newest first."""
    now = dt.datetime.now(dt.UTC)
    found = session.scalars(
        select(Login).where(Login.user_id == user_id).order_by(Login.created.desc(), Login.id)
    )
    return [login for login in found if _utc(login.expires) > now]


def revoke(session: Session, user_id: str, login_id: str) -> Login:
    """End one of the user's own sessions or tokens (NotFoundError for any other)."""
    well_formed = len(login_id) <= 36 and "\x00" not in login_id
    login = session.get(Login, login_id) if well_formed else None
    if login is None or login.user_id != user_id:
        raise NotFoundError("session", login_id[:36])
    session.delete(login)
    return login


def is_token(login: Login, token: str | None) -> bool:
    """Whether `token` is the secret of this session."""
    return token is not None and hmac.compare_digest(login.token_hash, _digest(token))


def sign_out(session: Session, token: str) -> None:
    session.execute(delete(Login).where(Login.token_hash == _digest(token)))
