"""`run`: the `prodsec` command invoked in-process, returning (exit code, stdout, stderr)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from typer.testing import CliRunner

from prodsec.cli.app import app

Run = Callable[..., tuple[int, str, str]]


def _run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """`input` is what the command reads from stdin (answers to its prompts)."""
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def run() -> Run:
    return _run
