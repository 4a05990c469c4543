"""Signing keys: what a key is, the port a key store implements, and the JWKS.

A scheme owner signs its labels with Ed25519 keys. Each key has an id (`kid`, the RFC 7638
thumbprint of its public JWK), belongs to one scheme, and has a life: created, activated,
retired when a newer key takes over; it may also carry an expiry set when it was made. A
retired or expired key signs nothing more but stays published, so the labels it signed
still verify.

`KeyStore` is the port: the signing code asks it for the active key of a scheme and for a
signature over bytes, never for the private key. The database adapter
(`prodsec.store.keys.SqlKeyStore`) keeps private keys encrypted at rest; a scheme owner with
a hardware security module implements the same methods over it (docs/registry.md).

The public half goes out as a JSON Web Key Set (RFC 7517) of OKP keys (RFC 8037), each with
the members `scheme`, `created`, `activated`, `expires` and `retired` beside the
registered ones.
`keyring_of` reads such a set back for offline verification.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NewType, Protocol

from typing_extensions import TypedDict

from prodsec.catalog import Catalog
from prodsec.catalog.catalog import near
from prodsec.errors import BadInputError, NotFoundError
from prodsec.registry.canonical import b64url, from_b64url

KeyId = NewType("KeyId", str)
PUBLIC_KEY_BYTES = 32
LOG_KEYS = "registry"
"""The key store's name for the transparency log's own keys (they sign tree heads):
the registry operator's, beside the schemes' keys and published with them."""


def thumbprint(public: bytes) -> KeyId:
    """The RFC 7638 thumbprint (SHA-256, base64url) of an Ed25519 public key's JWK."""
    members = f'{{"crv":"Ed25519","kty":"OKP","x":"{b64url(public)}"}}'
    return KeyId(b64url(hashlib.sha256(members.encode("ascii")).digest()))


def stamp(moment: dt.datetime) -> str:
    """A moment as RFC 3339 in UTC, whole seconds: `2026-11-30T05:13:00Z`."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)Z", re.ASCII)


def moment(text: str) -> dt.datetime:
    """The moment `stamp` wrote; `ValueError` for anything else. What `stamp` writes is
    read by position; the other spellings the format has always taken (single digits,
    as `strptime` allows) and every refusal go through `strptime` as before."""
    found = _STAMP.fullmatch(text)
    if found is not None:
        y, mo, d, h, mi, s = map(int, found.groups())
        with contextlib.suppress(ValueError):  # strptime below says why, in its words
            return dt.datetime(y, mo, d, h, mi, s, tzinfo=dt.UTC)
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class SigningKey:
    """The public side of one key, with its life. `retired` is None while it is active;
    `expires` None when it has no set end."""

    kid: KeyId
    scheme: str
    public: bytes
    created: dt.datetime
    activated: dt.datetime
    retired: dt.datetime | None = None
    expires: dt.datetime | None = None

    @property
    def ended(self) -> dt.datetime | None:
        """When the key stopped (or stops) signing: retired or expired, the earlier."""
        ends = [e for e in (self.retired, self.expires) if e is not None]
        return min(ends) if ends else None

    def valid_at(self, when: dt.datetime) -> bool:
        """Whether the key could sign at `when`: activated by then, not yet retired or
        expired."""
        ended = self.ended
        return self.activated <= when and (ended is None or when < ended)


class KeyStore(Protocol):
    """Where a scheme owner's keys live. Private keys never leave it: `sign` signs."""

    def published(self, scheme: str | None = None) -> list[SigningKey]:
        """Every key (of one scheme), retired ones too, by scheme then activation: what the
        key set publishes."""
        ...

    def active(self, scheme: str) -> SigningKey:
        """The key that signs for `scheme` now; `NotFoundError` when it has none."""
        ...

    def sign(self, kid: KeyId, message: bytes) -> bytes:
        """The Ed25519 signature of `message` by the key `kid`."""
        ...

    def create(
        self, scheme: str, at: dt.datetime | None = None, expires: dt.datetime | None = None
    ) -> SigningKey:
        """A scheme's first key, active from `at` (now) until `expires` (no set end);
        `ConflictError` when it has an active one."""
        ...

    def rotate(
        self, scheme: str, at: dt.datetime | None = None, expires: dt.datetime | None = None
    ) -> SigningKey:
        """A new active key for `scheme` from `at` (now); the old one retired then, kept."""
        ...


def scheme_ids(catalog: Catalog) -> list[str]:
    """The catalog's labelling schemes: instruments with levels or a label."""
    return sorted({i.id for i in catalog.instruments.values() if i.levels or i.label})


def require_scheme(catalog: Catalog, ident: str) -> str:
    """`ident` when the catalog has a labelling scheme of that id (or it names the log's
    own keys, `registry`), else `NotFoundError`."""
    known = scheme_ids(catalog)
    if ident not in known and ident != LOG_KEYS:
        raise NotFoundError("scheme", ident, near(ident, known), known)
    return ident


class JwkPublic(TypedDict):
    """One public key of the set: RFC 8037 OKP members, then the key's scheme and life."""

    kty: str
    crv: str
    x: str
    kid: str
    use: str
    alg: str
    scheme: str
    created: str
    activated: str
    expires: str | None
    retired: str | None


class JwksPublic(TypedDict):
    """A JSON Web Key Set (RFC 7517 section 5): public keys only, retired ones included."""

    keys: list[JwkPublic]


def jwk_view(key: SigningKey) -> JwkPublic:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(key.public),
        "kid": key.kid,
        "use": "sig",
        "alg": "EdDSA",
        "scheme": key.scheme,
        "created": stamp(key.created),
        "activated": stamp(key.activated),
        "expires": stamp(key.expires) if key.expires else None,
        "retired": stamp(key.retired) if key.retired else None,
    }


def jwks_view(keys: Iterable[SigningKey]) -> JwksPublic:
    return {"keys": [jwk_view(k) for k in keys]}


def _text(entry: Mapping[str, Any], name: str, where: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str):
        raise BadInputError(f"'{name}' must be a string", field=where)
    return value


def _key_of(entry: object, where: str) -> SigningKey:
    if not isinstance(entry, dict):
        raise BadInputError("each key must be an object", field=where)
    if (entry.get("kty"), entry.get("crv")) != ("OKP", "Ed25519"):
        raise BadInputError("only OKP Ed25519 keys are read", field=where)
    try:
        public = from_b64url(_text(entry, "x", where))
        created = moment(_text(entry, "created", where))
        activated = moment(_text(entry, "activated", where))
        retired, expires = (
            None if entry.get(name) is None else moment(_text(entry, name, where))
            for name in ("retired", "expires")
        )
    except ValueError as exc:
        raise BadInputError(str(exc), field=where) from None
    kid = _text(entry, "kid", where)
    if len(public) != PUBLIC_KEY_BYTES or thumbprint(public) != kid:
        raise BadInputError("'kid' is not the thumbprint of 'x'", field=where)
    scheme = _text(entry, "scheme", where)
    return SigningKey(KeyId(kid), scheme, public, created, activated, retired, expires)


def keyring_of(document: object) -> list[SigningKey]:
    """The keys of a JWKS as `jwks_view` wrote it; `BadInputError` naming the first key
    that is not one (`keys[2]`)."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise BadInputError("a JWKS is an object with a 'keys' list", field="jwks")
    entries: Sequence[object] = document["keys"]
    return [_key_of(entry, f"keys[{i}]") for i, entry in enumerate(entries)]
