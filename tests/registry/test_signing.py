"""Signed labels: the JWS form, every verdict with its exact reason, and the key set read
back. The key store here is a small in-memory one (the port's contract); the database's
store has its own tests under tests/store."""

from __future__ import annotations

import base64
import datetime as dt
import json
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey

from prodsec.errors import BadInputError, ConflictError, NotFoundError
from prodsec.registry.canonical import b64url, canonical
from prodsec.registry.keys import (
    KeyId,
    SigningKey,
    jwks_view,
    keyring_of,
    moment,
    thumbprint,
)
from prodsec.registry.signing import (
    Keyring,
    LabelRecord,
    Verdict,
    check_record,
    exit_code,
    sign_label,
    verify_label,
)

RECORD_FILE = Path(__file__).resolve().parents[1] / "assets" / "label-record.json"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
ON = dt.date(2027, 6, 1)


def _raw(private: Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


class MemoryKeyStore:
    """The port over a dict: enough to sign with, rotate and list."""

    def __init__(self) -> None:
        self.private: dict[str, Ed25519PrivateKey] = {}
        self.public: list[SigningKey] = []

    def published(self, scheme: str | None = None) -> list[SigningKey]:
        return [k for k in self.public if scheme in {None, k.scheme}]

    def active(self, scheme: str) -> SigningKey:
        found = [k for k in self.published(scheme) if k.retired is None]
        if not found:
            raise NotFoundError("active signing key of scheme", scheme)
        return found[0]

    def sign(self, kid: KeyId, message: bytes) -> bytes:
        return self.private[kid].sign(message)

    def create(
        self, scheme: str, at: dt.datetime | None = None, expires: dt.datetime | None = None
    ) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        raw = _raw(private)
        when = at or T0
        key = SigningKey(thumbprint(raw), scheme, raw, when, when, expires=expires)
        self.private[key.kid] = private
        self.public.append(key)
        return key

    def rotate(
        self, scheme: str, at: dt.datetime | None = None, expires: dt.datetime | None = None
    ) -> SigningKey:
        old = self.active(scheme)
        when = at or T1
        self.public[self.public.index(old)] = replace(old, retired=when)
        return self.create(scheme, when, expires)


def _record(**changes: str | None) -> LabelRecord:
    """The example record of tests/assets, with `changes`."""
    record: LabelRecord = json.loads(RECORD_FILE.read_text(encoding="utf-8"))
    record.update(changes)  # type: ignore[typeddict-item]
    return record


def _forge(header: dict[str, str], payload: bytes, private: Ed25519PrivateKey) -> str:
    """A token signed by `private` whatever it says: the way to build bad ones."""
    text = f"{b64url(canonical(header))}.{b64url(payload)}"
    return f"{text}.{b64url(private.sign(text.encode()))}"


def _header(kid: str) -> dict[str, str]:
    return {"alg": "EdDSA", "kid": kid, "typ": "prodsec-label+jws"}


@pytest.fixture
def store() -> MemoryKeyStore:
    made = MemoryKeyStore()
    made.create("sg-cls")
    made.create("de-bsi-itsk")
    return made


def _check(store: MemoryKeyStore, token: str, on: dt.date = ON) -> tuple[Verdict, str]:
    found = verify_label(token, Keyring(store.published()), on=on)
    return found.verdict, found.reason


def test_a_label_is_a_compact_jws_over_the_canonical_record(store: MemoryKeyStore) -> None:
    token = sign_label(_record(), store)
    kid = store.active("sg-cls").kid
    head, body, signature = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(head + "==")) == _header(kid)
    assert base64.urlsafe_b64decode(body + "==") == canonical(_record())
    assert len(base64.urlsafe_b64decode(signature + "==")) == 64
    # the JOSE library signs the same bytes to the same token (Ed25519 is deterministic)
    private = OKPKey.import_key(store.private[kid])
    with pytest.warns(SecurityWarning, match="RFC 9864"):  # it prefers `Ed25519` (decision 0017)
        same = jws.serialize_compact(_header(kid), canonical(_record()), private, ["EdDSA"])
    assert same == token


def test_a_good_label_is_valid(store: MemoryKeyStore) -> None:
    kid = store.active("sg-cls").kid
    found = verify_label(sign_label(_record(), store), Keyring(store.published()), on=ON)
    assert (found.verdict, found.reason, found.kid) == (
        Verdict.VALID,
        f"sg-cls level 2 CSA/311228/0001, signed by key {kid}",
        kid,
    )
    assert found.record == _record()
    assert found.exit_code == 0


