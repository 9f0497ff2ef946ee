"""Minutes to BMM and närsjukvård tasks, and travel hours and km of the moved tasks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from analysis.chapters.options.config import Config, OptionScenario, load_config, make_scenario
from analysis.chapters.options.demand import case_tasks, nulliparous_share, task_visits_per_birth
from analysis.chapters.options.geography import geography
from analysis.chapters.options.units import case_units, narsjukvard_tokens, narsjukvard_town_by_municipality, today_bmm_allocation
from analysis.chapters.travel.model import within_town
from analysis.chapters.travel.model.within_town import TravelContext
from analysis.common.home import COUNTY_NAME, HOME_REGION


@lru_cache(maxsize=8)
def site_tokens(config: Config | None = None) -> tuple[str, ...]:
    """Every town or site id the options use as a service point (sorted): the travel contexts' extra sites."""
    cfg = config or load_config()
    tokens = set(cfg.today_narsjukvard_sites)
    for o in cfg.options.values():
        for c in o.cases:
            tokens.update(narsjukvard_tokens(c))
            tokens.update(t for t, _ in c.hubs)
    tokens.update(str(s) for s in geography().municipalities["seat"])
    return tuple(sorted(tokens))


def travel_context(model: str = "graph", config: Config | None = None) -> TravelContext:
    """The travel matrix from every origin to every site the options use (cached in the travel model)."""
    return within_town.travel_context(model, site_tokens(config))


def bmm_travel_context(model: str = "graph", config: Config | None = None) -> TravelContext:
    """BMM access with the straight-line leg inside split towns (see :mod:`~analysis.chapters.travel.model.within_town`)."""
    return within_town.bmm_travel_context(model, site_tokens(config))


@dataclass(frozen=True)
class AccessResult:
    """Access figures of one option case: county summary, per municipality and per task."""

    summary: dict[str, Any]
    by_municipality: pd.DataFrame
    tasks: pd.DataFrame


def _today_bmm_sites(cfg: Config, values: Mapping[str, float]) -> list[str]:
    return sorted({site for site, _, _, _ in today_bmm_allocation(int(values[cfg.today_units_count]))})


