"""A rate limit for expensive public answers, per client: a token bucket.

Each client (its address as the server sees it) has a bucket of `burst` tokens that
refills at `per_minute` tokens a minute. Work that is not cached spends tokens (a
measure or a crosswalk 1, an uncached picture `picture_cost`); an answer from a cache
spends none. An empty bucket gives `RateLimitedError` (429 with Retry-After: the seconds
until the tokens are there). The numbers come from `Settings`, read once by the app
factory from the environment (docs/web.md, "Limits on expensive work").
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, fields
from typing import TypeVar

from fastapi import Request

from prodsec.errors import BadInputError, TooManyRequestsError
from prodsec.web.memo import memo

T = TypeVar("T")

MAX_CLIENTS = 10_000
"""Buckets kept at most; past it the full ones (clients idle long enough) are dropped."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Limits on expensive work; each field is `PRODSEC_<FIELD>` in the environment."""

    rate_per_minute: float = 30.0
    rate_burst: float = 20.0
    picture_cost: float = 5.0
    render_workers: int = 1
    render_queue: int = 8
    render_wait: float = 10.0
    picture_cache_mb: float = 64.0

    @classmethod
    def from_env(cls) -> Settings:
        given: dict[str, float | int] = {}
        for f in fields(cls):
            name = f"PRODSEC_{f.name.upper()}"
            text = os.environ.get(name)
            if text is None:
                continue
            kind = int if f.type == "int" else float
            try:
                value = kind(text)
            except ValueError:
                value = -1
            if not (value > 0 and math.isfinite(value)):
                raise BadInputError(f"'{text}' is not a positive number", field=name)
            given[f.name] = value
        return cls(**given)  # type: ignore[arg-type]


class RateLimitedError(TooManyRequestsError):
    def __init__(self, wait: int) -> None:
        super().__init__(
            f"too many expensive requests from this client; try again in {wait} s",
            retry_after=wait,
        )


class RateLimiter:
    """Token buckets per client; `take` is safe from several threads."""

    def __init__(self, per_minute: float, burst: float) -> None:
        self.rate, self.burst = per_minute / 60, burst
        self._buckets: dict[str, tuple[float, float]] = {}  # client: (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str, cost: float = 1.0, now: float | None = None) -> None:
        """Spend `cost` tokens of `client`'s bucket, or raise `RateLimitedError`."""
        at = time.monotonic() if now is None else now
        with self._lock:
            tokens, then = self._buckets.get(client, (self.burst, at))
            tokens = min(self.burst, tokens + (at - then) * self.rate)
            if tokens < cost:
                self._buckets[client] = (tokens, at)
                raise RateLimitedError(max(1, math.ceil((cost - tokens) / self.rate)))
            self._buckets[client] = (tokens - cost, at)
            if len(self._buckets) > MAX_CLIENTS:
                self._prune(at)

    def _prune(self, now: float) -> None:
        self._buckets = {
            c: (t, at)
            for c, (t, at) in self._buckets.items()
            if t + (now - at) * self.rate < self.burst
        }
        if len(self._buckets) > MAX_CLIENTS:
            self._buckets.clear()


def client_of(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy: the proxy's, unless
    uvicorn is told to trust its forwarded headers)."""
    return request.client.host if request.client else "unknown"


def spend(request: Request, cost: float = 1.0) -> None:
    limiter: RateLimiter = request.app.state.limiter
    limiter.take(client_of(request), cost)


def built_or_spent(request: Request, key: Hashable, build: Callable[[], T]) -> T:
    """`build()`'s value from the memo, or built once the client has paid one token."""
    return memo(key, build, miss=lambda: spend(request))
