"""The OpenPGP cleartext signature framework (RFC 4880, section 7) as far as a signed
security.txt needs it: the message split into its signed text (dash-escaping undone)
and its signature block, the ASCII armour decoded and its CRC-24 checked, the signature
packets read for their structure, and, given a public key, the signature verified by
Debian's `gpgv` with a keyring of that one key in a fresh temporary folder
(decision 0020). Nothing here trusts a key: the caller names the one key to check."""

from __future__ import annotations

import binascii
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from prodsec.errors import UnavailableError

SIGNED_HEADER = "-----BEGIN PGP SIGNED MESSAGE-----"
SIGNATURE_BEGIN = "-----BEGIN PGP SIGNATURE-----"
SIGNATURE_END = "-----END PGP SIGNATURE-----"
KEY_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
KEY_END = "-----END PGP PUBLIC KEY BLOCK-----"
HASHES = {1: "MD5", 2: "SHA1", 3: "RIPEMD160", 8: "SHA256", 9: "SHA384", 10: "SHA512", 11: "SHA224"}
_ARMOUR_HEADER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*: .*$")
_CANONICAL_TEXT = 0x01
_SIGNATURE_TAG = 2
GPGV_SECONDS = 20


@dataclass(frozen=True, slots=True)
class Flaw:
    """One structural problem of a signed message: `line` is 1-based (0: the whole
    message); `block` is True for the framework's lines, False for the signature's data."""

    line: int
    message: str
    block: bool = True


@dataclass(frozen=True, slots=True)
class Cleartext:
    """A signed message taken apart: the signed text as (line number, text) pairs with
    dash-escaping undone, the hash names its header declares, the line of the signature
    block's first line (0 when missing), and the flaws found on the way."""

    text: tuple[tuple[int, str], ...]
    hashes: tuple[str, ...]
    signature_line: int
    signature: bytes | None
    flaws: tuple[Flaw, ...]
    trailing_blank: int = 0
    trailing_data: int = 0


def split_cleartext(lines: list[str], start: int) -> Cleartext:
    """Take apart a signed message whose header is `lines[start]` (0-based index); lines
    carry no line ends. Every flaw is reported with its line; the text is returned even
    when the signature block is broken, so the fields can still be checked."""
    flaws: list[Flaw] = []
    hashes: list[str] = []
    i = start + 1
    while i < len(lines) and lines[i].strip():  # the armour headers of the signed text
        name, _, value = lines[i].partition(": ")
        if name == "Hash" and value:
            hashes += [h.strip().upper() for h in value.split(",")]
        else:
            flaws.append(Flaw(i + 1, "only 'Hash:' headers may follow the signed-message header"))
        i += 1
    if i >= len(lines):
        flaws.append(Flaw(start + 1, "the signed message ends before its text"))
        return Cleartext((), tuple(hashes), 0, None, tuple(flaws))
    i += 1  # the blank line before the text
    text: list[tuple[int, str]] = []
    begin = next((j for j in range(i, len(lines)) if lines[j].rstrip() == SIGNATURE_BEGIN), None)
    if begin is None:
        flaws.append(Flaw(start + 1, f"no '{SIGNATURE_BEGIN}' line follows the signed text"))
        text = [(j + 1, lines[j]) for j in range(i, len(lines))]
        return Cleartext(tuple(text), tuple(hashes), 0, None, tuple(flaws))
    for j in range(i, begin):
        line = lines[j]
        if line.startswith("- "):
            line = line[2:]
        elif line.startswith("-"):
            flaws.append(Flaw(j + 1, "a line of signed text starting with '-' is not dash-escaped"))
        text.append((j + 1, line))
    signature, end, armour_flaws = _armour(lines, begin, SIGNATURE_BEGIN, SIGNATURE_END)
    flaws += armour_flaws
    blank = data = 0
    if end is not None:
        for j in range(end + 1, len(lines)):
            if lines[j].strip():
                data = data or j + 1
            else:
                blank = blank or j + 1
    if signature is not None:
        flaws += _signature_packets(signature, begin + 1, hashes)
    return Cleartext(tuple(text), tuple(hashes), begin + 1, signature, tuple(flaws), blank, data)


