"""Writing a rendered picture or a document: to a file whole or not at all, or to stdout."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from prodsec.catalog.files import write_file
from prodsec.cli.output import fail
from prodsec.insight.render import Picture, render


def write(data: bytes, output: Path | None) -> None:
    """Bytes to `output` (whole or not at all: `write_file`), or to stdout when no file
    is named."""
    if output is None:
        sys.stdout.write(data.decode())
        return
    try:
        write_file(output, data)
    except OSError as exc:
        raise fail(f"--output: cannot write {output}: {exc.strerror}") from exc
    typer.echo(f"wrote {output}", err=True)


def write_json(document: Any, output: Path | None) -> None:
    write((json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode(), output)


def draw(spec: dict[str, Any], picture: Picture, output: Path | None) -> None:
    if picture is Picture.PNG and output is None:
        raise fail("--format png needs --output FILE")
    write(render(spec, picture), output)
