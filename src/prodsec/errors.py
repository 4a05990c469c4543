"""One error tree for everything a user can get wrong or run into.

Every failure that is not a bug in prodsec is a `ProdsecError`. Each kind knows what the
command line and the web make of it: the CLI prints `lines()` (one line per problem, to
stderr) and exits with `exit_code`; the API answers `status` as problem+json (RFC 9457)
with `title`, the first line as `detail`, and `extra()` as further members. Anything else
that escapes is a bug: a 500 problem+json with a request id on the web, a traceback in the
CLI. `ValueError` is never the user's channel.

The kinds:

| class | CLI exit | HTTP | when |
|---|---|---|---|
| `NotFoundError` | 2 | 404 | an id, a stored row or a route that is not there (near matches) |
| `BadInputError` | 2 | 400 | a value or a request the user must correct (located) |
| `DataError` | 1 | 422 | a data file (catalog, profile): `file:line: field: message` |
| `ConflictError` | 1 | 409 | the input is fine but the state forbids it now |
| `UnauthenticatedError` | 2 | 401 | sign in first, or the credentials are wrong |
| `ForbiddenError` | 2 | 403 | signed in, but not allowed to do this |
| `LimitExceededError` | 2 | 413 | an input over a size, depth or count limit |
| `TooManyRequestsError` | 2 | 429 | too many attempts; `retry_after` seconds |
| `UnavailableError` | 2 | 503 | something prodsec needs is not there (a database, a file system) |
| `VerificationError` | 1 | 422 | a proof or a stored hash does not check out |
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, TypeVar


@dataclass(frozen=True, slots=True, order=True)
class Issue:
    """One located problem, printed as `file:line: field: message`. `file` is a file's name
    (or `(request)` for a body), `line` 0 where no line is known (then left out)."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{place}: {self.field}: {self.message}" if place else f"{self.field}: {self.message}"
        )

    def public(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


class ProdsecError(Exception):
    """The root: a failure the user can act on. Subclasses set the class attributes."""

    exit_code: ClassVar[int] = 2
    status: ClassVar[int] = 400
    title: ClassVar[str] = "Error"

    def lines(self) -> list[str]:
        """What the CLI prints, one line per problem."""
        return [str(self)]

    def extra(self) -> dict[str, Any]:
        """Further members of the problem+json answer."""
        return {}


class NotFoundError(ProdsecError):
    """An id that does not exist; `suggestions` holds the nearest existing ids and `valid`
    the whole list where it is short enough to show."""

    exit_code = 2
    status = 404
    title = "Not found"

    def __init__(
        self, kind: str, wanted: str, suggestions: list[str] | None = None,
        valid: list[str] | None = None,
    ) -> None:  # fmt: skip
        self.kind = kind
        self.wanted = wanted
        self.suggestions = list(suggestions or [])
        self.valid = list(valid or [])
        super().__init__(self._message())

    def _message(self) -> str:
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        listing = f"; valid values: {', '.join(self.valid)}" if self.valid else ""
        return f"unknown {self.kind} '{self.wanted}'{hint}{listing}"

    def __str__(self) -> str:
        return self._message()

    def extra(self) -> dict[str, Any]:
        out: dict[str, Any] = {"suggestions": self.suggestions}
        if self.valid:
            out["valid"] = self.valid
        return out


class BadInputError(ProdsecError):
    """A value the user must correct. Give either a message (with the field it concerns)
    or a list of located issues."""

    exit_code = 2
    status = 400
    title = "Bad request"

    def __init__(self, message: str = "", *, field: str = "", issues: list[Issue] | None = None):
        self.field = field
        self.issues = sorted(set(issues or []))
        if not message:
            message = self.issues[0].message if self.issues else "invalid input"
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)

    def lines(self) -> list[str]:
        return [str(i) for i in self.issues] or [str(self)]

    def extra(self) -> dict[str, Any]:
        if self.issues:
            return {"errors": [i.public() for i in self.issues]}
        return {"field": self.field} if self.field else {}


E = TypeVar("E", bound=StrEnum)


def choice(kind: type[E], value: str, field: str, noun: str) -> E:
    """The member of `kind` that `value` names; else BadInputError on `field` naming the
    value and every choice (`'x' is not an actor; choose one of manufacturer, ...`)."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        raise BadInputError(
            f"'{value}' is not {noun}; choose one of {choices}", field=field
        ) from None


class DataError(BadInputError):
    """A data file with problems: every one listed as `file:line: field: message`, all at
    once. `what` names the data (`the catalog data`, `the product profile`)."""

    exit_code = 1
    status = 422
    title = "Invalid data"
    what: ClassVar[str] = "the data"

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues=issues)
        count = len(self.issues)
        head = f"{count} problem{'s' if count != 1 else ''} in {self.what}"
        Exception.__init__(self, "\n".join([head, *(str(i) for i in self.issues)]))

    def lines(self) -> list[str]:
        return [str(i) for i in self.issues]


class ConflictError(ProdsecError):
    exit_code = 1
    status = 409
    title = "Conflict"


class UnauthenticatedError(ProdsecError):
    exit_code = 2
    status = 401
    title = "Sign-in required"


class ForbiddenError(ProdsecError):
    exit_code = 2
    status = 403
    title = "Forbidden"


class LimitExceededError(ProdsecError):
    """An input over a limit: `limit` names it (bytes, depth, items) for the answer."""

    exit_code = 2
    status = 413
    title = "Too large"

    def __init__(self, message: str, *, limit: str = "") -> None:
        self.limit = limit
        super().__init__(message)

    def extra(self) -> dict[str, Any]:
        return {"limit": self.limit} if self.limit else {}


class TooManyRequestsError(ProdsecError):
    exit_code = 2
    status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class UnavailableError(ProdsecError):
    """Something prodsec needs is not there or is busy; `retry_after` seconds, when given,
    say when to try again (the web sends them as Retry-After)."""

    exit_code = 2
    status = 503
    title = "Unavailable"

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class VerificationError(ProdsecError):
    """A check of something signed or hashed failed: a proof that does not lead to its
    root, a log row changed behind the log's back. A finding, like a failed assessment;
    each finding is one line."""

    exit_code = 1
    status = 422
    title = "Verification failed"

    def __init__(self, *findings: str) -> None:
        self.findings = list(findings)
        super().__init__("; ".join(findings))

    def lines(self) -> list[str]:
        return self.findings

    def extra(self) -> dict[str, Any]:
        return {"findings": self.findings}
