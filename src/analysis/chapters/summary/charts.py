"""The summary page's overview: options × measures, coloured by the comparison rule's tier."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.chapters.options.charts import TIER_COLOURS
from analysis.chapters.options.config import load_config
from analysis.chapters.summary import text
from analysis.chapters.summary.page import SummaryPage
from analysis.common import disclosure

DARK_TIERS = ("best", "worst")


def _value(x: float, unit: str) -> str:
    """The cell text by the measure's unit: minutes and beds with a decimal, counts and days whole, yearly
    hours, visits and women-days to the nearest ten."""
    from analysis.common.formatting import round_to, sv_number

    if unit in ("minutes", "beds"):
        return sv_number(x, 1)
    if unit in ("count", "days per year", "midwives"):
        return sv_number(x)
    return sv_number(round_to(x, 10))


def overview_frame(data: SummaryPage) -> pd.DataFrame:
    """Aggregated cells of the overview: row (option case), measure label, tier word, base value as text."""
    tier_sv = load_config().tier_sv
    rows = []
    for r in data.comparison.get("scorecard", []):
        label = data.config.overview_measures.get(str(r["metric"]))
        if label is None or not r.get("tier"):
            continue
        tier = str(r["tier"])
        rows.append({"Alternativ": str(r["row"]), "Mått": label, "tier": tier, "Nivå": tier_sv[tier],
                     "Värde": _value(float(r["base"]), str(r.get("unit", ""))), "dark": tier in DARK_TIERS})  # fmt: skip
    return pd.DataFrame(rows)


def overview(data: SummaryPage) -> alt.LayerChart:
    frame = overview_frame(data)
    tier_sv = load_config().tier_sv
    order = [tier_sv[t] for t in TIER_COLOURS]
    measures = list(dict.fromkeys(frame["Mått"]))
    rows = list(dict.fromkeys(frame["Alternativ"]))
    base = alt.Chart(disclosure.non_person(frame, "modelled option figures and their tiers")).encode(
        x=alt.X(
            "Alternativ:N", sort=rows, title=None, axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=11, labelLimit=84)
        ),
        y=alt.Y("Mått:N", sort=measures, title=None, axis=alt.Axis(labelLimit=250, labelFontSize=11)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("Nivå:N", scale=alt.Scale(domain=order, range=list(TIER_COLOURS.values())),
                        legend=alt.Legend(orient="bottom", title=None)),
        tooltip=["Alternativ:N", "Mått:N", "Nivå:N", "Värde:N"],
    )  # fmt: skip
    labels = base.mark_text(fontSize=12).encode(
        text="Värde:N", color=alt.condition("datum.dark", alt.value("white"), alt.value("black"))
    )
    return (cells + labels).properties(
        width=110 * len(rows), height=36 * len(measures), title=str(text.TEXTS("captions.overview"))
    )
