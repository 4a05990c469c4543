"""RFC 8785 JSON canonicalisation: the one byte form a label record is signed in.

Members sorted by their UTF-16 code units, no white space, strings escaped only where
JSON requires it, numbers printed as ECMAScript prints them (the shortest form that reads
back to the same double; exponent from 1e21 and below 1e-6). The work is done by the
`rfc8785` package (decision 0017), except for values without floats and with ASCII keys
(label records, log events), which the standard library writes in the same bytes several
times faster; this module
turns the package's refusals (a float that is not finite, an integer beyond 2**53 - 1, a
key that is not a string, a lone surrogate) into `BadInputError`.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import rfc8785

from prodsec.errors import BadInputError

SAFE = 2**53 - 1


def _plain(value: Any, depth: int = 0) -> bool:
    """A value of objects with ASCII keys, lists, strings, booleans, null and integers
    within 2**53 - 1 (label records, log events): its RFC 8785 form is what the standard
    library writes with sorted keys and no spaces (the same order, as ASCII sorts alike in
    UTF-16 and in code points; the same escapes; such integers print alike)."""
    if value is None or isinstance(value, str | bool):
        return True
    if isinstance(value, int):
        return -SAFE <= value <= SAFE
    if depth > 32:
        return False
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    return isinstance(value, dict) and all(
        isinstance(k, str) and k.isascii() and _plain(v, depth + 1) for k, v in value.items()
    )


def canonical(value: Any, *, plain: bool = False) -> bytes:
    """The canonical UTF-8 bytes of a JSON value (dict, list, str, int, float, bool, None).
    `plain=True`: the caller knows the value is plain (a checked label record: ASCII keys,
    strings and nulls), so it is not walked to find out."""
    if plain or _plain(value):
        try:
            return json.dumps(
                value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: the library says so below
            pass
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise BadInputError(f"cannot be canonicalised (RFC 8785): {exc}") from None


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64url(text: str) -> bytes:
    """The bytes of unpadded base64url, only when `text` is their one canonical spelling
    (no padding, no stray characters, no unused bits set); else `ValueError`."""
    if "=" in text or not text.isascii():
        raise ValueError("not unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if b64url(data) != text:
        raise ValueError("not the canonical base64url of its bytes")
    return data
