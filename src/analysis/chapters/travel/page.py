"""What the travel template calls: ``compute`` (the page data), ``glue_values`` (prose numbers), ``results``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from analysis.chapters.travel import labels, scenarios, text
from analysis.chapters.travel.model import access_metrics, param
from analysis.chapters.travel.model.calibration import PARAM_NAMES, ROAD_CLASSES, Calibration
from analysis.chapters.travel.scenarios import (
    BurdenTotals,
    RoadCheck,
    TravelInputs,
    county_row,
    coverage_minutes,
    municipal_rows,
    thresholds,
)
from analysis.common.formatting import round_to, sv_list, sv_number, sv_pct
from analysis.common.home import HOME_REGION

PREFIXES = {"vasteras_only": "vo", "four_hubs": "fh", "bmm_today": "bmm"}


@dataclass(frozen=True)
class TravelPage:
    """Everything the travel page shows, computed once."""

    region: str
    population: str
    cost: str
    inputs: TravelInputs
    comparison: pd.DataFrame
    points: pd.DataFrame
    catchments: pd.DataFrame
    by_municipality: pd.DataFrame
    gained: pd.DataFrame
    lost: pd.DataFrame
    distribution: pd.DataFrame
    burden: pd.DataFrame
    burden_sets: dict[str, BurdenTotals]
    optimisation: pd.DataFrame
    gap: pd.DataFrame
    sensitivity: pd.DataFrame
    road: RoadCheck
    visits_per_birth: float
    calibration: Calibration
    by_weight: dict[str, pd.DataFrame]
    sources: dict[str, int]

    @property
    def weight_label(self) -> str:
        return labels.weight_label(self.inputs.weight_by)


def compute(
    region: str = HOME_REGION,
    weight_by: str = "women_15_44",
    visits_per_birth: float = 1.0,
    population: str = "",
    cost: str = "graph",
) -> TravelPage:
    """Run the whole chapter (a second or two on the embedded data)."""
    inputs = scenarios.load_inputs(region, weight_by, population, cost)
    points = scenarios.map_points(inputs)
    return TravelPage(
        region=region,
        population=population,
        cost=cost,
        inputs=inputs,
        comparison=scenarios.comparison(inputs),
        points=points,
        catchments=scenarios.catchment_summary(points),
        by_municipality=scenarios.by_municipality(inputs),
        gained=scenarios.coverage(inputs, "vasteras_only", "four_hubs"),
        lost=scenarios.coverage(inputs, "bmm_today", "four_hubs"),
        distribution=scenarios.distributions(inputs),
        burden=scenarios.burden(inputs, visits_per_birth),
        burden_sets=scenarios.burden_by_set(inputs, visits_per_birth),
        optimisation=scenarios.hub_optimisation(inputs),
        gap=scenarios.gap(inputs),
        sensitivity=scenarios.sensitivity_table(inputs),
        road=scenarios.road_check(),
        visits_per_birth=visits_per_birth,
        calibration=scenarios.calibration(),
        by_weight=scenarios.by_weight(inputs),
        sources=scenarios.source_counts(inputs),
    )


def notices(data: TravelPage) -> None:
    """The notes at the top of the page: own inputs (when supplied) and modelled travel times."""
    from analysis.render.page import notice

    if data.population or data.cost != "graph":
        fit = data.inputs.matrix.fit
        title, body = text.own_inputs_notice(data.population, data.cost, fit.rmse if fit is not None else None)
        notice(title, body, kind="note")
    notice(*text.modelled_notice(), kind="note")


# ---------------------------------------------------------------------------------------------- glue values


def _pct(share: float) -> float:
    return 100.0 * float(share)


def _listed(items: list[str]) -> str:
    """'A, B och C'; '–' for an empty list (prose needs something to show)."""
    return sv_list(items) or "–"


def _general(pg: TravelPage) -> dict[str, str]:
    ths = thresholds()
    origins = pg.inputs.origins
    return {
        "wl": pg.weight_label,
        "wl_cap": pg.weight_label.capitalize(),
        "limit": sv_number(coverage_minutes()),
        "thresholds": sv_list([sv_number(t) for t in ths]),
        "t_hi": sv_number(ths[-1]),
        "n_origins": sv_number(len(origins)),
        "n_tatort": sv_number(int((origins["kind"] == "tatort").sum())),
        "n_rural": sv_number(int((origins["kind"] == "rural").sum())),
        "grid_km": sv_number(param("rural_remainder.grid_spacing_m") / 1000),
        "total_weight": sv_number(round_to(float(pg.comparison["total_weight"].iloc[0]))),
        "n_vc": sv_number(len(pg.inputs.sets["bmm_today"])),
    }


def _site_set(pg: TravelPage, key: str, pre: str) -> dict[str, str]:
    """Headline figures of one site set (keys prefixed ``vo_``, ``fh_`` or ``bmm_``)."""
    ths, limit = thresholds(), coverage_minutes()
    r = pg.comparison.loc[key]
    total = float(pg.comparison["total_weight"].iloc[0])
    g = {
        f"{pre}_mean": sv_number(r["mean_minutes"], 1),
        f"{pre}_median": sv_number(r["median_minutes"], 0),
        f"{pre}_p90": sv_number(r["p90_minutes"], 0),
        f"{pre}_max": sv_number(r["max_minutes"], 0),
    }
    for t in ths:
        g[f"{pre}_s{t}"] = sv_pct(_pct(r[f"share_within_{t}"]), 0)
        g[f"{pre}_beyond{t}"] = sv_number(round_to(total - r[f"weight_within_{t}"]))
        g[f"{pre}_beyond{t}_pct"] = sv_pct(_pct(1 - r[f"share_within_{t}"]), 0)
    g[f"{pre}_beyond_hi"] = g[f"{pre}_beyond{ths[-1]}"]
    at_limit = access_metrics(pg.inputs.matrix, pg.inputs.origins, pg.inputs.sets[key], thresholds=[limit])
    within = at_limit.share_within[float(limit)]
    g[f"{pre}_s_limit"] = sv_pct(_pct(within), 0)
    g[f"{pre}_beyond_limit"] = sv_number(round_to(total - at_limit.weight_within[float(limit)]))
    g[f"{pre}_beyond_limit_pct"] = sv_pct(_pct(1 - within), 0)
    g[f"{pre}_mid_pct"] = sv_pct(_pct(r[f"share_within_{ths[-1]}"] - within), 0)
    return g


def _municipalities(pg: TravelPage) -> dict[str, str]:
    limit = coverage_minutes()
    rows = municipal_rows(pg.by_municipality)
    vo, fh = rows[rows["set_key"] == "vasteras_only"], rows[rows["set_key"] == "four_hubs"]
    none_within = vo[vo[f"share_within_{limit}"] < 0.10].sort_values("mean_minutes", ascending=False)
    slowest = vo.sort_values("mean_minutes", ascending=False).iloc[0]
    fh_slowest = fh.sort_values("mean_minutes", ascending=False).iloc[0]
    wide = rows.pivot(index="municipality", columns="set_key", values="mean_minutes")
    gain = (wide["vasteras_only"] - wide["four_hubs"]).sort_values(ascending=False)
    g = {
        "vo_none_within": _listed(none_within["municipality"].tolist()),
        "vo_n_none_within": sv_number(len(none_within)),
        "vo_slowest": str(slowest["municipality"]),
        "vo_slowest_mean": sv_number(slowest["mean_minutes"], 0),
        "fh_top_gain_muns": _listed(gain.index[:3].tolist()),
        "fh_top_gain_min": sv_number(gain.iloc[2], 0),
        "fh_slowest": str(fh_slowest["municipality"]),
        "fh_slowest_mean": sv_number(fh_slowest["mean_minutes"], 0),
    }
    hub = scenarios.hub_towns()[0]
    if hub in wide.index:
        g["vas_mun_vo"] = sv_number(wide.loc[hub, "vasteras_only"], 1)
        g["vas_mun_fh"] = sv_number(wide.loc[hub, "four_hubs"], 1)
    return g


def _coverage(pg: TravelPage) -> dict[str, str]:
    """Gains and losses within the coverage time."""
    gained, lost = county_row(pg.gained), county_row(pg.lost)
    all_mun = municipal_rows(pg.lost)
    all_mun = all_mun.assign(share=all_mun["lost"] / all_mun["weight"])
    per_mun = all_mun[all_mun["share"] >= 0.1].sort_values("share", ascending=False)
    spread = all_mun[all_mun["lost"].map(round_to) > 0].sort_values("lost", ascending=False)
    return {
        "gained": sv_number(round_to(gained["gained"])),
        "gained_lost": sv_number(round_to(gained["lost"])),
        "gained_lost_text": text.gained_lost_text(float(gained["lost"])),
        "bmm_lost": sv_number(round_to(lost["lost"])),
        "bmm_lost_pct": sv_pct(_pct(lost["lost"] / lost["weight"]), 1),
        "bmm_lost_where": text.lost_where(
            [text.lost_municipality(r.municipality, sv_pct(_pct(r.lost / r.weight), 0)) for r in per_mun.itertuples()],
            [str(m) for m in spread["municipality"]],
        ),
        "bmm_mean_added": sv_number(lost["mean_minutes_change"], 1),
    }


def _catchments_and_bands(pg: TravelPage) -> dict[str, str]:
    catch = pg.catchments.set_index("hub")
    hub = scenarios.hub_towns()[0]
    far = pg.catchments.sort_values("max_minutes", ascending=False).iloc[0]
    g = {
        "catch_vas_pct": sv_pct(_pct(catch.loc[hub, "share"]), 0) if hub in catch.index else "–",
        "catch_far_hub": str(far["hub"]),
        "catch_far_max": sv_number(far["max_minutes"], 0),
    }
    edges = [float(b) for b in param("metrics.distribution_bands_minutes")]
    over = edges[4] if len(edges) > 4 else edges[-1]
    dist = pg.distribution
    for key, pre in PREFIXES.items():
        part = dist[(dist["set_key"] == key) & (dist["lower"] >= over)]
        g[f"{pre}_over{int(over)}_pct"] = sv_pct(float(part["pct"].sum()), 1)
        g[f"{pre}_over{int(over)}"] = sv_number(round_to(float(part["weight"].sum())))
    g["over_band"] = sv_number(over)
    return g


def _burden(pg: TravelPage) -> dict[str, str]:
    b = county_row(pg.burden)
    per_mun = municipal_rows(pg.burden).copy()
    per_mun["saved_per_birth"] = per_mun["travel_hours_saved"] / per_mun["births"]
    best = per_mun.sort_values("saved_per_birth", ascending=False).iloc[0]
    visits = pg.visits_per_birth
    return {
        "b_visits_per_birth": sv_number(visits, 0 if float(visits).is_integer() else 1),
        "b_births": sv_number(round_to(b["births"])),
        "b_hours_before": sv_number(round_to(b["travel_hours_before"])),
        "b_hours_after": sv_number(round_to(b["travel_hours_after"])),
        "b_hours_saved": sv_number(round_to(b["travel_hours_saved"])),
        "b_km_saved": sv_number(round_to(b["car_km_saved"], 1000)),
        "b_co2_saved": sv_number(b.get("co2_tonnes_saved", 0.0), 1),
        "b_min_per_visit_saved": sv_number(60 * b["travel_hours_saved"] / b["visits"], 0),
        "b_round_trip": sv_number(param("burden.round_trip_factor")),
        "b_co2_g_km": sv_number(param("burden.co2_g_per_km")),
        "b_best_mun": str(best["municipality"]),
        "b_best_min_per_visit": sv_number(60 * best["saved_per_birth"] / visits, 0),
        "b_bmm_hours": sv_number(round_to(pg.burden_sets["bmm_today"].travel_hours)),
    }


def _location(pg: TravelPage) -> dict[str, str]:
    opt = pg.optimisation.set_index("p")
    p_prop = int(pg.gap.loc["p_median", "p"])
    g = {
        "n_candidates": sv_number(int(opt["n_candidates"].iloc[0])),
        "cand_min_pop": sv_number(param("location.candidate_min_population")),
        "p_min": sv_number(int(opt.index.min())),
        "p_max": sv_number(int(opt.index.max())),
        "gap_sentence": text.gap_sentence(pg.gap, pg.weight_label),
        "gap_n_sets": sv_number(int(pg.gap.loc["p_median", "n_sets"])),
        "p_prop": sv_number(p_prop),
        "p_prop_gain": sv_number(opt.loc[opt.index.min(), "p_median_mean_minutes"] - opt.loc[p_prop, "p_median_mean_minutes"], 1),
    }
    if p_prop + 1 in opt.index:
        prop, nxt = opt.loc[p_prop], opt.loc[p_prop + 1]
        before = set(prop["p_median_sites"].split(", "))
        g["p_next"] = sv_number(p_prop + 1)
        g["p_next_added"] = _listed([s for s in nxt["p_median_sites"].split(", ") if s not in before])
        g["p_next_gain"] = sv_number(prop["p_median_mean_minutes"] - nxt["p_median_mean_minutes"], 1)
        g["p_next_cov_gain"] = sv_number(100 * (nxt["max_coverage_share_within"] - prop["max_coverage_share_within"]), 1)
    return g


def _sensitivity(pg: TravelPage) -> dict[str, str]:
    s = pg.sensitivity.pivot(index="scenario_key", columns="set_key", values="mean_minutes")
    saved = s["vasteras_only"] - s["four_hubs"]
    cov = pg.sensitivity.pivot(index="scenario_key", columns="set_key", values=f"share_within_{coverage_minutes()}")
    factors = [float(f) for f in param("sensitivity.speed_factors")]
    same = bool(((s["four_hubs"] < s["vasteras_only"]) & (s["bmm_today"] < s["four_hubs"])).all())
    return {
        "sens_saved_min": sv_number(saved.min(), 1),
        "sens_saved_max": sv_number(saved.max(), 1),
        "sens_fh_cov_min": sv_pct(_pct(cov["four_hubs"].min()), 0),
        "sens_fh_cov_max": sv_pct(_pct(cov["four_hubs"].max()), 0),
        "sens_vo_cov_min": sv_pct(_pct(cov["vasteras_only"].min()), 0),
        "sens_vo_cov_max": sv_pct(_pct(cov["vasteras_only"].max()), 0),
        "speed_pct": sv_pct(100 * max(abs(f - 1) for f in factors), 0),
        "line_circuity": sv_number(param("line_model.circuity"), 1),
        "sens_order": text.sens_order(same),
    }


def _road(road: RoadCheck) -> dict[str, str]:
    return {
        "road_links": sv_number(road.n_links),
        "road_nodes": sv_number(road.n_nodes),
        "road_sourced": sv_number(road.n_sourced_km),
        "road_checks": sv_number(road.n_sourced_checks),
        "road_dev": sv_pct(road.max_deviation_pct, 0),
    }


def glue_values(pg: TravelPage) -> dict[str, str]:
    """Every number the page's prose uses, formatted the Swedish way (key -> text for ``{glue:}``)."""
    g = _general(pg)
    for key, pre in PREFIXES.items():
        g.update(_site_set(pg, key, pre))
    g["mean_saved"] = sv_number(
        pg.comparison.loc["vasteras_only", "mean_minutes"] - pg.comparison.loc["four_hubs", "mean_minutes"], 1
    )
    g["p90_saved"] = sv_number(
        pg.comparison.loc["vasteras_only", "p90_minutes"] - pg.comparison.loc["four_hubs", "p90_minutes"], 0
    )
    for part in (_municipalities, _coverage, _catchments_and_bands, _burden, _location, _sensitivity):
        g.update(part(pg))
    g.update(_road(pg.road))
    g.update(_calibration(pg))
    g.update(_weights(pg))
    return g


