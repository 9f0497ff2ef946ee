"""Decision-layer figures of the option pages: net travel, moved tasks, the staffing label, neutral framing."""

from __future__ import annotations

import pytest

from analysis.chapters.options import tables
from analysis.chapters.options.access import access
from analysis.chapters.options.config import load_config
from analysis.chapters.options.figures import option_figures
from analysis.common.formatting import sv_number

CASES = [("A", "base"), ("B", "base"), ("C", "base"), ("D", "best"), ("D", "worst")]


@pytest.mark.parametrize(("option", "case"), CASES)
def test_net_travel_is_the_sum_of_its_parts(option: str, case: str) -> None:
    f = option_figures(option, case)
    assert f.net_travel_hours_change == pytest.approx(f.bmm_travel_hours_change - f.travel_hours_saved)
    by = access(option, case).by_municipality
    county = by[by["municipality_code"] == "19"].iloc[0]
    munis = by[by["municipality_code"] != "19"]
    total = munis["moved_tasks_hours_change"] + munis["bmm_hours_change"]
    assert total.sum() == pytest.approx(f.net_travel_hours_change)
    assert county["moved_tasks_hours_change"] + county["bmm_hours_change"] == pytest.approx(f.net_travel_hours_change)


@pytest.mark.parametrize(("option", "case"), CASES)
def test_the_task_table_sums_to_the_headline_visits(option: str, case: str) -> None:
    f = option_figures(option, case)
    table = tables.moved_tasks_table(option, case)
    headline = f.visits_moved_from_kk + f.visits_moved_from_bmm
    if f.tasks_moved == 0:
        assert table.empty and headline == 0
        return
    assert len(table) == f.tasks_moved + 1  # one row per task and the sum
    assert table["Besök per år som flyttas"].iloc[-1] == sv_number(headline)
    tasks = access(option, case).tasks
    assert tasks["visits_moved"].sum() == pytest.approx(headline)


def test_a_case_below_its_own_staffing_rule_carries_the_label() -> None:
    cfg = load_config()
    for option, case in CASES:
        f = option_figures(option, case)
        c = cfg.options[option].case(case)
        assert f.units_below_min == 0 or c.staffing_note_sv, (option, case)
    worst = cfg.options["D"].case("worst")
    assert option_figures("D", "worst").units_below_min > 0 and "bemanningskrav" in worst.staffing_note_sv


def test_option_a_coordinates_tasks_within_the_narområden() -> None:
    # the report (5.4.2): A's tasks are coordinated between the vårdcentraler of each närområde, not sent to Västerås
    cfg = load_config()
    a = cfg.options["A"].case("base")
    assert a.narsjukvard_sites == ("Västerås", "Köping", "Fagersta", "Sala")
    assert cfg.assumptions["a_share_moved"].base > 0
    assert option_figures("A").visits_moved_from_kk > 0
