"""Offline renderer, Swedish number formatting and disclosure control."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import pytest

from analysis.common import disclosure, formatting
from analysis.render import charts


def test_swedish_number_formatting() -> None:
    assert formatting.sv_number(1234567.891, 2) == "1\u00a0234\u00a0567,89"
    assert formatting.sv_pct(12.345) == "12,3\u00a0%"
    assert formatting.sv_number(-3.25, 1) == "\u22123,2"
    assert formatting.sv_number(float("nan")) == "–"


def test_renderer_emits_local_vega_embed_call_without_cdn() -> None:
    charts.enable()
    chart = alt.Chart(disclosure.chart_data(pd.DataFrame({"a": ["x", "y"], "b": [1.5, 2.0]}))).mark_bar().encode(x="a", y="b")
    bundle = chart._repr_mimebundle_()
    html = bundle["text/html"] if isinstance(bundle, dict) else bundle[0]["text/html"]
    assert "window.vegaEmbed" in html and "cdn" not in html.lower() and "<script src" not in html
    assert '"decimal":","' in html.replace(" ", "")  # Swedish format locale passed to vega-embed


def test_renderer_refuses_individual_level_data() -> None:
    big = disclosure.chart_data(pd.DataFrame({"v": np.arange(charts.MAX_ROWS_PER_DATASET + 1)}))
    with pytest.raises(charts.IndividualDataError):
        charts.check_aggregated(alt.Chart(big).mark_point().encode(x="v").to_dict())
    ids = disclosure.non_person(pd.DataFrame({"delivery_id": ["a"], "v": [1]}), "test")
    with pytest.raises(charts.IndividualDataError, match="delivery_id"):
        charts.check_aggregated(alt.Chart(ids).mark_point().encode(x="v").to_dict())


def test_svg_uses_decimal_comma() -> None:
    chart = (
        alt.Chart(disclosure.chart_data(pd.DataFrame({"a": ["x"], "b": [0.5]})))
        .mark_bar()
        .encode(x="a", y=alt.Y("b", axis=alt.Axis(format=".1f")))
    )
    svg = charts.to_svg(chart)
    assert ">0,5<" in svg


def test_suppress_hides_small_cells_and_their_rates() -> None:
    table = pd.DataFrame({"kommun": ["A", "B", "C"], "n": [120, 4, 30], "cases": [12, 1, 3], "pct": [10.0, 25.0, 10.0]})
    out = disclosure.suppress(table, ["n", "cases"], ["pct"], min_cell=5)
    assert out["suppressed"].tolist() == [False, True, True]
    assert out.loc[0, "pct"] == 10.0
    assert out.loc[1, ["n", "cases", "pct"]].isna().all()
    assert out.loc[2, ["cases", "pct"]].isna().all()  # 3 cases < 5: hidden even though n = 30
    disclosure.assert_no_small_cells(out, ["n", "cases"], min_cell=5)
    with pytest.raises(ValueError, match="below 5"):
        disclosure.assert_no_small_cells(table, ["n"], min_cell=5)
    assert disclosure.format_count(np.nan) == "<5"


def test_secondary_suppression_hides_enough_to_stop_subtraction() -> None:
    table = pd.DataFrame({"area": list("abcde"), "n": [3, 40, 12, 60, 9], "cases": [1, 10, 6, 20, 5]})
    out = disclosure.secondary_suppress(table, ["n", "cases"], min_cell=5)
    hidden = out["suppressed"].to_numpy()
    assert hidden[0] and hidden.sum() >= 2  # the small row and at least one partner
    assert table.loc[hidden, "n"].sum() >= 5 and table.loc[hidden, "cases"].sum() >= 5
    assert out.loc[hidden, ["n", "cases"]].isna().all().all() and out.loc[~hidden, "n"].notna().all()
    assert not disclosure.secondary_suppress(table.iloc[1:], ["n", "cases"], min_cell=5)["suppressed"].any()
    grouped = pd.concat([table.assign(g="x"), table.iloc[1:].assign(g="y")], ignore_index=True)
    flags = disclosure.secondary_suppress(grouped, ["n", "cases"], group_by="g", min_cell=5)["suppressed"]
    assert flags[grouped["g"] == "x"].sum() >= 2 and not flags[grouped["g"] == "y"].any()
