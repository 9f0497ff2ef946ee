"""Robson groups with missing values (audit item 6): classify where the group does not need the missing value."""

from __future__ import annotations

import pandas as pd

from analysis.chapters.nullipara import robson

# parity, previous_cs, plurality, presentation, weeks, onset, expected group
EDGE_ROWS = [
    (1, True, 1, "cephalic", 39, None, "5"),  # previous CS at term: onset not needed
    (0, False, 1, "breech", 39, None, "6"),  # breech: onset not needed
    (2, None, 1, "breech", None, None, "7"),  # breech multipara: previous CS, weeks, onset not needed
    (1, False, 2, "cephalic", None, "spontaneous", "8"),  # twins: weeks not needed
    (None, None, 2, None, None, None, "8"),  # twins: nothing else needed
    (0, None, 1, "cephalic", 40, "spontaneous", "1"),  # nullipara: cannot have a previous CS
    (0, None, 1, "cephalic", 40, "induced", "2a"),
    (None, None, 1, "cephalic", 33, None, "10"),  # preterm cephalic: parity and onset not needed
    (1, None, 1, "other", None, None, "9"),  # transverse lie
    (0, False, 1, "cephalic", 40, None, "unclassified"),  # 1 or 2: needs onset
    (1, None, 1, "cephalic", 39, "spontaneous", "unclassified"),  # 3 or 5: needs previous CS
    (None, False, 1, "breech", 39, "spontaneous", "unclassified"),  # 6 or 7: needs parity
    (1, False, 1, "cephalic", None, "spontaneous", "unclassified"),  # 3 or 10: needs weeks
    (1, False, None, "cephalic", 39, "spontaneous", "unclassified"),  # plurality needed by every group
    (0, True, 1, "breech", 39, None, "unclassified"),  # contradictory: nullipara with previous CS
    (1, False, 1, "cephalic", 39, "unknown_code", "unclassified"),  # contradictory code
]


def _frame() -> pd.DataFrame:
    cols = ["parity", "previous_cs", "plurality", "presentation", "gestational_weeks", "onset", "expected"]
    frame = pd.DataFrame(EDGE_ROWS, columns=cols)
    frame["previous_cs"] = frame["previous_cs"].astype("boolean")
    frame["gestational_weeks"] = frame["gestational_weeks"].astype("Int64")
    frame["mode"] = "emergency_cs"
    return frame


def test_missing_values_classified_where_the_group_does_not_need_them() -> None:
    frame = _frame()
    assert robson.robson_group(frame).tolist() == frame["expected"].tolist()


def test_truly_unclassifiable_rows_are_counted() -> None:
    table = robson.robson_table(_frame())
    quality = robson.robson_quality(table)
    assert quality["unclassified_n"] == 7
    assert table.set_index("group").loc["total", "n"] == len(EDGE_ROWS)
