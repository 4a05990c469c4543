"""The transparency log (public): signed tree heads, entries, inclusion and consistency
proofs (RFC 9162 hashing; docs/registry.md has the formats and how to check them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from prodsec.errors import BadInputError
from prodsec.registry.log import TransparencyLog
from prodsec.registry.views import (
    ConsistencyPublic,
    EntryPublic,
    HeadPublic,
    InclusionPublic,
    consistency_view,
    entry_view,
    hash_of,
    head_view,
    inclusion_view,
)
from prodsec.store.log import SqlLogStore
from prodsec.web.deps import DbDep, Limit, Offset, Page, page

router = APIRouter(prefix="/api/v1/log", tags=["log"])

MAX_SIZE = 2**62
MAX_SUBJECT = 200
Size = Annotated[int, Query(ge=0, le=MAX_SIZE)]


def log_of(db: DbDep) -> TransparencyLog:
    """The log, read-only: nothing here appends."""
    return TransparencyLog(SqlLogStore(db))


LogDep = Annotated[TransparencyLog, Depends(log_of)]


@router.get("/heads/latest", summary="The latest signed tree head")
def latest_head(log: LogDep) -> HeadPublic:
    return head_view(log.head())


@router.get("/heads/{size}", summary="The tree head signed at a size")
def head_at(log: LogDep, size: Annotated[int, Path(ge=0, le=MAX_SIZE)]) -> HeadPublic:
    """Heads are signed after each append; a size between two appends has none (404)."""
    return head_view(log.head(size))


@router.get("/entries", summary="Log entries, in order")
def entries(log: LogDep, start: Size = 0, limit: Limit = 100) -> Page[EntryPublic]:
    """The entries from index `start`, at most `limit`; `total` is the log's size."""
    found = log.entries(start, start + limit)
    return page([entry_view(e) for e in found], log.store.size(), start, limit)


@router.get("/about", summary="The entries about a registration")
def about(
    db: DbDep,
    subject: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_SUBJECT,
            description="The subject the entries' records name: a registration ID, a key ID.",
        ),
    ],
    size: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_SIZE,
            description="Entries below this index only (default: the "
            "latest head's size; 0 while the log has none).",
        ),
    ] = None,
    offset: Offset = 0,
    limit: Limit = 100,
) -> Page[EntryPublic]:
    """The entries whose records name `subject`, in log order, among the first `size`
    (at most `limit` from the `offset`-th; `total` is how many there are). The registry's
    index of subjects answers it, which proves nothing: check each entry against a
    signed head with an inclusion proof (what `prodsec label verify URL` does). An
    inclusion proof shows an entry is in the log, never that no other entry about the
    subject was left out; for that, only the whole log (`/entries`) will do."""
    store = SqlLogStore(db)
    if size is None:
        latest = store.head(None)
        size = 0 if latest is None else latest.size
    found = store.about(subject, size, offset, limit)
    return page([entry_view(e) for e in found], store.about_count(subject, size), offset, limit)


@router.get("/proofs/inclusion", summary="An inclusion proof")
def inclusion(
    log: LogDep,
    index: Annotated[int | None, Query(ge=0, le=MAX_SIZE, description="The leaf index.")] = None,
    leaf_hash: Annotated[
        str | None, Query(max_length=64, description="Or the leaf hash (hex); its first entry.")
    ] = None,
    size: Annotated[
        int | None,
        Query(ge=1, le=MAX_SIZE, description="The tree size (default: the latest head's)."),
    ] = None,
) -> InclusionPublic:
    """The audit path from a leaf to the root of the tree of `size` leaves (RFC 9162
    section 2.1.3); give the leaf by `index` or by `leaf_hash`."""
    if (index is None) == (leaf_hash is None):
        raise BadInputError("give either index or leaf_hash", field="index")
    if leaf_hash is not None:
        index = log.index_of(hash_of(leaf_hash, "leaf_hash"))
    assert index is not None
    return inclusion_view(log, index, log.head().size if size is None else size)


@router.get("/proofs/consistency", summary="A consistency proof")
def consistency(
    log: LogDep,
    first: Size,
    second: Annotated[int | None, Query(ge=0, le=MAX_SIZE)] = None,
) -> ConsistencyPublic:
    """The proof that the tree of `first` leaves is a prefix of the tree of `second`
    leaves (default: the latest head's size; RFC 9162 section 2.1.4)."""
    return consistency_view(log, first, log.head().size if second is None else second)
