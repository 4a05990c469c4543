"""Feature literals: when a condition, a feature or a product class of an instrument
holds for a product, stated over the product's features."""

from __future__ import annotations

import re
from collections.abc import Set

# A literal is a product-feature id, negated with a leading "!"; a clause joins literals
# with " | " (any may hold); a `when` list holds when every clause holds.
LITERAL = re.compile(r"^!?[a-z0-9]+(-[a-z0-9]+)*$")


def literals(when: tuple[str, ...]) -> list[str]:
    """Every feature literal of a `when` list, in order."""
    return [lit.strip() for clause in when for lit in clause.split("|")]


def _true(literal: str, features: Set[str]) -> bool:
    return literal[1:] not in features if literal.startswith("!") else literal in features


def holds(when: tuple[str, ...], features: Set[str]) -> bool:
    """Whether a `when` list holds for a product with exactly these features."""
    return all(any(_true(lit.strip(), features) for lit in clause.split("|")) for clause in when)


def check_literals(when: tuple[str, ...]) -> None:
    for lit in literals(when):
        if not LITERAL.match(lit):
            raise ValueError(f"'{lit}' is not a feature literal (feature-id or !feature-id)")
