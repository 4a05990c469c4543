"""Catalog resources with an ETag: the catalog only changes with its data hash, so a body
is built and serialised once per (hash, key) and served from memory after."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Request, Response

from prodsec.catalog import Catalog
from prodsec.web.memo import memo


def memo_key(catalog: Catalog, key: str) -> Hashable:
    """Where the memo keeps the (ETag, body bytes) of a catalog resource."""
    return (catalog.data_hash, "api", key)


def cached(request: Request, catalog: Catalog, key: str, build: Callable[[], Any]) -> Response:
    """The body `build()` makes, with an ETag; 304 when the client has it already."""

    def render() -> tuple[str, bytes]:
        tag = '"' + hashlib.sha256(f"{catalog.data_hash}:{key}".encode()).hexdigest()[:32] + '"'
        return tag, json.dumps(build(), ensure_ascii=False, separators=(",", ":")).encode()

    tag, body = memo(memo_key(catalog, key), render)
    return tagged(tag, body, request.headers.get("if-none-match"))


def tagged(tag: str, body: bytes, if_none_match: str | None) -> Response:
    """The answer for a cached body: 304 when the client holds this tag already."""
    if if_none_match == tag:
        return Response(status_code=304, headers={"ETag": tag})
    return Response(
        body,
        media_type="application/json",
        headers={"ETag": tag, "Cache-Control": "public, max-age=60"},
    )
