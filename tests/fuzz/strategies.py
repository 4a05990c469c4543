"""Shared pieces of the property tests: the settings profile, texts that look like YAML or
JSON (and break it), and how YAML counts lines."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROPERTIES = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""Every property: a bounded, repeatable run (the same examples each time), no deadline
(the first example pays for warm caches)."""

_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def line_count(text: str) -> int:
    """The lines of a text as YAML counts them (it also breaks at CR, NEL, LS and PS)."""
    return len(_BREAKS.split(text))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates().map(str),
)


def values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """JSON-like values whose mapping keys come from `keys`, a few levels deep."""
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
        max_leaves=20,
    )


def dumped(value: Any, form: str) -> str:
    """As a JSON or a YAML document; JSON escapes every character beyond ASCII."""
    if form == "json":
        return json.dumps(value)
    return yaml.safe_dump(value, allow_unicode=True)


@st.composite
def mangled(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """A text from `base` with a slice cut out and other text put in its place."""
    text = draw(base)
    start = draw(st.integers(0, len(text)))
    end = draw(st.integers(start, min(len(text), start + 8)))
    return text[:start] + draw(st.text(max_size=6)) + text[end:]


def texts(keys: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Any text, YAML and JSON documents of JSON-like values, and such documents broken."""
    documents = st.builds(dumped, values(keys), st.sampled_from(["json", "yaml"]))
    return st.one_of(st.text(), documents, mangled(documents))