def _calibration(pg: TravelPage) -> dict[str, str]:
    """The calibrated road model: fitted parameters and its errors against the region's cell times."""
    cal = pg.calibration
    err = cal.errors.set_index("municipality_code")
    muni = err.drop(index="all")
    p = cal.params.as_dict()
    target = float(param("calibrated_road.mae_target_minutes"))
    g = {
        "cal_n_obs": sv_number(cal.n_observations),
        "cal_n_cells": sv_number(cal.n_cells),
        "cal_in_mae": sv_number(err.loc["all", "in_mae"], 1),
        "cal_lomo_mae": sv_number(err.loc["all", "lomo_mae"], 1),
        "cal_lomo_p90": sv_number(err.loc["all", "lomo_p90_abs"], 1),
        "cal_lomo_worst_mae": sv_number(muni["lomo_mae"].max(), 1),
        "cal_target": sv_number(target),
        "cal_n_over_target": sv_number(int((muni["lomo_mae"] > target).sum())),
        "cal_n_muns": sv_number(len(muni)),
        "cal_access": sv_number(p["access_minutes"], 1),
        "cal_urban": sv_number(p["urban_kmh"], 0),
        "cal_rural": sv_number(p["rural_kmh"], 0),
        "n_region_pairs": sv_number(pg.sources.get("region", 0)),
        "n_model_pairs": sv_number(pg.sources.get("model", 0)),
    }
    for c in ROAD_CLASSES:
        g[f"cal_f_{c}"] = sv_pct(100 * p[f"speed_factor_{c}"], 0)
        g[f"limit_{c}"] = sv_number(param("calibrated_road.posted_limits_kmh")[c])
    return g


