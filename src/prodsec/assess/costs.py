"""What the planner weighs: the cost of fixing each building block (by block, else by its
theme, else the default), of obtaining each label level, and of showing a requirement
met with evidence of its own where its blocks only intersect it. The defaults are
data/plan-costs.yaml; a user's costs file is laid over them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from prodsec.catalog import Catalog, limits
from prodsec.catalog.load import PACKAGED
from prodsec.catalog.yamlsrc import read_document
from prodsec.errors import BadInputError


@dataclass(frozen=True, slots=True)
class Costs:
    default: float
    themes: dict[str, float]
    blocks: dict[str, float]
    labels: dict[str, dict[str, float]]
    evidence: float = 2.0
    """Showing one requirement met with evidence of its own, beyond its blocks."""

    def block(self, catalog: Catalog, block: str) -> float:
        if block in self.blocks:
            return self.blocks[block]
        return self.themes.get(catalog.blocks[block].theme.value, self.default)

    def label(self, scheme: str, level: str) -> float:
        return self.labels.get(scheme, {}).get(level, 10 * self.default)


def load_costs(extra: Path | None = None) -> Costs:
    """The default costs, with a user's file laid over them."""
    data: dict[str, Any] = yaml.safe_load((PACKAGED / "plan-costs.yaml").read_text())
    if extra is not None:
        given = read_document(extra, limits.PROFILE).data or {}
        if not isinstance(given, dict):
            raise BadInputError(
                f"{extra}: a costs file is a mapping of default, themes, blocks, labels"
            )
        for key in ("themes", "blocks"):
            data[key] = {**(data.get(key) or {}), **(given.get(key) or {})}
        labels = {s: dict(v) for s, v in (data.get("labels") or {}).items()}
        for scheme, levels in (given.get("labels") or {}).items():
            labels[scheme] = {**labels.get(scheme, {}), **levels}
        data["labels"] = labels
        data["default"] = given.get("default", data["default"])
        data["evidence"] = given.get("evidence", data.get("evidence", 2))
    try:
        return Costs(
            float(data["default"]),
            {k: float(v) for k, v in (data.get("themes") or {}).items()},
            {k: float(v) for k, v in (data.get("blocks") or {}).items()},
            {
                s: {str(lv): float(c) for lv, c in v.items()}
                for s, v in (data.get("labels") or {}).items()
            },
            float(data.get("evidence", 2)),
        )
    except (TypeError, ValueError, AttributeError) as exc:  # a cost that is not a number
        raise BadInputError(str(exc)) from exc
