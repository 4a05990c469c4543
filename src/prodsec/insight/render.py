"""Vega-Lite specifications to SVG or PNG, offline, through vl-convert.

Every chart prodsec draws is a Vega-Lite spec: the web pages hand the same spec to
vega-embed, the command line renders it here (docs/decisions/0004).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Picture(StrEnum):
    SVG = "svg"
    PNG = "png"


def render(spec: dict[str, Any], picture: Picture, scale: float = 2.0) -> bytes:
    """The chart as SVG text (UTF-8) or PNG bytes."""
    import vl_convert  # imported here: the renderer costs ~0.4 s to start

    if picture is Picture.SVG:
        return str(vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])).encode()
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale, allowed_base_urls=[]))
