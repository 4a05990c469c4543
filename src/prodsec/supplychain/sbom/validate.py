"""`validate`: every problem of one SBOM, located, without stopping at the first. A
CycloneDX document is checked against its schema first (JSON Schema for JSON, the XSD for
XML); every format is then read (the reader's error is a problem), and each purl that
does not parse is reported."""

from __future__ import annotations

from prodsec.errors import Issue, LimitExceededError
from prodsec.supplychain.sbom import detect, reader
from prodsec.supplychain.sbom.interface import (
    Sbom,
    SbomError,
    SbomFormat,
    check_size,
    too_deep,
)
from prodsec.supplychain.sbom.purl import canonical_purl


def validate(data: bytes, source: str) -> tuple[Sbom | None, list[Issue]]:
    """The SBOM (None when it cannot be read) and its problems (empty when it is valid)."""
    try:
        check_size(data, source)
        fmt = detect(data, source)
    except SbomError as exc:
        return None, list(exc.issues)
    except LimitExceededError as exc:
        return None, [limit_issue(source, exc)]
    issues: list[Issue] = []
    if fmt is SbomFormat.CYCLONEDX_JSON:
        import msgspec

        from prodsec.supplychain.sbom.schema import schema_issues

        try:
            issues += schema_issues(msgspec.json.decode(data), source)
        except msgspec.DecodeError as exc:
            return None, [Issue(source, 0, "$", f"not JSON: {exc}")]
        except RecursionError:
            return None, [limit_issue(source, too_deep(source))]
    elif fmt is SbomFormat.CYCLONEDX_XML:
        from prodsec.supplychain.sbom.xsd import xml_schema_issues

        issues += xml_schema_issues(data, source)
        if any(i.message.startswith(("refused:", "not well-formed")) for i in issues):
            return None, issues
    try:
        sbom = reader(fmt).read(data, source)
    except SbomError as exc:  # a place the schema already faulted is said once
        seen = {i.field for i in issues}
        return None, sorted(set(issues) | {i for i in exc.issues if i.field not in seen})
    except LimitExceededError as exc:
        return None, [*issues, limit_issue(source, exc)]
    for c in sbom.components:
        if c.purl and canonical_purl(c.purl) is None:
            issues.append(Issue(source, 0, f"component {c.ref}", f"not a valid purl: {c.purl}"))
    return sbom, sorted(set(issues))


def limit_issue(source: str, exc: LimitExceededError) -> Issue:
    """A limit's error as one located problem: its message names the file, and a line
    (`f.spdx:4: ...`) or a JSON path (`f.json: $.components[0]...: ...`) where it has one."""
    rest = str(exc).removeprefix(source).removeprefix(":")
    number, colon, after = rest.partition(": ")
    if colon and number.isdigit():
        return Issue(source, int(number), "limit", after)
    rest = rest.strip()
    if rest.startswith("$"):
        where, _, message = rest.partition(": ")
        return Issue(source, 0, where, message)
    return Issue(source, 0, "limit", rest)
