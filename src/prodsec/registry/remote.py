"""A registry's public API read over the network, bounded: what `prodsec label verify`
fetches to check a label against the registry's own log (docs/registry.md).

`RemoteStatus` fetches only what the check needs: the latest signed head, the entries
about the label's registration (`GET /api/v1/log/about`, page by page) and an inclusion
proof of each (`GET /api/v1/log/proofs/inclusion`), a handful of requests whatever the
log's size. `fetch_log` fetches every entry up to the head instead (`--whole-log`): only
the whole log shows that no event about the registration was left out of the answer.

Every fetch asks for https, or http to a loopback address only (a redirect is held to
the same rule); reads at most a given number of bytes; gives up after `TIMEOUT` seconds
from the request to the last byte; and fails with an error that names the URL. Nothing
fetched is trusted: the caller checks the head's signature with the key set and the
entries against the head (`verify.check_copy`) before it reads a status from them.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.error import URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from prodsec.errors import BadInputError, LimitExceededError, UnavailableError
from prodsec.registry.log import Entry, TreeHead
from prodsec.registry.signing import LabelRecord, Verdict
from prodsec.registry.status import LogStatus, proven_by
from prodsec.registry.views import entries_of, head_of, inclusion_path_of

TIMEOUT = 10.0
"""Seconds for one fetch, from the request to its last byte."""
MAX_JWKS = 1_048_576
MAX_HEAD = 16_384
MAX_PAGE_BYTES = 16 * 1_048_576
MAX_ENTRIES = 256 * 1_048_576
"""Bytes of log entries fetched in all, page by page."""
PAGE = 500
"""Entries asked for a page (the API's largest page)."""
MAX_ABOUT = 1_000
"""Entries about one registration fetched and proven at most (each proof is a request)."""
MAX_PROOF = 16_384
CHUNK = 65_536


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in {"http", "https"}


def check_url(url: str) -> None:
    """https, or http to a loopback address (`localhost`, 127.0.0.0/8, ::1)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname and _loopback(parts.hostname):
        return
    raise BadInputError(f"{url}: only https URLs are fetched (http on loopback only)")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: str) -> str:
    """`scheme://host[:port]` of a URL: where a registry serves its API."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class _SameRule(HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        check_url(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = build_opener(_SameRule)


def fetch(url: str, limit: int) -> bytes:
    """The body at `url`: at most `limit` bytes, within `TIMEOUT` seconds."""
    check_url(url)
    timeout = TIMEOUT
    deadline = time.monotonic() + timeout
    body = bytearray()
    try:
        with _OPENER.open(Request(url, headers={"Accept": "*/*"}), timeout=timeout) as answer:
            while len(body) <= limit:
                chunk = answer.read(min(CHUNK, limit + 1 - len(body)))
                if not chunk:
                    break
                body += chunk
                if time.monotonic() > deadline:
                    raise UnavailableError(f"cannot fetch {url}: no whole answer in {timeout:g} s")
    except (URLError, OSError, ValueError) as exc:
        raise UnavailableError(f"cannot fetch {url}: {exc}") from exc
    if len(body) > limit:
        raise LimitExceededError(f"{url} is larger than {limit} bytes", limit="bytes")
    return bytes(body)


def fetch_json(url: str, limit: int) -> Any:
    """The JSON document at `url`."""
    try:
        return json.loads(fetch(url, limit))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{url} is not JSON ({exc})") from None


@dataclass(frozen=True, slots=True)
class LogCopy:
    """The registry's latest signed head and its entries up to it, as fetched (not yet
    checked)."""

    head: TreeHead
    entries: list[Entry]


def fetch_head(base: str) -> TreeHead:
    """The latest signed tree head at `base`'s public log API (not yet checked)."""
    url = f"{base.rstrip('/')}/api/v1/log/heads/latest"
    return head_of(fetch_json(url, MAX_HEAD), url)


class _Pages:
    """Pages of entries fetched one after the other, at most `MAX_ENTRIES` bytes in all."""

    def __init__(self) -> None:
        self.left = MAX_ENTRIES

    def fetch(self, url: str) -> list[Entry]:
        if self.left <= 0:
            raise LimitExceededError(
                f"{url}: the log's entries are larger than {MAX_ENTRIES} bytes", limit="bytes"
            )
        body = fetch(url, min(MAX_PAGE_BYTES, self.left))
        self.left -= len(body)
        try:
            return entries_of(json.loads(body), url)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadInputError(f"{url} is not JSON ({exc})") from None


def fetch_log(base: str) -> LogCopy:
    """The latest head at `base`'s public log API and every entry up to it, page by page
    (`PAGE` entries, at most `MAX_ENTRIES` bytes in all)."""
    base = base.rstrip("/")
    head = fetch_head(base)
    entries: list[Entry] = []
    pages = _Pages()
    while len(entries) < head.size:
        page = pages.fetch(f"{base}/api/v1/log/entries?start={len(entries)}&limit={PAGE}")
        if not page:
            break  # fewer entries than the head counts: the copy's check says so
        entries.extend(page)
    return LogCopy(head, entries[: head.size])


def fetch_about(base: str, subject: str, size: int) -> list[Entry]:
    """The entries among the first `size` that `base`'s log says are about `subject`,
    page by page (at most `MAX_ABOUT`), each once, in log order (not yet checked)."""
    base = base.rstrip("/")
    found: dict[int, Entry] = {}
    pages = _Pages()
    while True:
        query = urlencode({"subject": subject, "size": size, "offset": len(found), "limit": PAGE})
        url = f"{base}/api/v1/log/about?{query}"
        page = [e for e in pages.fetch(url) if e.index < size and e.index not in found]
        found.update((e.index, e) for e in page)
        if len(found) > MAX_ABOUT:
            raise LimitExceededError(
                f"{url}: more than {MAX_ABOUT} entries about {subject}", limit="entries"
            )
        if len(page) < PAGE:
            return [found[i] for i in sorted(found)]


def fetch_inclusion(base: str, index: int, size: int) -> list[bytes]:
    """The audit path of entry `index` in the tree of `size` leaves (not yet checked)."""
    url = f"{base.rstrip('/')}/api/v1/log/proofs/inclusion?index={index}&size={size}"
    return inclusion_path_of(fetch_json(url, MAX_PROOF), url)


class RemoteStatus:
    """The `StatusHook` of one token over a registry's log as of `head` (its signature
    checked by the caller first): called once the label's own signature holds, it
    fetches the entries about the label's registration and an inclusion proof of each,
    then judges offline (`LogStatus` with `proven_by`): every entry must name the
    registration and lead to the head's root, or the check fails (exit 1)."""

    def __init__(self, base: str, token: str, head: TreeHead) -> None:
        self.base, self.token, self.head = base, token, head

    def __call__(self, record: LabelRecord, on: dt.date) -> tuple[Verdict, str]:
        size = self.head.size
        entries = fetch_about(self.base, record["registration"], size)
        paths = {e.index: fetch_inclusion(self.base, e.index, size) for e in entries}
        return LogStatus(self.token, entries, self.head, proven_by(paths, self.head))(record, on)
