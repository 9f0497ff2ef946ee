"""The travel page's helpers (analysis.chapters.travel.page_layer): aggregated chart data, Swedish tables, glue and results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.travel import page_layer as tc
from analysis.chapters.travel.model import distribution, param
from analysis.common import formatting, geodata
from analysis.common.results import plain as _plain
from analysis.pipeline.params import read_template
from analysis.render import charts

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "travel.md"


@pytest.fixture(scope="module")
def pg() -> tc.TravelPage:
    charts.enable()
    return tc.compute()


def _datasets(spec: dict) -> list[list[dict]]:
    return list(charts.inline_datasets(spec).values())


def test_inputs_reject_other_regions_and_weights() -> None:
    with pytest.raises(ValueError, match="Västmanland"):
        tc.load_inputs("01")
    with pytest.raises(ValueError, match="weight_by"):
        tc.load_inputs("19", "men")


def test_comparison_of_the_three_site_sets(pg: tc.TravelPage) -> None:
    cmp = pg.comparison
    assert list(cmp.index) == ["vasteras_only", "four_hubs", "bmm_today"]
    assert cmp["n_sites"].tolist() == [1, 4, len(geodata.sites().query("site_type == 'vardcentral'"))]
    assert cmp["total_weight"].iloc[0] == pytest.approx(geodata.municipalities()["women_15_44"].sum())
    means = cmp["mean_minutes"]
    assert means["bmm_today"] < means["four_hubs"] < means["vasteras_only"]
    for key in cmp.index:
        shares = [cmp.loc[key, f"share_within_{t}"] for t in tc.thresholds()]
        assert shares == sorted(shares) and 0 < shares[0] and shares[-1] <= 1
    display = tc.comparison_display(cmp)
    assert display["Platser"].tolist() == list(tc.SET_LABELS_SV.values())
    assert display.loc[1, "Medel (min)"] == formatting.sv_number(means["four_hubs"], 1)
    data = tc.threshold_data(cmp)
    assert len(data) == 3 * len(tc.thresholds())


def test_map_points_are_places_with_all_municipalities(pg: tc.TravelPage) -> None:
    pts = pg.points
    n = len(pg.inputs.origins)
    assert len(pts) == 2 * n and n < 400
    assert set(pts["municipality_code"]) == set(geodata.HOME_MUNICIPALITIES)
    assert not set(pts.columns) & charts.FORBIDDEN_COLUMNS
    hubs = pts[pts["set_key"] == "four_hubs"].set_index("place")
    assert set(hubs["hub"]) == set(tc.HUB_TOWNS)
    assert hubs.loc["Norberg", "hub"] == "Fagersta"
    assert hubs.loc["Arboga", "hub"] == "Köping"
    assert (pts.loc[pts["set_key"] == "vasteras_only", "hub"] == "Västerås").all()
    assert pts["place"].str.contains("landsbygd").sum() == 2 * (pg.inputs.origins["kind"] == "rural").sum()
    assert not pts["place"].str.contains("rural").any()


def test_maps_carry_ten_municipalities_and_only_aggregated_data(pg: tc.TravelPage) -> None:
    for chart in (tc.travel_time_maps(pg.points, pg.inputs), tc.catchment_map(pg.points, pg.inputs)):
        spec = chart.to_dict()
        charts.check_aggregated(spec)
        datasets = _datasets(spec)
        polygons = [d for d in datasets if d and "kommun_kod" in d[0]]
        assert polygons and all({f["kommun_kod"] for f in d} == set(geodata.HOME_MUNICIPALITIES) for d in polygons)
        assert max(len(d) for d in datasets) <= len(pg.inputs.origins) * 2
    spec = tc.travel_time_maps(pg.points, pg.inputs).to_dict()
    assert [p["title"] for p in spec["hconcat"]] == [tc.SET_LABELS_SV["vasteras_only"], tc.SET_LABELS_SV["four_hubs"]]
    svg = charts.to_svg(tc.catchment_map(pg.points, pg.inputs))
    assert "Fagersta" in svg and "Närmaste nod" in svg


def test_catchments_partition_the_weight(pg: tc.TravelPage) -> None:
    c = pg.catchments
    assert c["hub"].tolist() == list(tc.HUB_TOWNS)
    assert c["share"].sum() == pytest.approx(1.0)
    assert c["weight"].sum() == pytest.approx(pg.comparison.loc["four_hubs", "total_weight"], rel=1e-4)
    assert "Norberg" in c.set_index("hub").loc["Fagersta", "municipalities"]
    assert len(tc.catchment_display(c)) == 4


def test_municipality_table_and_coverage_change(pg: tc.TravelPage) -> None:
    table = tc.municipality_display(pg.by_municipality, pg.gained, pg.lost)
    assert len(table) == 11 and table["Kommun"].iloc[-1] == tc.COUNTY_NAME
    assert set(table["Kommun"].iloc[:-1]) == set(geodata.municipalities()["name"])
    county = pg.gained[pg.gained["municipality_code"] == "19"].iloc[0]
    assert county["lost"] == 0  # Västerås stays open, so nobody loses
    assert county["gained"] == pytest.approx(pg.gained[pg.gained["municipality_code"] != "19"]["gained"].sum())
    assert pg.lost[pg.lost["municipality_code"] == "19"]["lost"].iloc[0] > 0  # BMM at the hubs only loses some women
    chart_data = _datasets(tc.municipality_chart(pg.by_municipality).to_dict())
    assert any(len(d) == 30 for d in chart_data)  # 10 municipalities × 3 sets, county row left out


def test_minute_bands_match_the_distribution(pg: tc.TravelPage) -> None:
    labels = tc.band_labels()
    assert len(labels) == len(param("metrics.distribution_bands_minutes"))
    assert tc.minute_band(np.array([0.0, 15.0, 15.01, 90.0, 95.0])) == [labels[0], labels[0], labels[1], labels[4], labels[5]]
    dist = pg.distribution
    assert dist.groupby("set_key")["pct"].sum().to_numpy() == pytest.approx([100.0] * 3)
    vo = pg.points[pg.points["set_key"] == "vasteras_only"]
    by_band = vo.groupby("band")["weight"].sum()
    lib = distribution(pg.inputs.matrix, pg.inputs.origins, pg.inputs.sets["vasteras_only"])
    for label, weight in zip(labels, lib["weight"], strict=True):
        assert by_band.get(label, 0.0) == pytest.approx(weight, abs=1.0)  # map weights are rounded to 0.1
    svg = charts.to_svg(tc.distribution_chart(dist))
    assert "över 90 min" in svg


def test_burden_of_one_visit_per_birth(pg: tc.TravelPage) -> None:
    county = pg.burden[pg.burden["municipality_code"] == "19"].iloc[0]
    assert county["births"] == pytest.approx(geodata.municipalities()["births_per_year"].sum())
    assert county["travel_hours_saved"] > 0 and county["car_km_saved"] > 0
    assert county["co2_tonnes_saved"] == pytest.approx(county["car_km_saved"] * param("burden.co2_g_per_km") / 1e6)
    assert pg.burden_sets["four_hubs"]["travel_hours"] == pytest.approx(county["travel_hours_after"])
    display = tc.burden_display(pg.burden)
    assert display["Kommun"].iloc[-1] == tc.COUNTY_NAME and len(display) == 11


def test_hub_optimisation_and_proposed_gap(pg: tc.TravelPage) -> None:
    opt = pg.optimisation
    assert opt["p"].tolist() == list(param("location.p_values"))
    assert opt["p_median_sites"].str.startswith("Västerås").all()
    assert opt["p_median_mean_minutes"].is_monotonic_decreasing
    four = set(opt.loc[opt["p"] == 4, "p_median_sites"].iloc[0].split(", "))
    assert four == set(param("location.proposed_hubs"))
    assert opt.loc[opt["p"] == 4, "p_median_mean_minutes"].iloc[0] == pytest.approx(
        pg.comparison.loc["four_hubs", "mean_minutes"]
    )
    assert bool(pg.gap.loc["p_median", "is_optimal"])
    assert "det bästa" in tc.gap_sentence(pg.gap)
    assert len(tc.optimisation_display(opt)) == len(opt)


def test_gap_sentence_when_the_proposal_is_not_optimal(pg: tc.TravelPage) -> None:
    gap = pg.gap.copy()
    gap.loc["p_median", ["is_optimal", "optimal_sites", "gap_mean_minutes", "rank"]] = [False, "Västerås, Arboga", 1.26, 3]
    text = tc.gap_sentence(gap)
    assert "inte det bästa" in text and "Västerås, Arboga" in text and "1,3" in text and "nummer 3" in text


def test_sensitivity_scenarios(pg: tc.TravelPage) -> None:
    sens = pg.sensitivity
    assert sorted(set(sens["scenario_key"])) == sorted(tc.scenario_keys())
    assert tc.scenario_label("graph_speeds_x0.9") == "Vägnät\u00a0−10\u00a0%"
    assert tc.scenario_label("line_speeds_x1.1") == "Fågelväg\u00a0+10\u00a0%"
    base = sens[(sens["scenario_key"] == "graph")].set_index("set_key")["mean_minutes"]
    assert base["vasteras_only"] == pytest.approx(pg.comparison.loc["vasteras_only", "mean_minutes"])
    display = tc.sensitivity_display(sens)
    assert display["Modell"].tolist() == [tc.scenario_label(k) for k in tc.scenario_keys()]
    assert display.shape[1] == 7


def test_every_glue_key_in_the_notebook_is_produced(pg: tc.TravelPage) -> None:
    nb = read_template(NOTEBOOK)
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    used = set(re.findall(r"\{glue:\}`([^`]+)`", prose))
    produced = set(tc.glue_values(pg)) | set(re.findall(r'page\.glue\w*\("([^"]+)"', code))
    assert used and used <= produced, sorted(used - produced)
    # prose carries no hand-typed figures: digits only in section numbers, citation dates and the age group's name
    stripped = re.sub(r"\{glue:\}`[^`]+`", "", prose).replace("31 december", "").replace("15–44 år", "")
    stripped = re.sub(r"\b(5\.\d(\.\d)?|20\d\d)\b", "", stripped)
    stripped = re.sub(r"`[^`]*`", "", stripped)
    assert not re.search(r"\d", stripped), re.findall(r".{20}\d.{20}", stripped)


def test_glue_values_are_swedish_formatted(pg: tc.TravelPage) -> None:
    g = tc.glue_values(pg)
    assert g["fh_mean"] == formatting.sv_number(pg.comparison.loc["four_hubs", "mean_minutes"], 1)
    assert "," in g["vo_mean"] and "." not in g["vo_mean"]
    assert g["vo_none_within"].count(" och ") == 1
    assert all(isinstance(v, str) and v for v in g.values())


def test_results_for_the_options_chapter(pg: tc.TravelPage) -> None:
    res = _plain(tc.results(pg, "19"))
    json.dumps(res)
    for key in ("vasteras_only", "four_hubs", "bmm_today"):
        entry = res[key]
        assert {"mean_minutes", "median_minutes", "p90_minutes", "max_minutes"} <= set(entry)
        assert {f"share_within_{t}" for t in (15, 30, 45, 60)} <= set(entry)
        assert len(res["by_municipality"][key]) == 11
    assert res["four_hubs"]["mean_minutes"] == pytest.approx(pg.comparison.loc["four_hubs", "mean_minutes"])
    assert res["by_municipality"]["four_hubs"]["Fagersta"]["code"] == "1982"
    assert [r["p"] for r in res["p_median"]] == [1, 2, 3, 4, 5, 6]
    assert res["proposed_gap"]["is_optimal_p_median"] is True
    assert res["burden"]["travel_hours_saved"] > 0
    assert set(res["sensitivity"]) == set(tc.scenario_keys())
    assert res["coverage_change"]["vasteras_only_to_four_hubs"]["lost"] == 0


def test_small_helpers() -> None:
    assert tc.sv_list(["A", "B", "C"]) == "A, B och C"
    assert tc.sv_list(["A"]) == "A" and tc.sv_list([]) == "–"
    assert tc.round_to(1234.0) == 1230.0 and tc.round_to(1250.0, 100) == 1200.0
    assert tc.place_label("rural-1981-003", "Sala rural 3", "rural", "Sala") == "Sala, landsbygd 3"
    assert tc.place_label("Köping", "Köping", "tatort", "Köping") == "Köping"
    table = tc.assumptions_display()
    co2 = table.set_index("Antagande").loc["Koldioxid", "Värde"]
    assert formatting.sv_number(param("burden.co2_g_per_km")) in co2
    assert not table.isna().any().any()


def _grid_file(path, per_municipality: int) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from analysis.common import geodata

    boundaries = geodata.municipality_boundaries()
    rng = np.random.default_rng(3)
    rows = {}
    for geom in boundaries.sample_points(per_municipality, rng=3).geometry:
        for p in geom.geoms:
            x, y = int(p.x // 1000 * 1000), int(p.y // 1000 * 1000)
            rows[f"{x:06d}{y:07d}"] = int(rng.integers(5, 400))
    pd.DataFrame({"rut_id": list(rows), "beftotalt": list(rows.values())}).to_csv(path, index=False)


def test_population_grid_input_is_used_and_large_grids_are_aggregated_for_maps(tmp_path) -> None:  # type: ignore[no-untyped-def]
    grid = tmp_path / "grid.csv"
    _grid_file(grid, 120)
    inputs = tc.load_inputs(population=str(grid))
    assert (inputs.origins["kind"] == "grid").all() and len(inputs.origins) > tc.MAX_MAP_POINTS
    points = tc.map_points(inputs)
    per_set = points.groupby("set_key").size()
    assert (per_set <= tc.MAX_MAP_POINTS).all()
    # aggregation keeps the weight: every set sums to the origins' total weight
    for _, group in points.groupby("set_key"):
        assert group["weight"].sum() == pytest.approx(inputs.origins["weight"].sum(), rel=1e-3)


def test_supplied_travel_time_matrix_is_used_verbatim(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = tc.load_inputs()
    long = base.matrix.long()
    first_site = long["site"].iloc[0]
    supplied = long[long["site"] == first_site].assign(minutes=lambda d: d["minutes"] + 7.0)
    path = tmp_path / "matrix.csv"
    supplied[["origin", "site", "minutes", "km"]].to_csv(path, index=False)
    inputs = tc.load_inputs(cost=str(path))
    got = inputs.matrix.long()
    merged = got[got["site"] == first_site].merge(supplied, on=["origin", "site"], suffixes=("", "_supplied"))
    assert len(merged) == len(supplied)
    assert (merged["minutes"] - merged["minutes_supplied"]).abs().max() < 1e-9
