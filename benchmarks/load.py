"""Load and abuse over loopback; print one JSON document (issue 13).

Run from the repository's root: `python -m benchmarks.load` (what `make bench` does).

The server is `prodsec serve` in its own process (one uvicorn worker, a fresh SQLite file,
the demo data); this process is the client. Three rounds, each bounded in requests and
time (the whole run stays under about a minute):

- writes: WRITERS clients each creating WRITES products; lost writes are the 201s the
  server answered minus the products it lists afterwards;
- charts: CHART_CLIENTS clients asking for pictures no one asked for before (a new date
  each time, so never cached) while READERS clients read a cached JSON answer, for
  CHART_SECONDS;
- sign-ins: SIGN_INS wrong passwords for one email, all at once, each waited for at most
  TIMEOUT seconds (last, so a server that stalls on them spoils no other round).

Per kind: requests, the statuses counted, errors (a 5xx, a timeout or a broken
connection; 429 is the rate limit doing its work and not an error, a 503 with
Retry-After from a busy renderer likewise), p50 and p99. Target with one worker: 0 errors
and p99 <= 50 ms on the cached reads while the charts are asked for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
from benchmarks.frame import emit, figure
from benchmarks.web import _free_port, _start

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PASSWORD = "a long benchmark password"
SIGN_INS = 20
WRITERS, WRITES = 8, 10
CHART_CLIENTS, READERS, CHART_SECONDS = 12, 4, 15.0
CACHED = "/api/v1/instruments/etsi-en-303-645@3.1.3"
TIMEOUT = 15.0


class Tally:
    """Latencies and statuses of one kind of request."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self.status: Counter[str] = Counter()

    def add(self, began: float, status: int | str) -> None:
        self.ms.append((time.perf_counter() - began) * 1000)
        self.status[str(status)] += 1

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.status.items() if not s.isdigit() or s.startswith("5"))

    def public(self) -> dict[str, object]:
        ms = sorted(self.ms) or [0.0]
        return {
            "requests": len(self.ms),
            "status": dict(sorted(self.status.items())),
            "errors": self.errors,
            "p50_ms": round(statistics.median(ms), 2),
            "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2),
        }


def _failed(exc: Exception) -> str:
    return "timeout" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__


async def sign_ins(base: str) -> Tally:
    tally = Tally()
    body = {"email": "nobody@example.org", "password": "not the password"}
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT) as client:

        async def one() -> None:
            began = time.perf_counter()
            try:
                tally.add(began, (await client.post("/api/v1/tokens", json=body)).status_code)
            except httpx.HTTPError as exc:
                tally.add(began, _failed(exc))

        await asyncio.gather(*(one() for _ in range(SIGN_INS)))
    return tally


async def writes(base: str, token: str) -> tuple[Tally, int, int]:
    """(the tally, products the server said it created, products it lists after)."""
    tally = Tally()
    profile = (ROOT / "examples" / "smart-plug-cls.yaml").read_text(encoding="utf-8")
    headers = {"Authorization": f"Bearer {token}", "content-type": "application/yaml"}
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, headers=headers) as client:
        before = (await client.get("/api/v1/products")).json()["total"]

        async def writer() -> None:
            for _ in range(WRITES):
                began = time.perf_counter()
                try:
                    made = await client.post("/api/v1/products", content=profile)
                    tally.add(began, made.status_code)
                except httpx.HTTPError as exc:
                    tally.add(began, _failed(exc))

        await asyncio.gather(*(writer() for _ in range(WRITERS)))
        after = (await client.get("/api/v1/products")).json()["total"]
    return tally, tally.status["201"], after - before


async def _loop(path_of: Callable[[int], str], tally: Tally, until: float) -> None:
    """One keep-alive connection sending GETs until `until`; `path_of(i)` is the i-th
    path. Plain asyncio streams, so the client spends little CPU per request."""
    reader, writer = await asyncio.open_connection(HOST, PORT[0])
    i = 0
    try:
        while time.monotonic() < until:
            began = time.perf_counter()
            writer.write(f"GET {path_of(i)} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
            except TimeoutError:
                tally.add(began, "timeout")
                return
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            tally.add(began, int(head.split(b" ", 2)[1]))
            i += 1
    finally:
        writer.close()


PORT = [0]
CHARTS = ("coverage", "overlap", "timeline")


async def charts_and_reads() -> tuple[Tally, Tally]:
    charts, reads = Tally(), Tally()
    until = time.monotonic() + CHART_SECONDS
    first = dt.date(2030, 1, 1)

    def chart(client: int) -> Callable[[int], str]:
        def path(i: int) -> str:
            day = first + dt.timedelta(days=client * 10_000 + i)
            return f"/harmonise/{CHARTS[i % 3]}.png?on={day.isoformat()}"

        return path

    await asyncio.gather(
        *(_loop(chart(c), charts, until) for c in range(CHART_CLIENTS)),
        *(_loop(lambda _: CACHED, reads, until) for _ in range(READERS)),
    )
    return charts, reads


def main() -> None:
    began = time.monotonic()
    PORT[0] = _free_port()
    base = f"http://{HOST}:{PORT[0]}"
    os.environ["PRODSEC_ADMIN_PASSWORD"] = PASSWORD
    with tempfile.TemporaryDirectory() as folder:
        server = _start(PORT[0], folder)
        try:
            httpx.get(base + CACHED)  # the cached answer is built once, before the rounds
            token = httpx.post(
                base + "/api/v1/tokens", json={"email": "admin@localhost", "password": PASSWORD}
            ).json()["token"]
            written, said, stored = asyncio.run(writes(base, token))
            charts, reads = asyncio.run(charts_and_reads())
            signed = asyncio.run(sign_ins(base))
        finally:
            server.terminate()
            try:
                server.wait(30)  # uvicorn lets the requests in flight finish
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    kinds = {"sign_in": signed, "write": written, "chart": charts, "cached_read": reads}
    results = {name: tally.public() for name, tally in kinds.items()}
    results["write"] |= {"created": said, "stored": stored, "lost": said - stored}
    errors = sum(t.errors for t in kinds.values())
    p99 = reads.public()["p99_ms"]
    assert isinstance(p99, float)
    figures = [
        figure(
            "errors (5xx, timeouts, broken connections)", errors, "", target="0", met=errors == 0
        ),
        figure("lost writes", said - stored, "", target="0", met=said == stored),
        figure(
            "cached read p99 while charts are asked for",
            p99,
            "ms",
            target="<= 50 ms",
            met=p99 <= 50,
        ),
    ]
    emit(
        "load",
        figures,
        server="prodsec serve, one uvicorn worker, SQLite, default limits",
        seconds=round(time.monotonic() - began, 1),
        rate_limited_429=sum(t.status["429"] for t in kinds.values()),
        results=results,
    )


if __name__ == "__main__":
    main()
