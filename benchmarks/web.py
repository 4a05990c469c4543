"""Load the web app over loopback; print one JSON document.

Targets (issue 7): GET /api/v1/instruments/{id} at >= 500 requests/s with p99 <= 50 ms on
2 cores; the harmonisation dashboard page p99 <= 200 ms.

The server is `prodsec serve` in its own process (one uvicorn worker, a fresh SQLite file,
the demo data), so it has one core and the load generator the other. The generator is
plain asyncio streams: CONCURRENCY keep-alive HTTP/1.1 connections, each sending its next
request when the last answer arrived (closed loop). Latency is measured per request, from
send to the whole body read. A warm-up round runs first and is not counted.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TARGETS: dict[str, tuple[str, int]] = {  # name: (path, requests)
    "instrument": ("/api/v1/instruments/etsi-en-303-645@3.1.3", 5000),
    "dashboard": ("/harmonise", 300),
    "dashboard_filtered": (
        "/harmonise?bindingness=mandatory&category=consumer-iot-device"
        "&on=2026-06-01&jurisdictions=GB%2C+AU",
        500,
    ),
}
# ... and one person loading the dashboard alone, with no queueing behind other clients
PATHS = {name: path for name, (path, _) in TARGETS.items()} | {
    "dashboard_single_client": "/harmonise"
}
CONCURRENCY = {"instrument": 8, "dashboard": 4, "dashboard_filtered": 4}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _start(port: int, folder: str) -> subprocess.Popen[bytes]:
    prodsec = Path(sys.executable).with_name("prodsec")
    env = dict(os.environ, XDG_DATA_HOME=folder)
    env.pop("PRODSEC_DATABASE_URL", None)
    server = subprocess.Popen(
        [str(prodsec), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start within 60 s")


async def _client(host: str, port: int, path: str, left: list[int], out: list[float]) -> None:
    """One keep-alive HTTP/1.1 connection sending GETs one after another. A plain
    asyncio stream, so the generator spends little CPU per request and the server's
    core is what is measured."""
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    try:
        while left[0] > 0:
            left[0] -= 1
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            out.append(time.perf_counter() - start)
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
    finally:
        writer.close()


async def _load(host: str, port: int, path: str, total: int, clients: int) -> dict[str, float]:
    latencies: list[float] = []
    left = [total]
    began = time.perf_counter()
    await asyncio.gather(*(_client(host, port, path, left, latencies) for _ in range(clients)))
    wall = time.perf_counter() - began
    ms = sorted(x * 1000 for x in latencies)
    return {
        "requests": len(ms),
        "concurrency": clients,
        "requests_per_second": round(len(ms) / wall, 1),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2),
        "max_ms": round(ms[-1], 2),
    }


def main() -> None:
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = _start(port, folder)
        try:
            host = "127.0.0.1"
            loads: dict[str, dict[str, float]] = {}
            for name, (path, total) in TARGETS.items():
                asyncio.run(_load(host, port, path, max(20, total // 10), CONCURRENCY[name]))
                loads[name] = asyncio.run(_load(host, port, path, total, CONCURRENCY[name]))
            loads["dashboard_single_client"] = asyncio.run(
                _load(host, port, PATHS["dashboard_single_client"], 100, 1)
            )
        finally:
            server.terminate()
            server.wait(10)
    instrument, dashboard = loads["instrument"], loads["dashboard"]
    print(
        json.dumps(
            {
                "benchmark": "web",
                "cpus": os.cpu_count(),
                "server": "prodsec serve, one uvicorn worker, SQLite",
                "results": {name: {"path": PATHS[name]} | load for name, load in loads.items()},
                "targets": {
                    "instrument_requests_per_second": 500,
                    "instrument_p99_ms": 50,
                    "dashboard_p99_ms": 200,
                },
                "met": {
                    "instrument_requests_per_second": instrument["requests_per_second"] >= 500,
                    "instrument_p99_ms": instrument["p99_ms"] <= 50,
                    "dashboard_p99_ms": dashboard["p99_ms"] <= 200,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
