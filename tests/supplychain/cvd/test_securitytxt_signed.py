"""Signed security.txt files (the OpenPGP cleartext signature framework): recognised, taken
apart, checked for structure, and verified with a given key through gpgv.

The situations of the signed cases of DigitalTrustCenter/sectxt (commit 2251a4ecc6a9d308d61b0
d65edf6ff0d9b7b5db9, `test/test_sectxt.py`, EUPL-1.2) are ported onto a file signed for these
tests with a key made for them (tests/assets/cvd/key.asc; other-key.asc signed nothing)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prodsec.supplychain.cvd import openpgp
from prodsec.supplychain.cvd.securitytxt import check

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "cvd"
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
SIGNED = (ASSETS / "signed-security.txt").read_text(encoding="utf-8")
KEY = openpgp.public_key((ASSETS / "key.asc").read_bytes())
FINGERPRINT = "36EF745EB7FD54DDF773921EE2E0C2F03217A614"


def found(text: str, key: bytes | None = None) -> list[str]:
    return [f"{p.line} {p.code.value}" for p in check(text.encode(), NOW, key=key).problems]


def test_a_signed_file_is_recognised_and_valid() -> None:
    checked = check(SIGNED.encode(), NOW)
    assert (checked.valid, checked.signed, checked.problems) == (True, True, ())
    assert [(f.name, f.line) for f in checked.fields][:2] == [("Contact", 4), ("Expires", 5)]
    assert checked.comments == (
        (10, "# - a comment holding a dash, to be dash-escaped in the signed text"),
    )


def test_the_signature_is_verified_with_the_given_key() -> None:
    checked = check(SIGNED.encode(), NOW, key=KEY)
    assert (checked.valid, checked.signer) == (True, FINGERPRINT)


def test_another_key_or_a_changed_text_fails_verification() -> None:
    other = openpgp.public_key((ASSETS / "other-key.asc").read_bytes())
    wrong = check(SIGNED.encode(), NOW, key=other)
    assert [(p.code.value, p.line, p.message) for p in wrong.problems] == [
        ("signature-bad", 1, "the signature was not made by the given key")
    ]
    changed = SIGNED.replace("mailto:security@", "mailto:attacker@")
    assert found(changed, KEY) == ["1 signature-bad"]


def test_dash_escaping_is_undone_and_the_signature_still_holds() -> None:
    escaped = SIGNED.replace("\nExpires", "\n- Expires")
    checked = check(escaped.encode(), NOW, key=KEY)
    assert (checked.problems, checked.signer) == ((), FINGERPRINT)
    assert checked.values("expires")[0].value == "2027-06-30T12:00:00Z"


def test_a_signed_file_without_its_signature_line() -> None:
    broken = SIGNED.replace(openpgp.SIGNATURE_BEGIN + "\n", "")
    assert found(broken) == [
        "1 signature-block",
        "12 invalid-line",
        "13 invalid-line",
        "14 invalid-line",
        "15 invalid-line",
        "16 invalid-line",
    ]


def test_a_dash_escaped_line_among_the_armour_headers() -> None:
    broken = SIGNED.replace(openpgp.SIGNATURE_BEGIN, openpgp.SIGNATURE_BEGIN + "\n- ")
    assert found(broken) == ["12 signature-block"]


def test_two_signature_lines() -> None:
    doubled = SIGNED.replace(
        openpgp.SIGNATURE_BEGIN, openpgp.SIGNATURE_BEGIN + "\n" + openpgp.SIGNATURE_BEGIN
    )
    assert found(doubled) == ["12 signature-block"]


def test_signature_data_that_is_not_base64_or_fails_its_checksum() -> None:
    lines = SIGNED.splitlines(keepends=True)
    cut = SIGNED.replace(lines[12], lines[12][:20] + "\n")
    assert found(cut) == ["11 signature-data"]
    flipped = lines[12][:5] + ("A" if lines[12][5] != "A" else "B") + lines[12][6:]
    assert found(SIGNED.replace(lines[12], flipped)) == ["11 signature-data"]


def test_a_signed_file_without_canonical_is_a_warning() -> None:
    text = SIGNED.replace("Canonical: https://example.com/.well-known/security.txt\n", "")
    assert found(text) == ["0 no-canonical"]


def test_the_signed_header_must_open_the_file() -> None:
    assert found("\r\n" + SIGNED) == ["2 signed-header-not-first"]


def test_nothing_after_the_signature() -> None:
    assert found(SIGNED + "\n") == ["18 blank-after-signature"]
    assert found(SIGNED + "Contact: mailto:x@example.com\n") == ["18 data-after-signature"]


def test_only_hash_headers_follow_the_signed_header() -> None:
    text = SIGNED.replace("Hash: SHA256", "Hash: SHA256\nComment: hello")
    assert found(text) == ["3 signature-block"]


def test_a_key_for_an_unsigned_file() -> None:
    text = "Contact: https://example.com/r\nExpires: 2027-01-01T00:00:00Z\n"
    assert found(text, KEY) == ["0 nothing-to-verify", "0 not-signed"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a key", "not an OpenPGP public key: byte 0 does not start a packet"),
        (b"\x99\x00\x01", "not an OpenPGP public key: a packet is longer than the data"),
        (
            b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n-----END PGP PUBLIC KEY BLOCK-----\n",
            "the armoured data is not valid base64",
        ),
    ],
)
def test_a_key_file_that_is_no_key(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.") + "$"):
        openpgp.public_key(data)


def test_crc24_of_rfc_4880() -> None:
    assert openpgp.crc24(b"") == 0xB704CE
    assert openpgp.crc24(b"123456789") == 0x21CF02


def test_the_hash_header_must_name_the_signature_hash() -> None:
    checked = check(SIGNED.replace("Hash: SHA256", "Hash: SHA512").encode(), NOW)
    assert [(p.code.value, p.line, p.message) for p in checked.problems] == [
        ("signature-data", 11, "the signature uses SHA256, the header declares SHA512")
    ]
