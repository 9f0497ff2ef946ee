"""Equity: each option's travel change for residents of low-income areas, against everyone.

The travel change is the option page's net minutes per birth and year (moved tasks plus basprogram BMM visits,
as :func:`~analysis.chapters.options.access.access` computes per municipality), here per 1 km grid cell. Each
cell is assigned to the SCB DeSO area that contains its centre (point in polygon; a centre outside every
polygon of the simplified boundaries goes to the nearest area). Groups: residents of the DeSO areas in the
county's lowest income quintile (``income_quintile`` 1, disposable income per consumption unit), residents of
the fifth of the DeSO areas with the highest share with low economic standard, and everyone. A group's figure
is the mean over its cells weighted by the cell's births (the cell's residents × its municipality's births per
resident), so it is a mean per birth like the municipal figures. Population aggregates only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis.chapters.options.access import bmm_travel_context, travel_context
from analysis.chapters.options.config import Config, load_config, make_scenario
from analysis.chapters.options.demand import case_tasks, nulliparous_share, task_visits_per_birth
from analysis.chapters.options.units import case_units, narsjukvard_tokens, narsjukvard_town_by_municipality, today_bmm_allocation
from analysis.chapters.travel.model.metrics import nearest
from analysis.common.geodata import CRS_METRIC

GROUPS = ("low_income", "low_standard", "all")


def cell_net_minutes(option: str, case: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Per grid cell (the travel contexts' origins): births and the net change in travel minutes per birth and year.

    The same terms as :func:`~analysis.chapters.options.access.access`: for each moved task its visits per birth ×
    share moved × trips × (minutes to the option's site − minutes to today's), plus the basprogram BMM visits ×
    trips × (minutes to the option's nearest BMM − today's). Its births-weighted mean over a municipality's cells
    is the municipality's ``net_minutes_per_birth``.
    """
    cfg = config or load_config()
    sc = make_scenario(option, case, config=cfg)
    v = sc.values
    opt = cfg.options[option]
    c = opt.case(case)
    ctx, bctx = travel_context(model, cfg), bmm_travel_context(model, cfg)
    if not np.array_equal(ctx.tm.origin_ids, bctx.tm.origin_ids):
        raise ValueError("equity: the BMM and närsjukvård travel matrices have different origins (a split town is not a grid)")
    units = case_units(opt, c, v, cfg)
    today_bmm = sorted({site for site, _, _, _ in today_bmm_allocation(int(v[cfg.today_units_count]))})
    nsv_towns = set(narsjukvard_town_by_municipality(c, units, cfg).values())
    nsv_units = sorted(set(units.loc[(units["role"] != "branch") & units["town"].isin(nsv_towns), "site_id"]))

    def minutes(tc: Any, sites: list[str]) -> np.ndarray:
        return np.asarray(nearest(tc.tm, sites)[1], dtype=float)

    bmm0, bmm1 = minutes(bctx, today_bmm), minutes(bctx, sorted(set(units["site_id"])))
    nsv0, nsv1 = minutes(ctx, list(cfg.today_narsjukvard_sites)), minutes(ctx, list(narsjukvard_tokens(c)))
    bnsv1 = minutes(bctx, nsv_units or list(narsjukvard_tokens(c)))
    trips, share, nullip = v["round_trip_factor"], v[opt.share_key], nulliparous_share(v)
    net = v["bmm_visits_per_birth"] * trips * (bmm1 - bmm0)
    for key in case_tasks(opt, c):
        t = cfg.tasks[key]
        per_birth = task_visits_per_birth(t, v, nullip) * share * trips
        before, after = (nsv0, nsv1) if t.level_today == "kvinnokliniken" else (bmm0, bnsv1)
        net = net + per_birth * ((0.0 if t.delivered == "digital" else after) - before)
    o = bctx.origins
    return pd.DataFrame(
        {"origin_id": o["origin_id"].astype(str).to_numpy(), "municipality_code": o["municipality_code"].astype(str).to_numpy(),
         "x": o["x"].to_numpy(float), "y": o["y"].to_numpy(float), "population": o["population"].to_numpy(float),
         "births": o["births"].to_numpy(float), "net_minutes": net}
    )  # fmt: skip


