"""The web benchmark's floor: a minimal FastAPI app, one uvicorn worker, one `async def`
route sending fixed bytes with the same headers as prodsec's cached catalog answers.

`python -m benchmarks.floor_app PORT BODY_FILE PATH`
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Response


def floor_app(body: bytes, path: str) -> FastAPI:
    app = FastAPI()

    @app.get(path)
    async def answer() -> Response:
        return Response(
            body,
            media_type="application/json",
            headers={"ETag": '"floor"', "Cache-Control": "public, max-age=60"},
        )

    @app.get("/ready")
    async def ready() -> Response:
        return Response(b"{}", media_type="application/json")

    return app


if __name__ == "__main__":
    port, body, path = int(sys.argv[1]), Path(sys.argv[2]).read_bytes(), sys.argv[3]
    uvicorn.run(floor_app(body, path), host="127.0.0.1", port=port, log_level="warning")
