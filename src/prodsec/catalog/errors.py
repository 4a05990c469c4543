"""Errors of the catalog: every problem carries the file, the line and the field."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True, order=True)
class Issue:
    """One problem in one data file, printed as `file:line: field: message`."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class CatalogError(Exception):
    """The catalog did not load; `issues` lists every problem found, sorted by place."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = sorted(set(issues))
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in the catalog data"
        super().__init__("\n".join([head, *(str(i) for i in self.issues)]))


class NotFoundError(KeyError):
    """A catalog id that does not exist; `suggestions` holds the nearest existing ids."""

    def __init__(
        self, kind: str, wanted: str, suggestions: list[str], valid: list[str] | None = None
    ) -> None:
        self.kind = kind
        self.wanted = wanted
        self.suggestions = suggestions
        self.valid = valid or []
        super().__init__(wanted)

    def __str__(self) -> str:
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        listing = f"; valid values: {', '.join(self.valid)}" if self.valid else ""
        return f"unknown {self.kind} '{self.wanted}'{hint}{listing}"


def display_path(path: Path) -> str:
    """A path as a person wants to read it: relative to the working folder when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
