"""Issue 17 item 1: a ~30-birth home region publishes no count of 1–4 (tables, prose, charts, results JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.common.home import HOME_REGION

from .disclosure_scan import scan_glue, scan_page, scan_parts_of_total, scan_results

REPO = Path(__file__).resolve().parents[1]
HOME = HOME_REGION
HOME_BIRTHS = 30


@pytest.fixture(scope="module")
def small_region_births(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic cohort with the home region cut down to ~30 births (other regions untouched)."""
    from analysis.births import generate

    births = generate(years=[2022, 2023], seed=3, scale=0.05).data
    home = births["region"].astype(str) == HOME
    keep = births[home].sample(n=HOME_BIRTHS, random_state=1).index
    small = births[~home | births.index.isin(keep)].reset_index(drop=True)
    path = tmp_path_factory.mktemp("small_region") / "births.parquet"
    small.to_parquet(path, index=False)
    return path


def _report(findings: list) -> str:
    return "\n".join(str(f) for f in findings[:40]) + (f"\n… {len(findings)} in all" if len(findings) > 40 else "")


@pytest.fixture(scope="module")
def nullipara_page(small_region_births: Path):  # type: ignore[no-untyped-def]
    from analysis.births import load_births
    from analysis.chapters.nullipara import casemix, page

    births = load_births(str(small_region_births))
    return page.compute_page(births, HOME, [2022, 2023], casemix.OUTCOME_KEYS, n_boot=20, synthetic=True)


def test_nullipara_tables_prose_and_charts_reveal_no_small_count(nullipara_page) -> None:  # type: ignore[no-untyped-def]
    from analysis.chapters.nullipara import charts, page, tables

    found = scan_page(REPO / "notebooks" / "nullipara.md", {"charts": charts, "tables": tables, "data": nullipara_page})
    found += scan_glue(page.prose_values(nullipara_page), "nullipara glue")
    assert not found, _report(found)


def test_nullipara_indirect_table_hides_the_small_region(nullipara_page) -> None:  # type: ignore[no-untyped-def]
    from analysis.chapters.nullipara import tables

    frame = tables.indirect_table(nullipara_page)
    assert (frame["Observerat"] == "<5").any()
    hidden = frame[frame["Observerat"] == "<5"]
    assert not hidden.drop(columns=["Utfall", "Observerat"]).apply(lambda c: c.str.contains(r"\d")).any().any()


def test_nullipara_results_reveal_no_small_count(nullipara_page) -> None:  # type: ignore[no-untyped-def]
    from analysis.chapters.nullipara import page

    found = scan_results(json.loads(json.dumps(page.results(nullipara_page))), "nullipara.json")
    assert not found, _report(found)


@pytest.fixture(scope="module")
def riskmix_page(small_region_births: Path):  # type: ignore[no-untyped-def]
    from analysis.chapters.riskmix import page

    return page.compute(region=HOME, years="2022-2023", births=str(small_region_births))


def test_riskmix_page_and_results_reveal_no_small_count(riskmix_page) -> None:  # type: ignore[no-untyped-def]
    from analysis.chapters.riskmix import charts, page, tables

    found = scan_page(REPO / "notebooks" / "riskmix.md", {"charts": charts, "tables": tables, "data": riskmix_page})
    found += scan_glue(page.glue_values(riskmix_page), "riskmix glue")
    figures = json.loads(json.dumps(page.results(riskmix_page)))
    found += scan_results(figures, "riskmix.json")
    total = {"n": figures["deliveries_region"]}
    found += scan_parts_of_total(figures["by_municipality"], total, "riskmix.json by_municipality")
    assert not found, _report(found)


def test_scanner_finds_the_issue_example() -> None:
    """The published example: '1,6 förväntade mot 1 observerade, O/E 0,619' and a count cell of 3."""
    from .disclosure_scan import scan_table

    glue = {"ind_observed": "4", "ind_expected_full": "1,6", "ind_oe_full": "0,619"}
    assert {f.what for f in scan_glue(glue)} == {"count", "O/E × expected"}
    table = pd.DataFrame({"Utfall": ["a"], "Observerat": ["3"], "Förväntat": ["1,6"], "O/E": ["0,625"]})
    assert len(scan_table(table, "t")) == 2
    parts = {"a": {"n": 10}, "b": {"n": None}}
    assert scan_parts_of_total(parts, {"n": 13}, "x")[0].value == 3
    assert scan_results({"regions": {"a": {"n": 10, "observed": 5}, "b": {"n": None}}, "national": {"n": 12}})


def test_crude_years_cannot_be_recovered_from_the_pooled_row() -> None:
    from analysis.chapters.nullipara.oe import displayable

    table = pd.DataFrame(
        {
            "outcome": "emergency_cs",
            "area": "19",
            "year": pd.array([pd.NA, 2022, 2023], dtype="Int64"),
            "n": [40, 37, 3],
            "events": [12, 11, 1],
            "rate": [0.3, 11 / 37, 1 / 3],
        }
    )
    out = displayable(table, min_cell=5)
    assert not out.loc[0, "suppressed"] and out.loc[1:, "suppressed"].all()  # 2022 hidden as 2023's complement
    assert out.loc[1:, ["n", "events", "rate"]].isna().all().all()


def test_hide_outcomes_blanks_the_region_rows_of_hidden_outcomes() -> None:
    from analysis.chapters.nullipara.oe import displayable, hide_outcomes

    table = pd.DataFrame(
        {"outcome": ["a", "a", "b"], "area": ["19", "nation", "19"], "year": pd.array([pd.NA] * 3, dtype="Int64"),
         "n": [40, 900, 40], "events": [12, 300, 20], "rate": [0.3, 1 / 3, 0.5]}
    )  # fmt: skip
    out = hide_outcomes(displayable(table, min_cell=5), "19", ["a"])
    assert out["suppressed"].tolist() == [True, False, False]
    assert out.loc[0, ["n", "events", "rate"]].isna().all() and out.loc[2, "n"] == 40