def assign_deso(cells: pd.DataFrame, deso: gpd.GeoDataFrame) -> pd.Series:
    """The DeSO code of each cell (columns ``x``, ``y`` in SWEREF 99 TM): the area containing the point, else the
    nearest area (a cell centre in a lake or outside the simplified boundaries)."""
    pts = gpd.GeoDataFrame(cells[[]].copy(), geometry=gpd.points_from_xy(cells["x"], cells["y"]), crs=CRS_METRIC)
    areas = deso[["deso", "geometry"]].to_crs(CRS_METRIC)
    inside = gpd.sjoin(pts, areas, how="left", predicate="within")
    inside = inside[~inside.index.duplicated(keep="first")]["deso"]
    missing = inside.isna()
    if missing.any():
        near = gpd.sjoin_nearest(pts[missing.to_numpy()], areas, how="left")
        inside.loc[missing] = near[~near.index.duplicated(keep="first")]["deso"]
    return inside.reindex(cells.index).astype(str)


def group_areas(deso: pd.DataFrame) -> dict[str, set[str]]:
    """DeSO codes per group: the lowest income quintile, and the fifth of the areas (rounded down, ties included)
    with the highest share with low economic standard."""
    n_top = max(1, len(deso) // 5)
    pct = pd.to_numeric(deso["low_economic_standard_pct"], errors="raise")
    threshold = float(pct.sort_values(ascending=False).iloc[n_top - 1])
    return {
        "low_income": set(deso.loc[pd.to_numeric(deso["income_quintile"]) == 1, "deso"].astype(str)),
        "low_standard": set(deso.loc[pct >= threshold, "deso"].astype(str)),
        "all": set(deso["deso"].astype(str)),
    }


def group_means(
    cells: pd.DataFrame, cell_deso: pd.Series, groups: dict[str, set[str]], value: str = "net_minutes"
) -> dict[str, float]:
    """Births-weighted mean of ``value`` over the cells of each group (``all``: every cell)."""
    out = {}
    for g, codes in groups.items():
        inside = np.ones(len(cells), bool) if g == "all" else cell_deso.isin(codes).to_numpy()
        w = cells["births"].to_numpy(float)[inside]
        out[g] = float(np.average(cells[value].to_numpy(float)[inside], weights=w)) if w.sum() > 0 else float("nan")
    return out


@dataclass(frozen=True)
class Equity:
    """Net travel change (minutes per birth and year) per group and option case, with the groups' shares."""

    table: pd.DataFrame  # index: group; columns: (option, case) labels "A", "D:best", …
    population_share: dict[str, float]  # share of the county's residents in each group's cells
    areas: dict[str, int]  # DeSO areas per group
    low_standard_threshold: float  # the lowest low-economic-standard share among the top fifth (%)

    def as_dict(self) -> dict[str, Any]:
        return {
            "net_minutes_per_birth": {g: {k: float(v) for k, v in row.items()} for g, row in self.table.iterrows()},
            "population_share": self.population_share,
            "areas": self.areas,
            "low_standard_threshold_pct": self.low_standard_threshold,
        }


_EQUITY: dict[tuple[Any, ...], Equity] = {}


def equity(config: Config | None = None, model: str = "graph") -> Equity:
    """Every option case's net travel change for the groups (computed once per process and model)."""
    from analysis.chapters.options.scorecard import option_cases
    from analysis.common import geodata

    cfg = config or load_config()
    key = (cfg, model)
    if key not in _EQUITY:
        deso = geodata.deso_areas()
        groups = group_areas(deso)
        cols: dict[str, dict[str, float]] = {}
        cells = None
        for option, case in option_cases(cfg):
            cells = cell_net_minutes(option, case, cfg, model)
            cell_deso = assign_deso(cells, deso)
            cols[option if len(cfg.options[option].cases) == 1 else f"{option}:{case}"] = group_means(cells, cell_deso, groups)
        assert cells is not None
        pop = cells["population"].to_numpy(float)
        share = {g: float(pop[cell_deso.isin(c).to_numpy()].sum() / pop.sum()) for g, c in groups.items()}
        pct = pd.to_numeric(deso["low_economic_standard_pct"])
        threshold = float(pct[deso["deso"].astype(str).isin(groups["low_standard"])].min())
        table = pd.DataFrame(cols).reindex(list(GROUPS))
        _EQUITY[key] = Equity(table, share, {g: len(c) for g, c in groups.items()}, threshold)
    return _EQUITY[key]
