"""The travel chapter's computations: inputs, the three site sets compared, catchments, distributions, burden,
hub optimisation and sensitivity (aggregated frames, no sentences).

Everything comes from :mod:`analysis.chapters.travel.model` on the embedded geography. The chapter
compares three site sets (Västerås only, the four hubs of the region's report, BMM at every
vårdcentral today). Origins are places (tätorter and rural lattice points), never persons, and
every travel time is a modelled estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.chapters.travel import labels
from analysis.chapters.travel.model import (
    TravelMatrix,
    annual_burden,
    burden_change,
    compare_site_sets,
    cost_model,
    coverage_change,
    distribution,
    grid_origins,
    load_road_links,
    metrics_by_municipality,
    nearest_by_set,
    optimise_hubs,
    param,
    proposed_gap,
    region_origins,
    sensitivity,
    sourced_distance_check,
    standard_site_sets,
    standard_sites,
)
from analysis.chapters.travel.model.calibration import Calibration, default_calibration
from analysis.common import geodata
from analysis.common.home import COUNTY_NAME, HOME_REGION

# Result keys -> the labels of analysis.chapters.travel.model.standard_site_sets.
SET_SOURCE_LABELS = {
    "vasteras_only": "Västerås only",
    "four_hubs": "Västerås + Köping, Fagersta, Sala",
    "bmm_today": "BMM today (vårdcentraler)",
}
MAX_MAP_POINTS = 3000  # the 1 km grid (2,817 populated cells) is drawn cell by cell
MAP_CELL_M = 5000


def hub_towns() -> tuple[str, ...]:
    """The proposed hub towns, in the report's order (Västerås first)."""
    return tuple(str(t) for t in param("location.proposed_hubs"))


def thresholds() -> list[int]:
    """The headline minute thresholds from the assumptions file."""
    return [int(t) for t in param("metrics.thresholds_minutes")]


def coverage_minutes() -> int:
    return int(param("metrics.coverage_minutes"))


def county_row(table: pd.DataFrame) -> pd.Series:
    """The county total row of a per-municipality table."""
    return table[table["municipality_code"] == HOME_REGION].iloc[0]


def municipal_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The municipality rows (county total left out)."""
    return table[table["municipality_code"] != HOME_REGION]


# ---------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class TravelInputs:
    """Origins, sites, the modelled travel matrix and the chapter's site sets (keyed by result key)."""

    origins: pd.DataFrame
    sites: pd.DataFrame
    matrix: TravelMatrix
    sets: dict[str, list[str]]
    boundaries: gpd.GeoDataFrame
    weight_by: str


def load_inputs(
    region: str = HOME_REGION, weight_by: str = "women_15_44", population: str = "", cost: str = "graph"
) -> TravelInputs:
    """Build the chapter's inputs: embedded origins or a supplied population grid, and a cost model.

    ``cost`` is ``graph`` (default), ``line``, ``affine`` or a supplied ``origin,site,minutes[,km]`` CSV
    (missing pairs filled from an affine fit on the supplied ones).
    """
    if region != HOME_REGION:
        raise ValueError(
            f"region={region!r}: the travel chapter's geodata (tätorter, road graph, sites) covers "
            f"{COUNTY_NAME} ({HOME_REGION}) only"
        )
    weights = labels.weight_labels()
    if weight_by not in weights:
        raise ValueError(f"weight_by={weight_by!r}: choose one of {', '.join(weights)}")
    origins = grid_origins(population, weight_by=weight_by) if population else region_origins(weight_by=weight_by)
    sites = standard_sites()
    matrix = cost_model(cost).matrix(origins, sites)
    standard = standard_site_sets()
    sets = {key: list(standard[label]) for key, label in SET_SOURCE_LABELS.items()}
    return TravelInputs(origins, sites, matrix, sets, geodata.municipality_boundaries(), weight_by)


@dataclass(frozen=True)
class RoadCheck:
    """How the road graph's route km compare with the few sourced road distances (method section)."""

    n_links: int
    n_nodes: int
    n_sourced_km: int
    n_sourced_checks: int
    max_deviation_pct: float
    all_within_tolerance: bool


