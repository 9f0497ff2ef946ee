"""Charts of the page "Förstföderskor" on small hand-made frames (aggregated data only, Swedish labels)."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.nullipara import charts
from analysis.chapters.nullipara.funnel import ratio_funnel
from analysis.chapters.nullipara.oe import clopper_pearson, displayable
from analysis.common.home import HOME_REGION
from analysis.common.regions import region_codes, region_name
from analysis.render import charts as render_charts

HOME = HOME_REGION


def _datasets(chart) -> dict[str, list[dict]]:
    spec = chart.to_dict()
    return spec.get("datasets", {})


def _rows_with(chart, column: str) -> list[dict]:
    return [row for rows in _datasets(chart).values() for row in rows if column in row]


# --------------------------------------------------------------------------- funnel


def _units(overdispersed: bool) -> pd.DataFrame:
    """21 regions; region 25 has 3 events (must not be drawn); O/E spread chosen by the flag."""
    rng = np.random.default_rng(7)
    codes = region_codes()
    expected = np.linspace(40, 900, len(codes))
    spread = 0.35 if overdispersed else 0.0
    oe = np.exp(rng.normal(0, spread, len(codes))) if overdispersed else np.ones(len(codes))
    observed = np.rint(expected * oe).astype(float)
    frame = pd.DataFrame({"region": codes, "observed": observed, "expected": expected})
    frame.loc[frame["region"] == "25", ["observed", "expected"]] = [3.0, 4.0]
    frame.loc[frame["region"] == HOME, "observed"] = np.rint(frame.loc[frame["region"] == HOME, "expected"] * 1.3)
    return frame


def test_funnel_frames_drop_suppressed_points_and_carry_both_limits() -> None:
    funnel = ratio_funnel(_units(overdispersed=False), highlight=HOME)
    pts, limits = charts.funnel_frames(funnel, HOME)
    assert "25" not in set(pts["region"])  # 3 events < 5: not drawn
    assert len(pts) == len(region_codes()) - 1
    assert pts.loc[pts["Hemregion"], "region"].tolist() == [HOME]
    assert pts.loc[pts["Hemregion"], "Region"].iloc[0] == region_name(HOME)
    assert {charts.LIMIT_EXACT_95, charts.LIMIT_EXACT_998} <= set(limits["Gräns"])
    assert not funnel.dispersion.overdispersed
    assert charts.LIMIT_ADJUSTED_998 not in set(limits["Gräns"])
    # Each limit has a lower and an upper curve; the 99.8 % band is wider than the 95 % band.
    for label in (charts.LIMIT_EXACT_95, charts.LIMIT_EXACT_998):
        assert set(limits.loc[limits["Gräns"] == label, "side"]) == {"l", "u"}
    upper = limits[limits["side"] == "u"].pivot_table(index="expected", columns="Gräns", values="value")
    assert (upper[charts.LIMIT_EXACT_998] >= upper[charts.LIMIT_EXACT_95]).all()


def test_funnel_chart_highlights_home_region_and_adds_overdispersion_limits() -> None:
    funnel = ratio_funnel(_units(overdispersed=True), highlight=HOME)
    assert funnel.dispersion.overdispersed
    chart = charts.funnel_chart(funnel, HOME, "Test")
    spec = chart.to_dict()
    render_charts.check_aggregated(spec)
    limit_rows = _rows_with(chart, "Gräns")
    assert {charts.LIMIT_EXACT_95, charts.LIMIT_EXACT_998, charts.LIMIT_ADJUSTED_95, charts.LIMIT_ADJUSTED_998} <= {
        r["Gräns"] for r in limit_rows
    }
    point_sets = [rows for rows in _datasets(chart).values() if rows and "oe" in rows[0]]
    drawn = {r["region"] for rows in point_sets for r in rows}
    assert "25" not in drawn and HOME in drawn
    home_sets = [rows for rows in point_sets if all(r["Hemregion"] for r in rows)]
    assert home_sets and all(r["region"] == HOME for rows in home_sets for r in rows)
    red = [
        layer
        for layer in spec["layer"]
        if isinstance(layer.get("mark"), dict) and layer["mark"].get("color") == render_charts.HOME_COLOUR
    ]
    assert red, "the home region is drawn in the home colour"
    svg = render_charts.to_svg(chart)
    assert region_name(HOME) in svg


def test_funnel_axis_uses_swedish_thousands_not_si() -> None:
    units = _units(overdispersed=False)
    units[["observed", "expected"]] = units[["observed", "expected"]] * 12
    funnel = ratio_funnel(units, highlight=HOME)
    chart = charts.funnel_chart(funnel, HOME, "Test")
    axes = [layer["encoding"]["x"].get("axis", {}) for layer in chart.to_dict()["layer"] if "x" in layer.get("encoding", {})]
    assert any(a.get("format") == ",.0f" for a in axes)
    labels = re.findall(r">([^<>]*)</text>", render_charts.to_svg(chart))
    assert any(re.fullmatch(r"\d{1,2}\u00a0000", t) for t in labels), labels
    assert not any(re.fullmatch(r"\d+(\.\d+)?k", t) for t in labels), labels
    grid = charts.funnel_grid({"emergency_cs": funnel}, HOME, synthetic=True).to_dict()
    assert "(syntetiska data)" in json.dumps(grid["title"], ensure_ascii=False)


# --------------------------------------------------------------------------- crude rates and trend


def _crude() -> pd.DataFrame:
    rows = []
    for outcome, (n_reg, ev_reg) in {"emergency_cs": (1000, 170), "oasis": (800, 3)}.items():
        rows.append({"outcome": outcome, "area": HOME, "year": pd.NA, "n": n_reg, "events": ev_reg})
        rows.append({"outcome": outcome, "area": "nation", "year": pd.NA, "n": 40000, "events": 6000})
        for y in (2022, 2023):
            rows.append({"outcome": outcome, "area": HOME, "year": y, "n": n_reg // 2, "events": ev_reg // 2})
            rows.append({"outcome": outcome, "area": "nation", "year": y, "n": 20000, "events": 3000})
    table = pd.DataFrame(rows)
    table["year"] = table["year"].astype("Int64")
    low, high = clopper_pearson(table["events"].to_numpy(), table["n"].to_numpy())
    table["rate"] = table["events"] / table["n"]
    table["low"], table["high"] = low, high
    return displayable(table)


def test_crude_chart_excludes_suppressed_rates_and_uses_percent() -> None:
    crude = _crude()
    chart = charts.crude_rate_chart(crude, HOME, ["emergency_cs", "oasis"])
    rows = _rows_with(chart, "rate")
    # OASIS in the region rests on 3 events: hidden; the nation's OASIS row stays.
    assert {(r["outcome"], r["Område"]) for r in rows} == {
        ("emergency_cs", region_name(HOME)),
        ("emergency_cs", charts.NATION_LABEL),
        ("oasis", charts.NATION_LABEL),
    }
    home = next(r for r in rows if r["outcome"] == "emergency_cs" and r["Område"] == region_name(HOME))
    assert home["rate"] == pytest.approx(17.0)
    assert home["low"] < 17.0 < home["high"]


def test_trend_chart_has_one_row_per_year_and_area() -> None:
    chart = charts.trend_chart(_crude(), HOME, ["emergency_cs", "oasis"])
    rows = _rows_with(chart, "year")
    assert sorted({r["year"] for r in rows}) == [2022, 2023]
    assert len([r for r in rows if r["outcome"] == "emergency_cs"]) == 4
    assert all(r["outcome"] != "oasis" or r["Område"] == charts.NATION_LABEL for r in rows)
    assert chart.to_dict()["facet"]["field"] == "Utfall"


# --------------------------------------------------------------------------- decomposition


def _results() -> dict:
    home = {
        "n": 1000,
        "observed": 170,
        "expected": 150.0,
        "oe": 170 / 150,
        "oe_low": 0.97,
        "oe_high": 1.31,
        "suppressed": False,
        "gap": 2.0,
        "gap_low": 0.5,
        "gap_high": 3.5,
        "casemix_part": -0.4,
        "casemix_part_low": -0.6,
        "casemix_part_high": -0.2,
        "practice_part": 2.4,
        "practice_part_low": 0.9,
        "practice_part_high": 3.9,
    }
    hidden = {"n": 40, "observed": None, "expected": None, "oe": None, "oe_low": None, "oe_high": None, "suppressed": True}
    for part in ("gap", "casemix_part", "practice_part"):
        for suffix in ("", "_low", "_high"):
            hidden[part + suffix] = None
    return {"outcomes": {"emergency_cs": {"regions": {HOME: home}}, "oasis": {"regions": {HOME: hidden}}}}


def test_decomposition_frame_and_chart() -> None:
    frame = charts.decomposition_frame(_results(), HOME, ["emergency_cs", "oasis", "induction"])
    assert frame["outcome"].unique().tolist() == ["emergency_cs"]  # suppressed and absent outcomes left out
    values = frame.set_index("Del")["value"]
    assert values["Total skillnad"] == pytest.approx(values["Fallmix"] + values["Praxis"])
    chart = charts.decomposition_chart(frame)
    spec = chart.to_dict()
    assert any(layer.get("mark", {}).get("type") == "bar" for layer in spec["layer"])
    assert any(0.0 in [r.get("x") for r in rows] for rows in spec["datasets"].values())  # zero line
    svg = render_charts.to_svg(chart)
    assert "Praxis" in svg and "Fallmix" in svg