def test_any_byte_changed_fails(store: MemoryKeyStore) -> None:
    token = sign_label(_record(), store)
    header_end = token.index(".")
    for i, char in enumerate(token):
        if char == ".":
            continue
        changed = token[:i] + ("B" if char == "A" else "A") + token[i + 1 :]
        verdict, _ = _check(store, changed)
        if i < header_end:
            assert verdict in {Verdict.MALFORMED, Verdict.UNKNOWN_KEY}, i
        else:
            assert verdict is Verdict.TAMPERED, i


def _jose_reads(token: str, key: OKPKey) -> bytes | None:
    try:
        return jws.deserialize_compact(token, key, ["EdDSA"]).payload
    except JoseError:
        return None


def test_the_key_ring_and_the_jose_library_agree_on_every_changed_character(
    store: MemoryKeyStore,
) -> None:
    """The key ring reads a token's segments itself and calls the library's EdDSA check;
    the library's own compact reading gives the same answer, changed character by
    character (and with segments added, removed or emptied)."""
    token = sign_label(_record(), store)
    key = store.active("sg-cls")
    ring = Keyring(store.published())
    jwk = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b64url(key.public)})
    head, body, signature = token.split(".")
    changed = [token[:i] + ("B" if c == "A" else "A") + token[i + 1 :] for i, c in enumerate(token)]
    shapes = [
        f"{head}.{body}",
        f"{token}.",
        f"{head}..{signature}",
        f"{head}.{body}.",
        f"{token}==",
    ]
    shapes += [f"{head}.{body}.{signature[:-1]}", f"{head}.{body}é.{signature}"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # it prefers `Ed25519` (0017)
        for one in [token, *changed, *shapes]:
            assert ring.verifies(one, key.kid) == _jose_reads(one, jwk), one
    assert ring.verifies(token, key.kid) == canonical(_record())


def test_a_changed_record_is_tampered(store: MemoryKeyStore) -> None:
    head, _, signature = sign_label(_record(), store).split(".")
    body = b64url(canonical(_record(level="3")))
    kid = store.active("sg-cls").kid
    assert _check(store, f"{head}.{body}.{signature}") == (
        Verdict.TAMPERED,
        f"the signature by {kid} does not match",
    )


def test_an_unknown_key(store: MemoryKeyStore) -> None:
    token = sign_label(_record(), store)
    kid = store.active("sg-cls").kid
    others = Keyring(store.published("de-bsi-itsk"))
    found = verify_label(token, others, on=ON)
    assert (found.verdict, found.reason) == (Verdict.UNKNOWN_KEY, f"no key {kid} in the key set")
    assert found.exit_code == 5


def test_a_signature_by_another_key_than_named(store: MemoryKeyStore) -> None:
    named, signer = store.active("sg-cls").kid, store.active("de-bsi-itsk").kid
    token = _forge(_header(named), canonical(_record()), store.private[signer])
    assert _check(store, token) == (Verdict.WRONG_KEY, f"signed by key {signer}, not {named}")


def test_another_schemes_key(store: MemoryKeyStore) -> None:
    bsi = store.active("de-bsi-itsk").kid
    token = _forge(_header(bsi), canonical(_record()), store.private[bsi])
    assert _check(store, token) == (
        Verdict.WRONG_KEY,
        f"key {bsi} signs for de-bsi-itsk, the label is of sg-cls",
    )


def test_a_retired_key_still_verifies_what_it_signed(store: MemoryKeyStore) -> None:
    token = sign_label(_record(), store)
    store.rotate("sg-cls")
    assert _check(store, token)[0] is Verdict.VALID
    after = sign_label(_record(issued="2027-02-01T00:00:00Z"), store)
    assert _check(store, after)[0] is Verdict.VALID


def test_a_key_not_valid_at_issuance(store: MemoryKeyStore) -> None:
    old = store.active("sg-cls").kid
    store.rotate("sg-cls")
    new = store.active("sg-cls").kid
    late = _forge(
        _header(old), canonical(_record(issued="2027-02-01T00:00:00Z")), store.private[old]
    )
    assert _check(store, late) == (
        Verdict.KEY_NOT_VALID,
        f"issued 2027-02-01T00:00:00Z after key {old} was retired (2027-01-01T00:00:00Z)",
    )
    early = _forge(_header(new), canonical(_record()), store.private[new])
    assert _check(store, early) == (
        Verdict.KEY_NOT_VALID,
        f"issued 2026-03-01T09:30:00Z before key {new} was activated (2027-01-01T00:00:00Z)",
    )


def test_signing_refuses_a_label_issued_before_the_key(store: MemoryKeyStore) -> None:
    store.rotate("sg-cls")
    kid = store.active("sg-cls").kid
    with pytest.raises(ConflictError) as caught:
        sign_label(_record(), store)
    assert str(caught.value) == (
        f"the active key {kid} of sg-cls was not valid at 2026-03-01T09:30:00Z"
    )


def test_signing_without_a_key(store: MemoryKeyStore) -> None:
    with pytest.raises(NotFoundError) as caught:
        sign_label(_record(scheme="jp-jc-star"), store)
    assert str(caught.value) == "unknown active signing key of scheme 'jp-jc-star'"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "not a JWS in compact form"),
        ("a.b", "not a JWS in compact form"),
        ("a.b.c.d", "not a JWS in compact form"),
        ("x" * 16_385, "not a JWS in compact form"),
        ("e30=.e30.e30", "header: not unpadded base64url"),
        (f"{b64url(b'[1]')}.e30.e30", "header: the header is not a JSON object"),
        (
            f"{b64url(b'[' * 12_000)}.e30.e30",
            "header: maximum recursion depth exceeded while decoding a JSON array from a unicode string",
        ),
        (f"{b64url(b'not json')}.e30.e30", "header: Expecting value: line 1 column 1 (char 0)"),
        (
            f"{b64url(canonical({'alg': 'none', 'kid': 'k', 'typ': 'prodsec-label+jws'}))}.e30.",
            "header: the header must have alg EdDSA and typ prodsec-label+jws",
        ),
        (
            f"{b64url(canonical({'alg': 'EdDSA', 'kid': 1, 'typ': 'prodsec-label+jws'}))}.e30.",
            "header: the header must have a string kid and nothing else",
        ),
    ],
)
def test_malformed_tokens(store: MemoryKeyStore, token: str, reason: str) -> None:
    found = verify_label(token, Keyring(store.published()), on=ON)
    assert (found.verdict, found.reason, found.exit_code) == (Verdict.MALFORMED, reason, 3)


