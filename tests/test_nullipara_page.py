"""Page "Förstföderskor": chart builders on small frames, and one run of the page bundle on a small cohort."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.nullipara import casemix
from analysis.chapters.nullipara import page_layer as nc
from analysis.chapters.nullipara.funnel import ratio_funnel
from analysis.common import formatting, published
from analysis.common.regions import region_codes, region_name
from analysis.pipeline.params import read_template
from analysis.render import charts

TEMPLATE = Path(__file__).resolve().parents[1] / "notebooks" / "nullipara.md"
HOME = "19"


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
    pts, limits = nc.funnel_frames(funnel, HOME)
    assert "25" not in set(pts["region"])  # 3 events < 5: not drawn
    assert len(pts) == len(region_codes()) - 1
    assert pts.loc[pts["Hemregion"], "region"].tolist() == [HOME]
    assert pts.loc[pts["Hemregion"], "Region"].iloc[0] == region_name(HOME)
    assert {nc.LIMIT_EXACT_95, nc.LIMIT_EXACT_998} <= set(limits["Gräns"])
    assert not funnel.dispersion.overdispersed
    assert nc.LIMIT_ADJUSTED_998 not in set(limits["Gräns"])
    # Each limit has a lower and an upper curve; the 99.8 % band is wider than the 95 % band.
    for label in (nc.LIMIT_EXACT_95, nc.LIMIT_EXACT_998):
        assert set(limits.loc[limits["Gräns"] == label, "side"]) == {"l", "u"}
    upper = limits[limits["side"] == "u"].pivot_table(index="expected", columns="Gräns", values="value")
    assert (upper[nc.LIMIT_EXACT_998] >= upper[nc.LIMIT_EXACT_95]).all()


def test_funnel_chart_highlights_home_region_and_adds_overdispersion_limits() -> None:
    funnel = ratio_funnel(_units(overdispersed=True), highlight=HOME)
    assert funnel.dispersion.overdispersed
    chart = nc.funnel_chart(funnel, HOME, "Test")
    spec = chart.to_dict()
    charts.check_aggregated(spec)
    limit_rows = _rows_with(chart, "Gräns")
    assert {nc.LIMIT_EXACT_95, nc.LIMIT_EXACT_998, nc.LIMIT_ADJUSTED_95, nc.LIMIT_ADJUSTED_998} <= {
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
        if isinstance(layer.get("mark"), dict) and layer["mark"].get("color") == charts.HOME_COLOUR
    ]
    assert red, "the home region is drawn in the home colour"
    svg = charts.to_svg(chart)
    assert region_name(HOME) in svg


def test_funnel_axis_uses_swedish_thousands_not_si() -> None:
    units = _units(overdispersed=False)
    units[["observed", "expected"]] = units[["observed", "expected"]] * 12
    funnel = ratio_funnel(units, highlight=HOME)
    chart = nc.funnel_chart(funnel, HOME, "Test")
    axes = [layer["encoding"]["x"].get("axis", {}) for layer in chart.to_dict()["layer"] if "x" in layer.get("encoding", {})]
    assert any(a.get("format") == ",.0f" for a in axes)
    labels = re.findall(r">([^<>]*)</text>", charts.to_svg(chart))
    assert any(re.fullmatch(r"\d{1,2}\u00a0000", t) for t in labels), labels
    assert not any(re.fullmatch(r"\d+(\.\d+)?k", t) for t in labels), labels
    grid = nc.funnel_grid({"emergency_cs": funnel}, HOME, synthetic=True).to_dict()
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
    low, high = casemix.clopper_pearson(table["events"].to_numpy(), table["n"].to_numpy())
    table["rate"] = table["events"] / table["n"]
    table["low"], table["high"] = low, high
    return casemix.displayable(table)


def test_crude_chart_excludes_suppressed_rates_and_uses_percent() -> None:
    crude = _crude()
    chart = nc.crude_rate_chart(crude, HOME, ["emergency_cs", "oasis"])
    rows = _rows_with(chart, "rate")
    # OASIS in the region rests on 3 events: hidden; the nation's OASIS row stays.
    assert {(r["outcome"], r["Område"]) for r in rows} == {
        ("emergency_cs", region_name(HOME)),
        ("emergency_cs", nc.NATION_LABEL),
        ("oasis", nc.NATION_LABEL),
    }
    home = next(r for r in rows if r["outcome"] == "emergency_cs" and r["Område"] == region_name(HOME))
    assert home["rate"] == pytest.approx(17.0)
    assert home["low"] < 17.0 < home["high"]


def test_trend_chart_has_one_row_per_year_and_area() -> None:
    chart = nc.trend_chart(_crude(), HOME, ["emergency_cs", "oasis"])
    rows = _rows_with(chart, "year")
    assert sorted({r["year"] for r in rows}) == [2022, 2023]
    assert len([r for r in rows if r["outcome"] == "emergency_cs"]) == 4
    assert all(r["outcome"] != "oasis" or r["Område"] == nc.NATION_LABEL for r in rows)
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
    frame = nc.decomposition_frame(_results(), HOME, ["emergency_cs", "oasis", "induction"])
    assert frame["outcome"].unique().tolist() == ["emergency_cs"]  # suppressed and absent outcomes left out
    values = frame.set_index("Del")["value"]
    assert values["Total skillnad"] == pytest.approx(values["Fallmix"] + values["Praxis"])
    chart = nc.decomposition_chart(frame)
    spec = chart.to_dict()
    assert any(layer.get("mark", {}).get("type") == "bar" for layer in spec["layer"])
    assert any(0.0 in [r.get("x") for r in rows] for rows in spec["datasets"].values())  # zero line
    svg = charts.to_svg(chart)
    assert "Praxis" in svg and "Fallmix" in svg


def test_decomposition_sentence_signs_and_fallbacks() -> None:
    entry = _results()["outcomes"]["emergency_cs"]["regions"][HOME]
    text = nc.decomposition_sentence("emergency_cs", entry, region_label="Västmanland")
    assert text.startswith("Skillnaden mot riket i akuta kejsarsnitt är +2,0 procentenheter")
    assert "\u22120,4 förklaras av fallmixen" in text
    assert "+2,4 återstår som praxisdel" in text
    # The practice interval (+0,9 to +3,9) excludes zero but the O/E interval (0,97–1,31) includes one:
    # one rule for the page, so no difference is claimed and 'säkert' never appears.
    assert "ingen skillnad mot förväntat" in text.lower() and "O/E-intervallet innehåller ett" in text
    assert "säkert" not in text
    hidden = _results()["outcomes"]["oasis"]["regions"][HOME]
    assert nc.decomposition_sentence("oasis", hidden).startswith("För få händelser")
    assert nc.decomposition_sentence("induction", None).startswith("Ingår inte")
    tiny = dict(entry, casemix_part=-0.0004, practice_part_low=-0.3, oe_low=1.02)
    tiny_text = nc.decomposition_sentence("emergency_cs", tiny)
    assert "0,0 förklaras av fallmixen" in tiny_text and "praxisdelens intervall innehåller noll" in tiny_text


def _entry(oe_low: float, oe_high: float, pr_low: float, pr_high: float) -> dict:
    return {
        "oe": (oe_low + oe_high) / 2, "oe_low": oe_low, "oe_high": oe_high,
        "gap": 1.0, "gap_low": 0.1, "gap_high": 2.0, "casemix_part": 0.1, "casemix_part_low": 0.0,
        "casemix_part_high": 0.2, "practice_part": (pr_low + pr_high) / 2,
        "practice_part_low": pr_low, "practice_part_high": pr_high, "suppressed": False,
    }  # fmt: skip


def test_one_inference_rule_on_printed_intervals() -> None:
    # Planned CS in the review: O/E 0,91 (0,82–1,01) and practice −1,3 to −0,04 (printed "0,0"): no difference.
    v = nc.judge("planned_cs", _entry(0.82, 1.01, -1.3, -0.04), "within", True)
    assert v.direction == 0 and v.oe_side == 0 and v.practice_side == 0
    # Both printed intervals above the null: a difference, worded against the funnel position.
    more = nc.judge("emergency_cs", _entry(1.04, 1.19, 0.7, 2.7), "within", True)
    assert more.direction == 1 and not more.outside
    # An O/E interval whose printed lower end is 1,00 includes one.
    assert nc.judge("emergency_cs", _entry(0.9996, 1.2, 0.2, 2.0)).direction == 0
    less = nc.judge("induction", _entry(0.80, 0.95, -3.0, -0.5), "below 99.8%", False)
    assert less.direction == -1 and less.outside
    assert nc.verdict_short(more) == "fler än förväntat" and nc.verdict_short(less) == "färre än förväntat"
    assert nc.verdict_short(v) == "ingen påvisad skillnad"


def test_verdict_wording_by_outcome_kind_and_data_kind() -> None:
    kinds = nc.outcome_kinds()
    assert kinds["pph_1000"] == kinds["oasis"] == "complication"
    assert {kinds[k] for k in ("emergency_cs", "planned_cs", "instrumental", "induction")} == {"intervention"}
    entry = _entry(1.55, 1.77, 5.1, 6.8)
    within = nc.judge("pph_1000", entry, "within", True)
    syn = nc.verdict_sentence("pph_1000", entry, within, "Västmanland", synthetic=True)
    assert syn.startswith("I den syntetiska kohorten har Västmanland fler blödningar över 1000 ml än förväntat")
    assert "gör" not in syn and "säkert" not in syn
    assert "inom de justerade gränserna" in syn and "spridning" in syn
    real = nc.verdict_sentence("pph_1000", entry, nc.judge("pph_1000", entry, "above 99.8%", False), "Västmanland", False)
    assert real.startswith("Västmanland har fler blödningar över 1000 ml än förväntat")
    assert "syntetisk" not in real and "över 99,8 %-gränsen" in real
    cs = nc.verdict_sentence(
        "emergency_cs", _entry(1.04, 1.19, 0.7, 2.7), nc.judge("emergency_cs", _entry(1.04, 1.19, 0.7, 2.7)), "Västmanland", True
    )
    assert "gör Västmanland fler akuta kejsarsnitt än förväntat" in cs
    none = nc.verdict_sentence(
        "planned_cs",
        _entry(0.82, 1.01, -1.3, -0.04),
        nc.judge("planned_cs", _entry(0.82, 1.01, -1.3, -0.04)),
        "Västmanland",
        True,
    )
    assert none.startswith("I den syntetiska kohorten kan ingen skillnad") and "0,82–1,01" in none
    assert nc.position_text("above 95%", True) == "över 95 %-gränsen, justerad för överspridning"
    assert nc.position_text("within", False) == "inom gränserna"


def test_display_labels_use_swedish_notation() -> None:
    assert nc.level_label("18.5-24.9") == "18,5–24,9"
    assert nc.level_label(">=40") == "≥\u00a040"
    assert nc.level_label("25-29") == "25–29"
    assert nc.level_label("<3000") == "<\u00a03\u00a0000"
    assert nc.level_label("tertiary") == "eftergymnasial"
    assert nc.outcome_label("pph_1000") == "Blödning över 1000 ml"
    assert "bristning grad 3–4" in nc.outcome_label("oasis")
    assert nc.with_synthetic_tag("Titel", True) == "Titel (syntetiska data)"
    assert nc.with_synthetic_tag("Titel", False) == "Titel"
    assert nc.caption("Titel", True, "Not.") == "Titel (syntetiska data). Not."


# --------------------------------------------------------------------------- tables


def test_published_table_shows_real_figures_with_source() -> None:
    table = nc.published_table(HOME)
    assert table["Utfall"].tolist()[0] == nc.outcome_label("emergency_cs")
    row = table.set_index("Utfall").loc[nc.outcome_label("emergency_cs")]
    assert row[region_name(HOME)] == formatting.sv_pct(published.value("cs_emergency_pct", HOME), 1)
    assert row["Riket"] == formatting.sv_pct(published.value("cs_emergency_pct", published.RIKET), 1)
    assert row["Källa"] == "Socialstyrelsen, MFR 2023, tabell 9.3"
    pph = table.set_index("Utfall").loc[nc.outcome_label("pph_1000")]
    assert pph["Kvalitet"].startswith("sekundär")
    # The report gives whole percent, no year and no denominator: shown as published.
    assert pph[region_name(HOME)] == formatting.sv_pct(
        published.value("pph_gt1000ml_mainly_emergency_cs_pct", HOME, "2023-2024 (not stated)"), 0
    )
    assert "," not in pph[region_name(HOME)] and "," not in pph["Riket"]
    assert pph["År"].startswith("anges inte") and "tredje högst i landet" in pph["Vad som mäts (nämnare)"]
    oasis = table.set_index("Utfall").loc[nc.outcome_label("oasis")]
    assert oasis["Vad som mäts (nämnare)"] == "förstföderskor med vaginal förlossning"
    for synthetic in (True, False):
        cap = nc.published_caption(synthetic)
        assert "MFR 2023" not in cap and "alla förlossningar" not in cap and "egen nämnare" in cap
    # Another region has no figure from Region Västmanland's report: that row is left out, not invented.
    assert nc.outcome_label("pph_1000") not in set(nc.published_table("01")["Utfall"])
    assert "socialstyrelsen.se" in nc.published_source_urls()


def test_robson_html_highlights_only_groups_1_and_2() -> None:
    rows = []
    for area in (HOME, "nation"):
        for g in [*("1", "2a", "2b", "3", "4a", "4b", "5", "6", "7", "8", "9", "10"), "unclassified", "total"]:
            rows.append(
                {
                    "group": g,
                    "area": area,
                    "n": 100,
                    "cs": 20,
                    "relative_size_pct": 8.0,
                    "cs_rate_pct": 20.0,
                    "absolute_contribution_pct": 1.6,
                    "relative_contribution_pct": 8.0,
                }
            )
    table = pd.DataFrame(rows)
    table.loc[(table["group"] == "9") & (table["area"] == HOME), "n"] = 3
    from analysis.chapters.nullipara.robson import robson_display

    shown = robson_display(table)
    frame = nc.robson_frame(shown, HOME)
    assert frame.loc[frame["Grupp"] == "9"].iloc[0, 2] == "<5 / 100"
    html = nc.robson_html(shown, HOME, "Robson")
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", html)
    highlighted = {
        int(row) for selectors, body in rules if "#fbe3e4" in body for row in re.findall(r"_row(\d+)_col\d+", selectors)
    }
    assert sorted(frame.loc[sorted(highlighted), "Grupp"]) == ["1", "2a", "2b"]
    # An empty group (true zero) is shown as 0, its undefined caesarean rate as '–', never as '<5'.
    table.loc[table["group"] == "unclassified", ["n", "cs"]] = 0
    table.loc[
        table["group"] == "unclassified", ["relative_size_pct", "absolute_contribution_pct", "relative_contribution_pct"]
    ] = 0.0
    table.loc[table["group"] == "unclassified", "cs_rate_pct"] = np.nan
    empty = nc.robson_frame(robson_display(table), HOME).set_index("Grupp").loc["Ej klassad"]
    assert empty.iloc[1] == "0 / 0"
    assert empty["Kejsarsnitt i gruppen"] == "– / –"
    assert empty["Gruppens andel av alla förlossningar"] == "0,0\u00a0% / 0,0\u00a0%"


# --------------------------------------------------------------------------- the page bundle on a small cohort


@pytest.fixture(scope="module")
def small_births() -> pd.DataFrame:
    from analysis.births import generate

    return generate(years=[2023], seed=3, scale=0.05).data


@pytest.fixture(scope="module")
def small_page(small_births: pd.DataFrame) -> nc.NulliparaPage:
    return nc.compute_page(small_births, HOME, [2023], casemix.OUTCOME_KEYS, n_boot=50)


def test_nullipara_results_structure_and_expected_sums(small_page: nc.NulliparaPage) -> None:
    res = small_page.results
    json.dumps(res, allow_nan=False)  # plain JSON
    assert res["home_region"] == HOME and res["years"] == [2023]
    assert set(res["outcomes"]) | set(res["unavailable"]) == set(casemix.OUTCOME_KEYS)
    assert set(res["outcomes"]) == set(small_page.analyses)
    base = {"n", "observed", "expected", "oe", "oe_low", "oe_high"}
    decomposition = {p + s for p in ("gap", "casemix_part", "practice_part") for s in ("", "_low", "_high")}
    for key, entry in res["outcomes"].items():
        assert set(entry["regions"]) == set(region_codes())
        for code, region in entry["regions"].items():
            assert base <= set(region)
            if not region["suppressed"]:
                assert region["oe_low"] <= region["oe"] <= region["oe_high"]
                assert region["oe"] == pytest.approx(region["observed"] / region["expected"])
        home = entry["regions"][HOME]
        assert decomposition <= set(home)
        if not home["suppressed"]:
            assert home["gap"] == pytest.approx(home["casemix_part"] + home["practice_part"])
        # The national model reproduces the national total: sum of expected = sum of observed.
        oe = small_page.analyses[key].oe
        assert oe["expected"].sum() == pytest.approx(entry["national"]["observed"], rel=1e-6)
        assert oe["observed"].sum() == entry["national"]["observed"]


def test_page_reuses_the_fits_that_made_the_results(small_page: nc.NulliparaPage) -> None:
    assert not hasattr(casemix.analyse_outcome, "__wrapped__") and casemix.analyse_outcome.__name__ == "analyse_outcome"
    assert set(small_page.analyses) == set(small_page.results["outcomes"])
    for key, analysis in small_page.analyses.items():
        row = analysis.oe.set_index("region").loc[HOME]
        home = small_page.results["outcomes"][key]["regions"][HOME]
        if not home["suppressed"]:
            assert home["expected"] == pytest.approx(float(row["expected"]))
            assert home["gap"] == pytest.approx(analysis.decomposition.gap)


def test_nullipara_analysis_is_one_call_and_safe_in_threads(small_births: pd.DataFrame) -> None:
    """Fits and JSON come from one call; two concurrent runs keep their own fits (no module patching)."""
    from concurrent.futures import ThreadPoolExecutor

    keys = ("emergency_cs", "induction")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {k: pool.submit(casemix.nullipara_analysis, small_births, HOME, None, [k], 20, 20240601) for k in keys}
        runs = {k: f.result() for k, f in futures.items()}
    for key, run in runs.items():
        assert set(run.analyses) == set(run.results["outcomes"]) == {key}
        analysis = run.analyses[key]
        national = run.results["outcomes"][key]["national"]
        assert analysis.prepared.spec.key == key
        assert national["n"] == analysis.prepared.n and national["observed"] == analysis.prepared.events
        assert analysis.oe["expected"].sum() == pytest.approx(national["observed"], rel=1e-6)
    # The thin wrapper returns exactly the JSON of the combined call (same seed, same fits).
    assert casemix.nullipara_results(small_births, HOME, outcomes=["emergency_cs"], n_boot=20) == (runs["emergency_cs"].results)
    # An outcome whose column is absent is reported, and has no fit.
    run = casemix.nullipara_analysis(small_births.drop(columns="oasis"), HOME, outcomes=["oasis"], n_boot=20)
    assert run.analyses == {} and set(run.results["unavailable"]) == {"oasis"}


def test_indirect_standardisation_matches_full_microdata(small_page: nc.NulliparaPage) -> None:
    ind = small_page.indirect
    assert set(ind["outcome"]) == set(small_page.results["outcomes"])
    assert np.allclose(ind["oe_full"], ind["oe_table"], rtol=1e-12)
    assert np.allclose(ind["expected_full"], ind["expected_table"], rtol=1e-12)
    assert (ind["n_unmatched_table"] == 0).all()
    assert (ind["n_unmatched_published"] >= 0).all()


def test_tables_respect_disclosure(small_page: nc.NulliparaPage) -> None:
    crude = small_page.crude
    shown = crude[crude["n"].notna()]
    assert (shown["n"] >= 5).all() and (shown["events"] >= 5).all() and ((shown["n"] - shown["events"]) >= 5).all()
    coefs = nc.coefficient_table(small_page)
    assert coefs.shape[1] == 1 + len(small_page.fitted)
    for key in small_page.fitted:
        c = small_page.analyses[key].summary.coefficients
        visible = c[~c["suppressed"]]
        assert (visible["n"] >= 5).all() and (visible["events"] >= 5).all()
    robson_rows = small_page.robson[small_page.robson["n"].notna()]
    non_empty = robson_rows[robson_rows["n"] != 0]  # an empty group is shown as 0: it reveals nothing
    assert (non_empty["n"] >= 5).all() and (non_empty["cs"] >= 5).all()
    assert (robson_rows.loc[robson_rows["n"] == 0, "cs"] == 0).all()
    for text in nc.indirect_table(small_page)["Utan matchning vid småcellsskydd"]:
        assert text in ("0", "<5") or int(text.replace("\u00a0", "")) >= 5, text


def test_every_glue_key_in_the_template_is_provided(small_page: nc.NulliparaPage) -> None:
    nb = read_template(TEMPLATE)
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    used = set(re.findall(r"\{glue(?::\w*)?\}`([^`]+)`", prose))
    provided = set(nc.prose_values(small_page)) | set(re.findall(r'page\.glue\("([^"]+)"', code))
    assert len(used) > 50 and used <= provided, sorted(used - provided)
    # No hand-typed numbers in prose: only citation years and Robson group names may contain digits.
    bare = re.sub(r"\{glue(?::\w*)?\}`[^`]+`", "", prose)
    digits = set(re.findall(r"\d+[a-z]?", bare))
    assert digits <= {"2023", "2025", "1", "2", "2a", "2b"}, digits
    values = nc.prose_values(small_page)
    assert values["n_nulli_region"] == formatting.sv_number(small_page.results["outcomes"]["emergency_cs"]["regions"][HOME]["n"])
    assert not math.isnan(float(values["oe_emergency_cs"].replace(",", ".").replace("\u2212", "-")))


def test_prose_is_framed_for_synthetic_data_and_plain_for_real(small_page: nc.NulliparaPage) -> None:
    syn = nc.prose_values(small_page, synthetic=True)
    real = nc.prose_values(small_page, synthetic=False)
    framed = ["crude_lead", "oe_lead", "robson_lead", "disp_lead", "auc_lead", "ind_lead", "funnel_conclusion"]
    for key in framed:
        assert syn[key].startswith("I den syntetiska kohorten"), (key, syn[key])
        assert "syntetisk" not in real[key], (key, real[key])
        assert real[key][:1].isupper(), (key, real[key])
    for key in small_page.fitted:
        text = syn[f"decomp_{key}"]
        if not text.startswith("För få händelser"):
            assert text.count("I den syntetiska kohorten") == 2, text
            assert "syntetisk" not in real[f"decomp_{key}"]
    for values in (syn, real):
        assert not any("säkert" in v for v in values.values())
        assert "0,000000" not in values["ind_max_abs_diff"]
    unmatched = values["ind_unmatched_published"]
    assert unmatched in ("0", "<5") or int(unmatched.replace("\u00a0", "")) >= 5
    assert syn["pub_pph_1000_region"] == formatting.sv_pct(31.0, 0) and syn["pub_pph_rank"] == ", tredje högst i landet"
    assert syn["term_oasis_first"] == "sfinkterskador (bristning grad 3–4)"
    assert syn["term_pph"] == "blödningar över 1000 ml"


def test_template_marks_synthetic_titles_and_never_says_certain() -> None:
    nb = read_template(TEMPLATE)
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "säkert" not in prose and "Stor blödning" not in prose and "> 1000" not in prose
    assert 'caption="' not in code  # every caption goes through nc.caption / nc.published_caption
    for builder in ("crude_rate_chart", "trend_chart", "funnel_grid", "decomposition_chart"):
        call = code[code.index(f"nc.{builder}(") :].split("\n")[0]
        assert "synthetic=synthetic" in call, call


def test_saved_results_carry_the_verdicts_and_data_kind(small_page: nc.NulliparaPage) -> None:
    saved = nc.saved_results(small_page, synthetic=True)
    json.dumps(saved, allow_nan=False)
    assert saved["synthetic"] is True and saved["outcomes"] == small_page.results["outcomes"]
    for key, v in saved["verdicts"].items():
        assert v["direction"] in (-1, 0, 1) and v["kind"] in nc.OUTCOME_KIND_VALUES
        home = small_page.results["outcomes"][key]["regions"][HOME]
        if home["oe_low"] <= 1 <= home["oe_high"]:
            assert v["direction"] == 0  # an O/E interval that includes one never yields a stated difference
