"""The root command reports every `ProdsecError` once: its lines on stderr, its exit code."""

from __future__ import annotations

import pytest
import typer

from prodsec.cli.output import report
from prodsec.errors import BadInputError, ConflictError, DataError, Issue, ProdsecError


@pytest.mark.parametrize(
    ("error", "code", "printed"),
    [
        (ConflictError("the label is revoked"), 1, "error: the label is revoked\n"),
        (BadInputError("not a date", field="--on"), 2, "error: --on: not a date\n"),
        (
            BadInputError(
                issues=[Issue("b.yaml", 3, "model", "empty"), Issue("a.yaml", 0, "x", "y")]
            ),
            2,
            "error: a.yaml: x: y\nerror: b.yaml:3: model: empty\n",
        ),
        (
            DataError([Issue("p.yaml", 2, "category", "unknown category 'plug'")]),
            1,
            "error: 1 problem in the data\np.yaml:2: category: unknown category 'plug'\n",
        ),
    ],
)
def test_report_prints_each_line_and_returns_the_exit_code(
    capsys: pytest.CaptureFixture[str], error: ProdsecError, code: int, printed: str
) -> None:
    exit_ = report(error)
    assert isinstance(exit_, typer.Exit)
    assert (exit_.exit_code, capsys.readouterr().err) == (code, printed)
