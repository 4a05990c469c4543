"""`prodsec label verify`: check a signed label, offline with a key set file.

Exit codes, one per verdict: 0 valid, 3 malformed, 4 tampered, 5 unknown key, 6 wrong
key, 7 key not valid at issuance, 8 expired, 9 revoked; 2 for a usage error (a file that
cannot be read, a bad key set).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from prodsec.cli.database import DbOpt
from prodsec.cli.output import fail

app = typer.Typer(help="Signed labels.", no_args_is_help=True)

MAX_JWKS = 1_048_576
TIMEOUT = 10


def _fetch(url: str, limit: int) -> bytes:
    from urllib.error import URLError
    from urllib.request import Request, urlopen

    try:
        with urlopen(Request(url, headers={"Accept": "*/*"}), timeout=TIMEOUT) as answer:
            data: bytes = answer.read(limit + 1)
    except (URLError, OSError, ValueError) as exc:
        raise fail(f"cannot fetch {url}: {exc}") from exc
    if len(data) > limit:
        raise fail(f"{url} is larger than {limit} bytes")
    return data


def _read(source: str, limit: int) -> str:
    """The text of a file or an http(s) URL, at most `limit` bytes."""
    if urlsplit(source).scheme in {"http", "https"}:
        data = _fetch(source, limit)
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


def _jwks_document(source: str, jwks: str | None) -> Any:
    if jwks is None:
        parts = urlsplit(source)
        if parts.scheme not in {"http", "https"}:
            raise fail("--jwks FILE is needed to verify a label file offline")
        jwks = f"{parts.scheme}://{parts.netloc}/.well-known/jwks.json"
    try:
        return json.loads(_read(jwks, MAX_JWKS))
    except json.JSONDecodeError as exc:
        raise fail(f"--jwks: {jwks} is not JSON ({exc.msg})") from exc


@app.command("verify")
def verify(
    label: Annotated[str, typer.Argument(help="The signed label: a file or an http(s) URL.")],
    jwks: Annotated[
        str | None,
        typer.Option(
            "--jwks",
            help="The key set (a file or URL); without it, the JWKS at the label URL's "
            "/.well-known/jwks.json.",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="The day to check the label's term on (YYYY-MM-DD; today)."),
    ] = None,
) -> None:
    """Verify a signed label: its signature, that its key was valid when it was issued,
    and its term on --at. Prints `VERDICT: reason`. Exit codes: 0 valid, 3 malformed,
    4 tampered, 5 unknown key, 6 wrong key, 7 key not valid at issuance, 8 expired,
    9 revoked, 2 usage error."""
    from prodsec.registry.keys import keyring_of
    from prodsec.registry.signing import MAX_TOKEN, Keyring, verify_label

    try:
        on = dt.date.fromisoformat(at) if at is not None else dt.datetime.now(dt.UTC).date()
    except ValueError as exc:
        raise fail(f"--at: '{at}' is not a day (YYYY-MM-DD)") from exc
    token = _read(label, MAX_TOKEN)
    keyring = Keyring(keyring_of(_jwks_document(label, jwks)))
    # The transparency log's status (revoked as of a log head, inclusion) plugs in here
    # as verify_label's `status` hook.
    result = verify_label(token, keyring, on=on)
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
