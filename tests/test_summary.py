"""Summary page: key messages from hand-made option and comparison results."""

from __future__ import annotations

from typing import Any

import pytest

from analysis.chapters.summary import text
from analysis.chapters.summary.config import load_summary_config
from analysis.chapters.summary.messages import case_facts, municipality_net_minutes, option_messages


def _figures(**over: Any) -> dict[str, Any]:
    base = {"units": 7, "branches": 6, "midwives_total": 52.0, "vardcentraler_bmm_keep_min": 0,
            "vardcentraler_bmm_keep_max": 0, "bmm_units_today": 26, "travel_hours_saved": 670.0,
            "bmm_travel_hours_change": 640.0, "net_travel_hours_change": -30.0, "bmm_mean_minutes": 7.2,
            "bmm_mean_minutes_today": 6.5, "losing": ["Västerås"], "gaining": ["Norberg", "Sala"],
            "worst_unit_days_without_midwife": 3.4, "visits_moved_from_kk": 5815.0}  # fmt: skip
    return {**base, **over}


def _ranges(**over: list[float]) -> dict[str, list[float]]:
    base = {"midwives_total": [41.0, 52.0, 59.0], "net_travel_hours_change": [-380.0, -30.0, 250.0],
            "days_without_midwife_per_1000_births": [50.0, 126.0, 810.0], "beds_freed": [0.5, 1.1, 2.0]}  # fmt: skip
    return {**base, **over}


def _option(key: str, cases: dict[str, dict[str, Any]], main: str = "base") -> dict[str, Any]:
    return {"option": key, "main_case": main, "cases": cases}


COMPARISON = {
    "scorecard": [{"option": "C", "case": "base", "row": "C"}, {"option": "D", "case": "best", "row": "D – bästa fall"},
                  {"option": "D", "case": "worst", "row": "D – sämsta fall"}],
    "tiers": {"net_travel_hours_change": {"C": "equal", "D – bästa fall": "equal", "D – sämsta fall": "equal"},
              "days_without_midwife_per_1000_births": {"C": "best", "D – bästa fall": "best", "D – sämsta fall": "worst"},
              "beds_freed": {"C": "best", "D – bästa fall": "middle", "D – sämsta fall": "worst"}},
}  # fmt: skip


def test_every_configured_message_is_built_in_order_with_its_certainty() -> None:
    cfg = load_summary_config()
    c = _option("C", {"base": {"figures": _figures(), "ranges": _ranges(), "municipalities": []}})
    msgs = option_messages(c, COMPARISON, cfg)
    assert [m.kind for m in msgs] == list(cfg.messages)
    assert {m.certainty for m in msgs} <= set(cfg.certainty_sv)
    assert msgs[0].cases[0].tier("beds_freed") == "best"


def test_travel_within_the_resolution_says_so_and_names_both_parts() -> None:
    (c,) = case_facts(_option("C", {"base": {"figures": _figures(), "ranges": _ranges()}}), COMPARISON)
    sentence = text.travel(c, resolution_hours=860.0)
    assert "−670" in sentence and "+640" in sentence and "−30" in sentence and "860" in sentence
    more = case_facts(_option("C", {"base": {"figures": _figures(net_travel_hours_change=1200.0),
                                             "ranges": _ranges(net_travel_hours_change=[900.0, 1200.0, 1500.0])}}), COMPARISON)  # fmt: skip
    assert text.travel(more[0], resolution_hours=860.0).startswith(
        "Kvinnorna i länet reser sammanlagt omkring 1\u00a0200 timmar mer"
    )


def test_structure_names_how_many_of_todays_bmm_remain() -> None:
    (c,) = case_facts(_option("C", {"base": {"figures": _figures(), "ranges": _ranges()}}), COMPARISON)
    assert text.structure(c).endswith("Ingen av dagens 26 BMM på vårdcentralerna finns kvar.")
    (d,) = case_facts(
        _option("C", {"base": {"figures": _figures(vardcentraler_bmm_keep_max=7), "ranges": _ranges()}}), COMPARISON
    )
    assert "Mellan 0 och 7 av dagens 26" in text.structure(d)


def test_a_several_case_option_leads_each_case_with_its_name() -> None:
    d = _option("D", {"best": {"figures": _figures(), "ranges": _ranges()},
                      "worst": {"figures": _figures(visits_moved_from_kk=0.0), "ranges": _ranges()}}, main="best")  # fmt: skip
    (m, *_) = [x for x in option_messages(d, COMPARISON, load_summary_config()) if x.kind == "capacity"]
    s = text.per_case(m, text.capacity)
    assert s.startswith("5\u00a0820 besök") and "Inga besök flyttas" in s
    assert "mellan enligt jämförelseregeln" in s


def test_municipality_minutes_per_row() -> None:
    c = _option("C", {"base": {"municipalities": [{"municipality": "Norberg", "net_minutes_per_birth": -104.0}]}})
    assert municipality_net_minutes([c], COMPARISON) == {"C": {"Norberg": pytest.approx(-104.0)}}


def test_a_case_below_its_own_staffing_rule_says_so_in_the_summary() -> None:
    d = _option("D", {"worst": {"figures": _figures(units_below_min=8), "ranges": _ranges()}}, main="worst")
    d["staffing"] = {"min": 4, "max": 10}
    (c,) = case_facts(d, COMPARISON)
    assert text.structure(c).endswith("8 av enheterna har färre barnmorskor än alternativets eget krav på minst 4.")