def road_check() -> RoadCheck:
    links = load_road_links()
    check = sourced_distance_check(links)
    edges = links[links["road_class"] != "reference_only"]
    return RoadCheck(
        n_links=len(edges),
        n_nodes=len(set(edges["from_locality"]) | set(edges["to_locality"])),
        n_sourced_km=int(edges["km_quality"].fillna("").astype(str).str.startswith("sourced").sum()),
        n_sourced_checks=len(check),
        max_deviation_pct=float(100 * (check["ratio"] - 1).abs().max()) if len(check) else float("nan"),
        all_within_tolerance=bool(check["within_tolerance"].all()) if len(check) else False,
    )


# ---------------------------------------------------------------------------------------------- comparison


def comparison(inputs: TravelInputs) -> pd.DataFrame:
    """Headline access metrics per site set, indexed by result key, with Swedish labels."""
    sets = {key: inputs.sets[key] for key in SET_SOURCE_LABELS}
    table = compare_site_sets(inputs.matrix, inputs.origins, sets)
    table.index = list(sets)
    table["label_sv"] = [labels.set_label(k) for k in table.index]
    table["n_sites"] = [len(inputs.sets[k]) for k in table.index]
    return table


# ---------------------------------------------------------------------------------------------- maps data


def map_points(inputs: TravelInputs, keys: tuple[str, ...] = ("vasteras_only", "four_hubs")) -> pd.DataFrame:
    """Per origin and site set: position, Swedish place label, nearest site (town), minutes and weight."""
    sets = {key: inputs.sets[key] for key in keys}
    long = nearest_by_set(inputs.matrix, inputs.origins, sets)
    town = inputs.sites.drop_duplicates("site_id").set_index("site_id")["town"]
    out = pd.DataFrame(
        {
            "set_key": long["site_set"].to_numpy(),
            "set": long["site_set"].map(labels.set_short).to_numpy(),
            "place": [
                labels.place_label(o, n, k, m)
                for o, n, k, m in zip(long["origin_id"], long["name"], long["kind"], long["municipality"], strict=True)
            ],
            "kind": [labels.origin_kind(str(k)) for k in long["kind"]],
            "municipality_code": long["municipality_code"].astype(str).to_numpy(),
            "municipality": long["municipality"].to_numpy(),
            "x": long["x"].round(0).to_numpy(),
            "y": long["y"].round(0).to_numpy(),
            "weight": long["weight"].round(1).to_numpy(),
            "hub": long["site_id"].map(town).to_numpy(),
            "minutes": long["minutes"].round(1).to_numpy(),
            "km": long["km"].round(1).to_numpy(),
        }
    )
    out["band"] = labels.minute_band(long["minutes"].to_numpy(float))  # band on exact minutes, as distribution() does
    if out["set_key"].value_counts().max() > MAX_MAP_POINTS:
        out = _aggregate_points(out)
    return out


