"""Vega-Lite specifications to SVG or PNG, offline, through vl-convert.

Every chart prodsec draws is a Vega-Lite spec: the web pages hand the same spec to
vega-embed, the command line renders it here (docs/decisions/0004).

The renderer holds the GIL for the whole render (measured: a Python thread beside it
gets no turn for the 2-5 s a PNG takes), so a server renders in worker processes:
`Renderer` keeps a small pool of them and a bound on the renders that run or wait.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from enum import StrEnum
from typing import Any

from prodsec.errors import UnavailableError


class Picture(StrEnum):
    SVG = "svg"
    PNG = "png"


def render(spec: dict[str, Any], picture: Picture, scale: float = 2.0) -> bytes:
    """The chart as SVG text (UTF-8) or PNG bytes."""
    import vl_convert  # imported here: the renderer costs ~0.4 s to start

    if picture is Picture.SVG:
        return str(vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])).encode()
    return bytes(vl_convert.vegalite_to_png(spec, scale=scale, allowed_base_urls=[]))


class RendererBusyError(UnavailableError):
    """Every render slot stayed taken for as long as a request may wait, or the queue
    of waiting requests is full."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"the chart renderer is busy; try again in {retry_after} s", retry_after=retry_after
        )


class Renderer:
    """Renders in `workers` processes (started on the first render), never on the
    caller's thread. At most `workers` renders run and `queue` more wait, each for at
    most `wait` seconds; a request beyond that is refused with `RendererBusyError`."""

    def __init__(self, workers: int = 1, queue: int = 8, wait: float = 10.0) -> None:
        self.workers, self.queue, self.wait = workers, queue, wait
        self.renders = 0
        self._slots = asyncio.Semaphore(workers)
        self._waiting = 0
        self._pool: ProcessPoolExecutor | None = None

    async def render(self, spec: dict[str, Any], picture: Picture) -> bytes:
        if self._waiting >= self.queue:
            raise RendererBusyError(math.ceil(self.wait))
        self._waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait)
        except TimeoutError:
            raise RendererBusyError(math.ceil(self.wait)) from None
        finally:
            self._waiting -= 1
        try:
            if self._pool is None:
                context = multiprocessing.get_context("spawn")  # no copy of a threaded server
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
            loop = asyncio.get_running_loop()
            body = await loop.run_in_executor(self._pool, render, spec, picture)
            self.renders += 1
            return body
        finally:
            self._slots.release()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
