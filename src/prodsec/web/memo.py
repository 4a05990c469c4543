"""One bounded memo for results that depend only on the catalog (immutable while the app
runs) and a request's filters. Keys start with the catalog's data hash."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
_MEMO: dict[Hashable, Any] = {}
LIMIT = 4096


def memo(key: Hashable, build: Callable[[], T]) -> T:
    """`build()` once per key; the whole memo is dropped when it is full (entries are
    cheap to rebuild and the catalog rarely has that many views in use)."""
    if key in _MEMO:
        found: T = _MEMO[key]
        return found
    value = build()
    if len(_MEMO) >= LIMIT:
        _MEMO.clear()
    _MEMO[key] = value
    return value