def _armour(
    lines: list[str], begin: int, head: str, foot: str
) -> tuple[bytes | None, int | None, list[Flaw]]:
    """The bytes of the armoured block whose first line is `lines[begin]`, the index of
    its last line, and its flaws (a bad header, no end line, bad base64, a bad CRC-24)."""
    flaws: list[Flaw] = []
    i = begin + 1
    while i < len(lines) and lines[i].strip():
        if not _ARMOUR_HEADER.match(lines[i]):
            flaws.append(Flaw(i + 1, "a line of the armour headers is not 'Name: value'"))
            return None, None, flaws
        i += 1
    end = next((j for j in range(i, len(lines)) if lines[j].rstrip() == foot), None)
    if end is None:
        flaws.append(Flaw(begin + 1, f"the block has no '{foot}' line"))
        return None, None, flaws
    body = [lines[j].strip() for j in range(i + 1, end)]
    checksum = body.pop()[1:] if body and body[-1].startswith("=") else None
    try:
        data = binascii.a2b_base64("".join(body).encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        flaws.append(Flaw(begin + 1, "the armoured data is not valid base64", block=False))
        return None, end, flaws
    if not data:
        flaws.append(Flaw(begin + 1, "the armoured block holds no data", block=False))
        return None, end, flaws
    if checksum is not None and checksum.encode("ascii", "replace") != binascii.b2a_base64(
        crc24(data).to_bytes(3, "big"), newline=False
    ):
        flaws.append(Flaw(begin + 1, "the armour's CRC-24 checksum does not match", block=False))
        return None, end, flaws
    return data, end, flaws


def crc24(data: bytes) -> int:
    """The CRC-24 of RFC 4880, section 6.1."""
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def packets(data: bytes) -> list[tuple[int, bytes]]:
    """(tag, body) of each packet; ValueError naming what is wrong with the framing."""
    found = []
    at = 0
    while at < len(data):
        first = data[at]
        if not first & 0x80:
            raise ValueError(f"byte {at} does not start a packet")
        if first & 0x40:  # the new format
            tag, at = first & 0x3F, at + 1
            if at >= len(data):
                raise ValueError("a packet header is cut short")
            o1 = data[at]
            if o1 < 192:
                size, at = o1, at + 1
            elif o1 < 224:
                if at + 1 >= len(data):
                    raise ValueError("a packet header is cut short")
                size, at = ((o1 - 192) << 8) + data[at + 1] + 192, at + 2
            elif o1 == 255:
                size, at = int.from_bytes(data[at + 1 : at + 5], "big"), at + 5
            else:
                raise ValueError("partial body lengths are not allowed here")
        else:
            tag, kind = (first >> 2) & 0x0F, first & 0x03
            if kind == 3:
                raise ValueError("indeterminate packet lengths are not allowed here")
            width = 1 << kind
            size = int.from_bytes(data[at + 1 : at + 1 + width], "big")
            at += 1 + width
        if at + size > len(data):
            raise ValueError("a packet is longer than the data")
        found.append((tag, data[at : at + size]))
        at += size
    return found


def _signature_packets(data: bytes, line: int, hashes: list[str]) -> list[Flaw]:
    try:
        found = packets(data)
    except ValueError as exc:
        return [Flaw(line, f"the signature's packets cannot be read: {exc}", block=False)]
    for tag, body in found:
        if tag != _SIGNATURE_TAG:
            return [Flaw(line, f"the block holds a packet of type {tag}, not a signature", False)]
        if len(body) < 6 or body[0] not in (3, 4, 5, 6):
            return [Flaw(line, "a signature packet is too short or of an unknown version", False)]
        kind, algorithm = (body[2], body[5]) if body[0] == 3 else (body[1], body[3])
        if kind != _CANONICAL_TEXT:
            return [
                Flaw(line, f"a cleartext signature must be of type 0x01, not {kind:#04x}", False)
            ]
        name = HASHES.get(algorithm, str(algorithm))
        if hashes and name not in hashes:
            declared = ", ".join(hashes)
            return [Flaw(line, f"the signature uses {name}, the header declares {declared}", False)]
    return []


# --- verification ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verified:
    """What `gpgv` said: good (with the signing key's fingerprint) or why not."""

    good: bool
    fingerprint: str = ""
    reason: str = ""


def public_key(data: bytes) -> bytes:
    """A public key file's packets: armoured (decoded and checked) or binary as given;
    ValueError when it is neither."""
    text = data.decode("ascii", "replace")
    if KEY_BEGIN in text:
        lines = text.splitlines()
        begin = next(i for i, line in enumerate(lines) if line.strip() == KEY_BEGIN)
        key, _, flaws = _armour(lines, begin, KEY_BEGIN, KEY_END)
        if key is None:
            raise ValueError(flaws[0].message if flaws else "the key block cannot be read")
        data = key
    try:
        tags = [tag for tag, _ in packets(data)]
    except ValueError as exc:
        raise ValueError(f"not an OpenPGP public key: {exc}") from None
    if not tags or tags[0] != 6:  # a public-key packet comes first
        raise ValueError("not an OpenPGP public key: it does not start with a public-key packet")
    return data


def verify(message: bytes, key: bytes) -> Verified:
    """Check a cleartext-signed `message` against the one public `key` (packets, as from
    `public_key`) with `gpgv`, in a temporary folder that is its home and holds its only
    keyring. UnavailableError when `gpgv` is not installed."""
    gpgv = shutil.which("gpgv")
    if gpgv is None:
        raise UnavailableError("verifying a signature needs gpgv (Debian package gpgv)")
    with tempfile.TemporaryDirectory(prefix="prodsec-gpgv-") as folder:
        home = Path(folder)
        (home / "key.gpg").write_bytes(key)
        (home / "message.txt").write_bytes(message)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "GNUPGHOME": folder}
        argv = [gpgv, "--homedir", folder, "--keyring", str(home / "key.gpg")]
        try:
            run = subprocess.run(
                [*argv, "--status-fd", "1", str(home / "message.txt")],
                capture_output=True,
                env=env,
                timeout=GPGV_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise UnavailableError(f"gpgv did not answer within {GPGV_SECONDS} s") from None
    status: dict[str, list[str]] = {}
    for line in run.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "[GNUPG:]":
            status.setdefault(parts[1], parts[2:])
    if run.returncode == 0 and "VALIDSIG" in status and status["VALIDSIG"]:
        return Verified(True, fingerprint=status["VALIDSIG"][0])
    if "BADSIG" in status:
        return Verified(False, reason="the signature does not match the signed text")
    if "NO_PUBKEY" in status or "ERRSIG" in status:
        return Verified(False, reason="the signature was not made by the given key")
    return Verified(False, reason="gpgv could not check the signature")
