"""RFC 8785 canonical JSON: the RFC's own examples, and number forms derived from its rules
(ECMAScript's Number-to-String: shortest round-trip digits, exponent from 1e21 and below
1e-6, `-0` as `0`; integers only within 2**53 - 1; no NaN or Infinity)."""

from __future__ import annotations

import json
import struct
from typing import Any

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodsec.errors import BadInputError
from prodsec.registry.canonical import canonical


def test_the_rfc_example_of_section_3_2_2() -> None:
    source = (
        '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],'
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = (
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
        '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
    assert canonical(json.loads(source)) == expected.encode("utf-8")


def test_members_sort_by_utf16_code_units_as_in_section_3_2_3() -> None:
    source = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    order = list(json.loads(canonical(source)))
    assert order == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def _double(bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(bits))[0]
    return value


@pytest.mark.parametrize(
    ("bits", "text"),
    [  # IEEE 754 bit patterns and their ECMAScript forms (the RFC's appendix B rules)
        ("0000000000000000", "0"),
        ("8000000000000000", "0"),
        ("0000000000000001", "5e-324"),
        ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"),
        ("44b52d02c7e14af6", "1e+23"),
        ("3eb0c6f7a0b5ed8d", "0.000001"),
        ("3e7ad7f29abcaf48", "1e-7"),
    ],
)
def test_numbers_print_as_ecmascript_prints_them(bits: str, text: str) -> None:
    assert canonical(_double(bits)) == text.encode()


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (0.1, "0.1"),
        (4.5, "4.5"),
        (-1.5e-7, "-1.5e-7"),
        (123456789012345680000.0, "123456789012345680000"),
        (9007199254740991, "9007199254740991"),
        (-9007199254740991, "-9007199254740991"),
    ],
)
def test_number_edges(number: float, text: str) -> None:
    assert canonical(number) == text.encode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), "cannot be canonicalised (RFC 8785): nan is not representable in JCS"),
        (float("inf"), "cannot be canonicalised (RFC 8785): inf is not representable in JCS"),
        (
            2**53,
            "cannot be canonicalised (RFC 8785): 9007199254740992 exceeds safe integer "
            "domain for JSON floats",
        ),
        ({1: "a"}, "cannot be canonicalised (RFC 8785): object keys must be strings"),
        ("\ud800", "cannot be canonicalised (RFC 8785): input contains non-UTF-8 codepoints"),
    ],
)
def test_values_json_cannot_carry_are_refused(value: object, message: str) -> None:
    with pytest.raises(BadInputError) as caught:
        canonical(value)
    assert str(caught.value) == message


def test_strings_escape_only_what_json_requires() -> None:
    assert canonical("\u2028é\x1f\t/") == '"\u2028é\\u001f\\t/"'.encode()


SCALARS = st.one_of(
    st.none(), st.booleans(), st.text(max_size=12), st.integers(-(2**53) + 1, 2**53 - 1)
)


@given(
    st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(
                st.text(alphabet=st.characters(max_codepoint=127), max_size=8), inner, max_size=6
            ),
        ),
        max_leaves=20,
    )
)
@settings(
    max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
def test_the_fast_path_for_plain_values_writes_the_packages_bytes(value: Any) -> None:
    assert canonical(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "text", ["\x00\x08\t\n\x0b\x0c\r\x1f\x7f", '"\\/', "\u2028\u2029", "\U0001f600é€", "\ufeff"]
)
def test_the_fast_path_escapes_as_the_rfc_does(text: str) -> None:
    assert canonical({"b": text, "a": None}) == rfc8785.dumps({"b": text, "a": None})


@pytest.mark.parametrize("plain", [False, True])
def test_a_lone_surrogate_in_a_record_is_refused(plain: bool) -> None:
    with pytest.raises(BadInputError) as caught:
        canonical({"k": "\udc00"}, plain=plain)
    assert str(caught.value) == (
        "cannot be canonicalised (RFC 8785): input contains non-UTF-8 codepoints"
    )
