"""Charts for the risk-factor chapter: aggregated tables in, Altair charts out.

The page-level functions at the bottom (``rankings(data)``, ``prevalence(data)`` …) are what
the template's one-line cells call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import geopandas as gpd
import pandas as pd

from analysis.chapters.riskmix.config import NO_RISK_KEY
from analysis.chapters.riskmix.text import label
from analysis.common import disclosure
from analysis.render import maps
from analysis.render.charts import HOME_COLOUR, NATION_COLOUR, OTHER_COLOUR

if TYPE_CHECKING:
    from analysis.chapters.riskmix.page import RiskmixPage

STANDARDISATION_MEASURES = {"crude": "Region, ojusterad", "standardised": "Region, standardiserad", "national": "Riket"}


def published_ranking_chart(ranking: pd.DataFrame, title: str, unit: str = "%") -> alt.LayerChart | alt.FacetChart:
    """21 regions ranked, the chosen region highlighted, the national value as a rule."""
    data = ranking[["region", "value", "highlight", "national_value"]].copy()
    data["grupp"] = data["highlight"].map({True: "Vald region", False: "Övriga regioner"})
    order = data.sort_values("value", ascending=False)["region"].tolist()
    bars = (
        alt.Chart(disclosure.non_person(data, "published statistics"))
        .mark_bar()
        .encode(
            y=alt.Y("region:N", sort=order, title=None),
            x=alt.X("value:Q", title=f"{title} ({unit})" if unit else title),
            color=alt.Color(
                "grupp:N",
                scale=alt.Scale(domain=["Vald region", "Övriga regioner"], range=[HOME_COLOUR, OTHER_COLOUR]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("region:N", title="Region"), alt.Tooltip("value:Q", title=title, format=",.1f")],
        )
    )
    nation = pd.DataFrame({"national_value": [float(data["national_value"].iloc[0])], "etikett": ["Riket"]})
    rule = (
        alt.Chart(disclosure.non_person(nation, "published statistics"))
        .mark_rule(color=NATION_COLOUR, strokeDash=[4, 3])
        .encode(x="national_value:Q")
    )
    text = (
        alt.Chart(disclosure.non_person(nation, "published statistics"))
        .mark_text(align="left", dx=4, dy=-6, color=NATION_COLOUR)
        .encode(x="national_value:Q", y=alt.value(0), text="etikett:N")
    )
    return alt.layer(bars, rule, text).properties(width=220, height=330, title=title)


def prevalence_chart(table: pd.DataFrame, region_label: str, note: str = "") -> alt.LayerChart | alt.FacetChart:
    """Prevalence with 95 % CI per factor, region vs nation (suppressed rows are dropped)."""
    data = table[(~table["suppressed"]) & (table["status"] == "ok")][["label_sv", "area", "pct", "ci_low", "ci_high"]].copy()
    data["Område"] = data["area"].map({"region": region_label, "nation": "Riket"})
    order = data[data["area"] == "region"].sort_values("pct", ascending=False)["label_sv"].tolist()
    base = alt.Chart(disclosure.chart_data(data)).encode(
        y=alt.Y("label_sv:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        yOffset=alt.YOffset("Område:N", sort=[region_label, "Riket"]),
        color=alt.Color(
            "Område:N",
            scale=alt.Scale(domain=[region_label, "Riket"], range=[HOME_COLOUR, NATION_COLOUR]),
            legend=alt.Legend(orient="bottom"),
        ),
    )
    points = base.mark_point(filled=True, size=60).encode(
        x=alt.X("pct:Q", title=label("chart.prevalence.axis")),
        tooltip=[
            alt.Tooltip("label_sv:N", title="Riskfaktor"),
            alt.Tooltip("Område:N"),
            alt.Tooltip("pct:Q", title="Andel %", format=",.1f"),
            alt.Tooltip("ci_low:Q", title="95 % KI, nedre", format=",.1f"),
            alt.Tooltip("ci_high:Q", title="95 % KI, övre", format=",.1f"),
        ],
    )
    bars = base.mark_rule(strokeWidth=2).encode(x="ci_low:Q", x2="ci_high:Q")
    return alt.layer(bars, points).properties(width=460, height=alt.Step(14), title=label("chart.prevalence.title") + note)


def combinations_chart(combos: pd.DataFrame, note: str = "") -> alt.Chart:
    """The most common combinations of risk factors (rows under the threshold are folded into 'other')."""
    data = combos[~combos["suppressed"].astype(bool)][["rank", "label_sv", "share", "count"]].copy()
    data["rank"] = data["rank"].fillna(data["rank"].max() + 1)  # the folded "other" row goes last
    return (
        alt.Chart(disclosure.chart_data(data))
        .mark_bar(color=HOME_COLOUR)
        .encode(
            y=alt.Y("label_sv:N", sort=alt.SortField("rank"), title=None, axis=alt.Axis(labelLimit=380)),
            x=alt.X("share:Q", title=label("chart.combinations.axis")),
            tooltip=[
                alt.Tooltip("label_sv:N", title="Kombination"),
                alt.Tooltip("share:Q", title="Andel %", format=",.1f"),
                alt.Tooltip("count:Q", title="Antal", format=",d"),
            ],
        )
        .properties(width=300, title=label("chart.combinations.title") + note)
    )


def standardisation_chart(frames: dict[str, pd.DataFrame]) -> alt.Chart:
    """Crude, age/parity-standardised and national rate side by side for each outcome."""
    data = pd.concat([f.assign(Mått=label) for label, f in frames.items()], ignore_index=True)
    data["measure_sv"] = data["measure"].map(STANDARDISATION_MEASURES)
    data = data[["Mått", "measure_sv", "pct"]]
    order = list(STANDARDISATION_MEASURES.values())
    return (
        alt.Chart(disclosure.chart_data(data))
        .mark_bar()
        .encode(
            x=alt.X("pct:Q", title="Andel (%)"),
            y=alt.Y("measure_sv:N", title=None, sort=order),
            color=alt.Color(
                "measure_sv:N", legend=None, scale=alt.Scale(domain=order, range=[HOME_COLOUR, "#e08214", NATION_COLOUR])
            ),
            row=alt.Row("Mått:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
            tooltip=[alt.Tooltip("measure_sv:N", title="Mått"), alt.Tooltip("pct:Q", title="Andel %", format=",.1f")],
        )
        .properties(width=360, height=alt.Step(18))
    )


def municipality_maps(
    tables: dict[str, gpd.GeoDataFrame], boundaries: gpd.GeoDataFrame, columns: int = 2, favourable: tuple[str, ...] = ()
) -> alt.ConcatChart:
    """One choropleth per factor, scales from zero, municipality names on the map.

    Risk factors are shaded orange (darker = more women with the factor); titles in
    ``favourable`` (e.g. the no-risk share) are shaded green (darker = better), so
    dark never silently flips meaning. Suppressed municipalities are grey.
    """
    charts = []
    for title, frame in tables.items():
        values = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
        values = values[["kommun_kod", "pct", "suppressed", "label"]].copy()
        values["suppressed"] = values["suppressed"].astype(bool)
        top = float(values["pct"].max()) if values["pct"].notna().any() else 1.0
        layer = maps.municipality_layer(
            boundaries,
            values,
            field="pct",
            title="Andel %",
            fmt=",.0f",
            suppressed_field="suppressed",
            tooltip_fields=[("label", "Andel")],
            scheme="greens" if title in favourable else "oranges",
            domain=(0.0, max(top, 1.0)),
        )
        charts.append(alt.layer(layer, maps.municipality_labels(boundaries)).properties(width=280, height=280, title=title))
    return alt.concat(*charts, columns=columns).resolve_scale(color="independent")


def stratified_chart(table: pd.DataFrame, by_label: str) -> alt.Chart:
    """Factor prevalence by stratum (country-of-birth group or education) in the region."""
    data = table[(table["area"] == "region") & (~table["suppressed"]) & (table["status"] == "ok")][
        ["stratum_sv", "label_sv", "pct", "ci_low", "ci_high"]
    ].copy()
    return (
        alt.Chart(disclosure.chart_data(data))
        .mark_bar()
        .encode(
            x=alt.X("pct:Q", title="Andel (%)", axis=alt.Axis(tickCount=3)),
            y=alt.Y("stratum_sv:N", title=None),
            color=alt.Color("stratum_sv:N", title=by_label, legend=None),
            column=alt.Column("label_sv:N", title=None, header=alt.Header(labelAngle=0, labelLimit=150, labelFontSize=10)),
            tooltip=[
                alt.Tooltip("stratum_sv:N", title=by_label),
                alt.Tooltip("label_sv:N", title="Riskfaktor"),
                alt.Tooltip("pct:Q", title="Andel %", format=",.1f"),
            ],
        )
        .properties(width=120, height=alt.Step(14))
    )


# --------------------------------------------------------------------------- what the template shows


def rankings(data: RiskmixPage) -> alt.ConcatChart:
    """The 21 regions ranked on each published indicator, two charts a row."""
    charts = [published_ranking_chart(data.rankings[ind.key], ind.label_sv, "") for ind in data.config.published_indicators]
    return alt.concat(*charts, columns=2)


def prevalence(data: RiskmixPage) -> alt.LayerChart | alt.FacetChart:
    table = pd.concat([data.prevalence, data.no_risk], ignore_index=True)
    return prevalence_chart(table, data.region_name, data.note)


def combinations(data: RiskmixPage) -> alt.Chart:
    return combinations_chart(data.combinations, data.note)


def standardisation(data: RiskmixPage) -> alt.Chart:
    frames = {data.config.short_label_sv(key): result.as_frame() for key, result in data.standardised.items()}
    return standardisation_chart(frames)


def municipalities(data: RiskmixPage) -> alt.ConcatChart | None:
    """The municipality maps, or nothing when the data has no municipality of residence."""
    if not data.has_municipalities or data.boundaries is None:
        return None
    return municipality_maps(data.map_tables, data.boundaries, favourable=(data.config.short_label_sv(NO_RISK_KEY),))


def stratified(data: RiskmixPage, by: str) -> alt.Chart:
    """The configured factors by country of birth or education in the region."""
    view = next(v for v in data.config.page.stratified if v.by == by)
    table = data.strata[by]
    return stratified_chart(table[table["factor"].isin(list(view.factors))], view.label_sv)