def access(
    option: str, scenario: OptionScenario | str = "base", config: Config | None = None, model: str = "graph"
) -> AccessResult:
    """Minutes to BMM service points and närsjukvård tasks, travel hours/km of the moved tasks.

    Today: BMM at today's units (the report's 26, placed on the vårdcentraler by
    :func:`today_bmm_allocation`), närsjukvård-level tasks at Kvinnokliniken (Västerås).
    The moved share of each task's visits goes to the nearest närsjukvård site of the option.
    Digital care is no option's task: ``digital_hours_saved`` is its option-independent effect
    (each digital visit replaces a journey to today's BMM). ``bmm_mean_minutes_all_vc`` is the
    travel chapter's BMM baseline (all vårdcentraler), for reference. A municipality gains (loses) when its
    net travel time per birth and year, moved tasks plus BMM visits, falls (rises) by more than
    the tolerance in options.yml. Minutes are women-weighted means; hours use municipal births.
    """
    cfg = config or load_config()
    sc = scenario if isinstance(scenario, OptionScenario) else make_scenario(option, scenario, config=cfg)
    v = sc.values
    opt = cfg.options[option]
    case = opt.case(sc.case)
    ctx = travel_context(model, cfg)
    bctx = bmm_travel_context(model, cfg)
    units = case_units(opt, case, v, cfg)
    today_bmm = _today_bmm_sites(cfg, v)
    option_bmm = sorted(set(units["site_id"]))
    nsv_today = list(cfg.today_narsjukvard_sites)
    nsv_option = list(narsjukvard_tokens(case))
    bmm0, bmm1 = bctx.by_municipality(today_bmm), bctx.by_municipality(option_bmm)
    nsv0, nsv1 = ctx.by_municipality(nsv_today), ctx.by_municipality(nsv_option)
    # tasks that are BMM tasks today are compared within the BMM model (same origins on both sides)
    # and go to the option's staffed units in the närsjukvård towns (the hub units, at their own sites)
    nsv_towns = set(narsjukvard_town_by_municipality(case, units, cfg).values())
    nsv_units = sorted(set(units.loc[(units["role"] != "branch") & units["town"].isin(nsv_towns), "site_id"]))
    bnsv1 = bctx.by_municipality(nsv_units or nsv_option)
    munis = bmm0.index != HOME_REGION  # the county row is recomputed from the municipalities

    def arr(frame: pd.DataFrame, col: str) -> np.ndarray:
        return frame[col].to_numpy(float)[munis]

    births = arr(bmm0, "births")
    trips = v["round_trip_factor"]
    share = v[opt.share_key]
    nullip = nulliparous_share(v)
    task_rows = []
    hours_change = np.zeros(len(births))
    for key in case_tasks(opt, case):
        t = cfg.tasks[key]
        per_birth = task_visits_per_birth(t, v, nullip) * share * trips
        before, after = (nsv0, nsv1) if t.level_today == "kvinnokliniken" else (bmm0, bnsv1)
        h0, k0 = arr(before, "hours_per_visit_birth") * per_birth, arr(before, "km_per_visit_birth") * per_birth
        if t.delivered == "digital":
            h1, k1 = np.zeros_like(h0), np.zeros_like(k0)
        else:
            h1, k1 = arr(after, "hours_per_visit_birth") * per_birth, arr(after, "km_per_visit_birth") * per_birth
        hours_change += h1 - h0
        task_rows.append(
            (key, t.name_sv, t.level_today, t.delivered, float(births.sum() * per_birth / trips),
             float(h0.sum()), float(h1.sum()), float(k0.sum()), float(k1.sum()))
        )  # fmt: skip
    tasks = pd.DataFrame(
        task_rows,
        columns=["task", "name_sv", "level_today", "delivered", "visits_moved", "travel_hours_before",
                 "travel_hours_after", "car_km_before", "car_km_after"],
    )  # fmt: skip
    tasks["travel_hours_saved"] = tasks["travel_hours_before"] - tasks["travel_hours_after"]
    tasks["car_km_saved"] = tasks["car_km_before"] - tasks["car_km_after"]
    bmm_hours_change = (arr(bmm1, "hours_per_visit_birth") - arr(bmm0, "hours_per_visit_birth")) * (
        v["bmm_visits_per_birth"] * trips
    )
    net = (hours_change + bmm_hours_change) * 60.0 / births
    tol = v["gain_loss_threshold_minutes"]
    by = pd.DataFrame(
        {
            "municipality_code": bmm0.index[munis],
            "municipality": bmm0["municipality"].to_numpy()[munis],
            "births": births,
            "bmm_minutes_today": arr(bmm0, "mean_minutes"),
            "bmm_minutes_option": arr(bmm1, "mean_minutes"),
            "nsv_minutes_today": arr(nsv0, "mean_minutes"),
            "nsv_minutes_option": arr(nsv1, "mean_minutes"),
            "moved_tasks_hours_change": hours_change,
            "bmm_hours_change": bmm_hours_change,
            "net_minutes_per_birth": net,
            "status": np.select([net <= -tol, net >= tol], ["gains", "loses"], "unchanged"),
        }
    ).set_index("municipality_code")
    county = {
        "municipality": COUNTY_NAME,
        "births": float(births.sum()),
        "bmm_minutes_today": float(bmm0.loc[HOME_REGION, "mean_minutes"]),
        "bmm_minutes_option": float(bmm1.loc[HOME_REGION, "mean_minutes"]),
        "nsv_minutes_today": float(nsv0.loc[HOME_REGION, "mean_minutes"]),
        "nsv_minutes_option": float(nsv1.loc[HOME_REGION, "mean_minutes"]),
        "moved_tasks_hours_change": float(hours_change.sum()),
        "bmm_hours_change": float(bmm_hours_change.sum()),
        "net_minutes_per_birth": float((hours_change.sum() + bmm_hours_change.sum()) * 60.0 / births.sum()),
        "status": "",
    }
    munis = by
    # Digital care (report 5.4.3) is not part of any option: its effect is the same for all and shown apart.
    digital = cfg.tasks.get("digital_care")
    digital_visits = task_visits_per_birth(digital, v, nullip) if digital is not None else 0.0
    digital_hours = float(bmm0.drop(index=HOME_REGION)["hours_per_visit_birth"].sum() * digital_visits * trips)
    digital_km = float(bmm0.drop(index=HOME_REGION)["km_per_visit_birth"].sum() * digital_visits * trips)
    all_vc = ctx.by_municipality(list(geography().vardcentraler["site_id"]))
    kk = tasks["level_today"] == "kvinnokliniken"
    worst_bmm = munis["bmm_minutes_option"].idxmax()
    worst_nsv = munis["nsv_minutes_option"].idxmax()
    summary = {
        "bmm_sites_today": today_bmm,
        "bmm_sites": option_bmm,
        "narsjukvard_sites_today": nsv_today,
        "narsjukvard_sites": nsv_option,
        "bmm_mean_minutes_today": county["bmm_minutes_today"],
        "bmm_mean_minutes": county["bmm_minutes_option"],
        "nsv_mean_minutes_today": county["nsv_minutes_today"],
        "nsv_mean_minutes": county["nsv_minutes_option"],
        "bmm_worst_municipality": str(munis.loc[worst_bmm, "municipality"]),
        "bmm_worst_municipality_minutes": float(munis.loc[worst_bmm, "bmm_minutes_option"]),
        "nsv_worst_municipality": str(munis.loc[worst_nsv, "municipality"]),
        "nsv_worst_municipality_minutes": float(munis.loc[worst_nsv, "nsv_minutes_option"]),
        "travel_hours_before": float(tasks["travel_hours_before"].sum()),
        "travel_hours_after": float(tasks["travel_hours_after"].sum()),
        "travel_hours_saved": float(tasks["travel_hours_saved"].sum()),
        "car_km_saved": float(tasks["car_km_saved"].sum()),
        "travel_hours_saved_kk_tasks": float(tasks.loc[kk, "travel_hours_saved"].sum()),
        "travel_hours_saved_bmm_tasks": float(tasks.loc[~kk, "travel_hours_saved"].sum()),
        "car_km_saved_kk_tasks": float(tasks.loc[kk, "car_km_saved"].sum()),
        "car_km_saved_bmm_tasks": float(tasks.loc[~kk, "car_km_saved"].sum()),
        "digital_visits_per_birth": digital_visits,
        "digital_hours_saved": digital_hours,
        "digital_km_saved": digital_km,
        "bmm_units_today": len(today_bmm),
        "vardcentraler": len(geography().vardcentraler),
        "bmm_mean_minutes_all_vc": float(all_vc.loc[HOME_REGION, "mean_minutes"]),
        "bmm_travel_hours_change": county["bmm_hours_change"],
        "municipalities_gaining": int((munis["status"] == "gains").sum()),
        "municipalities_losing": int((munis["status"] == "loses").sum()),
        "gaining": munis.loc[munis["status"] == "gains", "municipality"].tolist(),
        "losing": munis.loc[munis["status"] == "loses", "municipality"].tolist(),
        "model": bctx.tm.model,
        "nsv_model": ctx.tm.model,
        "modelled": True,
    }
    table = pd.concat([by.reset_index(), pd.DataFrame([{"municipality_code": HOME_REGION, **county}])], ignore_index=True)
    return AccessResult(summary, table, tasks)
