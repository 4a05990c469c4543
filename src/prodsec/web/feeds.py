"""Feeds in two formats from one description: Atom 1.0 (RFC 4287) and JSON Feed 1.1.

A feed is a `Feed` (its id, title, links, the time it last changed) and its `Entry`s;
`atom()` writes the XML (escaped by ElementTree, UTF-8, no DTD), `json_feed()` the JSON
document. Entry ids are stable (tag URIs, RFC 4151, or name-based UUIDs), so a reader never
sees an old entry as new. An entry has a text (Atom `content`), a summary (Atom `summary`)
or both, and may carry prodsec's own fields (`data`, JSON Feed's `_prodsec` extension).
Every feed of the app (catalog changes, dates coming into force, each organisation's
changes of verdict, the registry's label events) is made here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from xml.etree import ElementTree as ET

from fastapi import Response
from typing_extensions import TypedDict

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
TAG_AUTHORITY = "prodsec.dev,2026"


def tag(path: str) -> str:
    """A stable id: `tag:prodsec.dev,2026:<path>` (RFC 4151)."""
    return f"tag:{TAG_AUTHORITY}:{path}"


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    title: str
    updated: dt.datetime
    text: str
    url: str = ""
    tags: Sequence[str] = ()
    summary: str = ""
    data: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    id: str
    title: str
    self_url: str  # absolute: where this feed is
    home_url: str  # absolute: the page it follows
    updated: dt.datetime
    author: str = "prodsec"
    entries: Sequence[Entry] = field(default_factory=tuple)


class JsonFeedItem(TypedDict, total=False):
    id: str
    title: str
    content_text: str
    summary: str
    date_modified: str
    url: str
    tags: list[str]
    _prodsec: dict[str, object]


class JsonFeed(TypedDict):
    version: str
    title: str
    home_page_url: str
    feed_url: str
    authors: list[dict[str, str]]
    items: list[JsonFeedItem]


def _stamp(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(feed: Feed) -> bytes:
    """The feed as an Atom 1.0 document."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, name: str, text: str = "", **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
        if text:
            node.text = text
        return node

    root = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(root, "id", feed.id)
    sub(root, "title", feed.title)
    sub(root, "updated", _stamp(feed.updated))
    sub(sub(root, "author"), "name", feed.author)
    sub(root, "link", rel="self", href=feed.self_url, type=ATOM_TYPE.split(";")[0])
    sub(root, "link", rel="alternate", href=feed.home_url, type="text/html")
    for item in feed.entries:
        node = sub(root, "entry")
        sub(node, "id", item.id)
        sub(node, "title", item.title)
        sub(node, "updated", _stamp(item.updated))
        if item.url:
            sub(node, "link", rel="alternate", href=item.url, type="text/html")
        for term in item.tags:
            sub(node, "category", term=term)
        if item.summary:
            sub(node, "summary", item.summary, type="text")
        if item.text or not item.summary:
            sub(node, "content", item.text, type="text")
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text


def json_feed(feed: Feed) -> JsonFeed:
    """The feed as a JSON Feed 1.1 document."""
    items: list[JsonFeedItem] = []
    for item in feed.entries:
        one: JsonFeedItem = {
            "id": item.id,
            "title": item.title,
            "content_text": item.text or item.summary,
            "date_modified": _stamp(item.updated),
        }
        if item.summary:
            one["summary"] = item.summary
        if item.data is not None:
            one["_prodsec"] = dict(item.data)
        if item.url:
            one["url"] = item.url
        if item.tags:
            one["tags"] = list(item.tags)
        items.append(one)
    return {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.self_url,
        "authors": [{"name": feed.author}],
        "items": items,
    }


def as_json_bytes(document: Any) -> bytes:
    import json

    return json.dumps(document, ensure_ascii=False, indent=1).encode()


FeedKind = Literal["atom", "json"]
"""The two forms a feed is served in (`.atom`, `.json`)."""


def feed_response(feed: Feed, kind: FeedKind) -> Response:
    """The feed as an HTTP answer: Atom XML or JSON Feed 1.1, with its media type."""
    if kind == "atom":
        return Response(atom(feed), media_type=ATOM_TYPE)
    return Response(as_json_bytes(json_feed(feed)), media_type=JSON_FEED_TYPE)