def test_a_signed_body_that_is_no_label_is_malformed(store: MemoryKeyStore) -> None:
    kid = store.active("sg-cls").kid
    private = store.private[kid]
    loose = json.dumps(_record()).encode()  # valid JSON, not canonical
    missing = canonical({k: v for k, v in _record().items() if k != "lab"})
    assert _check(store, _forge(_header(kid), loose, private)) == (
        Verdict.MALFORMED,
        "record: the record is not in canonical form (RFC 8785)",
    )
    assert _check(store, _forge(_header(kid), missing, private)) == (
        Verdict.MALFORMED,
        "record: lab: missing",
    )


def test_an_expired_label(store: MemoryKeyStore) -> None:
    token = sign_label(_record(), store)
    assert _check(store, token, dt.date(2028, 12, 31))[0] is Verdict.VALID
    assert _check(store, token, dt.date(2029, 1, 1)) == (
        Verdict.EXPIRED,
        "valid until 2028-12-31, before 2029-01-01",
    )


def test_the_status_hook_revokes(store: MemoryKeyStore) -> None:
    token = sign_label(_record(), store)
    asked: list[tuple[str, dt.date]] = []

    def revoked(record: LabelRecord, on: dt.date) -> tuple[Verdict, str] | None:
        asked.append((record["registration"], on))
        return Verdict.REVOKED, "revoked on 2027-05-01: false declaration"

    found = verify_label(token, Keyring(store.published()), on=ON, status=revoked)
    assert (found.verdict, found.reason, found.exit_code) == (
        Verdict.REVOKED,
        "revoked on 2027-05-01: false declaration",
        9,
    )
    assert asked == [("CSA/311228/0001", ON)]


