"""The OpenPGP framing read byte by byte: packet headers of both formats, signature
packets' structure, key files, and what happens when gpgv is missing or stalls."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from prodsec.errors import UnavailableError
from prodsec.supplychain.cvd import openpgp
from prodsec.supplychain.cvd.securitytxt import check

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "cvd"
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
SIGNED = (ASSETS / "signed-security.txt").read_text(encoding="utf-8")
KEY = openpgp.public_key((ASSETS / "key.asc").read_bytes())


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xc2\x01A", [(2, b"A")]),  # new format, one-octet length
        (b"\xc2\xc0\x00" + b"B" * 192, [(2, b"B" * 192)]),  # two-octet length
        (b"\xc2\xff\x00\x00\x00\x01C", [(2, b"C")]),  # five-octet length
        (b"\x88\x01D", [(2, b"D")]),  # old format, one-octet length
        (b"\x89\x00\x01E", [(2, b"E")]),  # old format, two-octet length
    ],
)
def test_packet_headers(data: bytes, expected: list[tuple[int, bytes]]) -> None:
    assert openpgp.packets(data) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xc2", "a packet header is cut short"),
        (b"\xc2\xc0", "a packet header is cut short"),
        (b"\xc2\xe0", "partial body lengths are not allowed here"),
        (b"\x8b", "indeterminate packet lengths are not allowed here"),
        (b"\xc2\x05AB", "a packet is longer than the data"),
    ],
)
def test_broken_packet_headers(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        openpgp.packets(data)


def _armoured(body: bytes) -> str:
    checksum = base64.b64encode(openpgp.crc24(body).to_bytes(3, "big")).decode()
    return base64.b64encode(body).decode() + f"\n={checksum}\n"


def _with_signature(body: bytes) -> str:
    head, _, _ = SIGNED.partition(openpgp.SIGNATURE_BEGIN)
    return f"{head}{openpgp.SIGNATURE_BEGIN}\n\n{_armoured(body)}{openpgp.SIGNATURE_END}\n"


@pytest.mark.parametrize(
    ("packet", "message"),
    [
        (b"\xc6\x01\x04", "the block holds a packet of type 6, not a signature"),
        (b"\xc2\x03\x04\x01\x16", "a signature packet is too short or of an unknown version"),
        (
            b"\xc2\x06\x04\x00\x16\x08\x00\x00",
            "a cleartext signature must be of type 0x01, not 0x00",
        ),
        (
            b"\xc2\x06\x03\x05\x00\x00\x00\x00",
            "a cleartext signature must be of type 0x01, not 0x00",
        ),
        (
            b"\xc2\x06\x04\x01\x16\x02\x00\x00",
            "the signature uses SHA1, the header declares SHA256",
        ),
        (b"\xc2\x01", "the signature's packets cannot be read: a packet is longer than the data"),
    ],
)
def test_signature_packets_are_read_for_their_structure(packet: bytes, message: str) -> None:
    problems = check(_with_signature(packet).encode(), NOW).problems
    assert [(p.code.value, p.line, p.message) for p in problems] == [
        ("signature-data", 11, message)
    ]


def test_an_empty_signature_block() -> None:
    text = SIGNED.partition(openpgp.SIGNATURE_BEGIN)[0]
    text += f"{openpgp.SIGNATURE_BEGIN}\n\n{openpgp.SIGNATURE_END}\n"
    assert [(p.code.value, p.message) for p in check(text.encode(), NOW).problems] == [
        ("signature-data", "the armoured block holds no data")
    ]


def test_a_signature_block_without_its_end_line() -> None:
    text = SIGNED.replace(openpgp.SIGNATURE_END + "\n", "")
    assert [(p.code.value, p.line) for p in check(text.encode(), NOW).problems] == [
        ("signature-block", 11)
    ]


def test_a_signed_header_with_nothing_after_it() -> None:
    problems = check(b"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n", NOW).problems
    assert [(p.code.value, p.line, p.message) for p in problems] == [
        ("signature-block", 1, "the signed message ends before its text"),
        ("no-contact", 0, "no Contact field (at least one is required)"),
        ("no-expires", 0, "no Expires field (exactly one is required)"),
        ("no-canonical", 0, "signed, but without a Canonical field"),
    ]


def test_an_unescaped_dash_line_in_the_signed_text() -> None:
    text = SIGNED.replace("\nExpires", "\n-Expires")
    assert [(p.code.value, p.line) for p in check(text.encode(), NOW).problems] == [
        ("signature-block", 5),
        ("unknown-field", 5),
        ("no-expires", 0),
    ]


def test_key_files() -> None:
    binary = openpgp.public_key(KEY)
    assert binary == KEY
    with pytest.raises(
        ValueError, match=r"^not an OpenPGP public key: it does not start with a public-key packet$"
    ):
        openpgp.public_key(b"\xc2\x01A")
    with pytest.raises(
        ValueError, match=r"^the block has no '-----END PGP PUBLIC KEY BLOCK-----' line$"
    ):
        openpgp.public_key(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n")


def test_verification_needs_gpgv(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(
        UnavailableError, match=r"^verifying a signature needs gpgv \(Debian package gpgv\)$"
    ):
        check(SIGNED.encode(), NOW, key=KEY)


def test_a_stalled_gpgv_is_given_up(monkeypatch: pytest.MonkeyPatch) -> None:
    def stall(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired("gpgv", openpgp.GPGV_SECONDS)

    monkeypatch.setattr(subprocess, "run", stall)
    with pytest.raises(UnavailableError, match=r"^gpgv did not answer within 20 s$"):
        check(SIGNED.encode(), NOW, key=KEY)


def test_a_key_gpgv_cannot_use() -> None:
    verified = openpgp.verify(SIGNED.encode(), b"\xc6\x01\x04")
    assert verified == openpgp.Verified(False, reason="the signature was not made by the given key")