def _weights(pg: TravelPage) -> dict[str, str]:
    """All residents' mean minutes and the shares of births beyond 30, 45 and 60 minutes per site set."""
    pop, births = pg.by_weight["population"], pg.by_weight["births"]
    ths = thresholds()[-3:]  # 30, 45 and 60 minutes
    g: dict[str, str] = {
        "t_45": sv_number(ths[1]),
        "ref_ortqvist": text.reference("ortqvist"),
        "ref_holowko": text.reference("holowko"),
    }
    for key, pre in PREFIXES.items():
        g[f"pop_{pre}_mean"] = sv_number(pop.loc[key, "mean_minutes"], 1)
        for t in ths:
            g[f"births_{pre}_over{t}_pct"] = sv_pct(_pct(1 - births.loc[key, f"share_within_{t}"]), 1)
            g[f"births_{pre}_over{t}"] = sv_number(
                round_to(births.loc[key, "total_weight"] - births.loc[key, f"weight_within_{t}"])
            )
    return g


# ---------------------------------------------------------------------------------------------- results


def _set_results(pg: TravelPage) -> dict[str, dict[str, Any]]:
    """Per site set (result key): label, sites, mean/median/p90/max minutes, mean km, shares and counts within."""
    out: dict[str, dict[str, Any]] = {}
    for key, r in pg.comparison.iterrows():
        entry: dict[str, Any] = {
            "label_sv": labels.set_label(str(key)),
            "site_ids": list(pg.inputs.sets[str(key)]),
            "n_sites": int(r["n_sites"]),
            "mean_minutes": float(r["mean_minutes"]),
            "median_minutes": float(r["median_minutes"]),
            "p90_minutes": float(r["p90_minutes"]),
            "max_minutes": float(r["max_minutes"]),
            "mean_km": float(r["mean_km"]),
        }
        for t in thresholds():
            entry[f"share_within_{t}"] = float(r[f"share_within_{t}"])
            entry[f"weight_within_{t}"] = float(r[f"weight_within_{t}"])
        out[str(key)] = entry
    return out


