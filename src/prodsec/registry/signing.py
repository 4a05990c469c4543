"""Signed labels: a label record in RFC 8785 canonical JSON, signed by the scheme owner's
Ed25519 key as a JWS in compact form (RFC 7515, RFC 8037 `alg: EdDSA`), with `kid`.

`sign_label` builds the JWS over the key store's signature (the private key stays in the
store). `verify_label` needs nothing but the token and the public keys (a JWKS), so it
works offline, and gives one `Verdict` with its reason:

| verdict | when | exit code |
|---|---|---|
| valid | signature, key, record and term all check out | 0 |
| malformed | not a JWS of a label record: segments, base64url, header, record fields | 3 |
| tampered | a byte of the signed text or of the signature changed | 4 |
| unknown-key | the header names a key the key set does not hold | 5 |
| wrong-key | signed by another key than the one named, or by another scheme's key | 6 |
| key-not-valid | the key was not yet active, or retired or expired, when the label was issued | 7 |
| expired | the label's term ended before the day asked about | 8 |
| revoked | the registry's status (`StatusHook`, the log) says it was revoked | 9 |
| suspended | ... that it is suspended | 10 |
| withdrawn | ... that it was withdrawn | 11 |
| not-logged | ... that the log, as of the head given, does not hold this label | 12 |

The checks run in that order of trust: the header is read to find the key, the signature
is checked over the text as sent, and only signed bytes are read as a record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, assert_never

from joserfc.errors import UnsupportedAlgorithmError
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry
from typing_extensions import TypedDict

from prodsec.errors import BadInputError, ConflictError
from prodsec.registry.canonical import b64url, canonical, from_b64url
from prodsec.registry.keys import (
    KeyStore,
    SigningKey,
    moment,
    stamp,
)

ALG = "EdDSA"
TYP = "prodsec-label+jws"
MAX_TOKEN = 16_384
"""Longest label token read, in characters (a record is well under 2 KB)."""


class LabelRecord(TypedDict):
    """What a label says, as signed. Moments are RFC 3339 UTC (`issued`), days ISO 8601;
    `support_end` and `lab` are null where there is none."""

    scheme: str
    level: str
    registration: str
    product: str
    manufacturer: str
    product_version: str
    issued: str
    valid_until: str
    support_end: str | None
    catalog_revision: str
    lab: str | None
    standard_version: str


OPTIONAL = frozenset({"support_end", "lab"})
FIELDS = tuple(LabelRecord.__annotations__)
FIELD_SET = frozenset(FIELDS)


def _day(value: str, field: str) -> dt.date:
    try:
        if len(value) != len("YYYY-MM-DD"):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInputError(f"'{value}' is not a day (YYYY-MM-DD)", field=field) from None


def check_record(value: object) -> LabelRecord:
    """`value` as a label record, or `BadInputError` naming the first field that is wrong:
    exactly the fields of `LabelRecord`, strings (null only where allowed), `issued` as
    `YYYY-MM-DDTHH:MM:SSZ`, days as `YYYY-MM-DD`, the term not ending before issuance."""
    return _checked(value)[0]


def _checked(value: object) -> tuple[LabelRecord, dt.datetime]:
    """`check_record`, and the moment of issue it read."""
    if not isinstance(value, dict):
        raise BadInputError("a label record is a JSON object", field="record")
    if value.keys() != FIELD_SET:
        missing = [f for f in FIELDS if f not in value]
        extra = sorted(set(value) - FIELD_SET)
        field = (missing or extra)[0]
        raise BadInputError("missing" if missing else "not a label record field", field=field)
    for field in FIELDS:
        item = value[field]
        allowed_null = item is None and field in OPTIONAL
        if not (isinstance(item, str) and item.strip()) and not allowed_null:
            raise BadInputError("must be a non-empty string", field=field)
    try:
        issued = moment(value["issued"])
    except ValueError:
        raise BadInputError(
            f"'{value['issued']}' is not YYYY-MM-DDTHH:MM:SSZ", field="issued"
        ) from None
    if _day(value["valid_until"], "valid_until") < issued.date():
        raise BadInputError("ends before the label was issued", field="valid_until")
    if value["support_end"] is not None:
        _day(value["support_end"], "support_end")
    record: LabelRecord = {f: value[f] for f in FIELDS}  # type: ignore[assignment]
    return record, issued


def sign_label(record: LabelRecord, store: KeyStore) -> str:
    """The compact JWS of `record`, signed by its scheme's active key. The key must have
    been active when the label was issued (`ConflictError` otherwise)."""
    checked, issued = _checked(record)
    key = store.active(checked["scheme"])
    if not key.valid_at(issued):
        raise ConflictError(
            f"the active key {key.kid} of {key.scheme} was not valid at {checked['issued']}"
        )
    header = {"alg": ALG, "kid": key.kid, "typ": TYP}
    signing_input = f"{b64url(canonical(header))}.{b64url(canonical(checked))}"
    signature = store.sign(key.kid, signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}"


class KeyStoreLabelSigner:
    """The workflow's `LabelSigner` port over a key store: the record checked as a
    `LabelRecord` and signed by its scheme's active key (`sign_label`)."""

    def __init__(self, keys: KeyStore) -> None:
        self._keys = keys

    def sign(self, record: Mapping[str, object]) -> str:
        return sign_label(check_record(dict(record)), self._keys)


