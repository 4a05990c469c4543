"""`prodsec log ...`: the transparency log's heads and proofs, checking the stored log or a
downloaded copy, and monitoring new heads.

`verify` and `monitor` exit 0 when everything checks out, 1 with one line per finding
when something does not (a changed entry, an inconsistent head), 2 on input they cannot
read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from prodsec.cli.database import DbOpt

if TYPE_CHECKING:
    from prodsec.registry.log import TransparencyLog
    from prodsec.registry.verify import HeadCheck

app = typer.Typer(help="The transparency log: heads, proofs, verification.", no_args_is_help=True)

JsonFile = Annotated[Path, typer.Argument(help="A JSON file.", dir_okay=False)]
JwksOpt = Annotated[
    str | None,
    typer.Option(
        "--jwks",
        help="The registry's published keys (a JWKS file or URL): check each head's "
        "signature by the log's key.",
    ),
]


def _head_check(jwks: str | None) -> HeadCheck | None:
    from prodsec.cli.label import read_jwks
    from prodsec.registry.verify import signed_by

    return None if jwks is None else signed_by(read_jwks(jwks))


def _log(db: str | None) -> TransparencyLog:
    from prodsec.registry.log import TransparencyLog
    from prodsec.store.db import Database
    from prodsec.store.log import SqlLogStore

    return TransparencyLog(SqlLogStore(Database(db)))


def _print(document: object) -> None:
    sys.stdout.write(json.dumps(document, indent=2) + "\n")


def _read(path: Path, field: str) -> Any:
    from prodsec.errors import BadInputError

    try:
        return json.loads(path.read_bytes())
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror}", field=field) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadInputError(f"{path} is not JSON: {exc}", field=field) from None


@app.command("head")
def head(
    size: Annotated[
        int | None, typer.Option("--size", help="The head signed at this size (default: latest).")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Print a signed tree head as JSON."""
    from prodsec.registry.views import head_view

    _print(head_view(_log(db).head(size)))


@app.command("proof")
def proof(
    index: Annotated[
        int | None, typer.Option("--index", help="Inclusion proof of the entry at INDEX.")
    ] = None,
    leaf: Annotated[
        str | None, typer.Option("--leaf", help="Inclusion proof of the entry with this hash.")
    ] = None,
    first: Annotated[
        int | None, typer.Option("--first", help="Consistency proof from the tree of FIRST.")
    ] = None,
    size: Annotated[
        int | None, typer.Option("--size", help="The (second) tree size; default: the latest.")
    ] = None,
    db: DbOpt = None,
) -> None:
    """Print an inclusion proof (--index or --leaf) or a consistency proof (--first) as
    JSON, in the API's shapes."""
    from prodsec.errors import BadInputError
    from prodsec.registry.views import consistency_view, hash_of, inclusion_view

    if sum(x is not None for x in (index, leaf, first)) != 1:
        raise BadInputError("give one of --index, --leaf or --first", field="--index")
    log = _log(db)
    tree = log.head().size if size is None else size
    if first is not None:
        _print(consistency_view(log, first, tree))
        return
    if leaf is not None:
        index = log.index_of(hash_of(leaf, "--leaf"))
    assert index is not None
    _print(inclusion_view(log, index, tree))


@app.command("verify")
def verify(
    entries: Annotated[
        Path | None,
        typer.Option(
            "--entries", help="A downloaded copy's entries (JSON list or API page).", dir_okay=False
        ),
    ] = None,
    head_file: Annotated[
        Path | None, typer.Option("--head", help="The copy's tree head (JSON).", dir_okay=False)
    ] = None,
    jwks: JwksOpt = None,
    db: DbOpt = None,
) -> None:
    """Recompute the log from its records: a downloaded copy (--entries and --head, offline)
    or every stored row of the database; with --jwks, check the heads' signatures too
    (--head and --jwks alone: that head's signature only)."""
    from prodsec.errors import BadInputError
    from prodsec.registry import merkle
    from prodsec.registry import verify as check
    from prodsec.registry.views import entries_of, head_of

    signatures = _head_check(jwks)
    if head_file is not None and entries is None and signatures is not None:
        tree = head_of(_read(head_file, "--head"))
        check.check_head(tree, signatures)
        typer.echo(
            f"ok: the tree head of size {tree.size} is signed by the log's key {tree.key_id}"
        )
        return
    if (entries is None) != (head_file is None):
        raise BadInputError("give both --entries and --head, or neither", field="--entries")
    if entries is not None and head_file is not None:
        found, tree = entries_of(_read(entries, "--entries")), head_of(_read(head_file, "--head"))
        check.check_copy(found, tree, signatures)
        root = tree.root.hex()
        typer.echo(
            f"ok: the entries give the root hash {root} of the tree head of size {tree.size}"
        )
        return
    from prodsec.store.db import Database
    from prodsec.store.log import SqlLogStore

    snapshot = SqlLogStore(Database(db)).snapshot()
    count = check.check_snapshot(snapshot, signatures)
    last = snapshot.heads[-1].root.hex() if snapshot.heads else merkle.EMPTY_ROOT.hex()
    typer.echo(f"ok: {count} entries, {len(snapshot.heads)} tree heads, latest root {last}")


@app.command("monitor")
def monitor(
    head_file: JsonFile,
    state: Annotated[
        Path,
        typer.Option(
            "--state", help="The last head seen (JSON); written when consistent.", dir_okay=False
        ),
    ],
    proof_file: Annotated[
        Path | None,
        typer.Option(
            "--proof",
            help="The consistency proof (JSON); default: ask the database.",
            dir_okay=False,
        ),
    ] = None,
    jwks: JwksOpt = None,
    db: DbOpt = None,
) -> None:
    """Check that the head in HEAD_FILE extends the last one seen (the --state file), and
    with --jwks that the log's key signed it: exit 0 and remember it when consistent, 1
    when not, 2 on input that cannot be read."""
    from prodsec.catalog.files import write_file
    from prodsec.errors import BadInputError
    from prodsec.registry.verify import check_consistent, check_growth, check_head
    from prodsec.registry.views import hash_of, head_of, head_view

    new = head_of(_read(head_file, "HEAD_FILE"), "HEAD_FILE")
    signatures = _head_check(jwks)
    if signatures is not None:
        check_head(new, signatures)
    if state.exists():
        old = head_of(_read(state, "--state"), "--state")
        check_growth(old, new)
        if proof_file is None:
            path = _log(db).consistency(old.size, new.size)
        else:
            document = _read(proof_file, "--proof")
            sizes = (
                (document.get("first"), document.get("second"))
                if isinstance(document, dict)
                else None
            )
            if sizes != (old.size, new.size):
                raise BadInputError(
                    f"the proof is not for sizes {old.size} and {new.size}", field="--proof"
                )
            raw = document.get("consistency_path")
            if not isinstance(raw, list):
                raise BadInputError("'consistency_path' must be a list", field="--proof")
            path = [hash_of(h, f"--proof[{i}]") for i, h in enumerate(raw)]
        check_consistent(old, new, path)
        message = f"consistent: size {old.size} -> {new.size}"
    else:
        message = f"first head seen: size {new.size}"
    try:
        write_file(state, (json.dumps(head_view(new), indent=2) + "\n").encode())
    except OSError as exc:
        raise BadInputError(f"cannot write {state}: {exc.strerror}", field="--state") from None
    typer.echo(message)