def _headline(r: pd.Series) -> dict[str, float]:
    return {f"share_within_{t}": float(r[f"share_within_{t}"]) for t in thresholds()}


def _municipality_results(table: pd.DataFrame) -> dict[str, dict[str, dict[str, Any]]]:
    """``{set_key: {municipality: {code, weight, mean_minutes, share_within_30, ...}}}``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for key, part in table.groupby("set_key", sort=False):
        out[str(key)] = {
            str(r["municipality"]): {
                "code": str(r["municipality_code"]),
                "weight": float(r["total_weight"]),
                "mean_minutes": float(r["mean_minutes"]),
                "median_minutes": float(r["median_minutes"]),
                "max_minutes": float(r["max_minutes"]),
                **_headline(r),
            }
            for _, r in part.iterrows()
        }
    return out


def _sensitivity_results(table: pd.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    """``{scenario_key: {set_key: headline metrics}}``."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for _, r in table.iterrows():
        out.setdefault(str(r["scenario_key"]), {})[str(r["set_key"])] = {
            "mean_minutes": float(r["mean_minutes"]),
            "median_minutes": float(r["median_minutes"]),
            "p90_minutes": float(r["p90_minutes"]),
            "max_minutes": float(r["max_minutes"]),
            **_headline(r),
        }
    return out


