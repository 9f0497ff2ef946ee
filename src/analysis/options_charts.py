"""Charts for the options chapter: tornado, municipal access, unit staffing, scorecard small multiples."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .charts import ACCENT_COLOURS, HOME_COLOUR, NATION_COLOUR


def tornado_chart(table: pd.DataFrame, metric_label: str, top: int = 10) -> alt.LayerChart:
    """Result at each assumption's low and high value around the base result (largest swing on top)."""
    t = table[table["swing"] > 0].nlargest(top, "swing")
    base = float(table["result_base"].iloc[0]) if len(table) else 0.0
    rows = []
    for r in t.itertuples():
        rows.append({"Antagande": r.label_sv, "Nivå": "Lågt värde", "start": base, "slut": r.result_low, "swing": r.swing})
        rows.append({"Antagande": r.label_sv, "Nivå": "Högt värde", "start": base, "slut": r.result_high, "swing": r.swing})
    data = pd.DataFrame(rows, columns=["Antagande", "Nivå", "start", "slut", "swing"])
    order = t["label_sv"].tolist()
    bars = alt.Chart(data).mark_bar(height=12).encode(
        y=alt.Y("Antagande:N", sort=order, title=None, axis=alt.Axis(labelLimit=340)),
        x=alt.X("start:Q", title=metric_label, scale=alt.Scale(zero=False)),
        x2="slut:Q",
        color=alt.Color("Nivå:N", scale=alt.Scale(domain=["Lågt värde", "Högt värde"], range=[ACCENT_COLOURS[0], HOME_COLOUR]), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("Antagande:N"), alt.Tooltip("Nivå:N"), alt.Tooltip("slut:Q", title="Resultat", format=",.1f")],
    )
    rule = alt.Chart(pd.DataFrame({"bas": [base]})).mark_rule(color=NATION_COLOUR).encode(x="bas:Q")
    return alt.layer(bars, rule).properties(width=360, title=f"Känslighet: {metric_label}")


def access_chart(by_municipality: pd.DataFrame, name_col: str, today_col: str, option_col: str, title: str) -> alt.Chart:
    """Minutes today and under the option, per municipality (a dumbbell chart)."""
    data = by_municipality[[name_col, today_col, option_col]].rename(columns={name_col: "Kommun", today_col: "I dag", option_col: "Alternativet"})
    long = data.melt("Kommun", var_name="Läge", value_name="minuter")
    order = data.sort_values("I dag", ascending=False)["Kommun"].tolist()
    line = alt.Chart(data).mark_rule(color="#bbbbbb").encode(y=alt.Y("Kommun:N", sort=order, title=None), x="I dag:Q", x2="Alternativet:Q")
    points = alt.Chart(long).mark_point(filled=True, size=80).encode(
        y=alt.Y("Kommun:N", sort=order),
        x=alt.X("minuter:Q", title="Genomsnittlig restid, minuter (modellerad)"),
        color=alt.Color("Läge:N", scale=alt.Scale(domain=["I dag", "Alternativet"], range=[NATION_COLOUR, HOME_COLOUR]), legend=alt.Legend(orient="bottom")),
        tooltip=["Kommun:N", "Läge:N", alt.Tooltip("minuter:Q", format=",.1f")],
    )
    return alt.layer(line, points).properties(width=380, title=title)


def units_chart(vuln: pd.DataFrame) -> alt.Chart:
    """Midwives per unit and expected days a year without a midwife."""
    data = vuln[["unit_id", "town", "role", "midwives", "days_no_midwife"]].copy()
    data["Enhet"] = data["town"] + " (" + data["unit_id"].astype(str) + ")"
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("Enhet:N", sort="-x", title=None),
            x=alt.X("days_no_midwife:Q", title="Förväntade dagar per år utan barnmorska"),
            color=alt.Color("midwives:Q", title="Barnmorskor", scale=alt.Scale(scheme="blues")),
            tooltip=[alt.Tooltip("Enhet:N"), alt.Tooltip("role:N", title="Roll"), alt.Tooltip("midwives:Q", title="Barnmorskor", format=",.1f"),
                     alt.Tooltip("days_no_midwife:Q", title="Dagar utan barnmorska", format=",.1f")],
        )
        .properties(width=360, height=alt.Step(12), title="Sårbarhet per enhet")
    )


def scorecard_multiples(card: pd.DataFrame, metrics: list[str]) -> alt.ConcatChart:
    """One small chart per metric: base value with the low–high range for every option (and case)."""
    charts = []
    for metric in metrics:
        d = card[card["metric"] == metric].copy()
        if d.empty:
            continue
        d["Alternativ"] = d["row"].astype(str)
        label = str(d["label_sv"].iloc[0])
        base = alt.Chart(d).encode(y=alt.Y("Alternativ:N", title=None))
        rule = base.mark_rule(strokeWidth=2, color="#999999").encode(x=alt.X("low:Q", title=None), x2="high:Q")
        point = base.mark_point(filled=True, size=70, color=HOME_COLOUR).encode(
            x="base:Q", tooltip=["Alternativ:N", alt.Tooltip("base:Q", title="Bas", format=",.1f"),
                                 alt.Tooltip("low:Q", title="Lågt", format=",.1f"), alt.Tooltip("high:Q", title="Högt", format=",.1f")])
        words, lines, line = label.split(), [], ""
        for word in words:  # wrap long Swedish metric names over lines instead of truncating them
            if len(line) + len(word) > 34 and line:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        charts.append(alt.layer(rule, point).properties(width=200, height=alt.Step(16), title=alt.TitleParams(lines, fontSize=11)))
    return alt.concat(*charts, columns=3)
