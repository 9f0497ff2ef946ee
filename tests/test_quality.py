"""The data-quality gate (page Datakvalitet): completeness and implausible values per unit, exclusions, disclosure."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.births import generate
from analysis.births.validate import canonical, validate_frame
from analysis.chapters.quality import tables, text
from analysis.chapters.quality.assessment import assess, degrade, drop_excluded, excluded_units, gate, implausible_mask
from analysis.chapters.quality.page import QualityPage, _demo, glue_values, results
from analysis.chapters.quality.thresholds import load_thresholds
from analysis.common.config import ConfigError


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    report, frame = validate_frame(generate(years=[2022, 2023], seed=3, scale=0.03).data)
    assert report.ok
    return canonical(frame)


def _page(df: pd.DataFrame, synthetic: bool = True) -> QualityPage:
    a = assess(df)
    demo = _demo(df, "19", 2023, a) if synthetic else None
    return QualityPage(synthetic, a, (2022, 2023), demo)


def test_thresholds_file_reads_and_every_variable_is_in_the_contract() -> None:
    t = load_thresholds()
    assert {"bmi", "smoking", "oasis"} <= {v.column for v in t.variables}
    assert 0 < t.min_complete < 1 and 0 < t.max_implausible < 1
    assert "NMPA" in t.min_complete_source and t.max_implausible_source
    assert {v.column for v in t.for_page("riskmix")} < {v.column for v in t.variables}


def test_a_typo_in_the_thresholds_names_the_file_and_entry(tmp_path: Path) -> None:
    bad = tmp_path / "t.yml"
    bad.write_text(
        "defaults: {min_complete: 0.7, max_implausible: 0.02, min_complete_source: x, max_implausible_source: y}\n"
        "variables:\n  - {column: bmii, label_sv: BMI, used_by: [riskmix]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"t\.yml: variables\[0\].*bmii"):
        load_thresholds(bad)
    bad.write_text(bad.read_text().replace("bmii", "bmi").replace("0.7,", "70,"), encoding="utf-8")
    with pytest.raises(ConfigError, match="between 0 and 1"):
        load_thresholds(bad)


def test_synthetic_cohort_passes_every_unit(cohort: pd.DataFrame) -> None:
    a = assess(cohort)
    assert a.n_units == 21 * 2
    assert a.excluded.empty
    assert excluded_units(cohort, "nullipara").empty
    page = _page(cohort)
    glued = glue_values(page)
    assert glued["n_units"] == "42" and glued["n_excluded"] == "0"
    assert glued["verdict"].key == "verdict.none"
    assert results(page)["excluded"] == [] and results(page)["excluded_by_page"] == {"nullipara": [], "riskmix": []}


def test_degraded_unit_is_excluded_with_the_reason(cohort: pd.DataFrame) -> None:
    degraded = degrade(cohort, "03", 2022, "bmi", every=2)  # half of Uppsala 2022 without BMI
    ex = excluded_units(degraded, "riskmix")
    assert ex[["region", "year", "column", "reason"]].values.tolist() == [["03", 2022, "bmi", "completeness"]]
    assert ex["share"].iloc[0] < 0.55 and ex["limit"].iloc[0] == pytest.approx(0.70)
    gated = gate(degraded, "riskmix")
    left = gated.frame
    assert not ((left["region"].astype(str) == "03") & (left["year"] == 2022)).any()
    assert len(left) == len(degraded) - int(((degraded["region"].astype(str) == "03") & (degraded["year"] == 2022)).sum())
    page = _page(degraded)
    glued = glue_values(page)
    assert glued["verdict"].key == "verdict.some" and "Uppsala 2022" in glued["verdict"]
    reason = tables.excluded(page)
    assert reason is not None and "BMI" in reason.frame.iloc[0, 1] and "70\u00a0%" in reason.frame.iloc[0, 1]
    assert results(page)["excluded_by_page"]["riskmix"] == [["03", 2022]]


def test_a_variable_only_one_page_needs_excludes_only_from_that_page(cohort: pd.DataFrame) -> None:
    degraded = degrade(cohort, "03", 2022, "oasis", every=1)  # OASIS not recorded at all
    assert len(excluded_units(degraded, "nullipara")) == 1
    assert excluded_units(degraded, "riskmix").empty
    assert drop_excluded(degraded, excluded_units(degraded, "riskmix")) is degraded


def test_implausible_values_above_the_limit_exclude_the_unit(cohort: pd.DataFrame) -> None:
    bad = cohort.copy()
    unit = np.flatnonzero(((bad["region"].astype(str) == "01") & (bad["year"] == 2023)).to_numpy())
    bad.loc[bad.index[unit[::10]], "bmi"] = 70.0  # a tenth of the unit with BMI 70: possible, implausible
    ex = excluded_units(bad, "nullipara")
    assert ex[["region", "year", "column", "reason"]].values.tolist() == [["01", 2023, "bmi", "implausible"]]
    assert ex["share"].iloc[0] == pytest.approx(0.1, abs=0.02)


def test_implausible_rule_needs_every_condition_and_ignores_missing() -> None:
    rule = next(v for v in load_thresholds().variables if v.column == "birthweight_g").implausible
    assert rule is not None
    frame = pd.DataFrame(
        {
            "birthweight_g": pd.array([900, 900, 4500, 4500, None], dtype="Int64"),
            "gestational_weeks": pd.array([40, 30, 28, 40, 40], dtype="Int64"),
        }
    )
    assert implausible_mask(frame, rule).tolist() == [True, False, True, False, False]


def test_small_counts_are_not_recoverable(cohort: pd.DataFrame) -> None:
    """A unit with 1-4 missing values shows a mark, never the share; the same for implausible counts."""
    df = cohort.copy()
    unit = np.flatnonzero(((df["region"].astype(str) == "19") & (df["year"] == 2023)).to_numpy())
    df.loc[df.index[unit], "smoking"] = False
    df.loc[df.index[unit[:3]], "smoking"] = pd.NA  # exactly 3 missing
    df.loc[df.index[unit], "bmi"] = 25.0
    df.loc[df.index[unit[:2]], "bmi"] = 70.0  # exactly 2 implausible
    page = _page(df, synthetic=False)
    units = page.assessment.units
    row = units[(units["region"] == "19") & (units["year"] == 2023)].set_index("column")
    assert row.loc["smoking", "missing"] == 3 and row.loc["smoking", "complete_hidden"]
    assert row.loc["bmi", "implausible"] == 2 and row.loc["bmi", "implausible_hidden"]
    grid = tables.completeness(page).frame
    cell = grid[(grid["Region"] == "Västmanland") & (grid["År"] == "2023")]["Rökning"].iloc[0]
    assert cell == text.small_mark("few_missing") and "%" not in cell
    grid = tables.implausible(page).frame
    bmi = grid[(grid["Region"] == "Västmanland") & (grid["År"] == "2023")]["BMI"].iloc[0]
    assert bmi.removeprefix("<strong>").removesuffix("</strong>") == text.small_mark("few")


def test_an_excluded_share_resting_on_few_births_is_withheld_everywhere(cohort: pd.DataFrame) -> None:
    df = degrade(cohort, "19", 2023, "education", every=1)
    unit = np.flatnonzero(((df["region"].astype(str) == "19") & (df["year"] == 2023)).to_numpy())
    df.loc[df.index[unit[:2]], "education"] = "tertiary"  # 2 women with a value: share would reveal them
    page = _page(df, synthetic=False)
    rec = results(page)["excluded"]
    assert rec == [
        {
            "region": "19",
            "year": 2023,
            "column": "education",
            "reason": "completeness",
            "share": None,
            "limit": 0.7,
            "pages": ["nullipara", "riskmix"],
        }
    ]
    reason = tables.excluded(page)
    assert reason is not None
    assert reason.frame.iloc[0, 1] == str(text.reason("Utbildning", "completeness", 0.0, 0.7, True, ""))


def test_demonstration_on_the_synthetic_cohort_only(cohort: pd.DataFrame) -> None:
    page = _page(cohort)
    assert page.demo is not None and page.demo.excluded["column"].tolist() == ["bmi"]
    assert glue_values(page)["demo"].key == "demo.synthetic"
    assert tables.demo(page) is not None
    register = replace(page, synthetic=False, demo=None)
    assert glue_values(register)["demo"].key == "demo.register" and tables.demo(register) is None


def test_exclusion_notice_for_comparison_pages(cohort: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(tables, "notice", lambda title, body, kind="warning": shown.append((title, body)))
    tables.exclusion_notice(excluded_units(cohort, "nullipara"))
    assert shown == []
    tables.exclusion_notice(excluded_units(degrade(cohort, "03", 2022, "bmi", every=2), "nullipara"))
    assert len(shown) == 1 and "Uppsala 2022" in shown[0][1] and "BMI" in shown[0][1]
