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
and the fetcher below answers only for /static/."""


def _static_only(url: str, *_: Any, **__: Any) -> dict[str, Any]:
    """Serve /static/<file> from the package; refuse everything else (images, fonts and
    styles from other sites, file: URLs)."""
    prefix = f"{BASE}static/"
    if url.startswith(prefix):
        wanted = (STATIC / url.removeprefix(prefix)).resolve()
        if wanted.is_relative_to(STATIC) and wanted.is_file():
            kind = "text/css" if wanted.suffix == ".css" else "application/octet-stream"
            return {"string": wanted.read_bytes(), "mime_type": kind, "redirected_url": url}
    raise NotFoundError("file", url, [], ["a file under /static/"])


def pdf_of(html: str) -> bytes:
    """The page as PDF (A4, the stylesheet's @media print rules)."""
    from weasyprint import HTML  # slow to import; only a PDF needs it

    document: bytes = HTML(string=html, base_url=BASE, url_fetcher=_static_only).write_pdf()
    return document
