"""Annual travel burden of a care task, so the options chapter can price moving it closer.

burden = visits per birth × births per origin × round trips × travel to the
nearest site offering the task. Births per origin are municipal estimates
shared out by population; every figure here is a modelled estimate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.chapters.travel.model.assumptions import param
from analysis.chapters.travel.model.costs import TravelMatrix
from analysis.chapters.travel.model.metrics import _weights, nearest
from analysis.common.home import COUNTY_NAME, HOME_REGION


def annual_burden(
    tm: TravelMatrix,
    origins: pd.DataFrame,
    site_ids: Sequence[str],
    visits_per_birth: float,
    births_column: str = "births",
    co2_g_per_km: float | None = None,
    round_trip_factor: float | None = None,
    task: str = "",
) -> pd.DataFrame:
    """Visits, travel hours, car km and (optionally) tonnes CO2 per year, by municipality and for the county.

    ``co2_g_per_km=None`` uses the assumptions file; pass ``0`` to leave CO2 out.
    """
    if visits_per_birth < 0:
        raise ValueError("visits_per_birth must be non-negative")
    births = _weights(tm, origins, births_column)
    _, minutes, km, _ = nearest(tm, site_ids)
    trips = float(param("burden.round_trip_factor") if round_trip_factor is None else round_trip_factor)
    g_per_km = float(param("burden.co2_g_per_km") if co2_g_per_km is None else co2_g_per_km)
    visits = births * visits_per_birth
    frame = pd.DataFrame(
        {
            "municipality_code": origins["municipality_code"].to_numpy(),
            "municipality": origins["municipality"].to_numpy(),
            "births": births,
            "visits": visits,
            "travel_hours": visits * trips * minutes / 60.0,
            "car_km": visits * trips * km,
        }
    )
    by = frame.groupby(["municipality_code", "municipality"], sort=True).sum(numeric_only=True).reset_index()
    total = frame.sum(numeric_only=True).to_frame().T
    total.insert(0, "municipality", COUNTY_NAME)
    total.insert(0, "municipality_code", HOME_REGION)
    out = pd.concat([by, total], ignore_index=True)
    out["hours_per_visit"] = (out["travel_hours"] / out["visits"].replace(0.0, np.nan)).fillna(0.0)
    if g_per_km > 0:
        out["co2_tonnes"] = out["car_km"] * g_per_km / 1e6
    out.insert(0, "task", task)
    out["visits_per_birth"] = visits_per_birth
    out["sites"] = ", ".join(site_ids)
    out["model"] = tm.model
    out["modelled"] = True
    return out


def burden_change(
    tm: TravelMatrix,
    origins: pd.DataFrame,
    from_sites: Sequence[str],
    to_sites: Sequence[str],
    visits_per_birth: float,
    births_column: str = "births",
    co2_g_per_km: float | None = None,
    task: str = "",
) -> pd.DataFrame:
    """Burden before and after moving a task from ``from_sites`` to ``to_sites``, with the saving."""
    before = annual_burden(tm, origins, from_sites, visits_per_birth, births_column, co2_g_per_km, task=task)
    after = annual_burden(tm, origins, to_sites, visits_per_birth, births_column, co2_g_per_km, task=task)
    keys = ["municipality_code", "municipality"]
    measures = [c for c in ("travel_hours", "car_km", "co2_tonnes") if c in before.columns]
    out = before[[*keys, "births", "visits", *measures]].merge(after[[*keys, *measures]], on=keys, suffixes=("_before", "_after"))
    for m in measures:
        out[f"{m}_saved"] = out[f"{m}_before"] - out[f"{m}_after"]
    out.insert(0, "task", task)
    out["from_sites"] = ", ".join(from_sites)
    out["to_sites"] = ", ".join(to_sites)
    out["modelled"] = True
    return out
