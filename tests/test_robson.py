"""Robson ten-group classification on hand-built rows and the WHO report table."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.chapters.nullipara import robson

# parity, previous_cs, plurality, presentation, weeks, onset, mode, expected group
ROWS = [
    (0, False, 1, "cephalic", 39, "spontaneous", "spontaneous_vaginal", "1"),
    (0, False, 1, "cephalic", 37, "spontaneous", "emergency_cs", "1"),
    (0, False, 1, "cephalic", 41, "induced", "emergency_cs", "2a"),
    (0, False, 1, "cephalic", 40, "prelabour_cs", "planned_cs", "2b"),
    (2, False, 1, "cephalic", 39, "spontaneous", "spontaneous_vaginal", "3"),
    (1, False, 1, "cephalic", 40, "induced", "vacuum", "4a"),
    (1, False, 1, "cephalic", 38, "prelabour_cs", "planned_cs", "4b"),
    (1, True, 1, "cephalic", 39, "spontaneous", "spontaneous_vaginal", "5"),
    (3, True, 1, "cephalic", 39, "prelabour_cs", "planned_cs", "5"),
    (0, False, 1, "breech", 34, "prelabour_cs", "planned_cs", "6"),
    (1, True, 1, "breech", 39, "spontaneous", "emergency_cs", "7"),
    (0, False, 2, "cephalic", 36, "spontaneous", "spontaneous_vaginal", "8"),
    (1, True, 3, "breech", 33, "prelabour_cs", "planned_cs", "8"),
    (1, False, 1, "other", 39, "prelabour_cs", "planned_cs", "9"),
    (0, False, 1, "cephalic", 36, "induced", "spontaneous_vaginal", "10"),
    (1, True, 1, "cephalic", 30, "spontaneous", "emergency_cs", "10"),
    (0, True, 1, "cephalic", 39, "spontaneous", "spontaneous_vaginal", "unclassified"),
    (1, False, 1, "cephalic", None, "spontaneous", "spontaneous_vaginal", "unclassified"),
    (1, None, 1, "cephalic", 39, "spontaneous", "spontaneous_vaginal", "unclassified"),
]


@pytest.fixture
def births() -> pd.DataFrame:
    cols = ["parity", "previous_cs", "plurality", "presentation", "gestational_weeks", "onset", "mode", "expected"]
    frame = pd.DataFrame(ROWS, columns=cols)
    frame["previous_cs"] = frame["previous_cs"].astype("boolean")
    frame["gestational_weeks"] = frame["gestational_weeks"].astype("Int64")
    frame["region"] = ["19"] * 10 + ["01"] * 9
    frame["year"] = 2023
    return frame


def test_every_group_is_assigned_as_defined(births: pd.DataFrame) -> None:
    got = robson.robson_group(births)
    assert got.tolist() == births["expected"].tolist()
    assert set(got) == {*robson.GROUPS, robson.UNCLASSIFIED}


def test_report_table_values(births: pd.DataFrame) -> None:
    table = robson.robson_table(births).set_index("group")
    assert table.loc["1", "n"] == 2 and table.loc["1", "cs"] == 1
    assert table.loc["1", "cs_rate_pct"] == pytest.approx(50.0)
    assert table.loc["1", "relative_size_pct"] == pytest.approx(100 * 2 / 19)
    total_cs = 10  # emergency or planned CS among the 19 rows
    assert table.loc["total", "cs"] == total_cs
    assert table.loc["5", "absolute_contribution_pct"] == pytest.approx(100 * 1 / 19)
    assert table.loc["8", "relative_contribution_pct"] == pytest.approx(100 * 1 / total_cs)
    groups = table.drop(index="total")
    assert groups["n"].sum() == 19
    assert groups["absolute_contribution_pct"].sum() == pytest.approx(table.loc["total", "cs_rate_pct"])
    assert groups["relative_contribution_pct"].sum() == pytest.approx(100.0)
    assert table.loc[["1", "2a", "2b"], "highlight"].all() and not table.loc["3", "highlight"]


def test_region_vs_nation_and_display(births: pd.DataFrame) -> None:
    both = robson.robson_comparison(births, "19")
    home = both[both["area"] == "19"].set_index("group")
    nation = both[both["area"] == "nation"].set_index("group")
    assert home.loc["total", "n"] == 10 and nation.loc["total", "n"] == 19
    assert home.loc["2b", "cs_rate_pct"] == pytest.approx(100.0)
    shown = robson.robson_display(robson.robson_table(births))
    assert shown["suppressed"].drop(index=shown.index[-1]).all()  # every group has < 5 women
    assert not shown["suppressed"].iloc[-1]  # 19 women and 10 CS in total
    quality = robson.robson_quality(robson.robson_table(births))
    assert quality["ratio_group1_to_group2"] == pytest.approx(1.0)
    assert not quality["group9_ok"]


def test_display_shows_an_empty_group_as_zero(births: pd.DataFrame) -> None:
    """A true zero (no deliveries in the group) reveals nothing and is shown; small groups stay hidden."""
    classified = births[births["expected"] != "unclassified"]
    table = robson.robson_table(pd.concat([classified] * 5, ignore_index=True))
    shown = robson.robson_display(table).set_index("group")
    empty = shown.loc[robson.UNCLASSIFIED]
    assert not empty["suppressed"] and empty["n"] == 0 and empty["cs"] == 0
    assert empty["relative_size_pct"] == 0 and empty["relative_contribution_pct"] == 0
    assert pd.isna(empty["cs_rate_pct"])  # undefined, not hidden
    # group 1 has 10 women but 5 caesareans -> shown; group 9 has 5 women, 5 caesareans -> shown;
    # group 3 has 5 women and no caesarean -> a zero in a non-empty group stays suppressed
    assert shown.loc["3", "suppressed"] and pd.isna(shown.loc["3", "n"])