def _dominant(p: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Per map cell: the values of ``columns`` that carry the most weight."""
    summed = p.groupby([*keys, *columns], as_index=False)["weight"].sum()
    return summed.sort_values("weight", ascending=False).drop_duplicates(keys)[[*keys, *columns]]


def _aggregate_points(points: pd.DataFrame) -> pd.DataFrame:
    """Fine grids are drawn as 5 km squares: weights summed, minutes weight-averaged, the dominant hub kept."""
    p = points.assign(
        cx=(points["x"] // MAP_CELL_M) * MAP_CELL_M + MAP_CELL_M / 2,
        cy=(points["y"] // MAP_CELL_M) * MAP_CELL_M + MAP_CELL_M / 2,
        wm=points["minutes"] * points["weight"],
        wk=points["km"] * points["weight"],
    )
    keys = ["set_key", "set", "cx", "cy"]
    agg = p.groupby(keys, as_index=False).agg(weight=("weight", "sum"), wm=("wm", "sum"), wk=("wk", "sum"))
    agg = agg.merge(_dominant(p, keys, ["hub"]), on=keys).merge(
        _dominant(p, keys, ["municipality_code", "municipality"]), on=keys
    )
    safe = agg["weight"].where(agg["weight"] > 0, 1.0)
    agg["minutes"] = (agg["wm"] / safe).round(1)
    agg["km"] = (agg["wk"] / safe).round(1)
    agg["place"] = [labels.grid_place(int(x // 1000), int(y // 1000)) for x, y in zip(agg["cx"], agg["cy"], strict=True)]
    agg["kind"] = labels.origin_kind("grid_cell")
    agg["band"] = labels.minute_band(agg["minutes"].to_numpy(float))
    agg = agg.rename(columns={"cx": "x", "cy": "y"})
    agg["weight"] = agg["weight"].round(1)
    return agg[list(points.columns)]


def site_points(inputs: TravelInputs, key: str) -> pd.DataFrame:
    """Positions and names of the sites of one set (for the maps)."""
    sites = inputs.sites.drop_duplicates("site_id").set_index("site_id").loc[inputs.sets[key]]
    return pd.DataFrame(
        {
            "town": sites["town"].to_numpy(),
            "name": sites["name"].to_numpy(),
            "x": sites["x"].round(0).to_numpy(),
            "y": sites["y"].round(0).to_numpy(),
        }
    )


def catchment_summary(points: pd.DataFrame, key: str = "four_hubs") -> pd.DataFrame:
    """Weight, mean minutes and municipalities served per hub of ``key`` (from the maps data)."""
    data = points[points["set_key"] == key].copy()
    data["wmin"] = data["weight"] * data["minutes"]
    out = data.groupby("hub").agg(weight=("weight", "sum"), wmin=("wmin", "sum"), max_minutes=("minutes", "max"))
    out["mean_minutes"] = out.pop("wmin") / out["weight"]
    out["share"] = out["weight"] / out["weight"].sum()
    muni = data.groupby(["hub", "municipality"])["weight"].sum().reset_index()
    muni = muni[muni["weight"] >= 0.5 * muni.groupby("municipality")["weight"].transform("sum")]
    out["municipalities"] = muni.groupby("hub")["municipality"].apply(lambda s: ", ".join(sorted(s)))
    hubs = hub_towns()
    order = [h for h in hubs if h in out.index] + sorted(set(out.index) - set(hubs))
    return out.loc[order].reset_index()


# ---------------------------------------------------------------------------------------------- municipalities


def by_municipality(inputs: TravelInputs) -> pd.DataFrame:
    """Long table: per site set and municipality (plus county), weight, mean/median/max minutes, shares."""
    frames = []
    for key in SET_SOURCE_LABELS:
        table = metrics_by_municipality(inputs.matrix, inputs.origins, inputs.sets[key])
        table.insert(0, "set_key", key)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def coverage(inputs: TravelInputs, baseline: str, option: str) -> pd.DataFrame:
    """Gains and losses within the coverage time (30 min) when ``baseline`` becomes ``option``, per municipality."""
    table = coverage_change(inputs.matrix, inputs.origins, inputs.sets[baseline], inputs.sets[option])
    table.insert(0, "change", f"{baseline}->{option}")
    return table


# ---------------------------------------------------------------------------------------------- distribution


def distributions(inputs: TravelInputs) -> pd.DataFrame:
    """Weight and share per minute band for each site set (long)."""
    frames = []
    for key in SET_SOURCE_LABELS:
        d = distribution(inputs.matrix, inputs.origins, inputs.sets[key], label=key)
        d["set_key"] = key
        frames.append(d)
    out = pd.concat(frames, ignore_index=True)
    out["band_sv"] = np.tile(labels.band_labels(), len(SET_SOURCE_LABELS))
    out["set"] = out["set_key"].map(labels.set_short)
    out["pct"] = 100 * out["share"]
    return out


# ---------------------------------------------------------------------------------------------- burden


@dataclass(frozen=True)
class BurdenTotals:
    """County totals of the annual burden of visits to the nearest site of one set."""

    visits: float
    travel_hours: float
    car_km: float
    co2_tonnes: float
    hours_per_visit: float


def burden(inputs: TravelInputs, visits_per_birth: float = 1.0, task: str = "visits moved to the hubs") -> pd.DataFrame:
    """Annual travel burden of ``visits_per_birth`` visits moved from Västerås to the four hubs (per municipality)."""
    return burden_change(
        inputs.matrix, inputs.origins, inputs.sets["vasteras_only"], inputs.sets["four_hubs"], visits_per_birth, task=task
    )


def burden_by_set(inputs: TravelInputs, visits_per_birth: float = 1.0) -> dict[str, BurdenTotals]:
    """County totals of the annual burden of ``visits_per_birth`` visits to the nearest site of each set."""
    out: dict[str, BurdenTotals] = {}
    for key in SET_SOURCE_LABELS:
        county = county_row(annual_burden(inputs.matrix, inputs.origins, inputs.sets[key], visits_per_birth))
        out[key] = BurdenTotals(
            visits=float(county["visits"]),
            travel_hours=float(county["travel_hours"]),
            car_km=float(county["car_km"]),
            co2_tonnes=float(county.get("co2_tonnes", 0.0)),
            hours_per_visit=float(county["hours_per_visit"]),
        )
    return out


# ---------------------------------------------------------------------------------------------- location


def hub_optimisation(inputs: TravelInputs) -> pd.DataFrame:
    """p = 1…6 with Västerås forced: the p-median and the maximal-coverage sets side by side (one row per p)."""
    opt = optimise_hubs(inputs.matrix, inputs.origins)
    pm = opt[opt["model"] == "p_median"].set_index("p")
    mc = opt[opt["model"] == "max_coverage"].set_index("p")
    out = pd.DataFrame(
        {
            "p": pm.index.to_numpy(),
            "p_median_sites": pm["sites"].to_numpy(),
            "p_median_mean_minutes": pm["mean_minutes"].to_numpy(),
            "p_median_share_within": pm["share_within"].to_numpy(),
            "max_coverage_sites": mc.loc[pm.index, "sites"].to_numpy(),
            "max_coverage_share_within": mc.loc[pm.index, "share_within"].to_numpy(),
            "max_coverage_mean_minutes": mc.loc[pm.index, "mean_minutes"].to_numpy(),
            "n_sets": pm["n_sets"].to_numpy(),
            "n_candidates": pm["n_candidates"].to_numpy(),
            "method": pm["method"].to_numpy(),
        }
    )
    out["same_set"] = out["p_median_sites"] == out["max_coverage_sites"]
    return out


def gap(inputs: TravelInputs) -> pd.DataFrame:
    """Is {Västerås, Köping, Fagersta, Sala} optimal among all four-site sets? (p-median and maximal coverage)."""
    return proposed_gap(inputs.matrix, inputs.origins).set_index("model")


# ---------------------------------------------------------------------------------------------- sensitivity


def scenario_key(name: str) -> str:
    """``'graph, speeds ×0.9'`` -> ``'graph_speeds_x0.9'`` (a plain key for the results file)."""
    return name.replace(", speeds ×", "_speeds_x")


def scenario_keys() -> list[str]:
    """Scenario keys in the order of :func:`analysis.chapters.travel.model.default_scenarios`."""
    factors = [f"{float(f):g}" for f in param("sensitivity.speed_factors")]
    return [k for kind in labels.scenario_kinds() for k in (kind, *[f"{kind}_speeds_x{f}" for f in factors])]


def sensitivity_table(inputs: TravelInputs) -> pd.DataFrame:
    """Headline metrics per site set under graph/straight-line models and ±10 % speeds (long, result keys)."""
    sets = {key: inputs.sets[key] for key in SET_SOURCE_LABELS}
    table = sensitivity(inputs.origins, inputs.sites, sets)
    table["scenario_key"] = table["scenario"].map(scenario_key)
    table["set_key"] = table["label"]
    table["scenario_sv"] = table["scenario_key"].map(labels.scenario_label)
    return table


# ---------------------------------------------------------------------------------------------- calibration, weights


def calibration() -> Calibration:
    """The road model's fit on the region's cell times, with leave-one-municipality-out errors."""
    return default_calibration()


def by_weight(inputs: TravelInputs, weights: tuple[str, ...] = ("population", "births")) -> dict[str, pd.DataFrame]:
    """The three site sets compared with each origin weighted by ``population`` (all residents) or ``births``."""
    sets = {key: inputs.sets[key] for key in SET_SOURCE_LABELS}
    return {w: compare_site_sets(inputs.matrix, inputs.origins, sets, w).set_index("label") for w in weights}


def source_counts(inputs: TravelInputs, key: str = "four_hubs") -> dict[str, int]:
    """How many origin-site pairs of a site set come from the region's minutes and how many from the model."""
    idx = inputs.matrix.site_index(inputs.sets[key])
    values, counts = np.unique(inputs.matrix.source[:, idx].astype(str), return_counts=True)
    return {str(v): int(c) for v, c in zip(values, counts, strict=True)}
