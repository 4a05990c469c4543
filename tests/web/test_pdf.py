"""The report as PDF: printed from the page with the print rules, reading only the site's
own static files."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from prodsec.errors import NotFoundError
from prodsec.web.pdf import BASE, STATIC, pdf_of, static_file


def test_only_the_sites_static_files_are_read() -> None:
    css, media = static_file(f"{BASE}static/site.css")
    assert (css, media) == ((STATIC / "site.css").read_bytes(), "text/css")
    for elsewhere in [
        "https://example.org/static/site.css",
        "file:///etc/passwd",
        f"{BASE}static/../pdf.py",
        f"{BASE}static/no-such.css",
        f"{BASE}products",
    ]:
        with pytest.raises(NotFoundError) as refused:
            static_file(elsewhere)
        assert str(refused.value).startswith(f"unknown file '{elsewhere}'")


def test_the_print_rules_leave_out_navigation_and_forms() -> None:
    html = (
        '<html><head><link rel="stylesheet" href="/static/site.css"></head><body>'
        '<header class="site-header">Atlas Compare</header><main><h1>Cam 1</h1>'
        "<form><label>Assess on</label></form><p>Every binding instrument met.</p>"
        '<img src="https://example.org/tracker.png" alt="not-fetched"></main></body></html>'
    )
    text = PdfReader(io.BytesIO(pdf_of(html))).pages[0].extract_text()
    # an image from elsewhere is not fetched: its text stands in for it
    assert text.split() == ["Cam", "1", "Every", "binding", "instrument", "met.", "not-fetched"]


def test_the_report_downloads_as_a_pdf(web: TestClient) -> None:
    listed = web.get("/products").text
    found = re.search(r'href="/products/([0-9a-f-]{36})"', listed)
    assert found is not None
    ident = found.group(1)
    page = web.get(f"/products/{ident}", params={"on": "2026-06-01", "markets": "GB"}).text
    asked = "on=2026-06-01&amp;markets=GB&amp;labels=&amp;role=manufacturer"
    link = f"/products/{ident}/report.pdf?{asked}"
    assert f'<a class="button quiet" href="{link}" download>' in page
    answer = web.get(link.replace("&amp;", "&"))
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == (
        f'attachment; filename="prodsec-{ident}-2026-06-01.pdf"'
    )
    text = " ".join(PdfReader(io.BytesIO(answer.content)).pages[0].extract_text().split())
    assert "Assessment on 2026-06-01:" in text
    assert "Sign out" not in text
