"""The appendix "Antaganden": every option assumption, which headline figures it moves, and the shared method section."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.chapters.appendix import assumptions as am
from analysis.chapters.appendix import page, tables, text
from analysis.chapters.options.config import load_config
from analysis.chapters.options.scorecard import option_cases, row_label
from analysis.common.config import ConfigError
from analysis.common.formatting import NBSP

from .conftest import REPO

# Anchors the option and comparison pages link to (MyST labels in notebooks/assumptions.md).
ANCHORS = (
    "metod-alternativ", "metod-enheter", "metod-restid", "metod-sarbarhet", "metod-kapacitet",
    "metod-kanslighet", "antaganden-tabeller", "antaganden-bemanning", "antaganden-restid", "antaganden-alternativ",
    "antaganden-kapacitet", "antaganden-uppdrag", "antaganden-restidsmodell",
)  # fmt: skip
TRAVEL_METRICS = (
    "bmm_mean_minutes", "bmm_worst_municipality_minutes", "nsv_mean_minutes", "nsv_worst_municipality_minutes",
    "travel_hours_saved", "car_km_saved", "bmm_travel_hours_change", "municipalities_gaining", "municipalities_losing",
)  # fmt: skip


# --------------------------------------------------------------------------- pure functions, hand-made frames


def _frame(base: dict[str, float], **scenarios: dict[str, float]) -> pd.DataFrame:
    rows = {"base": base} | {k.replace("__", ":"): {**base, **v} for k, v in scenarios.items()}
    return pd.DataFrame(rows).T


def test_moves_lists_only_changes_beyond_the_tolerance() -> None:
    # x at low moves m1 of A by 0.5 (within the tolerance 1.0: not listed), at high by +2.
    a = _frame({"m1": 10.0, "m2": 5.0}, x__low={"m1": 10.5}, x__high={"m1": 12.0})
    # x moves m2 of B by -0.2 at low (beyond 0.1) and not at all at high; y is not in B's frame at all.
    b = _frame({"m1": 20.0, "m2": 5.0}, x__low={"m2": 4.8}, x__high={})
    got = am.moves("x", {"A": a, "B": b}, {"m1": 1.0, "m2": 0.1})
    assert got == (am.Move("m1", "A", 0.0, 2.0), am.Move("m2", "B", pytest.approx(-0.2), 0.0))
    assert got[0].largest == 2.0 and got[1].largest == pytest.approx(-0.2)
    assert am.moves("y", {"A": a, "B": b}, {"m1": 1.0, "m2": 0.1}) == ()


def test_tolerance_is_the_larger_of_one_percent_of_the_scale_and_the_resolution() -> None:
    cfg = load_config()
    zeros = dict.fromkeys(cfg.metrics, 0.0)
    a = _frame({**zeros, "bmm_mean_minutes": 20.0, "travel_hours_saved": 100.0})
    b = _frame({**zeros, "bmm_mean_minutes": 30.0, "travel_hours_saved": -500.0})
    tol = am.metric_tolerances({"A": a, "B": b}, cfg)
    assert tol["bmm_mean_minutes"] == 1.0  # 1 % of 30 = 0.3 < the stated resolution of 1 minute
    assert tol["travel_hours_saved"] == pytest.approx(5.0)  # 1 % of |-500|, no resolution stated


def test_estimate_means_the_projects_judgement() -> None:
    assert am.is_estimate("estimate") and am.is_estimate("estimate (travel_assumptions.yml …)")
    assert not am.is_estimate("Region Västmanland 2025, avsnitt 5.1.1")


def test_every_option_assumption_has_a_swedish_reason_and_a_missing_one_is_named(tmp_path: Path) -> None:
    reasons = am.reasons_sv()
    assert set(reasons) == set(load_config().assumptions)
    bad = tmp_path / "a.yml"
    bad.write_text("assumptions:\n  p_absent: {group: staffing, reason: x}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"a\.yml.*p_absent.*reason_sv"):
        am.reasons_sv(bad)


def test_travel_assumptions_with_low_base_high_are_listed_and_need_a_swedish_label(tmp_path: Path) -> None:
    rows = am.travel_rows(text.travel_labels())
    assert [r.key for r in rows] == ["sensitivity.free_flow_share"]
    assert (rows[0].low, rows[0].base, rows[0].high) == (0.85, 0.9, 1.0) and not rows[0].read_by_options
    with pytest.raises(ConfigError, match="sensitivity.free_flow_share.*appendix.sv.yml"):
        am.travel_rows({})


def test_every_unit_has_a_swedish_label() -> None:
    cfg = load_config()
    for a in cfg.assumptions.values():
        assert text.unit_label(a.unit)
    for m in cfg.metrics.values():
        assert text.unit_label(m.unit, "metric_unit")


def test_swedish_numbers_in_the_cells() -> None:
    assert tables.signed_change(1.234) == "+1,2"
    assert tables.signed_change(-340.4) == "\u2212340"
    assert tables.signed_change(4.0) == "+4"  # a whole change (units, midwives) without decimals
    assert tables.signed_change(0.01834) == "+0,018"
    assert tables.signed_change(0.0) == "0"
    row = am.AssumptionRow("p", "staffing", "p", "probability", 0.15, 0.2, 0.3, "estimate", True, "r")
    assert tables.value_triple(row) == f"15{NBSP}% · <strong>20{NBSP}%</strong> · 30{NBSP}%"
    row = am.AssumptionRow("f", "capacity", "f", "multiplier", 1.0, 1.036, 1.053, "MFR", False, "r")
    assert tables.value_triple(row) == "1,000 · <strong>1,036</strong> · 1,053"


def test_sources_are_written_for_readers() -> None:
    cfg = load_config()
    for a in cfg.assumptions.values():
        cell = str(text.source_cell(a.key, a.source, am.is_estimate(a.source), "r"))
        assert not any(s in cell for s in (".py", ".yml", "estimate", "implied")), (a.key, cell)
    assert str(text.source_cell("x", "estimate", True, "Skäl.")) == "<em>Antagande.</em> Skäl."


def test_the_template_has_the_anchors_the_option_pages_link_to() -> None:
    template = (REPO / "notebooks" / "assumptions.md").read_text(encoding="utf-8")
    for anchor in ANCHORS:
        assert f"({anchor})=" in template, anchor


# --------------------------------------------------------------------------- the options model (one computation, slow
# like the scorecard's tests: every option case with every assumption at its low and high value)


@pytest.fixture(scope="module")
def data() -> page.AssumptionsPage:
    return page.compute_assumptions()


def _moved(data: page.AssumptionsPage, key: str) -> dict[tuple[str, str], am.Move]:
    row = next(r for r in data.assumptions.rows if r.key == key)
    return {(m.metric, m.row): m for m in row.moves}


@pytest.mark.slow
def test_absence_moves_days_without_midwife_for_every_option_and_no_travel_figure(data: page.AssumptionsPage) -> None:
    moved = _moved(data, "p_absent")
    for row in data.assumptions.option_rows:
        m = moved[("days_without_midwife", row)]
        assert m.at_low < 0 < m.at_high  # p from 20 % to 15 % (30 %): fewer (more) days without a midwife
    assert not {metric for metric, _ in moved} & set(TRAVEL_METRICS)


@pytest.mark.slow
def test_bed_occupancy_moves_only_beds_and_by_the_ratio_of_occupancies(data: page.AssumptionsPage) -> None:
    # beds = bed-days / 365 / occupancy: occupancy 80 % instead of 85 % gives 85/80 of the beds, bed-days unchanged.
    moved = _moved(data, "bed_occupancy_target")
    assert {metric for metric, _ in moved} == {"beds_freed"}
    from analysis.chapters.options.figures import option_figures

    cfg = data.config
    for (_, row), m in moved.items():
        option, case = next((o, c) for o, c in option_cases(cfg) if row_label(cfg.options[o], c) == row)
        beds = option_figures(option, case, config=cfg).metric("beds_freed")
        assert m.at_low == pytest.approx(beds * (0.85 / 0.80 - 1.0))


@pytest.mark.slow
def test_fixed_and_unread_assumptions_move_nothing(data: page.AssumptionsPage) -> None:
    rows = {r.key: r for r in data.assumptions.rows}
    assert rows["bmm_units_today"].fixed and rows["bmm_units_today"].moves == ()
    assert rows["share_24h_today"].fixed and rows["share_24h_today"].moves == ()
    assert rows["visits_digital"].moves == ()  # digital visits are shown apart from every option's figures
    assert not {m.metric for m in rows["los_factor"].moves} & set(TRAVEL_METRICS)  # a capacity-only number


@pytest.mark.slow
def test_results_name_each_assumptions_moves(data: page.AssumptionsPage) -> None:
    res = json.loads(json.dumps(page.assumptions_results(data)))
    assert set(res) == {"option_rows", "tolerances", "assumptions"}
    assert len(res["assumptions"]) == len(data.config.assumptions) + 1  # + the travel chapter's free_flow_share
    p = res["assumptions"]["p_absent"]
    assert p["estimate"] and set(p["moves"]["days_without_midwife"]) == set(res["option_rows"])
    assert res["assumptions"]["bmm_units_today"]["moves"] == {}


@pytest.mark.slow
def test_glue_values_and_tables(data: page.AssumptionsPage) -> None:
    g = page.assumptions_glue_values(data)
    assert g["p_absent"] == f"20{NBSP}%" and f"4,0{NBSP}%" in g["absence_example"]  # p² = 0.04
    assert "(10 dagar)" in g["absence_example"]  # 0.04 × 250 open days
    assert g["n_assumptions"] == str(len(data.config.assumptions))
    for group in (*am.GROUPS, am.TRAVEL_GROUP):
        assert len(tables.assumptions(data, group).frame) == len(data.assumptions.group(group))
    with pytest.raises(ValueError, match="nope"):
        tables.assumptions(data, "nope")
