"""`prodsec label verify`: check a signed label, offline with a key set file, and its
status as of a signed head of the registry's transparency log (given as files, or fetched
from the registry's public API: `registry/remote.py`, the head, the entries about the
label's registration and their inclusion proofs; or, with `--whole-log`, every entry).

Exit codes, one per verdict: 0 valid, 3 malformed, 4 tampered, 5 unknown key, 6 wrong
key, 7 key not valid at issuance, 8 expired, 9 revoked, 10 suspended, 11 withdrawn, 12 not
in the log; 2 for a usage error (a file that cannot be read, a bad key set); 1 when the
log copy given does not check out against its head.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from prodsec.cli.database import DbOpt
from prodsec.cli.output import fail

if TYPE_CHECKING:
    from prodsec.registry.keys import SigningKey
    from prodsec.registry.signing import StatusHook

app = typer.Typer(help="Signed labels.", no_args_is_help=True)


def _read(source: str, limit: int) -> str:
    """The text of a file or an http(s) URL, at most `limit` bytes."""
    from prodsec.registry.remote import fetch, is_url

    if is_url(source):
        data = fetch(source, limit)
    else:
        try:
            with Path(source).open("rb") as handle:
                data = handle.read(limit + 1)
        except OSError as exc:
            raise fail(f"cannot read {source}: {exc.strerror}") from exc
        if len(data) > limit:
            raise fail(f"{source} is larger than {limit} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"{source} is not UTF-8 text") from exc


def read_json(source: str, limit: int, option: str) -> Any:
    """The JSON document in a file or at an http(s) URL; exit 2 when it is not one."""
    try:
        return json.loads(_read(source, limit))
    except json.JSONDecodeError as exc:
        raise fail(f"{option}: {source} is not JSON ({exc.msg})") from exc


def read_jwks(source: str) -> list[SigningKey]:
    """The keys of the JWKS in a file or at a URL (`--jwks`)."""
    from prodsec.registry.keys import keyring_of
    from prodsec.registry.remote import MAX_JWKS

    return keyring_of(read_json(source, MAX_JWKS, "--jwks"))


def _registry(label: str, server: str | None) -> str | None:
    """The registry's base URL: `--server`, else the label URL's origin; None for a
    label file without `--server`."""
    from prodsec.registry.remote import check_url, is_url, origin

    if server is not None:
        check_url(server)
        return server.rstrip("/")
    return origin(label) if is_url(label) else None


def _log_status(
    token: str,
    keys: list[SigningKey],
    head_source: str | None,
    entries_source: str | None,
    registry: str | None,
    whole: bool = False,
) -> StatusHook | None:
    """The label's status as of a log head, once the head's signature checks out against
    the key set and the entries against the head (exit 1 otherwise): the head and entries
    given; else the head fetched from the registry, then (once the label's signature
    holds) the entries about its registration with an inclusion proof of each, or, with
    `whole`, every entry up to the head (None: no log to ask)."""
    from prodsec.registry.remote import MAX_ENTRIES, MAX_HEAD, RemoteStatus, fetch_head, fetch_log
    from prodsec.registry.status import LogStatus
    from prodsec.registry.verify import check_copy, check_head, signed_by
    from prodsec.registry.views import entries_of, head_of

    if head_source is None and entries_source is None:
        if registry is None:
            return None
        if not whole:
            head = fetch_head(registry)
            check_head(head, signed_by(keys))
            return RemoteStatus(registry, token, head)
        copy = fetch_log(registry)
        head, entries = copy.head, copy.entries
    elif head_source is None or entries_source is None:
        raise fail("give both --log-head and --entries, or neither")
    else:
        head = head_of(read_json(head_source, MAX_HEAD, "--log-head"), "--log-head")
        entries = entries_of(read_json(entries_source, MAX_ENTRIES, "--entries"), "--entries")
    check_copy(entries, head, signed_by(keys))
    return LogStatus(token, entries, head)


@app.command("verify")
def verify(
    label: Annotated[str, typer.Argument(help="The signed label: a file or an http(s) URL.")],
    jwks: Annotated[
        str | None,
        typer.Option(
            "--jwks",
            help="The key set (a file or URL); without it, the registry's "
            "/.well-known/jwks.json (at --server, or the label URL's origin).",
        ),
    ] = None,
    server: Annotated[
        str | None,
        typer.Option(
            "--server",
            help="The registry's base URL, to fetch the key set and the log from (for a "
            "label file; a label URL's own origin otherwise).",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="The day to check the label's term on (YYYY-MM-DD; today)."),
    ] = None,
    log_head: Annotated[
        str | None,
        typer.Option(
            "--log-head",
            help="A signed tree head of the registry's log (a file or URL): the label's "
            "status as of it, and its inclusion (with --entries).",
        ),
    ] = None,
    entries: Annotated[
        str | None,
        typer.Option(
            "--entries",
            help="The log's entries up to that head (a JSON list or an API page; a file or URL).",
        ),
    ] = None,
    no_log: Annotated[
        bool,
        typer.Option(
            "--no-log",
            help="Do not fetch the registry's log: the signature, the key and the term only.",
        ),
    ] = False,
    whole_log: Annotated[
        bool,
        typer.Option(
            "--whole-log",
            help="Fetch every entry of the registry's log up to its latest head, not only "
            "those about the label's registration (shows that none was left out).",
        ),
    ] = False,
) -> None:
    """Verify a signed label: its signature, that its key was valid when it was issued,
    its term on --at, and its status in the registry's log: as of --log-head with
    --entries, or as of the latest head fetched from the registry (a label URL's origin,
    or --server) with the entries about the label's registration and an inclusion proof
    of each (every entry with --whole-log). Prints `VERDICT: reason`. Exit codes: 0 valid,
    3 malformed, 4 tampered, 5 unknown key, 6 wrong key, 7 key not valid at issuance,
    8 expired, 9 revoked, 10 suspended, 11 withdrawn, 12 not in the log, 1 a log copy that
    does not check out, 2 usage error (a URL that cannot be fetched among them)."""
    from prodsec.registry.signing import MAX_TOKEN, Keyring, verify_label

    try:
        on = dt.date.fromisoformat(at) if at is not None else dt.datetime.now(dt.UTC).date()
    except ValueError as exc:
        raise fail(f"--at: '{at}' is not a day (YYYY-MM-DD)") from exc
    token = _read(label, MAX_TOKEN)
    registry = _registry(label, server)
    if jwks is None and registry is None:
        raise fail("--jwks FILE is needed to verify a label file offline")
    keys = read_jwks(jwks or f"{registry}/.well-known/jwks.json")
    status = _log_status(token, keys, log_head, entries, None if no_log else registry, whole_log)
    result = verify_label(token, Keyring(keys), on=on, status=status)
    typer.echo(f"{result.verdict}: {result.reason}")
    raise typer.Exit(result.exit_code)


@app.command("art")
def art(
    registration: Annotated[str, typer.Argument(help="The label's registration ID.")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to FILE.svg or FILE.png (300 dpi), not SVG to stdout."
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="The public base URL the QR code leads under (default PRODSEC_PUBLIC_URL).",
        ),
    ] = None,
    db: DbOpt = None,
) -> None:
    """The label art of an issued label: a QR code to its consumer page
    (BASE/l/REGISTRATION), with the scheme, the level and the registration ID under it."""
    import os

    from prodsec.catalog import load_catalog
    from prodsec.catalog.files import write_file
    from prodsec.registry.art import art_png, art_svg
    from prodsec.store.db import Database
    from prodsec.store.labelsearch import art_of, find_label

    base = (base_url or os.environ.get("PRODSEC_PUBLIC_URL", "")).strip()
    if not base.startswith(("https://", "http://")):
        raise fail("--base-url (or PRODSEC_PUBLIC_URL) must be an http(s) URL")
    kind = output.suffix.lower() if output else ".svg"
    if kind not in {".svg", ".png"}:
        raise fail(f"--output: {output} must end in .svg or .png")
    with Database(db).session() as s:
        label = find_label(s, registration)
        if label is None:
            raise fail(f"no label {registration} in the registry")
        drawn = art_of(load_catalog(), label, base)
    data = art_png(drawn) if kind == ".png" else art_svg(drawn).encode()
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        write_file(output, data)
