"""Parameter checks of the travel chapter (looked up by the pipeline by chapter name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

WEIGHTS = ("women_15_44", "births", "population")
COST_MODELS = ("graph", "region", "calibrated", "road-links", "line", "affine")


def check_population(value: Any) -> str | None:
    if value == "":
        return None
    return None if Path(value).exists() else f"population grid file {value!r} does not exist"


def check_cost(value: Any) -> str | None:
    if value in COST_MODELS or Path(str(value)).exists():
        return None
    return f"must be one of {', '.join(COST_MODELS)} or an existing travel-time CSV (origin,site,minutes[,km]); got {value!r}"


def check_weight_by(value: Any) -> str | None:
    return None if value in WEIGHTS else f"must be one of {', '.join(WEIGHTS)}"


CHECKS = {"population": check_population, "cost": check_cost, "weight_by": check_weight_by}
