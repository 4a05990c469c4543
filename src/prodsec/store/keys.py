"""The database's key store: scheme owners' Ed25519 keys, private halves sealed at rest.

A private key is stored only sealed: AES-256-GCM under a key derived (HKDF-SHA256, a
random salt per key) from the secret in PRODSEC_KEY_SECRET, with the key id and scheme as
associated data, so a sealed key copied onto another row does not open. Without the
secret nothing can be created, rotated or signed (`UnavailableError`); reading public
keys needs no secret. Backups carry the sealed form only. Every creation and rotation is
written to the audit log in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select
from sqlalchemy.orm import Session

from prodsec.errors import BadInputError, ConflictError, NotFoundError, UnavailableError
from prodsec.registry.canonical import b64url, from_b64url
from prodsec.registry.keys import KeyId, SigningKey, stamp, thumbprint
from prodsec.store.audit import Action, Actor, Target, record, utc
from prodsec.store.models import SigningKeyRow

SECRET_VARIABLE = "PRODSEC_KEY_SECRET"
MIN_SECRET = 32
"""Characters: the secret is a key, not a password (`openssl rand -base64 32`)."""
SEALED = "v1"
SALT, NONCE = 16, 12


def key_secret() -> str | None:
    """PRODSEC_KEY_SECRET, or None when it is unset or empty."""
    return os.environ.get(SECRET_VARIABLE) or None


def _cipher(secret: str, salt: bytes) -> AESGCM:
    derived = HKDF(hashes.SHA256(), 32, salt, b"prodsec signing key").derive(secret.encode())
    return AESGCM(derived)


def _bound(kid: str, scheme: str) -> bytes:
    return f"{kid}\n{scheme}".encode()


def seal(secret: str, private: bytes, kid: str, scheme: str) -> str:
    """`v1.<salt, nonce and ciphertext in base64url>`."""
    salt, nonce = secrets.token_bytes(SALT), secrets.token_bytes(NONCE)
    sealed = _cipher(secret, salt).encrypt(nonce, private, _bound(kid, scheme))
    return f"{SEALED}.{b64url(salt + nonce + sealed)}"


def unseal(secret: str, sealed: str, kid: str, scheme: str) -> bytes:
    version, _, body = sealed.partition(".")
    try:
        if version != SEALED:
            raise ValueError(version)
        data = from_b64url(body)
        opened = _cipher(secret, data[:SALT]).decrypt(
            data[SALT : SALT + NONCE], data[SALT + NONCE :], _bound(kid, scheme)
        )
    except (InvalidTag, ValueError):
        raise UnavailableError(
            f"the private key {kid} does not open with {SECRET_VARIABLE}: it was sealed "
            "with another secret, or its row was changed"
        ) from None
    return opened


def _public(row: SigningKeyRow) -> SigningKey:
    retired = utc(row.retired) if row.retired is not None else None
    expires = utc(row.expires) if row.expires is not None else None
    return SigningKey(
        KeyId(row.kid),
        row.scheme,
        from_b64url(row.public_key),
        utc(row.created),
        utc(row.activated),
        retired,
        expires,
    )


def _second(at: dt.datetime | None) -> dt.datetime:
    """`at` (default now) in UTC to the whole second, as the key set publishes it."""
    return (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def _expiry(activated: dt.datetime, expires: dt.datetime | None) -> dt.datetime | None:
    """`expires` to the whole second, when it is after `activated` (`BadInputError`)."""
    if expires is None:
        return None
    ends = _second(expires)
    if ends <= activated:
        raise BadInputError(f"must be after the key's activation ({stamp(activated)})",
                            field="expires")  # fmt: skip
    return ends


class SqlKeyStore:
    """`prodsec.registry.keys.KeyStore` over the database session `session`; `actor` is
    who creates and rotates (for the audit log); `secret` the sealing secret (default
    PRODSEC_KEY_SECRET)."""

    def __init__(self, session: Session, actor: Actor, secret: str | None = None) -> None:
        self._session = session
        self._actor = actor
        self._secret = secret if secret is not None else key_secret()
        self._opened: dict[str, Ed25519PrivateKey] = {}

    def _required_secret(self, doing: str) -> str:
        if not self._secret:
            raise UnavailableError(f"cannot {doing}: {SECRET_VARIABLE} is not set")
        if len(self._secret) < MIN_SECRET:
            raise UnavailableError(
                f"cannot {doing}: {SECRET_VARIABLE} must be at least {MIN_SECRET} characters"
            )
        return self._secret

    def published(self, scheme: str | None = None) -> list[SigningKey]:
        query = select(SigningKeyRow).order_by(
            SigningKeyRow.scheme, SigningKeyRow.activated, SigningKeyRow.kid
        )
        if scheme is not None:
            query = query.where(SigningKeyRow.scheme == scheme)
        return [_public(row) for row in self._session.scalars(query)]

    def _active_row(self, scheme: str) -> SigningKeyRow | None:
        query = select(SigningKeyRow).where(
            SigningKeyRow.scheme == scheme, SigningKeyRow.retired.is_(None)
        )
        return self._session.scalar(query)

    def active(self, scheme: str) -> SigningKey:
        row = self._active_row(scheme)
        if row is None:
            raise NotFoundError("active signing key of scheme", scheme)
        return _public(row)

    def sign(self, kid: KeyId, message: bytes) -> bytes:
        opened = self._opened.get(kid)
        if opened is None:
            secret = self._required_secret("sign")
            row = self._session.get(SigningKeyRow, kid)
            if row is None:
                raise NotFoundError("signing key", kid)
            raw = unseal(secret, row.sealed_private_key, row.kid, row.scheme)
            opened = self._opened[kid] = Ed25519PrivateKey.from_private_bytes(raw)
        return opened.sign(message)

    def _new(self, scheme: str, at: dt.datetime, expires: dt.datetime | None) -> SigningKeyRow:
        secret = self._required_secret("create a signing key")
        private = Ed25519PrivateKey.generate()
        public = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        raw = private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        kid = thumbprint(public)
        row = SigningKeyRow(
            kid=kid,
            scheme=scheme,
            public_key=b64url(public),
            sealed_private_key=seal(secret, raw, kid, scheme),
            created=at,
            activated=at,
            expires=expires,
        )
        self._session.add(row)
        return row

    def create(
        self, scheme: str, at: dt.datetime | None = None, expires: dt.datetime | None = None
    ) -> SigningKey:
        existing = self._active_row(scheme)
        if existing is not None:
            raise ConflictError(
                f"{scheme} already has the active key {existing.kid}; rotate it instead"
            )
        when = _second(at)
        row = self._new(scheme, when, _expiry(when, expires))
        self._session.flush()
        detail = {"scheme": scheme, "kid": row.kid}
        record(self._session, self._actor, Action.KEY_CREATED, Target("key", row.kid),
               self._actor.client, detail)  # fmt: skip
        return _public(row)

    def rotate(
        self, scheme: str, at: dt.datetime | None = None, expires: dt.datetime | None = None
    ) -> SigningKey:
        old = self._active_row(scheme)
        if old is None:
            raise NotFoundError("active signing key of scheme", scheme)
        when = _second(at)
        if when <= utc(old.activated):
            raise ConflictError(
                f"cannot rotate at {stamp(when)}: the key {old.kid} was activated then or later"
            )
        ends = _expiry(when, expires)
        old.retired = when
        self._session.flush()
        row = self._new(scheme, when, ends)
        self._session.flush()
        detail = {"scheme": scheme, "kid": row.kid, "retired": old.kid}
        record(self._session, self._actor, Action.KEY_ROTATED, Target("key", row.kid),
               self._actor.client, detail)  # fmt: skip
        self._log_rotation(row, old, when)
        return _public(row)

    def _log_rotation(self, new: SigningKeyRow, old: SigningKeyRow, when: dt.datetime) -> None:
        """Append the rotation to the transparency log in the same transaction, so anyone
        following the log sees which key signs from when (its head signed by the registry's
        log key, which may be the key just rotated)."""
        from prodsec.store.log import SqlEventLog  # the log signs heads with this store

        payload = {"scheme": new.scheme, "retired": old.kid, "activated": stamp(when)}
        SqlEventLog(self._session, self, lambda: when).append("key-rotation", new.kid, payload)