def test_every_verdict_has_its_own_exit_code() -> None:
    assert {v.value: exit_code(v) for v in Verdict} == {
        "valid": 0,
        "malformed": 3,
        "tampered": 4,
        "unknown-key": 5,
        "wrong-key": 6,
        "key-not-valid": 7,
        "expired": 8,
        "revoked": 9,
        "suspended": 10,
        "withdrawn": 11,
        "not-logged": 12,
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "record: a label record is a JSON object"),
        ({**_record(), "colour": "red"}, "colour: not a label record field"),
        (_record(level=""), "level: must be a non-empty string"),
        (_record(product=None), "product: must be a non-empty string"),
        (_record(issued="2026-03-01"), "issued: '2026-03-01' is not YYYY-MM-DDTHH:MM:SSZ"),
        (_record(valid_until="2028-1-1"), "valid_until: '2028-1-1' is not a day (YYYY-MM-DD)"),
        (_record(valid_until="2026-02-28"), "valid_until: ends before the label was issued"),
        (_record(support_end="soon"), "support_end: 'soon' is not a day (YYYY-MM-DD)"),
    ],
)
def test_bad_records_are_refused(value: object, message: str) -> None:
    with pytest.raises(BadInputError) as caught:
        check_record(value)
    assert str(caught.value) == message


def test_the_rfc_8037_thumbprint() -> None:
    public = base64.urlsafe_b64decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
    assert thumbprint(public) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_the_key_set_reads_back(store: MemoryKeyStore) -> None:
    store.rotate("sg-cls")
    document = json.loads(json.dumps(jwks_view(store.published())))
    assert keyring_of(document) == store.published()
    assert [k["retired"] for k in document["keys"]] == ["2027-01-01T00:00:00Z", None, None]
    assert [k["expires"] for k in document["keys"]] == [None, None, None]


def test_a_label_issued_after_its_key_expired() -> None:
    store = MemoryKeyStore()
    kid = store.create("sg-cls", T0, expires=dt.datetime(2026, 2, 1, tzinfo=dt.UTC)).kid
    token = _forge(_header(kid), canonical(_record()), store.private[kid])
    assert _check(store, token) == (
        Verdict.KEY_NOT_VALID,
        f"issued 2026-03-01T09:30:00Z after key {kid} expired (2026-02-01T00:00:00Z)",
    )
    with pytest.raises(ConflictError):
        sign_label(_record(), store)
    document = json.loads(json.dumps(jwks_view(store.published())))
    assert document["keys"][0]["expires"] == "2026-02-01T00:00:00Z"
    assert keyring_of(document) == store.published()
    assert _check(store, sign_label(_record(issued="2026-01-31T23:59:59Z"), store))[0] is (
        Verdict.VALID
    )


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "jwks: a JWKS is an object with a 'keys' list"),
        ({"keys": [1]}, "keys[0]: each key must be an object"),
        ({"keys": [{"kty": "RSA"}]}, "keys[0]: only OKP Ed25519 keys are read"),
        ({"keys": [{"kty": "OKP", "crv": "Ed25519"}]}, "keys[0]: 'x' must be a string"),
    ],
)
def test_bad_key_sets(document: object, message: str) -> None:
    with pytest.raises(BadInputError) as caught:
        keyring_of(document)
    assert str(caught.value) == message


def test_a_key_whose_id_is_not_its_thumbprint(store: MemoryKeyStore) -> None:
    entry = dict(jwks_view(store.published("sg-cls"))["keys"][0])
    entry["kid"] = "someone-else"
    with pytest.raises(BadInputError) as caught:
        keyring_of({"keys": [entry]})
    assert str(caught.value) == "keys[0]: 'kid' is not the thumbprint of 'x'"


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("2026-03-01T09:30:05Z", dt.datetime(2026, 3, 1, 9, 30, 5, tzinfo=dt.UTC)),
        ("2026-3-1T9:30:5Z", dt.datetime(2026, 3, 1, 9, 30, 5, tzinfo=dt.UTC)),
        (
            "\uff12\uff10\uff12\uff16-03-01T09:30:05Z",
            dt.datetime(2026, 3, 1, 9, 30, 5, tzinfo=dt.UTC),
        ),
        ("2026-02-29T09:30:05Z", "day is out of range for month"),
        ("2026-03-01T09:30:60Z", "second must be in 0..59"),
        ("2026-03-01T24:30:05Z", "does not match format '%Y-%m-%dT%H:%M:%SZ'"),
        ("0000-03-01T09:30:05Z", "year 0 is out of range"),
        ("2026-13-01T09:30:05Z", "does not match format '%Y-%m-%dT%H:%M:%SZ'"),
        ("2026-03-01T09:30:05+00:00", "does not match format '%Y-%m-%dT%H:%M:%SZ'"),
    ],
)
def test_moments_read_as_strptime_reads_them(text: str, read: dt.datetime | str) -> None:
    """`stamp`'s form is read by position, every other one by `strptime`, as before."""
    if isinstance(read, dt.datetime):
        assert moment(text) == read
        return
    with pytest.raises(ValueError, match=read):
        moment(text)
