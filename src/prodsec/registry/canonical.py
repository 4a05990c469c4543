"""RFC 8785 JSON canonicalisation: the one byte form a label record is signed in.

Members sorted by their UTF-16 code units, no white space, strings escaped only where
JSON requires it, numbers printed as ECMAScript prints them (the shortest form that reads
back to the same double; exponent from 1e21 and below 1e-6). The work is done by the
`rfc8785` package (decision 0013); this module turns its refusals (a float that is not
finite, an integer beyond 2**53 - 1, a key that is not a string) into `BadInputError`.
"""

from __future__ import annotations

from typing import Any

import rfc8785

from prodsec.errors import BadInputError


def canonical(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a JSON value (dict, list, str, int, float, bool, None)."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise BadInputError(f"cannot be canonicalised (RFC 8785): {exc}") from None
