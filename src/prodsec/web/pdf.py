"""A page printed to PDF with WeasyPrint (docs/decisions/0015): the same HTML the browser
gets, laid out with the stylesheet's print rules. Only the site's own static files are
read while printing; nothing is fetched from elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prodsec.errors import NotFoundError

STATIC = Path(__file__).resolve().parent / "static"
BASE = "https://prodsec.invalid/"
"""A base URL that resolves nowhere: relative links in the page become absolute under it,
and the fetcher answers only for /static/."""
MEDIA = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png"}


def static_file(url: str) -> tuple[bytes, str]:
    """The bytes and media type of /static/<file> under BASE; anything else (other sites,
    file: URLs, paths out of the folder) is refused."""
    prefix = f"{BASE}static/"
    if url.startswith(prefix):
        wanted = (STATIC / url.removeprefix(prefix).split("?")[0]).resolve()
        if wanted.is_relative_to(STATIC) and wanted.is_file():
            return wanted.read_bytes(), MEDIA.get(wanted.suffix, "application/octet-stream")
    raise NotFoundError("file", url, [], ["a file under /static/"])


def pdf_of(html: str) -> bytes:
    """The page as PDF (A4, the stylesheet's @media print rules)."""
    # slow to import; only a PDF needs it
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            body, media = static_file(url)
            return URLFetcherResponse(url, body, {"Content-Type": media})

    document: bytes = HTML(string=html, base_url=BASE, url_fetcher=StaticOnly()).write_pdf()
    return document
