"""Label art: the QR code that leads a buyer to a label's consumer page, with the
scheme, the level and the registration ID printed under it. SVG (text as text, sized in
millimetres) and PNG (300 dpi); the code itself comes from segno (decision 0024)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import quote
from xml.sax.saxutils import escape

QUIET = 4
"""The quiet zone around the code, in modules (ISO/IEC 18004 asks for four)."""
MODULE_MM = 0.6
"""One module's side in the SVG, in millimetres: a version 3 code is 27 mm wide."""
PNG_MODULE_PX = 8
PNG_DPI = 300
TEXT_ROWS = 9
"""The height of the text under the code, in modules."""
FONT = 2.6
"""The text's size in modules, made smaller where a line would be wider than the code."""


@dataclass(frozen=True, slots=True)
class LabelArt:
    """What a printed label shows: the consumer page's URL (in the code), the scheme's
    name, the level in words and the registration ID."""

    url: str
    scheme: str
    level: str
    registration: str


def consumer_url(base: str, registration: str) -> str:
    """The absolute URL of a label's consumer page under the public base URL."""
    return f"{base.rstrip('/')}/l/{quote(registration, safe='/')}"


def modules(url: str) -> list[list[bool]]:
    """The QR code of `url` as rows of dark (True) and light modules, quiet zone
    included: error correction M at least (raised where the size allows), never Micro QR."""
    import segno

    code = segno.make(url, error="m", micro=False)
    return [[bool(cell) for cell in row] for row in code.matrix_iter(scale=1, border=QUIET)]


def _lines(art: LabelArt) -> tuple[str, str]:
    return f"{art.scheme} · {art.level}", art.registration


def _font(art: LabelArt, size: int) -> float:
    """The text's size in modules: FONT, or less so that the longer line (at about 0.6
    of the size a character) fits the code's width less a module each side."""
    widest = max(len(line) for line in _lines(art))
    return round(min(FONT, (size - 2) / (0.6 * widest)), 2)


def art_svg(art: LabelArt) -> str:
    """The label as an SVG document: the code as one path of unit squares, two lines of
    text under it."""
    grid = modules(art.url)
    size = len(grid)
    height = size + TEXT_ROWS
    path = "".join(
        f"M{x} {y}h1v1h-1z" for y, row in enumerate(grid) for x, dark in enumerate(row) if dark
    )
    title = escape(f"{art.scheme}, {art.level}, registration {art.registration}")
    first, second = _lines(art)
    font = _font(art, size)
    lines = (
        f'<text x="{size / 2}" y="{size + 2.5}" font-weight="bold">{escape(first)}</text>',
        f'<text x="{size / 2}" y="{size + 6}">{escape(second)}</text>',
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{size * MODULE_MM:g}mm" height="{height * MODULE_MM:g}mm" '
        f'viewBox="0 0 {size} {height}">'
        f"<title>{title}</title>"
        f'<rect width="{size}" height="{height}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/>'
        '<g fill="#000" font-family="Helvetica, Arial, sans-serif" text-anchor="middle" '
        f'font-size="{font:g}">'
        f"{''.join(lines)}</g></svg>\n"
    )


def art_png(art: LabelArt) -> bytes:
    """The label as a PNG at 300 dpi, black on white."""
    from PIL import Image, ImageDraw, ImageFont

    grid = modules(art.url)
    unit = PNG_MODULE_PX
    size = len(grid)
    image = Image.new("1", (size * unit, (size + TEXT_ROWS) * unit), 1)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle((x * unit, y * unit, (x + 1) * unit - 1, (y + 1) * unit - 1), 0)
    font = ImageFont.load_default(size=round(_font(art, size) * unit))
    middle = size * unit / 2
    first, second = _lines(art)
    draw.text((middle, (size + 2.5) * unit), first, 0, font, "ms")
    draw.text((middle, (size + 6) * unit), second, 0, font, "ms")
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(PNG_DPI, PNG_DPI))
    return out.getvalue()
