"""Options chapter (A–D): config validation, units, vulnerability, bed-days, access, scorecard."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
import yaml

from analysis.chapters.options import (
    access,
    capacity,
    config,
    demand,
    evidence,
    figures,
    geography,
    page,
    scorecard,
    tables,
    text,
    units,
    vulnerability,
)
from analysis.chapters.options.checks import check_option as _check_option
from analysis.chapters.travel import model as travel
from analysis.common import published

_MODULES = (tables, page, text, config, geography, demand, units, vulnerability, capacity, access, evidence, figures, scorecard)
# one namespace over the chapter's modules (later modules win), with the old dict-returning entry points
op = SimpleNamespace(**{k: v for m in _MODULES for k, v in vars(m).items() if not k.startswith("__")})
op.option_figures = lambda *a, **k: figures.option_figures(*a, **k).as_dict()
op.tradeoffs = lambda card: [str(text.tradeoff(t)) for t in scorecard.tradeoffs(card)]
op.option_results = page.option_figures_results
op.comparison_results = page.comparison_figures_results
op.page_texts = lambda option: page.option_glue_values(page.compute_option(option))


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
    assert a["share_24h_today"].base == pytest.approx(
        published.value("discharged_within_24h_pct", "19", "2023-2024 (not stated)") / 100
    )
    assert a["share_24h_target"].base == pytest.approx(
        published.value("discharged_within_24h_pct", "00", "2023-2024 (not stated)") / 100
    )
    assert a["bmm_units_today"].base == 26
    hubs = dict(op.load_config().options["C"].case().hubs)
    assert hubs["Västerås"] == (2, 4)  # the report's 2–4 larger BMM in Västerås (5.4.2)
    assert dict(op.load_config().options["D"].case("best").hubs)["Västerås"] == (2, 4)


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
    with pytest.raises(
        op.OptionsConfigError, match=r"'bed_occupancy_target': field 'low' \(0.95\) is greater than field 'high' \(0.8\)"
    ):
        op.build_config(options, tasks, assumptions)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda o, t, a: t["tasks"]["vaccination"].update(visits_key="nope"),
            r"task 'vaccination': field 'visits_key': unknown assumption 'nope'",
        ),
        (
            lambda o, t, a: a["assumptions"]["b_share_moved"].update(high=1.5),
            r"'b_share_moved': a share must lie between 0 and 1",
        ),
        (
            lambda o, t, a: a["assumptions"]["b_vasteras_units"].update(low=2.5),
            r"'b_vasteras_units': a count must be a whole number",
        ),
        (
            lambda o, t, a: o["options"]["C"]["cases"]["base"]["units"]["hubs"].update({"Västerås": {"between": [4, 2]}}),
            r"'units.hubs.Västerås.between'",
        ),
        (lambda o, t, a: o["options"]["A"]["cases"]["base"].update(vardcentral_bmm="some"), r"option 'A'.*'vardcentral_bmm'"),
        (lambda o, t, a: a["assumptions"]["a_cover_partners"].update(base=0.5), r"'a_cover_partners': must be a whole number"),
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
            "team": ["u1", "u2", "u4", "u2b", "u4"],
            "births_team": [50.0, 100.0, 200.0, 100.0, math.nan],
            "midwives": [1, 2, 4, 2, math.nan],
            "min_required": [1, 1, 3, 3, 3],
        }
    )
    v = op.vulnerability(units, p_absent=0.2, days=250).set_index("unit_id")
    assert list(v.index) == ["u1", "u2", "u4", "u2b", "branch"]
    staffed = v.loc[["u1", "u2", "u4", "u2b"]]
    assert staffed["p_no_midwife"].tolist() == pytest.approx([0.2, 0.04, 0.0016, 0.04])
    assert staffed["days_no_midwife"].tolist() == pytest.approx([50.0, 10.0, 0.4, 10.0])
    # P(fewer than 3 of 4 present) = 0.2^4 + 4·0.8·0.2^3 + 6·0.8^2·0.2^2 = 0.0016 + 0.0256 + 0.1536
    assert v.loc["u4", "p_below_min"] == pytest.approx(0.1808)
    assert v.loc["u4", "days_below_min"] == pytest.approx(45.2)
    assert v.loc["u1", "p_below_min"] == pytest.approx(0.2)
    assert v.loc["u2b", "p_below_min"] == pytest.approx(1.0)
    assert staffed["below_min_staffed"].tolist() == [False, False, False, True]
    assert v.loc["branch", "days_no_midwife"] == 0  # a branch that never opens is never uncovered
    assert op.prob_fewer_present(3, 3, 0.2) == pytest.approx(1 - 0.8**3)


def test_samverkan_cover_by_hand() -> None:
    """Option A: a partner covers a unit only when it has at least 2 present (it keeps 1, like a hub with a branch)."""
    units = pd.DataFrame(
        {"unit_id": ["a", "b", "c"], "role": ["bmm"] * 3, "town": ["T"] * 3, "municipality": ["M"] * 3,
         "team": ["a", "b", "c"], "births_team": [30.0, 60.0, 90.0], "midwives": [1, 2, 3], "min_required": [1, 1, 1]}
    )  # fmt: skip
    v = op.vulnerability(units, 0.2, 250, partners={"a": ["b"], "b": ["a"], "c": []}).set_index("unit_id")
    # a (1 midwife) with partner b (2): a absent 0.2; b cannot send when at most 1 of its 2 is present:
    #   P(X_b <= 1) = 0.2^2 + 2 · 0.8 · 0.2 = 0.04 + 0.32 = 0.36 → 0.2 · 0.36 = 0.072 → 18 days a year
    # b (2) with partner a (1): a single midwife can never be sent → 0.2^2 · 1 = 0.04; c alone: 0.2^3 = 0.008
    assert v["p_no_midwife"].tolist() == pytest.approx([0.072, 0.04, 0.008])
    assert v.loc["a", "days_no_midwife"] == pytest.approx(18.0) and v.loc["a", "p_alone"] == pytest.approx(0.2)
    assert v.loc["a", "partners"] == "b"
    assert op.partner_cannot_send(2, 1, 0.2) == pytest.approx(0.36)
    # partner of 3: P(X <= 1) = 0.2^3 + 3 · 0.8 · 0.2^2 = 0.008 + 0.096 = 0.104
    assert op.partner_cannot_send(3, 1, 0.2) == pytest.approx(0.104)
    # two partners: a with b and c → 0.2 · 0.36 · 0.104 = 0.007488
    v2 = op.vulnerability(units, 0.2, 250, partners={"a": ["b", "c"]}).set_index("unit_id")
    assert v2.loc["a", "p_no_midwife"] == pytest.approx(0.2 * 0.36 * 0.104)
    # keeping 2 at home: b of 2 can never send (P = 1), c of 3 only when all 3 are present: 1 − 0.8^3 = 0.488
    v3 = op.vulnerability(units, 0.2, 250, partners={"a": ["b", "c"]}, kept_at_hub=2).set_index("unit_id")
    assert v3.loc["a", "p_no_midwife"] == pytest.approx(0.2 * 1.0 * 0.488)
    # in the real option A every partner lies in the unit's närområde and is its nearest unit there
    a = op.units_for_option("A")
    partners = op.cover_partners(a, 1)
    area = dict(zip(a["unit_id"], a["narområde"], strict=True))
    assert all(area[p] == area[u] for u, ps in partners.items() for p in ps)
    assert partners["VC16"] == ["VC03"]  # Skinnskatteberg is covered by Fagersta
    assert op.cover_partners(a, 0)["VC16"] == []


def test_branch_cover_by_hand() -> None:
    """A branch day is uncovered when the hub team, after keeping its own, has no one to send."""
    # team of 4, p = 0.2, one branch open 2 days a week, hub keeps 1: uncovered when X <= 1 present
    # P(X <= 1) = 0.2^4 + 4·0.8·0.2^3 = 0.0272 per branch day; 2 days/week → 0.0544 per week
    assert op.branch_uncovered_per_week(4, 1, 2, 1, 0.2) == pytest.approx(0.0544)
    # two branches, 2 days each: 4 branch-days on 4 different weekdays → 4 · 0.0272
    assert op.branch_uncovered_per_week(4, 2, 2, 1, 0.2) == pytest.approx(4 * 0.0272)
    # two branches open every day: b = 2 each weekday; X=0,1 → 2 closed, X=2 → 1 closed
    p0, p1, p2 = 0.2**4, 4 * 0.8 * 0.2**3, 6 * 0.8**2 * 0.2**2
    assert op.branch_uncovered_per_week(4, 2, 5, 1, 0.2) == pytest.approx(5 * (2 * (p0 + p1) + p2))
    units = pd.DataFrame(
        {"unit_id": ["hub", "f1", "f2"], "role": ["hub", "branch", "branch"], "town": ["H", "F1", "F2"],
         "municipality": ["M"] * 3, "team": ["hub", "hub", "hub"], "births_team": [185.0, math.nan, math.nan],
         "midwives": [4, math.nan, math.nan], "min_required": [4, 4, 4]}
    )  # fmt: skip
    v = op.vulnerability(units, 0.2, 250, branch_days_per_week=2, kept_at_hub=1).set_index("unit_id")
    # per branch: 0.0272 per branch day × 2 days/week × 50 weeks = 2.72 days of its 100 open days
    assert v.loc["f1", "days_no_midwife"] == pytest.approx(2.72) and v.loc["f1", "open_days"] == pytest.approx(100)
    assert v.loc["f1", "p_no_midwife"] == pytest.approx(0.0272)
    assert v.loc["hub", "days_no_midwife"] == pytest.approx(0.4)
    # the real option C: Fagersta's hub (4 midwives) staffs Norberg and Skinnskatteberg: 2.72 days each
    c = op.option_vulnerability("C").set_index("unit_id")
    assert c.loc["Norberg (filial)", "days_no_midwife"] == pytest.approx(2.72)
    assert op.option_figures("C")["days_without_midwife_branches"] == pytest.approx(
        c.loc[c["midwives"].isna(), "days_no_midwife"].sum()
    )


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
    assert (c["role"] == "hub").sum() == 7 and (c["role"] == "branch").sum() == 6
    kop = c.loc["Köping"]
    assert kop["births_team"] == 221 + 119 + 70
    moved = 410 * kk * 1.0 * (45 / 60) / 1400
    assert kop["moved_fte"] == pytest.approx(moved)
    assert kop["need_fte"] == pytest.approx(410 / 55 + moved) and kop["midwives"] == 8
    assert c.loc["Arboga (filial)", "team"] == "Köping" and math.isnan(c.loc["Arboga (filial)", "midwives"])
    assert c.loc["Arboga (filial)", "label_sv"] == "Arboga: filial till Köping"
    b = op.units_for_option("B", v).set_index("unit_id")
    assert b.loc["Fagersta", "need_fte"] == pytest.approx(185 / 55 + 185 * kk * 0.5 * 0.75 / 1400)
    assert b.loc["Fagersta", "midwives"] == 3  # round(3.48) = 3 meets B's minimum of 3


def test_vasteras_takes_the_smallest_count_of_the_reports_2_to_4_within_the_maximum() -> None:
    kk = 2.27
    area = 1560 + 142 + 80  # Västerås, Hallstahammar, Surahammar
    need = area / 55 + area * kk * 1.0 * 0.75 / 1400  # C moves every task: 34.57 FTE in Västerås
    assert round(need / 2) > 10 and round(need / 3) > 10 and round(need / 4) <= 10  # 17, 12, 9 → 4 units
    for option, case in (("C", "base"), ("D", "best")):
        u = op.units_for_option(option, scenario=case)
        vas = u[u["town"] == "Västerås"]
        assert len(vas) == 4 and not u["over_max"].any(), option
        assert (u.loc[u["role"] != "branch", "midwives"] <= 10).all()
    c = op.units_for_option("C").set_index("unit_id")
    assert c.loc["Västerås 1", "births_team"] == pytest.approx(area / 4) and c.loc["Västerås 1", "midwives"] == 9
    # fewer births per midwife: the count stays within 2–4; if even 4 is too few, the units are flagged
    v = op.load_config().values()
    tight = op.units_for_option("C", {**v, "births_per_midwife": 30})
    assert (tight["town"] == "Västerås").sum() == 4 and tight["over_max"].any()
    loose = op.units_for_option("C", {**v, "births_per_midwife": 200, "c_share_moved": 0.0})
    assert (loose["town"] == "Västerås").sum() == 2  # the smallest count that fits
    assert op.option_figures("C")["hub_counts"] == {"Västerås": 4, "Köping": 1, "Fagersta": 1, "Sala": 1}


def test_free_establishment_worst_case_is_fragmented_and_moves_nothing() -> None:
    d = op.units_for_option("D", scenario="worst").set_index("unit_id")
    # no task moves: Västerås needs 1560/55 = 28.4 FTE → providers open floor(28.4/4) = 7 units of 4 midwives
    vas = d[d["town"] == "Västerås"]
    assert len(vas) == 7 and vas["midwives"].tolist() == [4] * 7 and (vas["role"] == "bmm").all()
    assert d.loc["Köping", "role"] == "bmm" and d.loc["Köping", "midwives"] == 4  # 221/55 = 4.02 fills the minimum
    # elsewhere the region runs last-resort units at what the volume supports, at least one midwife
    expected = {
        "Skinnskatteberg": 1,
        "Norberg": 1,
        "Kungsör": 1,
        "Surahammar": 1,
        "Fagersta": 2,
        "Arboga": 2,
        "Hallstahammar": 3,
        "Sala": 3,
    }  # round(31/55)=1 (floor 1), 43/55, 70/55, 80/55, 111/55, 119/55, 142/55, 192/55
    for town, n in expected.items():
        assert d.loc[town, "role"] == "last_resort" and d.loc[town, "midwives"] == n, town
    assert len(d) == 16 and d["moved_fte"].fillna(0).sum() == 0
    f = op.option_figures("D", "worst")
    assert f["visits_moved_from_kk"] == 0 and f["bed_days_freed"] == 0 and f["travel_hours_saved"] == 0
    assert f["nsv_mean_minutes"] == pytest.approx(f["nsv_mean_minutes_today"])
    assert f["single_midwife_units"] == 4 and f["units_below_min"] == 8 and f["last_resort_units"] == 8
    # no cover between fragmented units: Skinnskatteberg's single midwife is absent 20 % of 250 days
    assert f["worst_unit_days_without_midwife"] == pytest.approx(50.0)
    best = op.option_figures("D", "best")
    assert f["days_without_midwife"] > best["days_without_midwife"] and f["bed_days_freed"] < best["bed_days_freed"]
    # a floor of two midwives (the assumption's high value) removes the single-midwife units
    assert op.option_figures("D", "worst", {"d_last_resort_min_midwives": 2})["single_midwife_units"] == 0


def test_vardcentraler_keeping_bmm() -> None:
    keep = {(o, c): (op.option_figures(o, c)["vardcentraler_bmm_keep_min"], op.option_figures(o, c)["vardcentraler_bmm_keep_max"])
            for o, c in op.option_cases()}  # fmt: skip
    assert keep[("A", "base")] == (26, 26)  # today's structure
    assert keep[("B", "base")] == (6, 6)  # the designated vårdcentraler: 3 in Västerås + Köping, Fagersta, Sala
    assert keep[("C", "base")] == (0, 0)  # "Inga vårdcentraler som har kvar BMM"
    assert keep[("D", "best")] == (0, 7) and keep[("D", "worst")] == (0, 8)  # "vissa": up to the provider units
    assert op.option_figures("B")["vardcentraler_bmm_lose_min"] == 20


# --------------------------------------------------------------------------- capacity


def test_bed_days_worked_example() -> None:
    births = {
        ("nulliparous", "vaginal"): 100,
        ("multiparous", "vaginal"): 100,
        ("nulliparous", "cs"): 50,
        ("multiparous", "cs"): 50,
    }
    los = {
        ("nulliparous", "vaginal"): 2.0,
        ("multiparous", "vaginal"): 1.0,
        ("nulliparous", "cs"): 3.0,
        ("multiparous", "cs"): 3.0,
    }
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
    # A moves a fifth of the postnatal checks: 11 % + 0,2 × (21 − 11) % = 13 %
    assert a["share_24h_option"] == pytest.approx(0.13)
    assert b["share_24h_option"] == pytest.approx(0.16) and c["share_24h_option"] == pytest.approx(0.21)
    assert c["bed_days_freed"] == pytest.approx(2 * b["bed_days_freed"])  # linear in the switchers
    assert b["bed_days_freed"] == pytest.approx(2.5 * a["bed_days_freed"])


# --------------------------------------------------------------------------- access


def test_access_a_keeps_todays_bmm_and_c_moves_tasks_closer() -> None:
    a = op.access("A").summary
    # A keeps today's BMM and coordinates a smaller share of the tasks within each närområde (report 5.4.2)
    assert a["bmm_mean_minutes"] == a["bmm_mean_minutes_today"] and a["bmm_travel_hours_change"] == 0
    assert a["travel_hours_saved"] > 0 and a["municipalities_losing"] == 0
    assert a["narsjukvard_sites"] == ["Västerås", "Köping", "Fagersta", "Sala"]
    c = op.access("C")
    assert c.summary["nsv_mean_minutes"] < c.summary["nsv_mean_minutes_today"]
    assert c.summary["nsv_worst_municipality_minutes"] <= a["nsv_worst_municipality_minutes"]  # same four towns
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


def test_digital_care_is_no_options_task_and_equal_for_all() -> None:
    cfg = op.load_config()
    assert all("digital_care" not in op.case_tasks(o, c) for o in cfg.options.values() for c in o.cases)
    ctx = op.bmm_travel_context()  # digital visits replace trips to today's BMM, in the BMM model
    today = sorted({s for s, _, _, _ in op.today_bmm_allocation(26)})
    ref = travel.annual_burden(ctx.tm, ctx.origins, today, 1.0, co2_g_per_km=0, round_trip_factor=1.0)
    ref_hours = ref.loc[ref["municipality_code"] != "19", "travel_hours"].sum()
    figs = {(o, c): op.option_figures(o, c) for o, c in op.option_cases()}
    # 2 digital visits per birth, each replacing a return trip (2 one-way) to today's BMM
    assert all(f["digital_hours_saved"] == pytest.approx(ref_hours * 2 * 2) for f in figs.values())
    for f in figs.values():  # the headline is the split's net: Kvinnokliniken tasks + BMM tasks
        assert f["travel_hours_saved"] == pytest.approx(f["travel_hours_saved_kk_tasks"] + f["travel_hours_saved_bmm_tasks"])
    assert figs[("B", "base")]["travel_hours_saved_bmm_tasks"] < 0  # BMM tasks move away from the local BMM


def test_today_bmm_baselines() -> None:
    f = op.option_figures("A")
    assert f["bmm_units_today"] == 26 and f["vardcentraler"] == 34
    assert f["bmm_mean_minutes_all_vc"] == pytest.approx(6.22, abs=0.01)  # the travel chapter's "BMM idag"
    assert f["bmm_mean_minutes_today"] == pytest.approx(6.46, abs=0.01)  # 1 km cells, calibrated road model


def test_catchments_send_each_municipality_to_its_nearest_hub() -> None:
    ctx = op.travel_context()
    minutes = pd.DataFrame(ctx.tm.minutes, index=ctx.tm.origin_ids, columns=ctx.tm.site_ids)
    geo = op.geography().municipalities
    hubs = ["Västerås", "Köping", "Fagersta", "Sala"]
    for code, hub in op.load_config().catchments.items():
        row = minutes.loc[travel.tatort_cells()[geo.loc[code, "seat"]], hubs]  # the seat's 1 km cell
        assert row[hub] == row.min(), code


# --------------------------------------------------------------------------- figures, tornado, scorecard


def _changed(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    return {k for k in before if before[k] != pytest.approx(after[k]) if isinstance(before[k], (int, float))}


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (
            "p_absent",
            0.3,
            {
                "days_without_midwife",
                "worst_unit_days_without_midwife",
                "days_below_minimum",
                "days_without_midwife_units",
                "days_without_midwife_branches",
                "days_without_midwife_per_1000_births",
            },
        ),
        ("bed_occupancy_target", 0.9, {"beds_today", "beds_freed"}),
        ("share_24h_target", 0.3, {"share_24h_option", "bed_days_freed", "beds_freed"}),
        (
            "open_days_per_year",
            245,
            {
                "days_without_midwife",
                "worst_unit_days_without_midwife",
                "days_below_minimum",
                "days_without_midwife_units",
                "days_without_midwife_branches",
                "days_without_midwife_per_1000_births",
            },
        ),
        ("visits_digital", 4, {"digital_hours_saved", "digital_km_saved", "digital_visits_per_birth"}),
        (
            "branch_days_per_week",
            5,
            {
                "days_without_midwife",
                "days_without_midwife_branches",
                "worst_unit_days_without_midwife",
                "days_without_midwife_per_1000_births",
            },
        ),
    ],
)
def test_an_assumption_changes_exactly_the_figures_that_depend_on_it(key: str, value: float, expected: set[str]) -> None:
    base = op.option_figures("C")
    assert _changed(base, op.option_figures("C", overrides={key: value})) == expected


@pytest.mark.slow
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


@pytest.mark.slow
def test_scorecard_tiers_without_a_total() -> None:
    card = op.scorecard()
    cfg = op.load_config()
    assert "days_below_minimum" not in cfg.metrics  # not comparable: the minimums differ between options
    assert len(card) == 5 * len(cfg.metrics)
    assert list(dict.fromkeys(card["row"])) == ["A", "B", "C", "D – bästa fall", "D – sämsta fall"]
    assert (card["low"] <= card["base"] + 1e-9).all() and (card["base"] <= card["high"] + 1e-9).all()
    tier = card.set_index(["metric", "row"])["tier"]
    # BMM minutes on the 1 km grid: all within the model's 1-minute resolution → one tier, never ranked
    assert (card.loc[card["metric"] == "bmm_mean_minutes", "tier"] == "equal").all()
    assert (card.loc[card["metric"] == "bmm_worst_municipality_minutes", "tier"] == "equal").all()
    # midwives needed and the unweighted sum of unit-days are context: never ranked
    for key in ("midwives_total", "days_without_midwife", "units"):
        assert (card.loc[card["metric"] == key, "tier"] == "").all()
    # the births-weighted vulnerability: C best, A clearly worse than C (the review's 5 097 vs 126 case)
    assert tier[("days_without_midwife_per_1000_births", "C")] == "best"
    assert tier[("days_without_midwife_per_1000_births", "A")] in {"middle", "worst"}
    # any two rows in different tiers differ beyond the tolerance in every scenario
    for metric, grp in card[card["tier"].isin(["best", "middle", "worst"])].groupby("metric"):
        ranks = grp.set_index("row")["tier_rank"]
        for a in ranks.index:
            for b in ranks.index:
                if ranks[a] < ranks[b]:
                    sa = op.scenario_values(*_option_case(a), cfg)[metric]
                    sb = op.scenario_values(*_option_case(b), cfg)[metric]
                    sign = 1 if cfg.metrics[str(metric)].direction == "higher_is_better" else -1
                    assert ((sa - sb) * sign > grp["tolerance"].iloc[0]).all(), (metric, a, b)
    assert "total" not in " ".join(card.columns)
    table = op.scorecard_table(card)
    assert table.shape == (len(cfg.metrics), 7) and list(table.columns[1:6]) == list(dict.fromkeys(card["row"]))
    t = table.set_index("Mått")
    assert t.loc["Frigjorda vårdplatser på BB", "C"].endswith("– bäst")
    assert not t.loc["Barnmorskor som krävs"].str.contains("bäst|sämst|lika").any()
    assert t.loc["Barnmorskor som krävs", "Jämförelse"] == "sammanhang, rangordnas inte"
    assert t.loc["Restid till BMM i sämst ställda kommun (min)", "C"].endswith("– lika")
    comparison = op.comparison_results()
    assert comparison["best"]["beds_freed"] == ["C"]
    json.dumps(comparison)


def _option_case(row: str) -> tuple[str, str]:
    return {"A": ("A", "base"), "B": ("B", "base"), "C": ("C", "base"), "D – bästa fall": ("D", "best"),
            "D – sämsta fall": ("D", "worst")}[row]  # fmt: skip


@pytest.mark.slow
def test_page_texts_follow_the_sign_and_the_no_change_case() -> None:
    a = op.page_texts("A")  # A coordinates a fifth of the tasks within its närområden (report 5.4.2)
    assert "öka från 11\u00a0% till 13\u00a0%" in a["capacity_text"]
    assert "sparar netto omkring" in a["access_text"] and "ingen förlorar" in a["access_text"]
    d_worst = op.page_texts("D")["capacity_text"].split("I sämsta fallet:")[1]
    assert "förblir 11\u00a0%" in d_worst  # nothing moves: the 24-hour share stays
    b = op.page_texts("B")
    assert "Resorna till BMM i basprogrammet ökar med 790 timmar per år" in b["access_text"]
    assert "öka från 11\u00a0% till 16\u00a0%" in b["capacity_text"]
    assert "85\u00a0% (antagande" in b["capacity_assumptions"] and "antagande" in b["share_24h_target_text"]
    down, same = text.bmm_change(-12.0), text.bmm_change(0.1)
    assert down.key == "access.bmm_change.lower" and down.values["hours"] == "12" and same.key == "access.bmm_change.same"
    d = op.page_texts("D")
    assert d["access_text"].startswith("I bästa fallet:") and "I sämsta fallet:" in d["access_text"]
    assert "I sämsta fallet: inga besök flyttas från Kvinnokliniken" in d["capacity_text"]
    assert "I bästa fallet: mellan 0 och 7 vårdcentraler" in d["vc_text"]
    assert "sistahandsmottagningen i Skinnskatteberg" in d["vuln_text"]
    table = op.case_table("D")
    assert list(table.columns) == ["Mått", *[c.label_sv for c in op.load_config().options["D"].cases]]
    split = op.travel_split_table("C")
    assert split.shape == (4, 3) and "Digitala besök" in split.iloc[3, 0]


# --------------------------------------------------------------------------- evidence and results


def test_evidence_links_degrade_when_results_are_missing(tmp_path: Path) -> None:
    out = op.evidence_links("C", tmp_path)
    assert out["riskmix"]["available"] is False and out["riskmix"]["status"] == "not available yet"
    assert out["nullipara"]["available"] is False


def test_evidence_links_read_other_chapters(tmp_path: Path) -> None:
    codes = op.geography().municipalities.index
    riskmix = {"by_municipality": {c: {"no_risk_factor": 20.0, "bmi_ge30": 25.0, "n": 500} for c in codes},
               "no_risk_share": {"region": 20.0, "nation": 25.0}, "synthetic": True}  # fmt: skip
    nullipara = {
        "outcomes": {  # the structure casemix.nullipara_results writes
            "cs_emergency": {
                "label_sv": "Akut kejsarsnitt",
                "regions": {"19": {"n": 1000, "observed": 150, "expected": 120, "oe": 1.25, "oe_low": 1.06, "oe_high": 1.46}},
            },
            "oasis": {
                "label_sv": "Sfinkterskada",
                "regions": {"19": {"n": 900, "observed": 40, "expected": 45, "oe": 0.89, "oe_low": 0.65, "oe_high": 1.19}},
            },
        }
    }
    (tmp_path / "riskmix.json").write_text(json.dumps(riskmix), encoding="utf-8")
    (tmp_path / "nullipara.json").write_text(json.dumps(nullipara), encoding="utf-8")
    out = op.evidence_links("C", tmp_path)
    fag = next(r for r in out["riskmix"]["by_narsjukvard_town"] if r["narsjukvard_town"] == "Fagersta")
    assert fag["births_per_year"] == 111 + 43 + 31
    assert fag["women_with_risk_factor_per_year"] == pytest.approx(185 * 0.8)
    assert fag["women_per_factor_per_year"]["bmi_ge30"] == pytest.approx(185 * 0.25)
    assert out["nullipara"]["largest_excess"] == "cs_emergency"
    top = out["nullipara"]["outcomes"][0]
    assert top["excess"] == 30 and top["significant"] is None  # no stored verdict: nothing derived from the O/E interval
    a = op.evidence_links("A", tmp_path)  # A: tasks coordinated within each närområde, four catchments as in C
    assert sorted(r["narsjukvard_town"] for r in a["riskmix"]["by_narsjukvard_town"]) == [
        "Fagersta",
        "Köping",
        "Sala",
        "Västerås",
    ]


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


# --------------------------------------------------------------------------- second review (N1–N14)


def test_units_in_one_town_stand_on_different_vardcentraler() -> None:
    """N1: several units in a town get distinct sites (p-median over the town's vårdcentraler)."""
    for option, case, n in (("B", "base", 3), ("C", "base", 4), ("D", "best", 4), ("D", "worst", 7)):
        u = op.units_for_option(option, scenario=case)
        vas = u[(u["town"] == "Västerås") & u["midwives"].notna()]
        assert len(vas) == n and vas["site_id"].nunique() == n
        assert set(vas["site_id"]) <= set(op.town_vardcentraler("Västerås"))
    # today's 26 BMM: 26 different vårdcentraler
    today = op.today_bmm_allocation(26)
    assert len({s for s, _, _, _ in today}) == 26
    # a hand case: two vårdcentraler, one unit → a tie broken by the BMM listed in sites.csv (Fagersta VC03)
    assert op.place_in_town("Fagersta", 1) == ("VC03",)
    # the chosen sites minimise the mean distance from the town's vårdcentraler (check k = 2 by brute force)
    import itertools

    import numpy as np

    from analysis.common import geodata

    s = geodata.sites().set_index("site_id")
    vcs = op.town_vardcentraler("Västerås")
    xy = {v: (s.loc[v, "sweref99tm_x"], s.loc[v, "sweref99tm_y"]) for v in vcs}

    def cost(chosen: tuple[str, ...]) -> float:
        return float(np.mean([min(math.hypot(xy[a][0] - xy[b][0], xy[a][1] - xy[b][1]) for b in chosen) for a in vcs]))

    best = min(cost(c) for c in itertools.combinations(vcs, 2))
    assert cost(op.place_in_town("Västerås", 2)) == pytest.approx(best)


def test_bmm_access_resolves_units_inside_a_town_and_today_uses_the_same_model() -> None:
    """N1: B, C and D differ in BMM travel; A (today's units) equals today; the within-town leg at zero
    distance equals the graph's same-town trip (two urban access legs)."""
    figs = {(o, c): op.option_figures(o, c) for o, c in op.option_cases()}
    assert figs[("A", "base")]["bmm_mean_minutes"] == pytest.approx(figs[("A", "base")]["bmm_mean_minutes_today"])
    assert len({round(f["bmm_mean_minutes"], 3) for k, f in figs.items() if k != ("D", "best")}) == 4
    # fewer Västerås units → longer travel for Västerås: B (3) > C (4) > D worst (7) > today (14)
    vas = {
        k: op.access(k[0], k[1]).by_municipality.set_index("municipality")["bmm_minutes_option"]["Västerås"]
        for k in (("B", "base"), ("C", "base"), ("D", "worst"))
    }
    today = op.access("A").by_municipality.set_index("municipality")["bmm_minutes_today"]["Västerås"]
    assert vas[("B", "base")] > vas[("C", "base")] > vas[("D", "worst")] > today
    ctx = op.bmm_travel_context()
    assert ctx.origins["weight"].sum() == pytest.approx(op.travel_context().origins["weight"].sum())
    # origins are 1 km cells: two units in one town are told apart by the cells' own positions
    o = list(ctx.origins["origin_id"]).index(travel.tatort_cells()["Västerås"])
    near, far = (list(ctx.tm.site_ids).index(s) for s in ("VC22", "Köping"))
    assert ctx.tm.minutes[o, near] < ctx.tm.minutes[o, far]


def test_gain_loss_threshold_comes_from_the_assumptions() -> None:
    """N6: a municipality gains or loses only at ≥ the threshold minutes per birth and year."""
    by = op.access("D", "worst").by_municipality
    by = by[by["municipality_code"] != "19"].set_index("municipality")
    assert by.loc["Arboga", "status"] == "unchanged" and abs(by.loc["Arboga", "net_minutes_per_birth"]) < 10
    low = op.access("D", op.make_scenario("D", "worst", {"gain_loss_threshold_minutes": 0.5})).by_municipality
    assert (low["status"] == "loses").sum() > (by["status"] == "loses").sum()
    table = op.municipality_change_table("D")
    assert "Netto per födsel (sämsta), min" in table.columns and len(table) == 10


def test_births_weighted_days_without_midwife_by_hand() -> None:
    """N7: Σ days × births served per 1 000 births."""
    vul = pd.DataFrame({"unit_id": ["a", "b"], "days_no_midwife": [10.0, 1.0]})
    units = pd.DataFrame({"unit_id": ["a", "b"], "births_local": [100.0, 900.0]})
    # (10 · 100 + 1 · 900) / 1 000 births × 1 000 = 1 900
    assert op.days_per_1000_births(vul, units) == pytest.approx(1900.0)
    c = op.option_figures("C")
    assert c["days_without_midwife_per_1000_births"] < op.option_figures("A")["days_without_midwife_per_1000_births"]


def test_tornado_leaves_out_rows_without_a_visible_swing() -> None:
    """N12: zero swings (and swings under 1 % of the largest) are not drawn."""
    from analysis.chapters.options import charts as oc

    t = pd.DataFrame({"swing": [10.0, 0.05, 1e-12, 0.0], "result_base": [100.0] * 4, "label_sv": list("abcd")})
    assert oc.moving_rows(t)["label_sv"].tolist() == ["a"]
    assert not oc.tornado_has_bars(t.assign(swing=0.0))


def test_evidence_tables_label_synthetic_results_per_case(tmp_path: Path) -> None:
    """N2/N4/N11: captions say '(syntetiska data)', D has a risk table per case, births are 'Födda'."""
    codes = op.geography().municipalities.index
    riskmix = {"by_municipality": {c: {"no_risk_factor": 20.0, "n": 500} for c in codes}, "synthetic": True}
    nullipara = {"synthetic": True, "outcomes": {"oasis": {"label_sv": "Sfinkterskada", "regions": {
        "19": {"n": 900, "observed": 40, "expected": 45, "oe": 0.89, "oe_low": 0.65, "oe_high": 1.19}}}},
        "verdicts": {"oasis": {"funnel_position": "within", "adjusted_limits": True, "summary_sv": "ingen påvisad skillnad"}}}  # fmt: skip
    (tmp_path / "riskmix.json").write_text(json.dumps(riskmix), encoding="utf-8")
    (tmp_path / "nullipara.json").write_text(json.dumps(nullipara), encoding="utf-8")
    tables = op.evidence_tables("D", tmp_path)
    assert [k for k, _, _ in tables] == ["riskmix", "riskmix", "nullipara"]
    assert all("(syntetiska data)" in cap for _, _, cap in tables)
    assert "bästa fall" in tables[0][2] and "sämsta fall" in tables[1][2]
    assert "Födda per år (skattning)" in tables[0][1].columns
    assert "2\u00a0568" in tables[0][2] and "18\u00a0%" in tables[0][2]  # sourced county births, published no-risk share
    assert tables[2][1]["Bedömning i kapitlet"].tolist() == ["ingen påvisad skillnad"]
    assert op.load_config().options["D"].case("best").label_sv == "Bästa fall: orter som i C, uppdrag som i B"
