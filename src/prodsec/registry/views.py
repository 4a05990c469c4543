"""The log's public JSON: heads, entries and proofs, built here for the API and the CLI
alike, and read back (`head_of`, `entries_of`) when a copy is checked offline.

Hashes are lowercase hex (they go into URLs); a signature is base64url without padding,
as in a JWS; `record` is the event's canonical JSON text, exactly the bytes hashed (as
UTF-8) for the leaf.
"""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from prodsec.errors import BadInputError
from prodsec.registry.canonical import b64url, from_b64url
from prodsec.registry.events import EventPublic, parse_record
from prodsec.registry.log import Entry, TransparencyLog, TreeHead
from prodsec.registry.merkle import HASH_SIZE, tree_root


class HeadPublic(TypedDict):
    tree_size: int
    root_hash: str
    timestamp: int
    key_id: str
    signature: str


class EntryPublic(TypedDict):
    index: int
    leaf_hash: str
    record: str
    event: EventPublic | None


class InclusionPublic(TypedDict):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    inclusion_path: list[str]


class ConsistencyPublic(TypedDict):
    first: int
    second: int
    first_root: str
    second_root: str
    consistency_path: list[str]


def head_view(head: TreeHead) -> HeadPublic:
    return {
        "tree_size": head.size,
        "root_hash": head.root.hex(),
        "timestamp": head.timestamp,
        "key_id": head.key_id,
        "signature": b64url(head.signature),
    }


def entry_view(entry: Entry) -> EntryPublic:
    try:
        event: EventPublic | None = parse_record(entry.data)
    except BadInputError:
        event = None
    return {
        "index": entry.index,
        "leaf_hash": entry.leaf_hash.hex(),
        "record": entry.data.decode("utf-8", "replace"),
        "event": event,
    }


def inclusion_view(log: TransparencyLog, index: int, size: int) -> InclusionPublic:
    path = log.inclusion(index, size)
    return {
        "leaf_index": index,
        "tree_size": size,
        "leaf_hash": log.entry(index).leaf_hash.hex(),
        "root_hash": tree_root(log.store, size).hex(),
        "inclusion_path": [h.hex() for h in path],
    }


def consistency_view(log: TransparencyLog, first: int, second: int) -> ConsistencyPublic:
    path = log.consistency(first, second)
    return {
        "first": first,
        "second": second,
        "first_root": tree_root(log.store, first).hex(),
        "second_root": tree_root(log.store, second).hex(),
        "consistency_path": [h.hex() for h in path],
    }


def hash_of(value: object, field: str) -> bytes:
    """A hash given as hex: 64 hex digits, or `BadInputError` naming the field."""
    if isinstance(value, str) and len(value) == 2 * HASH_SIZE:
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    raise BadInputError(f"not a SHA-256 hash in hex (64 hex digits): {value!r:.80}", field=field)


def _int(document: dict[str, Any], name: str, field: str) -> int:
    value = document.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadInputError(f"'{name}' must be a whole number, 0 or more", field=field)
    return value


def _str(document: dict[str, Any], name: str, field: str) -> str:
    value = document.get(name)
    if not isinstance(value, str):
        raise BadInputError(f"'{name}' must be a string", field=field)
    return value


def head_of(document: object, field: str = "head") -> TreeHead:
    """A head read back from its public JSON."""
    if not isinstance(document, dict):
        raise BadInputError("a tree head must be a JSON object", field=field)
    signature = _str(document, "signature", field)
    try:
        raw = from_b64url(signature)
    except ValueError:
        raise BadInputError("'signature' is not base64url", field=field) from None
    return TreeHead(
        _int(document, "tree_size", field),
        hash_of(document.get("root_hash"), f"{field}.root_hash"),
        _int(document, "timestamp", field),
        _str(document, "key_id", field),
        raw,
    )


def entries_of(document: object, field: str = "entries") -> list[Entry]:
    """Entries read back from a JSON list of them, or from one page of the API
    (`{"items": [...]}`)."""
    items = document.get("items") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise BadInputError("expected a list of entries, or a page with 'items'", field=field)
    found: list[Entry] = []
    for position, item in enumerate(items):
        where = f"{field}[{position}]"
        if not isinstance(item, dict):
            raise BadInputError("an entry must be a JSON object", field=where)
        found.append(
            Entry(
                _int(item, "index", where),
                _str(item, "record", where).encode("utf-8"),
                hash_of(item.get("leaf_hash"), f"{where}.leaf_hash"),
            )
        )
    return found


def inclusion_path_of(document: object, field: str = "proof") -> list[bytes]:
    """The audit path of an inclusion proof read back from its public JSON (the leaf and
    the tree it is for are the asker's: a path for another one fails its check)."""
    path = document.get("inclusion_path") if isinstance(document, dict) else None
    if not isinstance(path, list):
        raise BadInputError("an inclusion proof must have an 'inclusion_path' list", field=field)
    return [hash_of(h, f"{field}.inclusion_path[{i}]") for i, h in enumerate(path)]
