"""Page "Förstföderskor": one run of the page bundle on a small cohort (results, glue values, template)."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.nullipara import casemix, charts, page, tables
from analysis.chapters.nullipara.labels import OUTCOME_KIND_VALUES
from analysis.common import formatting
from analysis.common.home import HOME_REGION
from analysis.common.regions import region_codes
from analysis.pipeline.params import read_template

TEMPLATE = Path(__file__).resolve().parents[1] / "notebooks" / "nullipara.md"
HOME = HOME_REGION


@pytest.fixture(scope="module")
def small_births() -> pd.DataFrame:
    from analysis.births import generate

    return generate(years=[2023], seed=3, scale=0.05).data


@pytest.fixture(scope="module")
def small_page(small_births: pd.DataFrame) -> page.NulliparaPage:
    return page.compute_page(small_births, HOME, [2023], casemix.OUTCOME_KEYS, n_boot=50, synthetic=True)


def test_nullipara_results_structure_and_expected_sums(small_page: page.NulliparaPage) -> None:
    res = small_page.results
    json.dumps(res, allow_nan=False)  # plain JSON
    assert res["home_region"] == HOME and res["years"] == [2023]
    assert set(res["outcomes"]) | set(res["unavailable"]) == set(casemix.OUTCOME_KEYS)
    assert set(res["outcomes"]) == set(small_page.analyses)
    base = {"n", "observed", "expected", "oe", "oe_low", "oe_high"}
    decomposition = {p + s for p in ("gap", "casemix_part", "practice_part") for s in ("", "_low", "_high")}
    for key, entry in res["outcomes"].items():
        assert set(entry["regions"]) == set(region_codes())
        for region in entry["regions"].values():
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


def test_page_reuses_the_fits_that_made_the_results(small_page: page.NulliparaPage) -> None:
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


def test_indirect_standardisation_matches_full_microdata(small_page: page.NulliparaPage) -> None:
    ind = small_page.indirect
    # Outcomes whose region rests on a small count are left out (their O/E x expected is the count).
    hidden = {k for k, e in small_page.results["outcomes"].items() if e["regions"][HOME]["suppressed"]}
    assert set(ind["outcome"]) == set(small_page.results["outcomes"]) - hidden
    assert np.allclose(ind["oe_full"], ind["oe_table"], rtol=1e-12)
    assert np.allclose(ind["expected_full"], ind["expected_table"], rtol=1e-12)
    assert (ind["n_unmatched_table"] == 0).all()
    assert (ind["n_unmatched_published"] >= 0).all()


def test_tables_respect_disclosure(small_page: page.NulliparaPage) -> None:
    crude = small_page.crude
    shown = crude[crude["n"].notna()]
    assert (shown["n"] >= 5).all() and (shown["events"] >= 5).all() and ((shown["n"] - shown["events"]) >= 5).all()
    coefs = tables.coefficient_table(small_page)
    assert coefs.shape[1] == 1 + len(small_page.fitted)
    for key in small_page.fitted:
        c = small_page.analyses[key].summary.coefficients
        visible = c[~c["suppressed"]]
        assert (visible["n"] >= 5).all() and (visible["events"] >= 5).all()
    robson_rows = small_page.robson[small_page.robson["n"].notna()]
    non_empty = robson_rows[robson_rows["n"] != 0]  # an empty group is shown as 0: it reveals nothing
    assert (non_empty["n"] >= 5).all() and (non_empty["cs"] >= 5).all()
    assert (robson_rows.loc[robson_rows["n"] == 0, "cs"] == 0).all()
    for text in tables.indirect_table(small_page)["Utan matchning vid småcellsskydd"]:
        assert text in ("", "0", "<5") or int(text.replace("\u00a0", "")) >= 5, text


def test_every_glue_key_in_the_template_is_provided(small_page: page.NulliparaPage) -> None:
    nb = read_template(TEMPLATE)
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    used = set(re.findall(r"\{glue(?::\w*)?\}`([^`]+)`", prose))
    provided = set(page.prose_values(small_page)) | {"pub_link"}
    assert len(used) > 50 and used <= provided, sorted(used - provided)
    # No hand-typed numbers in prose: only citation years and Robson group names may contain digits.
    bare = re.sub(r"\{(?:glue|cite)(?::\w*)?\}`[^`]+`", "", prose)  # glued values and citation keys
    digits = set(re.findall(r"\d+[a-z]?", bare))
    assert digits <= {"2005", "2023", "2025", "1", "2", "2a", "2b"}, digits
    values = page.prose_values(small_page)
    assert values["n_nulli_region"] == formatting.sv_number(small_page.results["outcomes"]["emergency_cs"]["regions"][HOME]["n"])
    assert not math.isnan(float(values["oe_emergency_cs"].replace(",", ".").replace("\u2212", "-")))


def test_prose_is_framed_for_synthetic_data_and_plain_for_real(small_page: page.NulliparaPage) -> None:
    syn = {k: str(v) for k, v in page.prose_values(small_page).items()}
    real = {k: str(v) for k, v in page.prose_values(dataclasses.replace(small_page, synthetic=False)).items()}
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


def test_template_is_thin_and_never_says_certain() -> None:
    nb = read_template(TEMPLATE)
    code_cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "säkert" not in prose and "Stor blödning" not in prose and "> 1000" not in prose
    setup = code_cells[1]
    assert 'build("nullipara", "nullipara", page.compute, page.glue_values, page.results' in setup
    for cell in code_cells[2:]:
        assert len(cell.strip().splitlines()) == 1 and cell.strip().endswith("(data)"), cell


def test_glue_values_add_the_published_link(small_page: page.NulliparaPage) -> None:
    values = page.glue_values(small_page)
    assert "socialstyrelsen.se" in values["pub_link"].data
    assert values["decomp_emergency_cs"].key in ("decomposition.sentence", "decomposition.too_few")


def test_display_tables_and_charts_of_the_page(small_page: page.NulliparaPage) -> None:
    for build in (tables.oe, tables.dispersion, tables.indirect, tables.model_statistics, tables.calibration, tables.missing):
        shown = build(small_page)
        assert shown.caption.endswith(".") and "syntetiska data" in shown.caption
        assert "<table" in shown.to_html()
    assert "#fbe3e4" in tables.robson_groups(small_page).to_html()
    assert tables.coefficients(small_page)._repr_html_().count("<table") == 2  # six outcomes, three per table
    for chart in (charts.crude, charts.trend, charts.funnels, charts.decomposition):
        assert "syntetiska data" in json.dumps(chart(small_page).to_dict()["title"], ensure_ascii=False)


def test_saved_results_carry_the_verdicts_and_data_kind(small_page: page.NulliparaPage) -> None:
    saved = page.results(small_page)
    json.dumps(saved, allow_nan=False)
    assert saved["synthetic"] is True and saved["outcomes"] == small_page.results["outcomes"]
    for key, v in saved["verdicts"].items():
        assert v["direction"] in (-1, 0, 1) and v["kind"] in OUTCOME_KIND_VALUES
        home = small_page.results["outcomes"][key]["regions"][HOME]
        if home["oe_low"] <= 1 <= home["oe_high"]:
            assert v["direction"] == 0  # an O/E interval that includes one never yields a stated difference


def test_indicator_cards_and_monte_carlo_tables(small_page: page.NulliparaPage) -> None:
    """The indicator cards come from outcomes.yml; the Monte Carlo table has every limit's error."""
    from analysis.chapters.nullipara import tables
    from analysis.chapters.nullipara.labels import labels

    cards = tables.indicator_cards_table(small_page)
    assert len(cards) == len(small_page.outcomes)
    ecs = cards.set_index("Täljare").loc[labels().outcomes["emergency_cs"].numerator]
    assert "Robson 1 och 2a" in ecs["Nämnare"]
    mc = tables.monte_carlo_table(small_page)
    assert len(mc) == len(small_page.fitted) and mc.shape[1] == 8
    saved = page.results(small_page)
    home = saved["outcomes"]["emergency_cs"]["regions"][HOME]
    assert home["verdict"]["strength"] in {"clear", "possible", "none", "unknown"}
    assert saved["outcomes"]["emergency_cs"]["variance"] in {"poisson", "poisson_binomial"}
