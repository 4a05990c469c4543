"""Bounded memories for results that depend only on the catalog (immutable while the app
runs) and a request's filters. Keys start with the catalog's data hash.

`memo` holds small built values (measures, serialised catalog answers) by count;
`Pictures` holds rendered charts by their size in bytes, least recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
_MEMO: dict[Hashable, Any] = {}
LIMIT = 4096


def memo(key: Hashable, build: Callable[[], T], miss: Callable[[], None] | None = None) -> T:
    """`build()` once per key; the whole memo is dropped when it is full (entries are
    cheap to rebuild and the catalog rarely has that many views in use). `miss()` runs
    before a build, so a rate limit charges only the answers that cost work."""
    if key in _MEMO:
        found: T = _MEMO[key]
        return found
    if miss is not None:
        miss()
    value = build()
    if len(_MEMO) >= LIMIT:
        _MEMO.clear()
    _MEMO[key] = value
    return value


def peek(key: Hashable) -> Any:
    """The value kept under `key`, or None; builds nothing."""
    return _MEMO.get(key)


class Pictures:
    """Rendered pictures up to `limit` bytes in all; adding one past it drops the least
    recently used. A picture larger than the whole limit is not kept."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.limit:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            self.size += len(body) - (len(old) if old is not None else 0)
            self._kept[key] = body
            while self.size > self.limit:
                _, dropped = self._kept.popitem(last=False)
                self.size -= len(dropped)
