"""CSAF 2.0 documents and provider metadata checked against OASIS's JSON schemas with
jsonschema-rs. The schemas are packaged (`data/schemas/csaf/`, with their source in its
README); the CVSS schemas the CSAF schema refers to by URL are read from the same folder,
never from the network."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from prodsec.supplychain.csaf.document import SCHEMA_TEST, Failure, json_path

_FOLDER = ("data", "schemas", "csaf")


def data_file(name: str) -> str:
    """The text of a packaged file of `data/schemas/csaf/`."""
    return resources.files("prodsec").joinpath(*_FOLDER, name).read_text(encoding="utf-8")


def _retrieve(uri: str) -> Any:
    """`https://www.first.org/cvss/cvss-v3.1.json` -> the packaged `cvss-v3.1.json`."""
    name = uri.split("?", 1)[0].rsplit("/", 1)[-1]
    return json.loads(data_file(name))


@cache
def _validator(name: str) -> Any:
    import jsonschema_rs

    schema = json.loads(data_file(name))
    return jsonschema_rs.validator_for(schema, retriever=_retrieve, validate_formats=True)


def _failures(document: Any, schema: str) -> list[Failure]:
    return sorted(
        Failure(SCHEMA_TEST, json_path(list(e.instance_path)), e.message)
        for e in _validator(schema).iter_errors(document)
    )


def schema_failures(document: Any) -> list[Failure]:
    """Every place where `document` breaks the CSAF 2.0 JSON schema."""
    return _failures(document, "csaf_json_schema.json")


def provider_failures(document: Any) -> list[Failure]:
    """Every place where a `provider-metadata.json` breaks its CSAF 2.0 schema."""
    return _failures(document, "provider_json_schema.json")


def cvss_failures(cvss: Any, name: str, path: str) -> list[Failure]:
    """Every place where a `cvss_v2` / `cvss_v3` object breaks FIRST's schema `name`
    (`cvss-v3.1.json`, ...), reported under test 6.1.8."""
    return [
        Failure("6.1.8", path + json_path(list(e.instance_path))[1:], e.message)
        for e in _validator(name).iter_errors(cvss)
    ]
