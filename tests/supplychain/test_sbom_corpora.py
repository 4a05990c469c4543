"""The SBOM readers on the public corpora (their README names each source and commit):
the CycloneDX schema test cases, the CycloneDX examples in JSON and XML, the SPDX 2 and 3
examples and the IoT SBOMs (the purl-spec tests are in test_purl.py). The corpora live outside the repository
and are found as the OSV tests find them (`vuln/conftest.py`: `PRODSEC_TEST_CORPORA`, or
a `shared/corpora` folder beside an ancestor); without them these tests fail, never skip.
Each test prints its counts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from prodsec.supplychain.sbom import Component, SbomFormat, read_sbom_file
from prodsec.supplychain.sbom.validate import validate

from .vuln.conftest import corpora_root

CORPORA = corpora_root()


def test_every_cyclonedx_json_schema_case_is_judged_right() -> None:
    """Valid cases pass; each invalid one is refused with the JSON path of a fault."""
    outcome: Counter[str] = Counter()
    wrong: list[str] = []
    for path in sorted((CORPORA / "cyclonedx-schema-tests").glob("*/*.json")):
        _, issues = validate(path.read_bytes(), path.name)
        valid = path.name.startswith("valid-")
        outcome[f"{'valid' if valid else 'invalid'} {path.parent.name}"] += 1
        located = all(i.field.startswith("$") for i in issues)
        if valid == bool(issues) or not located:
            wrong.append(path.name)
    print(dict(sorted(outcome.items())))
    assert wrong == []
    assert dict(outcome) == {
        "valid 1.4": 29, "invalid 1.4": 22, "valid 1.5": 36, "invalid 1.5": 22,
        "valid 1.6": 45, "invalid 1.6": 25, "valid 1.7": 61, "invalid 1.7": 29,
    }  # fmt: skip


def test_the_fault_of_an_invalid_case_is_named_by_its_json_path() -> None:
    path = CORPORA / "cyclonedx-schema-tests/1.7/invalid-bomformat-1.7.json"
    _, issues = validate(path.read_bytes(), path.name)
    assert [str(i) for i in issues] == [
        'invalid-bomformat-1.7.json: $.bomFormat: "AnotherFormat" is not one of "CycloneDX"'
    ]


def test_every_cyclonedx_xml_schema_case_is_judged_right() -> None:
    """Against the XSD: valid cases pass; each invalid one is refused with the element path
    of a fault (the two `informal-invalid` 1.7 cases by the rule the XSD can only state as
    an XSD 1.1 assert, checked in code)."""
    outcome: Counter[str] = Counter()
    wrong: list[str] = []
    for path in sorted((CORPORA / "cyclonedx-schema-tests").glob("*/*.xml")):
        _, issues = validate(path.read_bytes(), path.name)
        valid = path.name.startswith("valid-")
        outcome["valid" if valid else "invalid"] += 1
        if valid == bool(issues) or not all(i.field.startswith("/") for i in issues):
            wrong.append(path.name)
    print(dict(outcome))
    assert wrong == []
    assert dict(outcome) == {"valid": 179, "invalid": 105}


def test_the_fault_of_an_invalid_xml_case_is_named_by_its_element_path() -> None:
    path = CORPORA / "cyclonedx-schema-tests/1.5/invalid-component-type-1.5.xml"
    _, issues = validate(path.read_bytes(), path.name)
    assert [(i.line, i.field) for i in issues] == [(4, "/bom/components/component")]
    assert issues[0].message.startswith(
        "Element '{http://cyclonedx.org/schema/bom/1.5}component', attribute 'type': "
        "[facet 'enumeration'] The value 'foo' is not an element of the set"
    )


def _pairs() -> list[tuple[Path, Path]]:
    out = []
    for json_path in sorted((CORPORA / "cyclonedx-examples/SBOM").rglob("*.json")):
        xml_path = json_path.with_suffix(".xml")
        if xml_path.exists():
            out.append((json_path, xml_path))
    return out


def test_the_same_bom_in_json_and_xml_gives_the_same_components() -> None:
    """Field by field. The differences left are in the corpus files themselves: dropwizard's
    JSON gives osgi-resource-locator a licence its XML lacks; keycloak's JSON calls its
    root an application and its XML a library, and its XML wraps a licence name across
    lines (XML text is taken as written)."""
    pairs = _pairs()
    total = 0
    differences: list[tuple[str, str, str]] = []
    for json_path, xml_path in pairs:
        a, b = read_sbom_file(json_path), read_sbom_file(xml_path)
        assert len(a.components) == len(b.components), json_path
        for x, y in zip(a.components, b.components, strict=True):
            differences += [
                (json_path.parent.name, x.name, f)
                for f in Component.__slots__
                if getattr(x, f) != getattr(y, f)
            ]
        assert (a.subject, a.dependencies, a.spec_version) == (
            b.subject, b.dependencies, b.spec_version,
        ), json_path  # fmt: skip
        total += len(a.components)
    print(f"{len(pairs)} JSON/XML pairs, {total} components each side, {differences}")
    assert (len(pairs), total) == (12, 5666)
    assert differences == [
        ("dropwizard-1.3.15", "osgi-resource-locator", "licences"),
        ("keycloak-10.0.2", "keycloak-parent", "type"),
        ("keycloak-10.0.2", "tomcat-servlet-api", "licences"),
        ("keycloak-10.0.2", "tomcat-servlet-api", "licences"),
    ]


def test_every_spdx_example_is_read() -> None:
    folder = CORPORA / "spdx-examples"
    paths = sorted([*folder.rglob("*.json"), *folder.rglob("*.spdx")])
    kinds = Counter(read_sbom_file(p).format.value for p in paths)
    print(dict(kinds))
    assert kinds == {
        SbomFormat.SPDX2_TAG_VALUE: 12, SbomFormat.SPDX2_JSON: 18, SbomFormat.SPDX3_JSON_LD: 26,
    }  # fmt: skip


def test_spdx_2_and_3_of_one_example_give_the_same_packages() -> None:
    folder = CORPORA / "spdx-examples/software/example9"
    two = read_sbom_file(folder / "spdx2.2/appbomination.spdx.json")
    three = read_sbom_file(folder / "spdx3.0/appbomination.spdx3.json")
    names = sorted((c.name, c.version) for c in two.components)
    assert names == sorted((c.name, c.version) for c in three.components)
    assert len(names) == 7


def test_the_iot_sboms_keep_firmware_hardware_and_os_cpes() -> None:
    sbom = read_sbom_file(CORPORA / "iot-sboms/case-study/extended.sbom.json")
    kinds = Counter(c.type.value for c in sbom.components)
    assert kinds == {"library": 52, "firmware": 9, "device": 3, "application": 1,
                     "operating-system": 1}  # fmt: skip
    rtos = next(c for c in sbom.components if c.name == "FreeRTOS")
    assert (rtos.version, rtos.cpes) == (
        "10.0.1",
        ("cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:-:*:*:*",),
    )
    parts = Counter(cpe.split(":")[2] for c in sbom.components for cpe in c.cpes)
    assert parts["h"] == 7
    assert parts["o"] == 2
