"""Options chapter (A–D): config validation, units, vulnerability, bed-days, access, scorecard."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from analysis import options as op
from analysis import published, travel
from analysis.params import _check_option


def _raw() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    load = lambda p: yaml.safe_load(Path(p).read_text(encoding="utf-8"))  # noqa: E731
    return load(op.OPTIONS_FILE), load(op.TASKS_FILE), load(op.ASSUMPTIONS_FILE)


# --------------------------------------------------------------------------- configuration


def test_options_follow_the_report_matrix() -> None:
    cfg = op.load_config()
    assert op.option_keys() == ["A", "B", "C", "D"]
    staffing = {k: (o.staffing_min, o.staffing_max) for k, o in cfg.options.items()}
    assert staffing == {"A": (1, 4), "B": (3, math.inf), "C": (4, 10), "D": (4, 10)}
    assert cfg.options["C"].name_sv == "Fristående samlad organisation för BMM"
    assert cfg.options["A"].matrix_sv["forutsattningar"] == "Svårt att hantera uppdrag på närvårdsnivå."
    assert op.matrix_table().shape == (7, 4)
    assert len(cfg.tasks) == 14
    assert [c.key for c in cfg.options["D"].cases] == ["best", "worst"]
    assert _check_option("A") is None and "A, B, C, D" in str(_check_option("E"))


def test_fixed_assumptions_match_published_figures() -> None:
    a = op.load_assumptions()
    assert a["share_24h_today"].base == pytest.approx(published.value("discharged_within_24h_pct", "19", "2023-2024 (not stated)") / 100)
    assert a["share_24h_target"].base == pytest.approx(published.value("discharged_within_24h_pct", "00", "2023-2024 (not stated)") / 100)
    assert (a["c_vasteras_units"].low, a["c_vasteras_units"].high) == (2, 4)
    assert a["bmm_units_today"].base == 26


def test_unknown_task_is_a_clear_error() -> None:
    options, tasks, assumptions = _raw()
    options["options"]["B"]["tasks_moved"]["tasks"].append("ctg_typo")
    with pytest.raises(op.OptionsConfigError, match=r"option 'B'.*'tasks_moved.tasks'.*ctg_typo"):
        op.build_config(options, tasks, assumptions)


def test_missing_range_is_a_clear_error() -> None:
    options, tasks, assumptions = _raw()
    del assumptions["assumptions"]["p_absent"]["high"]
    with pytest.raises(op.OptionsConfigError, match=r"assumption 'p_absent': missing field\(s\) high"):
        op.build_config(options, tasks, assumptions)


def test_low_above_high_is_a_clear_error() -> None:
    options, tasks, assumptions = _raw()
    entry = assumptions["assumptions"]["bed_occupancy_target"]
    entry["low"], entry["high"] = 0.95, 0.80
    with pytest.raises(op.OptionsConfigError, match=r"'bed_occupancy_target': field 'low' \(0.95\) is greater than field 'high' \(0.8\)"):
        op.build_config(options, tasks, assumptions)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda o, t, a: t["tasks"]["vaccination"].update(visits_key="nope"), r"task 'vaccination': field 'visits_key': unknown assumption 'nope'"),
        (lambda o, t, a: a["assumptions"]["b_share_moved"].update(high=1.5), r"'b_share_moved': a share must lie between 0 and 1"),
        (lambda o, t, a: a["assumptions"]["c_vasteras_units"].update(low=2.5), r"'c_vasteras_units': a count must be a whole number"),
        (lambda o, t, a: o["options"]["C"]["staffing"].update(min=12), r"option 'C': field 'staffing'"),
        (lambda o, t, a: t["tasks"]["parent_groups"].update(population="women"), r"task 'parent_groups': field 'population'"),
        (lambda o, t, a: o["options"]["A"]["matrix_sv"].pop("effekt"), r"option 'A': field 'matrix_sv' lacks row\(s\) effekt"),
    ],
)
def test_other_config_errors_name_file_key_and_field(mutate: Any, message: str) -> None:
    options, tasks, assumptions = (copy.deepcopy(x) for x in _raw())
    mutate(options, tasks, assumptions)
    with pytest.raises(op.OptionsConfigError, match=message):
        op.build_config(options, tasks, assumptions)


def test_load_config_reads_an_edited_file(tmp_path: Path) -> None:
    _, _, assumptions = _raw()
    assumptions["assumptions"]["p_absent"].update(low=0.1, base=0.1, high=0.1)
    path = tmp_path / "a.yml"
    path.write_text(yaml.safe_dump(assumptions, allow_unicode=True), encoding="utf-8")
    assert op.load_assumptions(path)["p_absent"].base == 0.1


# --------------------------------------------------------------------------- vulnerability


def test_vulnerability_matches_hand_computed_binomial_cases() -> None:
    units = pd.DataFrame(
        {
            "unit_id": ["u1", "u2", "u4", "u2b", "branch"],
            "role": ["bmm", "bmm", "hub", "hub", "branch"],
            "town": ["T"] * 5,
            "municipality": ["M"] * 5,
            "births_team": [50.0, 100.0, 200.0, 100.0, math.nan],
            "midwives": [1, 2, 4, 2, math.nan],
            "min_required": [1, 1, 3, 3, 3],
        }
    )
    v = op.vulnerability(units, p_absent=0.2, days=250).set_index("unit_id")
    assert list(v.index) == ["u1", "u2", "u4", "u2b"]  # the branch is covered by its hub's team
    assert v["p_no_midwife"].tolist() == pytest.approx([0.2, 0.04, 0.0016, 0.04])
    assert v["days_no_midwife"].tolist() == pytest.approx([50.0, 10.0, 0.4, 10.0])
    # P(fewer than 3 of 4 present) = 0.2^4 + 4·0.8·0.2^3 + 6·0.8^2·0.2^2 = 0.0016 + 0.0256 + 0.1536
    assert v.loc["u4", "p_below_min"] == pytest.approx(0.1808)
    assert v.loc["u4", "days_below_min"] == pytest.approx(45.2)
    assert v.loc["u1", "p_below_min"] == pytest.approx(0.2)
    assert v.loc["u2b", "p_below_min"] == pytest.approx(1.0)
    assert v["below_min_staffed"].tolist() == [False, False, False, True]
    assert op.prob_fewer_present(3, 3, 0.2) == pytest.approx(1 - 0.8**3)


def test_today_units_apportionment() -> None:
    assert op.apportion_today(5, {"a": 100, "b": 50, "c": 10}, {"a": 5, "b": 5, "c": 1}) == {"a": 3, "b": 1, "c": 1}
    with pytest.raises(ValueError, match="cannot give each"):
        op.apportion_today(2, {"a": 100, "b": 50, "c": 10}, {"a": 5, "b": 5, "c": 1})
    a = op.units_for_option("A")
    assert len(a) == 26 and set(a["role"]) == {"bmm"}
    per_municipality = a.groupby("municipality").size()
    assert per_municipality["Västerås"] == 16 and per_municipality["Köping"] == 2 and per_municipality.sum() == 26
    assert {"Kolsva", "Skultuna", "Tillberga"} <= set(a["town"])  # a second town before a second unit in the seat
    skb = a.set_index("town").loc["Skinnskatteberg"]
    assert skb["births_team"] == 31 and skb["midwives"] == 1  # round(31 / 55) = 1, the floor of option A


def test_hub_units_and_staffing_by_hand() -> None:
    v = op.load_config().values()
    # Kvinnokliniken visits per birth: 0.15 + 0.10 + 1.0 + 0.2 + 0.4 + 0.05·6 + 0.06·1.5 + 0.01·3 = 2.27
    kk = 0.15 + 0.10 + 1.0 + 0.2 + 0.4 + 0.05 * 6 + 0.06 * 1.5 + 0.01 * 3
    c = op.units_for_option("C").set_index("unit_id")
    assert (c["role"] == "hub").sum() == 6 and (c["role"] == "branch").sum() == 6
    kop = c.loc["Köping"]
    assert kop["births_team"] == 221 + 119 + 70
    moved = 410 * kk * 1.0 * (45 / 60) / 1400
    assert kop["moved_fte"] == pytest.approx(moved)
    assert kop["need_fte"] == pytest.approx(410 / 55 + moved) and kop["midwives"] == 8
    vas = c.loc["Västerås 1"]  # (1560 + 142 + 80) / 3 births, 12 midwives: above the report's 10
    assert vas["births_team"] == pytest.approx(594) and vas["midwives"] == 12 and bool(vas["over_max"])
    assert c.loc["Arboga (filial)", "team"] == "Köping" and math.isnan(c.loc["Arboga (filial)", "midwives"])
    b = op.units_for_option("B", v).set_index("unit_id")
    assert b.loc["Fagersta", "need_fte"] == pytest.approx(185 / 55 + 185 * kk * 0.5 * 0.75 / 1400)
    assert b.loc["Fagersta", "midwives"] == 3  # round(3.48) = 3 meets B's minimum of 3
    c4 = op.units_for_option("C", {**v, "c_vasteras_units": 4})
    assert (c4["town"] == "Västerås").sum() == 4 and not c4["over_max"].any()


def test_free_establishment_worst_case_splits_vasteras_at_the_minimum() -> None:
    d = op.units_for_option("D", scenario="worst")
    # all moved Kvinnokliniken visits go to Västerås: need = 1560/55 + 2569·2.27·0.5·0.75/1400 = 29.93 → 7 units
    vas = d[d["town"] == "Västerås"]
    assert len(vas) == 7 and vas["midwives"].tolist() == [4] * 7
    assert len(d) == 16 and (d["midwives"] >= 4).all()
    assert d.set_index("town").loc["Skinnskatteberg", "births_per_midwife"] == pytest.approx(31 / 4)


# --------------------------------------------------------------------------- capacity


def test_bed_days_worked_example() -> None:
    births = {("nulliparous", "vaginal"): 100, ("multiparous", "vaginal"): 100, ("nulliparous", "cs"): 50, ("multiparous", "cs"): 50}
    los = {("nulliparous", "vaginal"): 2.0, ("multiparous", "vaginal"): 1.0, ("nulliparous", "cs"): 3.0, ("multiparous", "cs"): 3.0}
    out = op.bed_days(births, los, share_24h_today=0.1, share_24h_target=0.2, occupancy=0.85, early_los_days=0.5)
    # today 100·2 + 100·1 + 50·3 + 50·3 = 600; 30 early today; vaginal not early stay (300 − 30·0.5)/170
    assert out["bed_days_today"] == 600
    assert out["los_vaginal_not_early"] == pytest.approx(285 / 170)
    assert out["switchers"] == pytest.approx(30)
    assert out["bed_days_freed"] == pytest.approx(30 * (285 / 170 - 0.5))  # 35.294
    assert out["beds_freed"] == pytest.approx(30 * (285 / 170 - 0.5) / 365 / 0.85)
    assert out["beds_today"] == pytest.approx(600 / 365 / 0.85)
    with pytest.raises(ValueError, match="more early discharges"):
        op.bed_days(births, los, 0.1, 0.9, 0.85, 0.5)


def test_births_and_stays_come_from_published_mfr() -> None:
    v = op.load_config().values()
    b = op.births_by_parity_mode(v)
    assert sum(b.values()) == pytest.approx(2440 * 1.036)
    assert b[("nulliparous", "vaginal")] == pytest.approx(793 * 1.036)
    assert b[("nulliparous", "cs")] + b[("multiparous", "cs")] == pytest.approx(2440 * 1.036 * 0.20041)
    los = op.los_by_parity_mode(v)
    assert los[("nulliparous", "cs")] == 2.896 and los[("multiparous", "vaginal")] == 1.565
    assert op.los_by_parity_mode({**v, "los_factor": 1.1})[("nulliparous", "cs")] == pytest.approx(2.896 * 1.1)


def test_capacity_moves_the_24h_share_with_the_postnatal_share() -> None:
    a, b, c = (op.capacity(k) for k in ("A", "B", "C"))
    assert a["share_24h_option"] == pytest.approx(0.11) and a["bed_days_freed"] == 0
    assert b["share_24h_option"] == pytest.approx(0.16) and c["share_24h_option"] == pytest.approx(0.21)
    assert c["bed_days_freed"] == pytest.approx(2 * b["bed_days_freed"])  # linear in the switchers
    assert c["visits_moved_from_kk"] == pytest.approx(2569 * 2.27)


# --------------------------------------------------------------------------- access


def test_access_a_is_today_and_c_moves_tasks_closer() -> None:
    a = op.access("A").summary
    assert a["travel_hours_saved"] == 0 and a["municipalities_gaining"] == 0 and a["municipalities_losing"] == 0
    assert a["bmm_mean_minutes"] == a["bmm_mean_minutes_today"]
    c = op.access("C")
    assert c.summary["nsv_mean_minutes"] < c.summary["nsv_mean_minutes_today"]
    assert c.summary["nsv_worst_municipality_minutes"] < a["nsv_worst_municipality_minutes"]
    muni = c.by_municipality[c.by_municipality["municipality_code"] != "19"]
    county = c.by_municipality.set_index("municipality_code").loc["19"]
    assert muni["moved_tasks_hours_change"].sum() == pytest.approx(county["moved_tasks_hours_change"])
    assert -county["moved_tasks_hours_change"] == pytest.approx(c.summary["travel_hours_saved"])
    assert len(muni) == 10 and set(muni["status"]) <= {"gains", "loses", "unchanged"}


def test_access_burden_equals_the_travel_module() -> None:
    ctx = op.travel_context()
    hubs = sorted(["Västerås", "Köping", "Fagersta", "Sala"])  # the module sorts sites: equal-time ties break alike
    ref = travel.burden_change(ctx.tm, ctx.origins, ["H_VAS"], hubs, visits_per_birth=1.0, co2_g_per_km=0)
    ref = ref.set_index("municipality_code").loc["19"]
    tasks = op.access("C").tasks.set_index("task")
    # postnatal checks: 1.0 visit per birth, all moved in C, 2 one-way trips (as travel_assumptions.yml)
    assert tasks.loc["postnatal_checks", "travel_hours_before"] == pytest.approx(ref["travel_hours_before"])
    assert tasks.loc["postnatal_checks", "travel_hours_after"] == pytest.approx(ref["travel_hours_after"])
    assert tasks.loc["postnatal_checks", "car_km_saved"] == pytest.approx(ref["car_km_saved"])
    assert tasks.loc["digital_care", "travel_hours_after"] == 0


def test_catchments_send_each_municipality_to_its_nearest_hub() -> None:
    ctx = op.travel_context()
    minutes = pd.DataFrame(ctx.tm.minutes, index=ctx.tm.origin_ids, columns=ctx.tm.site_ids)
    geo = op.geography().municipalities
    hubs = ["Västerås", "Köping", "Fagersta", "Sala"]
    for code, hub in op.load_config().catchments.items():
        row = minutes.loc[geo.loc[code, "seat"], hubs]
        assert row[hub] == row.min(), code


# --------------------------------------------------------------------------- figures, tornado, scorecard


def _changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {k for k in before if before[k] != pytest.approx(after[k]) if isinstance(before[k], (int, float))}


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("p_absent", 0.3, {"days_without_midwife", "worst_unit_days_without_midwife", "days_below_minimum"}),
        ("bed_occupancy_target", 0.9, {"beds_today", "beds_freed"}),
        ("share_24h_target", 0.3, {"share_24h_option", "bed_days_freed", "beds_freed"}),
        ("open_days_per_year", 245, {"days_without_midwife", "worst_unit_days_without_midwife", "days_below_minimum"}),
        ("visits_digital", 4, {"travel_hours_saved", "car_km_saved", "visits_moved_from_bmm"}),
    ],
)
def test_an_assumption_changes_exactly_the_figures_that_depend_on_it(key: str, value: float, expected: set[str]) -> None:
    base = op.option_figures("C")
    assert _changed(base, op.option_figures("C", overrides={key: value})) == expected


def test_tornado_rows_and_values() -> None:
    cfg = op.load_config()
    t = op.tornado("C", "beds_freed")
    assert len(t) == len(cfg.assumptions) and t.iloc[0]["assumption"] == "share_24h_target"
    top = t.iloc[0]
    assert top["result_base"] == pytest.approx(op.option_figures("C")["beds_freed"])
    assert top["result_high"] == pytest.approx(op.option_figures("C", overrides={"share_24h_target": 0.30})["beds_freed"])
    assert t.set_index("assumption").loc["b_share_moved", "swing"] == 0  # B's share does not touch C
    with pytest.raises(KeyError):
        op.tornado("C", "no_such_metric")


def test_scorecard_marks_best_without_a_total() -> None:
    card = op.scorecard()
    cfg = op.load_config()
    assert len(card) == 5 * len(cfg.metrics)
    assert list(dict.fromkeys(card["row"])) == ["A", "B", "C", "D – bästa fall", "D – sämsta fall"]
    assert (card["low"] <= card["base"] + 1e-9).all() and (card["base"] <= card["high"] + 1e-9).all()
    best = card[card["best"]]
    assert best[best["metric"] == "travel_hours_saved"]["row"].tolist() == ["C"]
    assert best[best["metric"] == "bmm_mean_minutes"]["row"].tolist() == ["A"]
    assert not card.loc[card["direction"] == "none", "best"].any()
    assert "total" not in " ".join(card.columns)
    table = op.scorecard_table(card)
    assert table.shape == (len(cfg.metrics), 6) and list(table.columns[1:]) == list(dict.fromkeys(card["row"]))
    beds = table.set_index("Mått").loc["Frigjorda vårdplatser på BB"]
    assert beds["C"].startswith("1,1 (") and beds["C"].endswith("★") and "★" not in beds["A"]
    comparison = op.comparison_results()
    assert comparison["best"]["beds_freed"] == ["C"]
    json.dumps(comparison)


# --------------------------------------------------------------------------- evidence and results


def test_evidence_links_degrade_when_results_are_missing(tmp_path: Path) -> None:
    out = op.evidence_links("C", tmp_path)
    assert out["riskmix"]["available"] is False and out["riskmix"]["status"] == "not available yet"
    assert out["nullipara"]["available"] is False


def test_evidence_links_read_other_chapters(tmp_path: Path) -> None:
    codes = op.geography().municipalities.index
    riskmix = {"by_municipality": {c: {"no_risk_factor": 20.0, "bmi_ge30": 25.0, "n": 500} for c in codes},
               "no_risk_share": {"region": 20.0, "nation": 25.0}, "synthetic": True}  # fmt: skip
    nullipara = {"outcomes": {  # the structure casemix.nullipara_results writes
        "cs_emergency": {"label_sv": "Akut kejsarsnitt", "regions": {
            "19": {"n": 1000, "observed": 150, "expected": 120, "oe": 1.25, "oe_low": 1.06, "oe_high": 1.46}}},
        "oasis": {"label_sv": "Sfinkterskada", "regions": {
            "19": {"n": 900, "observed": 40, "expected": 45, "oe": 0.89, "oe_low": 0.65, "oe_high": 1.19}}},
    }}
    (tmp_path / "riskmix.json").write_text(json.dumps(riskmix), encoding="utf-8")
    (tmp_path / "nullipara.json").write_text(json.dumps(nullipara), encoding="utf-8")
    out = op.evidence_links("C", tmp_path)
    fag = next(r for r in out["riskmix"]["by_narsjukvard_town"] if r["narsjukvard_town"] == "Fagersta")
    assert fag["births_per_year"] == 111 + 43 + 31
    assert fag["women_with_risk_factor_per_year"] == pytest.approx(185 * 0.8)
    assert fag["women_per_factor_per_year"]["bmi_ge30"] == pytest.approx(185 * 0.25)
    assert out["nullipara"]["largest_excess"] == "cs_emergency"
    assert out["nullipara"]["outcomes"][0]["excess"] == 30 and out["nullipara"]["outcomes"][0]["significant"]
    a = op.evidence_links("A", tmp_path)  # A: närsjukvård tasks stay in Västerås, one catchment for all
    assert [r["narsjukvard_town"] for r in a["riskmix"]["by_narsjukvard_town"]] == ["Västerås"]


def test_option_results_are_plain_json(tmp_path: Path) -> None:
    res = op.option_results("D", results_dir=tmp_path)
    text = json.dumps(res, sort_keys=True)
    assert json.loads(text) == res
    assert set(res["cases"]) == {"best", "worst"} and res["main_case"] == "best"
    assert res["staffing"] == {"min": 4, "max": 10}
    assert res["matrix_sv"]["Bemanningskrav"] == "4–10 barnmorskor."
    worst = res["cases"]["worst"]
    assert worst["figures"]["units"] == 16 and worst["ranges"]["units"][0] <= 16 <= worst["ranges"]["units"][2]
    assert res["evidence"]["riskmix"]["available"] is False