class Verdict(StrEnum):
    VALID = "valid"
    MALFORMED = "malformed"
    TAMPERED = "tampered"
    UNKNOWN_KEY = "unknown-key"
    WRONG_KEY = "wrong-key"
    KEY_NOT_VALID = "key-not-valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    NOT_LOGGED = "not-logged"


def exit_code(verdict: Verdict) -> int:
    """The CLI's exit code for a verdict (2 stays for usage errors)."""
    match verdict:
        case Verdict.VALID:
            return 0
        case Verdict.MALFORMED:
            return 3
        case Verdict.TAMPERED:
            return 4
        case Verdict.UNKNOWN_KEY:
            return 5
        case Verdict.WRONG_KEY:
            return 6
        case Verdict.KEY_NOT_VALID:
            return 7
        case Verdict.EXPIRED:
            return 8
        case Verdict.REVOKED:
            return 9
        case Verdict.SUSPENDED:
            return 10
        case Verdict.WITHDRAWN:
            return 11
        case Verdict.NOT_LOGGED:
            return 12
        case _:
            assert_never(verdict)


@dataclass(frozen=True, slots=True)
class Verification:
    """The verdict on one token, why, the key it named and the record (once signed)."""

    verdict: Verdict
    reason: str
    kid: str | None = None
    record: LabelRecord | None = None

    @property
    def exit_code(self) -> int:
        return exit_code(self.verdict)


class StatusHook(Protocol):
    """The registry's word on a verified label as of a day: a verdict and why
    (`revoked`, `revoked on 2027-01-04T10:00:00Z: ...`), or `valid` with what backs it
    (`entry 3 of the log's tree head of size 9`), or None when it has nothing to add. The
    transparency log plugs in here (`registry/status.py`: the label's status as of a
    signed log head, and its inclusion)."""

    def __call__(self, record: LabelRecord, on: dt.date) -> tuple[Verdict, str] | None: ...


class _EdDsaOnly(JWSRegistry):
    """EdDSA and nothing else. RFC 9864 prefers the name `Ed25519`; labels keep RFC 8037's
    `EdDSA` (decision 0017), so the library's notice about it is not raised per label."""

    def get_alg(self, name: str) -> Any:
        if name != ALG:
            raise UnsupportedAlgorithmError(f"Algorithm of '{name}' is not allowed")
        return self.algorithms[name]


_REGISTRY = _EdDsaOnly(algorithms=[ALG])
_EDDSA = _REGISTRY.get_alg(ALG)
HEADERS = 64
"""Distinct header segments a key ring remembers the key id of (a scheme's labels share
one header per key)."""


class Keyring:
    """Public keys by id, each read once into the JOSE library's form (and checked to be
    fit for the algorithm once, not per label)."""

    def __init__(self, keys: Iterable[SigningKey]) -> None:
        self.keys: dict[str, SigningKey] = {k.kid: k for k in keys}
        self._jose = {
            kid: OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b64url(k.public)})
            for kid, k in self.keys.items()
        }
        for jwk in self._jose.values():
            _EDDSA.check_key(jwk)
        self._kids: dict[str, str] = {}

    def kid_of(self, segment: str) -> str:
        """The key id a header segment names, once it is a label's header (`_header`;
        `ValueError` otherwise). Each distinct header is read once."""
        kid = self._kids.get(segment)
        if kid is None:
            kid = str(_header(segment)["kid"])
            if len(self._kids) < HEADERS:
                self._kids[segment] = kid
        return kid

    def verifies(self, token: str, kid: str) -> bytes | None:
        """The signed payload when the key `kid` signed `token`, else None: a compact JWS
        of three segments, payload and signature in canonical base64url (as the JOSE
        library reads them), the library's EdDSA check over the ASCII signing input. The
        header is the caller's to check (`kid_of`)."""
        head, dot, rest = token.partition(".")
        body, dot2, tail = rest.partition(".")
        if not (dot and dot2) or "." in tail:
            return None
        try:
            payload, signature = from_b64url(body), from_b64url(tail)
        except ValueError:
            return None
        signed = token[: len(head) + 1 + len(body)].encode()
        return payload if _EDDSA.verify(signed, signature, self._jose[kid]) else None


