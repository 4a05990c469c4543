"""What defining the public JSON shapes costs at start-up, whole process: 40 shapes of 8
fields as TypedDicts and as pydantic models, each over a bare `python -c pass` (median of
seven runs). Prints JSON. Decision 0010 quotes it."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

SHAPES = 40
FIELDS = 8
RUNS = 7


def source(base: str, module: str) -> str:
    lines = [f"from {module} import {base}"]
    for i in range(SHAPES):
        lines.append(f"class Shape{i}({base}):")
        lines += [f"    f{f}: str | None" for f in range(FIELDS)]
    return "\n".join(lines)


def seconds(code: str) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    bare = seconds("pass")
    cases = {
        "typing_extensions import only": "import typing_extensions",
        "TypedDict shapes": source("TypedDict", "typing_extensions"),
        "pydantic import only": "import pydantic",
        "pydantic model shapes": source("BaseModel", "pydantic"),
    }
    out = {name: round((seconds(code) - bare) * 1000) for name, code in cases.items()}
    print(json.dumps({"shapes": SHAPES, "fields": FIELDS, "ms_over_bare_python": out}, indent=2))


if __name__ == "__main__":
    main()
