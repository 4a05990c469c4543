"""`prodsec sbom show|validate|diff` on the camera SBOMs of tests/assets/sbom: exact
output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Run

ASSETS = Path(__file__).resolve().parents[1] / "assets" / "sbom"
CDX = str(ASSETS / "camera-1.0.cdx.json")
XML = str(ASSETS / "camera-1.0.cdx.xml")
SPDX = str(ASSETS / "camera-1.1.spdx")


def test_show_lists_the_components(run: Run) -> None:
    code, out, _ = run("sbom", "show", XML, "-f", "csv")
    assert code == 0
    assert out == (
        "name,version,type,purl_or_cpe,supplier\n"
        "Example smart camera,1.0,device,,Example Cameras Ltd\n"
        "camera-firmware,1.0.4,firmware,,\n"
        "FreeRTOS,10.0.1,operating-system,cpe:2.3:o:amazon:freertos:10.0.1:*:*:*:*:*:*:*,\n"
        "wolfssl,4.8.1,library,pkg:GITHUB/wolfSSL/wolfssl@v4.8.1,\n"
        "zlib,1.2.11,library,pkg:generic/zlib@1.2.11,\n"
    )


def test_show_json_is_the_whole_sbom(run: Run) -> None:
    code, out, _ = run("sbom", "show", SPDX, "-f", "json")
    doc = json.loads(out)
    assert (code, doc["format"], doc["spec_version"], doc["subject"]) == (
        0, "spdx2-tag-value", "2.3", "SPDXRef-camera",
    )  # fmt: skip
    assert doc["components"][2] == {
        "ref": "SPDXRef-rtos", "name": "FreeRTOS", "version": "10.4.3",
        "type": "operating-system", "group": "", "purl": "",
        "cpes": ["cpe:2.3:o:amazon:freertos:10.4.3:*:*:*:*:*:*:*"], "supplier": "",
        "hashes": {}, "licences": ["MIT"],
    }  # fmt: skip
    assert doc["dependencies"]["SPDXRef-camera"] == ["SPDXRef-fw"]


def test_validate_says_ok_or_lists_each_problem(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("sbom", "validate", CDX, SPDX)
    assert (code, out) == (0, f"{CDX}: ok (cyclonedx-json, 5 components)\n"
                              f"{SPDX}: ok (spdx2-tag-value, 5 components)\n")  # fmt: skip
    bad = tmp_path / "bad.json"
    bad.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{}]}')
    code, out, _ = run("sbom", "validate", str(bad))
    assert (code, out) == (
        1,
        f"{bad}: 2 problems (unread)\n"
        f'  {bad}: $.components[0]: "name" is a required property\n'
        f'  {bad}: $.components[0]: "type" is a required property\n',
    )


def test_an_unreadable_sbom_is_a_located_error(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    code, out, err = run("sbom", "show", str(bad))
    assert (code, out) == (1, "")
    assert err == (
        "error: 1 problem in the SBOM\n"
        f"{bad}: $: not an SBOM: neither CycloneDX, SPDX JSON nor SPDX tag-value\n"
    )


def test_diff_names_added_removed_and_upgraded(run: Run) -> None:
    code, out, _ = run("sbom", "diff", CDX, SPDX, "-f", "csv")
    assert code == 0
    assert out == (
        "change,name,before,after,key\n"
        "added,mbedtls,,3.5.2,pkg:github/mbed-tls/mbedtls@v3.5.2\n"
        "removed,zlib,1.2.11,,pkg:generic/zlib@1.2.11\n"
        "upgraded,Example smart camera,1.0,1.1,device:/example smart camera\n"
        "upgraded,camera-firmware,1.0.4,1.1.0,firmware:/camera-firmware\n"
        "upgraded,FreeRTOS,10.0.1,10.4.3,operating-system:/freertos\n"
        "upgraded,wolfssl,4.8.1,5.6.6,pkg:github/wolfssl/wolfssl\n"
    )


def test_diff_of_the_same_components_in_two_formats_says_so(run: Run) -> None:
    code, out, _ = run("sbom", "diff", CDX, XML)
    assert (code, out) == (
        0,
        "camera-1.0.cdx.json -> camera-1.0.cdx.xml: 5 unchanged; "
        "no component added, removed or upgraded\n",
    )


def test_validate_of_a_missing_file_is_bad_input(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    code, out, err = run("sbom", "validate", str(missing))
    assert (code, out, err) == (
        2,
        "",
        f"error: {missing}: cannot read: No such file or directory\n",
    )


def test_validate_json_lists_each_file(run: Run) -> None:
    code, out, _ = run("sbom", "validate", CDX, "-f", "json")
    assert (code, json.loads(out)) == (
        0,
        [{"source": CDX, "format": "cyclonedx-json", "valid": True, "component_count": 5,
          "problems": []}],
    )  # fmt: skip
