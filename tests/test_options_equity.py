"""Option pages' decision sections: DeSO groups, per-cell travel change, vårdcentral status, map markers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from analysis.chapters.options import equity as eq
from analysis.chapters.options import vardcentraler as vc
from analysis.common.geodata import CRS_METRIC
from analysis.render import maps


def _two_areas() -> gpd.GeoDataFrame:
    """Two 2 km × 2 km DeSO squares side by side: west (income quintile 1, 40 % low standard) and east."""
    return gpd.GeoDataFrame(
        {"deso": ["1980A0001", "1980A0002"], "income_quintile": [1, 4], "low_economic_standard_pct": [40.0, 5.0]},
        geometry=[box(0, 0, 2000, 2000), box(2000, 0, 4000, 2000)],
        crs=CRS_METRIC,
    )


def _three_cells() -> pd.DataFrame:
    """Cell centres: one in each square and one just outside the east square (goes to the nearest, east)."""
    return pd.DataFrame(
        {"x": [500.0, 2500.0, 4100.0], "y": [500.0, 500.0, 1500.0], "births": [1.0, 3.0, 1.0], "net_minutes": [-10.0, 6.0, 2.0]}
    )


def test_cells_go_to_the_area_containing_their_centre_else_the_nearest() -> None:
    assigned = eq.assign_deso(_three_cells(), _two_areas())
    assert assigned.tolist() == ["1980A0001", "1980A0002", "1980A0002"]


def test_group_means_are_births_weighted_by_hand() -> None:
    cells = _three_cells()
    groups = eq.group_areas(_two_areas())
    assert groups["low_income"] == {"1980A0001"}
    means = eq.group_means(cells, eq.assign_deso(cells, _two_areas()), groups)
    assert means["low_income"] == pytest.approx(-10.0)  # the west cell alone
    assert means["all"] == pytest.approx((-10 * 1 + 6 * 3 + 2 * 1) / 5)  # = 2.0


def test_low_standard_group_is_the_top_fifth_of_areas_ties_included() -> None:
    deso = pd.DataFrame(
        {"deso": [f"d{i}" for i in range(10)], "income_quintile": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
         "low_economic_standard_pct": [50.0, 30.0, 30.0, 20, 10, 9, 8, 7, 6, 5]}
    )  # fmt: skip
    groups = eq.group_areas(deso)
    assert groups["low_standard"] == {"d0", "d1", "d2"}  # 10 // 5 = 2 areas, the tie at 30 % included
    assert groups["low_income"] == {"d0", "d1"}


def test_cell_changes_add_up_to_the_municipal_figures_of_the_option_page() -> None:
    from analysis.chapters.options.access import access

    cells = eq.cell_net_minutes("B", "base")
    by = access("B", "base").by_municipality.set_index("municipality_code")
    for code, part in cells.groupby("municipality_code"):
        assert np.average(part["net_minutes"], weights=part["births"]) == pytest.approx(
            by.loc[code, "net_minutes_per_birth"], abs=1e-9
        )


@pytest.mark.parametrize(
    ("rule", "today", "role", "status"),
    [
        ("all", "yes", "bmm", "keeps"),
        ("all", "unknown", None, "keeps_if_today"),
        ("hubs", "unknown", "hub", "hub"),
        ("hubs", "yes", None, "loses"),
        ("none", "yes", "hub", "loses"),
        ("providers", "unknown", "bmm", "may_run"),
        ("providers", "unknown", "last_resort", "loses_if_today"),
    ],
)
def test_vardcentral_status(rule: str, today: str, role: str | None, status: str) -> None:
    assert vc.vc_status(rule, today, role) == status


def test_regional_and_sole_vardcentraler_have_a_bmm_today() -> None:
    sites = vc.vardcentral_sites()
    regional = sites[sites["operator"] == "regional"]
    assert len(regional) == 11 and (regional["bmm_today"] == "yes").all()  # the report's 11 regional BMM
    kungsor = sites[sites["municipality_code"] == "1960"]
    assert kungsor["name"].tolist() == ["Kungsörs Vårdcentral"] and kungsor["bmm_today"].tolist() == ["yes"]


def test_keep_counts_per_option() -> None:
    from analysis.chapters.options.config import load_config, make_scenario
    from analysis.chapters.options.units import case_units

    cfg = load_config()
    sites = vc.vardcentral_sites()
    figures = {}
    for o in "ACD":
        opt = cfg.options[o]
        for c in opt.cases:
            units = case_units(opt, c, make_scenario(o, c.key, config=cfg).values, cfg)
            figures[(o, c.key)] = vc.keep_counts(c, vc.case_vardcentraler(c, units, sites), 26)
    assert figures[("A", "base")] == {"regional": (11, 11), "private": (15, 15), "total": (26, 26)}
    assert figures[("C", "base")]["total"] == (0, 0)
    lo, hi = figures[("D", "best")]["total"]
    assert lo == 0 and hi == sum(figures[("D", "best")][op][1] for op in ("regional", "private"))


def test_midwives_today_by_hand() -> None:
    # 30 births -> 0.55 midwives, at least one; 120 births -> 2.18 -> 2
    assert vc.midwives_today({"a": 30.0, "b": 120.0}, births_per_midwife=55) == 3


def test_marker_legend_lists_only_what_is_drawn() -> None:
    points = pd.DataFrame({"kind": ["Hub", "Filial"], "sweref99tm_x": [1.0, 2.0], "sweref99tm_y": [1.0, 2.0]})
    markers = [maps.Marker("Hub", "#0072B2", "square", 200), maps.Marker("Sista", "#CC79A7", "triangle-up", 150),
               maps.Marker("Filial", "#E69F00", "triangle-down", 150)]  # fmt: skip
    spec = maps.marker_layer(points, "kind", markers, "T").to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Hub", "Filial"]
    assert spec["encoding"]["shape"]["scale"]["range"] == ["square", "triangle-down"]
    with pytest.raises(ValueError, match="no marker style"):
        maps.marker_layer(points.assign(kind=["Hub", "Okänd"]), "kind", markers, "T")
