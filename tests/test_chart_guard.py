"""Issue 17 item 6: a chart only receives data approved by the disclosure helper (positive guard)."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from analysis.common import disclosure
from analysis.render import charts


def _records(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({"age": rng.integers(18, 45, n), "bmi": rng.normal(25, 4, n).round(1), "cs": rng.integers(0, 2, n)})


def test_2500_individual_records_are_refused_naming_the_chart() -> None:
    chart = alt.Chart(_records(2500)).mark_point().encode(x="age", y="bmi").properties(title="Ålder och BMI")
    with pytest.raises(charts.IndividualDataError, match="Ålder och BMI.*disclosure"):
        charts.check_aggregated(chart.to_dict())
    charts.enable()
    with pytest.raises(charts.IndividualDataError):
        chart._repr_mimebundle_()


def test_a_tiny_unapproved_frame_is_refused_too() -> None:
    chart = alt.Chart(pd.DataFrame({"a": ["x"], "b": [1.0]})).mark_bar().encode(x="a", y="b")
    with pytest.raises(charts.IndividualDataError, match="untitled chart"):
        charts.check_aggregated(chart.to_dict())


def test_approved_aggregates_and_non_person_data_pass() -> None:
    agg = disclosure.chart_data(pd.DataFrame({"grupp": ["a", "b"], "n": [12, np.nan], "pct": [40.0, np.nan]}))
    line = disclosure.non_person(pd.DataFrame({"y": [1.0]}), "reference line")
    chart = alt.layer(alt.Chart(agg).mark_bar().encode(x="grupp", y="pct"), alt.Chart(line).mark_rule().encode(y="y"))
    charts.check_aggregated(chart.to_dict())
    # A changed frame is a different dataset: approval is by content, not by object.
    changed = agg.assign(pct=[41.0, np.nan])
    with pytest.raises(charts.IndividualDataError):
        charts.check_aggregated(alt.Chart(changed).mark_bar().encode(x="grupp", y="pct").to_dict())


def test_chart_data_refuses_visible_small_counts() -> None:
    with pytest.raises(ValueError, match="'n'.*below 5"):
        disclosure.chart_data(pd.DataFrame({"grupp": ["a", "b"], "n": [12, 3]}))
    with pytest.raises(ValueError, match="'antal'"):
        disclosure.chart_data(pd.DataFrame({"g": ["a"], "antal": [2]}), counts=["antal"])
    disclosure.chart_data(pd.DataFrame({"g": ["a"], "n": [0]}))  # an empty group reveals nothing
    with pytest.raises(ValueError, match="say what"):
        disclosure.non_person(pd.DataFrame({"x": [1]}), "")


def test_stream_output_with_a_traceback_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    nb = {
        "cells": [
            {"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stderr", "text": ["warning: fine\n"]}]},
            {
                "cell_type": "code",
                "outputs": [
                    {
                        "output_type": "stream",
                        "name": "stderr",
                        "text": ["Traceback (most recent call last):\n", '  File "x.py", line 1\n', "ValueError: boom\n"],
                    }
                ],
            },
        ]
    }
    path = tmp_path / "page.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    found = disclosure.stream_tracebacks(path)
    assert len(found) == 1 and "cell 2" in found[0] and "ValueError: boom" in found[0]