def _header(segment: str) -> dict[str, Any]:
    header = json.loads(from_b64url(segment))
    if not isinstance(header, dict):
        raise ValueError("the header is not a JSON object")
    if header.get("alg") != ALG or header.get("typ") != TYP:
        raise ValueError(f"the header must have alg {ALG} and typ {TYP}")
    if not isinstance(header.get("kid"), str) or set(header) != {"alg", "kid", "typ"}:
        raise ValueError("the header must have a string kid and nothing else")
    return header


def _record(payload: bytes) -> tuple[LabelRecord, dt.datetime]:
    record, issued = _checked(json.loads(payload))
    if canonical(record, plain=True) != payload:
        raise ValueError("the record is not in canonical form (RFC 8785)")
    return record, issued


def verify_label(
    token: str,
    keyring: Keyring,
    *,
    on: dt.date,
    status: StatusHook | None = None,
) -> Verification:
    """The verdict on a label token, with the keys of `keyring`, as of the day `on`."""
    token = token.strip()
    parts = token.split(".")
    if len(token) > MAX_TOKEN or len(parts) != 3:
        return Verification(Verdict.MALFORMED, "not a JWS in compact form")
    try:
        kid = keyring.kid_of(parts[0])
    except (ValueError, RecursionError) as exc:
        return Verification(Verdict.MALFORMED, f"header: {exc}")
    key = keyring.keys.get(kid)
    if key is None:
        return Verification(Verdict.UNKNOWN_KEY, f"no key {kid} in the key set", kid)
    signed = keyring.verifies(token, kid)
    if signed is None:
        other = next(
            (k for k in keyring.keys if k != kid and keyring.verifies(token, k) is not None), None
        )
        if other is not None:
            return Verification(Verdict.WRONG_KEY, f"signed by key {other}, not {kid}", kid)
        return Verification(Verdict.TAMPERED, f"the signature by {kid} does not match", kid)
    try:
        record, issued = _record(signed)
    except (BadInputError, ValueError, RecursionError) as exc:
        return Verification(Verdict.MALFORMED, f"record: {exc}", kid)
    return _judge(record, issued, key, on, status)


def _ending(key: SigningKey) -> str:
    """`was retired (...)` or `expired (...)`, whichever came first."""
    if key.retired is not None and key.retired == key.ended:
        return f"was retired ({stamp(key.retired)})"
    assert key.expires is not None
    return f"expired ({stamp(key.expires)})"


def _judge(
    record: LabelRecord,
    issued: dt.datetime,
    key: SigningKey,
    on: dt.date,
    status: StatusHook | None,
) -> Verification:
    """The checks of a record whose signature holds (issued at `issued`): the key's scheme
    and life, the term, and the registry's status."""
    kid = key.kid
    if key.scheme != record["scheme"]:
        reason = f"key {kid} signs for {key.scheme}, the label is of {record['scheme']}"
        return Verification(Verdict.WRONG_KEY, reason, kid, record)
    if not key.valid_at(issued):
        when = (
            f"before key {kid} was activated ({stamp(key.activated)})"
            if issued < key.activated
            else f"after key {kid} {_ending(key)}"
        )
        return Verification(Verdict.KEY_NOT_VALID, f"issued {record['issued']} {when}", kid, record)
    if dt.date.fromisoformat(record["valid_until"]) < on:
        reason = f"valid until {record['valid_until']}, before {on.isoformat()}"
        return Verification(Verdict.EXPIRED, reason, kid, record)
    word = status(record, on) if status is not None else None
    if word is not None and word[0] is not Verdict.VALID:
        return Verification(word[0], word[1], kid, record)
    what = f"{record['scheme']} level {record['level']} {record['registration']}"
    backing = f"; {word[1]}" if word is not None else ""
    return Verification(Verdict.VALID, f"{what}, signed by key {kid}{backing}", kid, record)