def _change(row: pd.Series) -> dict[str, float]:
    return {k: float(row[k]) for k in ("gained", "lost", "mean_minutes_change")}


def _location_results(pg: TravelPage) -> dict[str, Any]:
    limit = coverage_minutes()
    pm, mc = pg.gap.loc["p_median"], pg.gap.loc["max_coverage"]
    return {
        "p_median": [
            {
                "p": int(r["p"]),
                "p_median_sites": str(r["p_median_sites"]).split(", "),
                "p_median_mean_minutes": float(r["p_median_mean_minutes"]),
                "max_coverage_sites": str(r["max_coverage_sites"]).split(", "),
                f"max_coverage_share_within_{limit}": float(r["max_coverage_share_within"]),
                "n_sets": int(r["n_sets"]),
            }
            for _, r in pg.optimisation.iterrows()
        ],
        "proposed_gap": {
            "proposed_sites": str(pm["proposed_sites"]).split(", "),
            "p_median_optimal_sites": str(pm["optimal_sites"]).split(", "),
            "max_coverage_optimal_sites": str(mc["optimal_sites"]).split(", "),
            "is_optimal_p_median": bool(pm["is_optimal"]),
            "is_optimal_max_coverage": bool(mc["is_optimal"]),
            "rank_p_median": int(pm["rank"]),
            "rank_max_coverage": int(mc["rank"]),
            "gap_mean_minutes": float(pm["gap_mean_minutes"]),
            f"gap_weight_within_{limit}": float(mc["gap_weight_within"]),
            "n_sets": int(pm["n_sets"]),
        },
    }


