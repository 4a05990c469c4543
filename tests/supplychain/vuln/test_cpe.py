"""CPE 2.3 names and rules: parts kept, wildcards, not-applicable, version bounds."""

from __future__ import annotations

import pytest

from prodsec.errors import BadInputError
from prodsec.supplychain.vuln.cpe import Cpe, CpePart, CpeRule, parse_cpe, rule_matches


def rule(criteria: str, **bounds: str) -> CpeRule:
    return CpeRule(
        "CVE-0",
        parse_cpe(criteria),
        bounds.get("si", ""),
        bounds.get("se", ""),
        bounds.get("ei", ""),
        bounds.get("ee", ""),
    )


def test_a_name_is_parsed_with_its_escapes() -> None:
    name = parse_cpe(r"cpe:2.3:h:Qualcomm:atheros\:qca9563:-:*:*:*:*:*:*:*")
    assert name == Cpe(CpePart.HARDWARE, "qualcomm", "atheros:qca9563", "-", ("*",) * 7)
    assert str(name) == r"cpe:2.3:h:qualcomm:atheros\:qca9563:-:*:*:*:*:*:*:*"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cpe:/a:wolfssl:wolfssl:4.8.1", "cpe: not a CPE 2.3 name: 'cpe:/a:wolfssl:wolfssl:4.8.1'"),
        ("cpe:2.3:x:a:b:1:*:*:*:*:*:*:*", "cpe: not a CPE part (a, o, h): 'x'"),
        (
            "cpe:2.3:a::b:1:*:*:*:*:*:*:*",
            "cpe: a CPE needs a vendor and a product: 'cpe:2.3:a::b:1:*:*:*:*:*:*:*'",
        ),
    ],
)
def test_what_is_no_cpe_is_told(text: str, message: str) -> None:
    with pytest.raises(BadInputError) as caught:
        parse_cpe(text)
    assert str(caught.value) == message


def test_matching() -> None:
    wolf = parse_cpe("cpe:2.3:a:wolfssl:wolfssl:4.8.1:*:*:*:*:*:*:*")
    any_wolf = "cpe:2.3:a:wolfssl:wolfssl:*:*:*:*:*:*:*:*"
    assert rule_matches(rule(any_wolf, ee="5.5.2"), wolf)
    assert not rule_matches(rule(any_wolf, ee="4.8.1"), wolf)
    assert rule_matches(rule(any_wolf, ei="4.8.1"), wolf)
    assert not rule_matches(rule(any_wolf, se="4.8.1"), wolf)
    assert rule_matches(rule(any_wolf, si="4.8.1", ee="4.8.2"), wolf)
    assert rule_matches(rule("cpe:2.3:a:wolfssl:wolfssl:4.8.*:*:*:*:*:*:*:*"), wolf)
    assert not rule_matches(rule("cpe:2.3:a:wolfssl:wolfssl:4.9.0:*:*:*:*:*:*:*"), wolf)
    # the part is kept: an operating system is not an application of the same name
    assert not rule_matches(rule("cpe:2.3:o:wolfssl:wolfssl:*:*:*:*:*:*:*:*"), wolf)
    # not applicable matches only itself or any
    na = rule("cpe:2.3:a:wolfssl:wolfssl:*:-:*:*:*:*:*:*")
    assert rule_matches(na, wolf)
    assert not rule_matches(na, parse_cpe("cpe:2.3:a:wolfssl:wolfssl:4.8.1:rc1:*:*:*:*:*:*"))
    # a hardware CPE without a version matches every rule for its product
    chip = parse_cpe("cpe:2.3:h:qualcomm:atheros_qca9563:*:*:*:*:*:*:*:*")
    assert rule_matches(rule("cpe:2.3:h:qualcomm:atheros_qca9563:*:*:*:*:*:*:*:*", ee="2"), chip)
    # letters sort below numbers in the same place: r0.13 < r0.13c < r0.14
    fat = parse_cpe("cpe:2.3:a:chan:fatfs:r0.13c:*:*:*:*:*:*:*")
    assert rule_matches(rule("cpe:2.3:a:chan:fatfs:*:*:*:*:*:*:*:*", ee="r0.14"), fat)
    assert not rule_matches(rule("cpe:2.3:a:chan:fatfs:*:*:*:*:*:*:*:*", ee="r0.13"), fat)
