"""The registry's rules, apart from storage: who may take which step, the route a level
asks for, whether an application may go ahead (from prodsec's own assessment), a label's
term and registration id, and which change of a label's status is allowed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, assert_never

from prodsec.assess.verdicts import POSITIVE, Assessment, Eligibility, LabelResult
from prodsec.catalog.model import Instrument
from prodsec.errors import BadInputError, ConflictError, ForbiddenError


class Role(StrEnum):
    """What an organisation does in a scheme (the values are `catalog.vocab.Actor`'s)."""

    SCHEME_OWNER = "scheme-owner"
    LAB = "lab"
    MANUFACTURER = "manufacturer"


class Route(StrEnum):
    """How a level is reached: the manufacturer's declaration alone, a lab reviewing it,
    a lab testing the product, or recognition of a label held elsewhere."""

    DECLARATION = "declaration"
    LAB_REVIEW = "lab-review"
    LAB_TEST = "lab-test"
    RECOGNITION = "recognition"


class Stage(StrEnum):
    """Where an application stands."""

    WITH_LAB = "with-lab"
    WITH_OWNER = "with-owner"
    ISSUED = "issued"
    REFUSED = "refused"


class Status(StrEnum):
    """A label's status. `expired` is never stored: an active label past its last day
    reads as expired."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Change(StrEnum):
    """What the scheme owner does to an issued label; each takes a reason."""

    RENEW = "renew"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    WITHDRAW = "withdraw"
    REVOKE = "revoke"


class WrongRoleError(ForbiddenError):
    """The caller's organisation lacks the role this step needs, or acts on another's."""

    title = "Not allowed in this role"


class StateError(ConflictError):
    """The application or label is not in a state that allows the step (exit 2: the
    command was wrong, nothing changed)."""

    exit_code = 2
    title = "Not allowed now"


class RefusedError(BadInputError):
    """The application cannot go ahead; `failing` names the requirements not met or not
    known to be met."""

    title = "Application refused"

    def __init__(self, message: str, *, field: str = "", failing: list[str] | None = None):
        super().__init__(message, field=field)
        self.failing = list(failing or [])

    def lines(self) -> list[str]:
        return [str(self), *self.failing]

    def extra(self) -> dict[str, Any]:
        return {**super().extra(), "failing": self.failing}


def route_of(slugs: tuple[str, ...], recognised: bool) -> Route:
    """The route from a level's conformity routes in the catalog: a test or analysis by a
    lab, a lab's review of a declaration, or a declaration."""
    if recognised:
        return Route.RECOGNITION
    if any(w in s for s in slugs for w in ("test", "analysis", "evaluation", "certification")):
        return Route.LAB_TEST
    if any("lab" in s for s in slugs):
        return Route.LAB_REVIEW
    return Route.DECLARATION


def needs_lab(route: Route) -> bool:
    match route:
        case Route.LAB_REVIEW | Route.LAB_TEST:
            return True
        case Route.DECLARATION | Route.RECOGNITION:
            return False
        case _:
            assert_never(route)


@dataclass(frozen=True, slots=True)
class Admission:
    """An application that may go ahead: the level's result and the route; `basis` the
    recognition edge it rests on, or `own-evidence`. A level whose requirements prodsec
    cannot judge from the profile alone (unknown, none judged not met) goes ahead only on
    a route with a lab: the lab's verdicts settle `result.unknown`."""

    result: LabelResult
    route: Route
    basis: str


def admit(assessment: Assessment, scheme: Instrument, level: str) -> Admission:
    """Whether the assessed product may apply for the scheme's level; RefusedError with
    the reasons and the failing requirements otherwise."""
    if scheme.label is None or not scheme.levels:
        raise RefusedError(f"{scheme.id} issues no label", field="scheme")
    known = {lv.id for lv in scheme.levels}
    if level not in known:
        choices = ", ".join(sorted(known))
        raise RefusedError(f"{scheme.id} has no level '{level}' ({choices})", field="level")
    found = next(
        (r for r in assessment.labels if r.scheme.id == scheme.id and r.level.id == level), None
    )
    if found is None or found.status is Eligibility.OUT_OF_SCOPE:
        markets = ", ".join(assessment.markets)
        raise RefusedError(
            f"{scheme.id} is not offered for this product in its markets ({markets})",
            field="scheme",
        )
    if found.status is Eligibility.NOT_OFFERED:
        raise RefusedError(f"{scheme.id} level {level} takes no applications", field="level")
    if found.status is Eligibility.HELD:
        raise StateError(f"the product already holds {scheme.id} level {level}")
    recognised = found.status is Eligibility.THROUGH_RECOGNITION
    chosen = next(lv for lv in scheme.levels if lv.id == level)
    route = route_of(chosen.routes, recognised)
    if found.status in POSITIVE:
        return Admission(found, route, _edge_of(found) if recognised else "own-evidence")
    if found.status is Eligibility.UNKNOWN and not found.missing and needs_lab(route):
        return Admission(found, route, "own-evidence")
    why = "; ".join(found.reasons) or found.status.value
    raise RefusedError(
        f"the product does not meet {scheme.id} level {level}: {why}",
        field="level",
        failing=[f"not met: {ref}" for ref in found.missing]
        + [f"unknown: {ref}" for ref in found.unknown],
    )


_THROUGH = re.compile(r"through ([A-Za-z0-9._-]+):")


def _edge_of(result: LabelResult) -> str:
    """The recognition edge a result names (`... through EDGE-ID: ...`)."""
    for reason in result.reasons:
        if found := _THROUGH.search(reason):
            return found.group(1)
    return "recognition"


def term(validity_years: int | None, issued: dt.date, support_end: dt.date | None) -> dt.date:
    """A label's last valid day: the scheme's longest term from `issued` (2 years where
    the catalog gives none), and never past the end of security support."""
    years = validity_years or 2
    try:
        last = issued.replace(year=issued.year + years) - dt.timedelta(days=1)
    except ValueError:  # issued on 29 February: the term ends on 28 February
        last = issued.replace(year=issued.year + years, day=28)
    if support_end is not None:
        if support_end < issued:
            raise RefusedError(
                f"security support ended on {support_end}: no label can be issued",
                field="lifecycle",
            )
        last = min(last, support_end)
    return last


def registration_id(scheme: Instrument, serial: int, valid_until: dt.date) -> str:
    """The registration id in the scheme's own form, from the catalog's
    `registration_template` (CLS `CSA/<DDMMYY>/PS-<serial>`, BSI `sik-NNNNN`), else
    `<SCHEME>-<serial>`; checked against the catalog's pattern."""
    template = scheme.label.registration_template if scheme.label is not None else ""
    if template:
        ident = template.format(serial=serial, expiry=valid_until)
    else:
        ident = f"{scheme.id.upper()}-{serial:06d}"
    if scheme.label is not None:
        issue = scheme.label.registration_issue(scheme.id, ident, valid_until)
        if issue is not None:
            raise ConflictError(f"registration id: {issue.message}")
    return ident


ALLOWED: dict[Change, tuple[Status, ...]] = {
    Change.RENEW: (Status.ACTIVE, Status.EXPIRED),
    Change.SUSPEND: (Status.ACTIVE,),
    Change.REINSTATE: (Status.SUSPENDED,),
    Change.WITHDRAW: (Status.ACTIVE, Status.SUSPENDED, Status.EXPIRED),
    Change.REVOKE: (Status.ACTIVE, Status.SUSPENDED, Status.EXPIRED),
}
AFTER: dict[Change, Status] = {
    Change.RENEW: Status.ACTIVE,
    Change.SUSPEND: Status.SUSPENDED,
    Change.REINSTATE: Status.ACTIVE,
    Change.WITHDRAW: Status.WITHDRAWN,
    Change.REVOKE: Status.REVOKED,
}


def status_on(stored: Status, valid_until: dt.date, on: dt.date) -> Status:
    """The status as of a day: an active or suspended label past its last day is
    expired."""
    if stored in (Status.ACTIVE, Status.SUSPENDED) and valid_until < on:
        return Status.EXPIRED
    return stored


def changed(current: Status, change: Change, reason: str) -> Status:
    """The status after a change; StateError when the current status forbids it,
    BadInputError without a reason."""
    if not reason.strip():
        raise BadInputError(f"{change.value} needs a reason", field="reason")
    if current not in ALLOWED[change]:
        raise StateError(f"cannot {change.value} a label that is {current.value}")
    return AFTER[change]


def unsupported_since(support_end: dt.date | None, on: dt.date) -> dt.date | None:
    """The day security updates ended, once it is past; None while they go on."""
    if support_end is not None and support_end < on:
        return support_end
    return None
