"""The filter options every harmonisation command shares, declared once.

`@with_scope` adds the options to a command and hands it a ready `Selection`; unknown
categories and instruments are reported with near matches (exit 2) before any work.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import typing
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from prodsec.catalog import Catalog
from prodsec.catalog.vocab import Bindingness, Layer
from prodsec.cli import names
from prodsec.cli.applies import parse_day, split
from prodsec.crosswalk.measures import Counted, Grain, Selection, Themes

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS: list[tuple[str, Any, Any]] = [
    (
        "bindingness",
        Annotated[
            list[Bindingness] | None,
            typer.Option("--bindingness", "-b", help="Only instruments of this bindingness."),
        ],
        None,
    ),
    (
        "category",
        Annotated[
            str | None,
            typer.Option("--category", "-c", help="Only instruments whose scope covers it."),
        ],
        None,
    ),
    (
        "on",
        Annotated[
            str | None,
            typer.Option("--on", help="Editions in effect on this day, YYYY-MM-DD."),
        ],
        None,
    ),
    (
        "jurisdiction",
        Annotated[
            list[str] | None,
            typer.Option("--jurisdiction", "-j", help="Only these jurisdictions: GB,AU,EU."),
        ],
        None,
    ),
    (
        "layer",
        Annotated[
            list[Layer] | None,
            typer.Option("--layer", help="Only these layers (principle ... specification)."),
        ],
        None,
    ),
    (
        "instrument",
        Annotated[
            list[str] | None,
            typer.Option("--instrument", "-i", help="Exactly these instruments (ID[@EDITION])."),
        ],
        None,
    ),
    (
        "requirements",
        Annotated[
            Counted,
            typer.Option("--requirements", help="Count all requirements or mandatory-type only."),
        ],
        None,
    ),
    (
        "grain",
        Annotated[
            Grain, typer.Option("--grain", help="outcome: refinements count as their parent.")
        ],
        Grain.OUTCOME,
    ),
    (
        "themes",
        Annotated[
            Themes,
            typer.Option("--themes", help="security leaves market obligations out; or all."),
        ],
        Themes.SECURITY,
    ),
]
NAMES = [name for name, _, _ in _OPTIONS]


def build(catalog: Catalog, values: dict[str, Any], requirements: Counted) -> Selection:
    category = values["category"]
    if category is not None:
        category = names.category(catalog, category)
    instruments = tuple(split(values["instrument"] or []))
    for spec in instruments:
        catalog.instrument(spec)
    on = values["on"]
    return Selection(
        bindingness=tuple(values["bindingness"] or ()),
        category=category,
        on=None if on is None else parse_day(on, "--on"),
        jurisdictions=names.jurisdictions(catalog, split(values["jurisdiction"] or [])),
        layers=tuple(values["layer"] or ()),
        instruments=instruments,
        requirements=values["requirements"] or requirements,
        grain=values["grain"],
        themes=values["themes"],
    )


def with_scope(requirements: Counted = Counted.ALL) -> Callable[[F], F]:
    """Add the scope options to a command; it receives `scope` (built against the
    catalog it loads) and its own parameters. `requirements` is the command's default."""

    def decorate(fn: F) -> F:
        hints = typing.get_type_hints(fn, include_extras=True)
        own = [
            p.replace(annotation=hints[p.name])
            for p in inspect.signature(fn).parameters.values()
            if p.name not in ("scope", "catalog")
        ]
        extra = [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind
            )
            for name, kind, default in _OPTIONS
        ]

        @functools.wraps(fn)
        def command(**kwargs: Any) -> Any:
            from prodsec.catalog import load_catalog

            values = {name: kwargs.pop(name) for name in NAMES}
            catalog = load_catalog()
            return fn(catalog=catalog, scope=build(catalog, values, requirements), **kwargs)

        params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + extra
        command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in params}
        del command.__wrapped__
        return typing.cast(F, command)

    return decorate


def day(text: str | None, option: str) -> dt.date | None:
    return None if text is None else parse_day(text, option)
