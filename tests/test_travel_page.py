"""The travel page (analysis.chapters.travel): computation bundle, display tables, charts, sentences, glue and results."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.travel import charts, labels, page, scenarios, tables, text
from analysis.chapters.travel.model import distribution, param, tatort_cells
from analysis.common import formatting, geodata
from analysis.common.home import COUNTY_NAME, HOME_REGION
from analysis.common.results import plain as _plain
from analysis.pipeline.params import read_template
from analysis.render import charts as render_charts

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "travel.md"
SET_LABELS = [labels.set_label(k) for k in labels.SET_KEYS]


@pytest.fixture(scope="module")
def pg() -> page.TravelPage:
    render_charts.enable()
    return page.compute()


def _datasets(spec: dict) -> list[list[dict]]:
    return list(render_charts.inline_datasets(spec).values())


def test_inputs_reject_other_regions_and_weights() -> None:
    with pytest.raises(ValueError, match="Västmanland"):
        scenarios.load_inputs("01")
    with pytest.raises(ValueError, match="weight_by"):
        scenarios.load_inputs("19", "men")


def test_comparison_of_the_three_site_sets(pg: page.TravelPage) -> None:
    cmp = pg.comparison
    assert list(cmp.index) == ["vasteras_only", "four_hubs", "bmm_today"]
    assert cmp["n_sites"].tolist() == [1, 4, len(geodata.sites().query("site_type == 'vardcentral'"))]
    cells = geodata.grid_cells().groupby("municipality_code")["population_2024"].sum()
    m = geodata.municipalities().set_index(geodata.municipalities()["scb_code"].astype(str))
    expected = (cells * m["women_15_44"] / m["population"]).sum()  # cell population x municipal share
    assert cmp["total_weight"].iloc[0] == pytest.approx(expected)
    means = cmp["mean_minutes"]
    assert means["bmm_today"] < means["four_hubs"] < means["vasteras_only"]
    for key in cmp.index:
        shares = [cmp.loc[key, f"share_within_{t}"] for t in scenarios.thresholds()]
        assert shares == sorted(shares) and 0 < shares[0] and shares[-1] <= 1
    display = tables.comparison_frame(cmp)
    assert display["Platser"].tolist() == SET_LABELS
    assert display.loc[1, "Medel (min)"] == formatting.sv_number(means["four_hubs"], 1)
    data = charts.threshold_data(cmp)
    assert len(data) == 3 * len(scenarios.thresholds())


def test_map_points_are_places_with_all_municipalities(pg: page.TravelPage) -> None:
    pts = pg.points
    n = len(pg.inputs.origins)
    assert len(pts) == 2 * n and n == len(geodata.grid_cells())
    assert set(pts["municipality_code"]) == set(geodata.HOME_MUNICIPALITIES)
    assert not set(pts.columns) & render_charts.FORBIDDEN_COLUMNS
    hubs = pts[pts["set_key"] == "four_hubs"].set_index("place")
    assert set(hubs["hub"]) == set(scenarios.hub_towns())
    cell = tatort_cells()
    place = {t: labels.place_label(cell[t], "", "grid", m) for t, m in (("Norberg", "Norberg"), ("Arboga", "Arboga"))}
    assert hubs.loc[place["Norberg"], "hub"] == "Fagersta"
    assert hubs.loc[place["Arboga"], "hub"] == "Köping"
    assert (pts.loc[pts["set_key"] == "vasteras_only", "hub"] == "Västerås").all()
    assert pts["place"].str.contains("ruta").sum() == 2 * (pg.inputs.origins["kind"] == "grid").sum()
    assert not pts["place"].str.contains("rural").any()


@pytest.mark.slow  # SVG rendering of a map: about 1–3 s
def test_maps_carry_ten_municipalities_and_only_aggregated_data(pg: page.TravelPage) -> None:
    for chart in (charts.maps(pg), charts.catchments(pg)):
        spec = chart.to_dict()
        render_charts.check_aggregated(spec)
        datasets = _datasets(spec)
        polygons = [d for d in datasets if d and "kommun_kod" in d[0]]
        assert polygons and all({f["kommun_kod"] for f in d} == set(geodata.HOME_MUNICIPALITIES) for d in polygons)
        assert max(len(d) for d in datasets) <= len(pg.inputs.origins) * 2
    spec = charts.maps(pg).to_dict()
    assert [p["title"] for p in spec["hconcat"]] == [labels.set_label("vasteras_only"), labels.set_label("four_hubs")]
    svg = render_charts.to_svg(charts.catchments(pg))
    assert "Fagersta" in svg and "Närmaste nod" in svg


def test_catchments_partition_the_weight(pg: page.TravelPage) -> None:
    c = pg.catchments
    assert c["hub"].tolist() == list(scenarios.hub_towns())
    assert c["share"].sum() == pytest.approx(1.0)
    assert c["weight"].sum() == pytest.approx(pg.comparison.loc["four_hubs", "total_weight"], rel=1e-4)
    assert "Norberg" in c.set_index("hub").loc["Fagersta", "municipalities"]
    assert len(tables.catchments(pg).frame) == 4


def test_municipality_table_and_coverage_change(pg: page.TravelPage) -> None:
    table = tables.municipalities(pg).frame
    assert len(table) == 11 and table["Kommun"].iloc[-1] == COUNTY_NAME
    assert set(table["Kommun"].iloc[:-1]) == set(geodata.municipalities()["name"])
    county = pg.gained[pg.gained["municipality_code"] == HOME_REGION].iloc[0]
    assert county["lost"] == 0  # Västerås stays open, so nobody loses
    assert county["gained"] == pytest.approx(pg.gained[pg.gained["municipality_code"] != HOME_REGION]["gained"].sum())
    assert pg.lost[pg.lost["municipality_code"] == HOME_REGION]["lost"].iloc[0] > 0  # BMM at the hubs only loses some women
    chart_data = _datasets(charts.municipalities(pg).to_dict())
    assert any(len(d) == 30 for d in chart_data)  # 10 municipalities × 3 sets, county row left out


def test_minute_bands_match_the_distribution(pg: page.TravelPage) -> None:
    bands = labels.band_labels()
    assert len(bands) == len(param("metrics.distribution_bands_minutes"))
    assert labels.minute_band(np.array([0.0, 15.0, 15.01, 90.0, 95.0])) == [bands[0], bands[0], bands[1], bands[4], bands[5]]
    dist = pg.distribution
    assert dist.groupby("set_key")["pct"].sum().to_numpy() == pytest.approx([100.0] * 3)
    vo = pg.points[pg.points["set_key"] == "vasteras_only"]
    by_band = vo.groupby("band")["weight"].sum()
    lib = distribution(pg.inputs.matrix, pg.inputs.origins, pg.inputs.sets["vasteras_only"])
    for label, weight in zip(bands, lib["weight"], strict=True):
        assert by_band.get(label, 0.0) == pytest.approx(weight, abs=0.05 * len(vo))  # map weights rounded to 0.1
    svg = render_charts.to_svg(charts.distribution(pg))
    assert "över 90 min" in svg


def test_burden_of_one_visit_per_birth(pg: page.TravelPage) -> None:
    county = pg.burden[pg.burden["municipality_code"] == HOME_REGION].iloc[0]
    cells = geodata.grid_cells().groupby("municipality_code")["population_2024"].sum()
    m = geodata.municipalities().set_index(geodata.municipalities()["scb_code"].astype(str))
    assert county["births"] == pytest.approx((cells * m["births_per_year"] / m["population"]).sum())
    assert county["travel_hours_saved"] > 0 and county["car_km_saved"] > 0
    assert county["co2_tonnes_saved"] == pytest.approx(county["car_km_saved"] * param("burden.co2_g_per_km") / 1e6)
    assert pg.burden_sets["four_hubs"].travel_hours == pytest.approx(county["travel_hours_after"])
    display = tables.burden(pg).frame
    assert display["Kommun"].iloc[-1] == COUNTY_NAME and len(display) == 11


def test_hub_optimisation_and_proposed_gap(pg: page.TravelPage) -> None:
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
    sentence = text.gap_sentence(pg.gap, pg.weight_label)
    assert sentence.key == "gap.optimal"
    assert sentence.values["sites"] == "Västerås, Köping, Fagersta, Sala" and sentence.values["extra"] == "3"
    assert len(tables.optimisation(pg).frame) == len(opt)


def test_gap_sentence_when_the_proposal_is_not_optimal(pg: page.TravelPage) -> None:
    gap = pg.gap.copy()
    gap.loc["p_median", ["is_optimal", "optimal_sites", "gap_mean_minutes", "rank"]] = [False, "Västerås, Arboga", 1.26, 3]
    sentence = text.gap_sentence(gap, "kvinnor")
    assert sentence.key == "gap.not_optimal"
    part = text.TEXTS("gap.part.p_median", optimal_sites="Västerås, Arboga", minutes="1,3", rank="3")
    assert sentence.values["parts"] == part  # only the p-median clause: maximal coverage is still optimal


def test_sensitivity_scenarios(pg: page.TravelPage) -> None:
    sens = pg.sensitivity
    assert sorted(set(sens["scenario_key"])) == sorted(scenarios.scenario_keys())
    assert labels.scenario_label("graph_speeds_x0.9") == "Vägnät\u00a0−10\u00a0%"
    assert labels.scenario_label("line_speeds_x1.1") == "Fågelväg\u00a0+10\u00a0%"
    base = sens[(sens["scenario_key"] == "graph")].set_index("set_key")["mean_minutes"]
    assert base["vasteras_only"] == pytest.approx(pg.comparison.loc["vasteras_only", "mean_minutes"])
    display = tables.sensitivity(pg).frame
    assert display["Modell"].tolist() == [labels.scenario_label(k) for k in scenarios.scenario_keys()]
    assert display.shape[1] == 7


def test_every_glue_key_in_the_notebook_is_produced(pg: page.TravelPage) -> None:
    nb = read_template(NOTEBOOK)
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    used = set(re.findall(r"\{glue:\}`([^`]+)`", prose))
    produced = set(page.glue_values(pg))
    assert used and used <= produced, sorted(used - produced)
    # prose carries no hand-typed figures: digits only in section numbers, citation dates and the age group's name
    stripped = re.sub(r"\{glue:\}`[^`]+`", "", prose).replace("31 december", "").replace("15–44 år", "")
    stripped = re.sub(r"\b(5\.\d(\.\d)?|20\d\d)\b", "", stripped)
    stripped = re.sub(r"`[^`]*`", "", stripped)
    assert not re.search(r"\d", stripped), re.findall(r".{20}\d.{20}", stripped)


def test_glue_values_are_swedish_formatted(pg: page.TravelPage) -> None:
    g = page.glue_values(pg)
    assert g["fh_mean"] == formatting.sv_number(pg.comparison.loc["four_hubs", "mean_minutes"], 1)
    assert "," in g["vo_mean"] and "." not in g["vo_mean"]
    assert g["vo_none_within"].count(" och ") == 1
    assert all(isinstance(v, str) and v for v in g.values())
    assert g["gap_sentence"].key == "gap.optimal" and g["gained_lost_text"].key == "gained_lost.none"
    assert g["sens_order"].key == "sens_order.same"
    assert g["road_links"] == formatting.sv_number(pg.road.n_links)


def test_results_for_the_options_chapter(pg: page.TravelPage) -> None:
    res = _plain(page.results(pg))
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
    assert set(res["sensitivity"]) == set(scenarios.scenario_keys())
    assert res["coverage_change"]["vasteras_only_to_four_hubs"]["lost"] == 0


def test_small_helpers() -> None:
    assert formatting.round_to(1234.0) == 1230.0 and formatting.round_to(1250.0, 100) == 1200.0
    assert labels.place_label("rural-1981-003", "Sala rural 3", "rural", "Sala") == "Sala, landsbygd 3"
    assert labels.place_label("Köping", "Köping", "tatort", "Köping") == "Köping"
    assert labels.origin_kind("rural") == "landsbygd" and labels.origin_kind("other") == "other"
    assert labels.threshold_label(30) == "Inom 30 min"
    assert labels.grid_place(512, 6612) == "ruta 512/6612 km"
    assert labels.weight_label("births") == "födda barn"
    assert page._listed([]) == "–" and page._listed(["A", "B"]) == "A och B"
    table = tables.assumptions_frame()
    co2 = table.set_index("Antagande").loc["Koldioxid", "Värde"]
    assert co2 == "120 g CO₂ per bil-km"
    assert table.set_index("Antagande").loc["Hastighetsgränser per vägklass", "Värde"].startswith("motorväg 110")
    assert not table.isna().any().any() and len(table) == 9


def test_labels_live_in_the_assumptions_file() -> None:
    assert labels.set_short("four_hubs") == "Fyra noder"
    assert labels.set_column("bmm_today") == "BMM"
    assert list(labels.scenario_kinds()) == ["graph", "line"]
    assert set(labels.weight_labels()) == {"women_15_44", "births", "population"}
    assert labels.band_labels() == ["0–15 min", "15–30 min", "30–45 min", "45–60 min", "60–90 min", "över 90 min"]


def test_sentences_choose_their_templates() -> None:
    none = text.gained_lost_text(3.0)  # rounds to 0 people
    assert none.key == "gained_lost.none"
    some = text.gained_lost_text(1234.0)
    assert some.key == "gained_lost.some" and some.values["lost"] == "1\u00a0230"
    assert text.sens_order(True).key == "sens_order.same" and text.sens_order(False).key == "sens_order.differs"
    title, body = text.own_inputs_notice("grid.csv", "affine", 2.345)
    assert title.key == "notice.own_inputs.title"
    assert body.key == "notice.own_inputs.body.fit" and body.values["rmse"] == "2,3" and body.values["cost"] == "affine"
    assert body.values["origins"].key == "notice.own_inputs.origins.grid"
    _, body = text.own_inputs_notice("", "line", None)
    assert body.key == "notice.own_inputs.body.no_fit" and body.values["origins"].key == "notice.own_inputs.origins.default"
    caption = text.caption("comparison", "födda barn")
    assert caption.key == "captions.comparison" and caption.values == {"weight_label": "födda barn"}
    assert text.caption("burden").values == {}


def test_template_is_thin() -> None:
    nb = read_template(NOTEBOOK)
    code = [("".join(c["source"])).strip() for c in nb["cells"] if c["cell_type"] == "code"]
    assert "tags: [parameters]" in "".join(nb["cells"][1]["source"]) or "parameters" in nb["cells"][1]["metadata"].get("tags", [])
    setup = code[1]
    assert 'build("travel", "travel", page.compute, page.glue_values, page.results' in setup
    for cell in code[2:]:
        assert "\n" not in cell and re.fullmatch(r"(page|tables|charts)\.\w+\(data\)", cell), cell


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


def test_population_grid_input_is_used_and_large_grids_are_aggregated_for_maps(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(scenarios, "MAX_MAP_POINTS", 600)
    grid = tmp_path / "grid.csv"
    _grid_file(grid, 120)
    inputs = scenarios.load_inputs(population=str(grid))
    assert (inputs.origins["kind"] == "grid").all() and len(inputs.origins) > scenarios.MAX_MAP_POINTS
    points = scenarios.map_points(inputs)
    per_set = points.groupby("set_key").size()
    assert (per_set <= scenarios.MAX_MAP_POINTS).all()
    # aggregation keeps the weight: every set sums to the origins' total weight
    for _, group in points.groupby("set_key"):
        assert group["weight"].sum() == pytest.approx(inputs.origins["weight"].sum(), rel=1e-3)


def test_supplied_travel_time_matrix_is_used_verbatim(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = scenarios.load_inputs()
    long = base.matrix.long()
    first_site = long["site"].iloc[0]
    supplied = long[long["site"] == first_site].assign(minutes=lambda d: d["minutes"] + 7.0)
    path = tmp_path / "matrix.csv"
    supplied[["origin", "site", "minutes", "km"]].to_csv(path, index=False)
    inputs = scenarios.load_inputs(cost=str(path))
    got = inputs.matrix.long()
    merged = got[got["site"] == first_site].merge(supplied, on=["origin", "site"], suffixes=("", "_supplied"))
    assert len(merged) == len(supplied)
    assert (merged["minutes"] - merged["minutes_supplied"]).abs().max() < 1e-9


def test_where_women_would_lose_a_clinic_is_never_left_empty() -> None:
    hard = text.lost_where(["Arboga (12 %)"], ["Arboga", "Sala"])
    assert hard.key == "lost_where.concentrated" and hard.values["municipalities"] == "Arboga (12 %)"
    spread = text.lost_where([], ["Arboga", "Sala", "Köping"])
    assert spread.key == "lost_where.spread" and spread.values["municipalities"] == "Arboga, Sala och Köping"
    assert text.lost_where([], []).key == "lost_where.none"