def _burden_results(pg: TravelPage) -> dict[str, Any]:
    b = county_row(pg.burden)
    return {
        "task": "visits moved from Västerås to the four hubs",
        "visits_per_birth": pg.visits_per_birth,
        "round_trip_factor": float(param("burden.round_trip_factor")),
        "co2_g_per_km": float(param("burden.co2_g_per_km")),
        "births_per_year": float(b["births"]),
        **{k: float(b[k]) for k in b.index if k.startswith(("travel_hours_", "car_km_", "co2_tonnes_"))},
        "per_set": {key: asdict(totals) for key, totals in pg.burden_sets.items()},
    }


def results(pg: TravelPage) -> dict[str, Any]:
    """The page's key figures for ``_build/results/travel.json`` (shares are fractions 0–1)."""
    weight_by = pg.inputs.weight_by
    return {
        "region": pg.region,
        "weight_by": weight_by,
        "cost_model": pg.inputs.matrix.model,
        "modelled": True,
        "units": {
            "minutes": "one-way car minutes to the nearest site: Region Västmanland GIS 2024 (posted limits) for cell-hub pairs it publishes, the calibrated road model elsewhere",
            "shares": f"fraction 0-1 of {weight_by} (2024 cell population; women and births = cell population × municipal share, estimate)",
            "weight_within": f"{weight_by} within the threshold (estimate)",
        },
        "total_weight": float(pg.comparison["total_weight"].iloc[0]),
        "n_origins": len(pg.inputs.origins),
        "thresholds_minutes": thresholds(),
        "coverage_minutes": coverage_minutes(),
        **_set_results(pg),
        "by_municipality": _municipality_results(pg.by_municipality),
        "coverage_change": {
            "vasteras_only_to_four_hubs": _change(county_row(pg.gained)),
            "bmm_today_to_four_hubs": _change(county_row(pg.lost)),
        },
        "catchments_four_hubs": {
            str(r["hub"]): {k: float(r[k]) for k in ("weight", "share", "mean_minutes", "max_minutes")}
            for _, r in pg.catchments.iterrows()
        },
        **_location_results(pg),
        "burden": _burden_results(pg),
        "sensitivity": _sensitivity_results(pg.sensitivity),
        "calibration": _calibration_results(pg.calibration),
        "by_weight": {w: _weight_results(table) for w, table in pg.by_weight.items()},
        "pair_sources": dict(pg.sources),
    }


def _weight_results(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per site set: total weight, mean/median/p90/max minutes and shares within each threshold."""
    cols = ("total_weight", "mean_minutes", "median_minutes", "p90_minutes", "max_minutes")
    return {
        str(k): {**{c: float(r[c]) for c in cols}, **{f"share_within_{t}": float(r[f"share_within_{t}"]) for t in thresholds()}}
        for k, r in table.iterrows()
    }


def _calibration_results(cal: Calibration) -> dict[str, Any]:
    """Fitted parameters and per-municipality in-sample and leave-one-municipality-out errors (minutes)."""
    return {
        "params": dict(zip(PARAM_NAMES, cal.params.values, strict=True)),
        "n_observations": cal.n_observations,
        "n_cells": cal.n_cells,
        "errors": {
            str(r["municipality_code"]): {
                k: (int(v) if k == "in_n" else float(v)) for k, v in r.items() if k != "municipality_code"
            }
            for _, r in cal.errors.iterrows()
        },
    }
