"""The travel page's charts and maps (Altair; aggregated frames only, colours from analysis.render.charts)."""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import pandas as pd

from analysis.chapters.travel import labels, scenarios, text
from analysis.chapters.travel.labels import SET_KEYS
from analysis.chapters.travel.page import TravelPage
from analysis.chapters.travel.scenarios import TravelInputs, hub_towns, municipal_rows, scenario_keys, site_points
from analysis.common import disclosure
from analysis.common.formatting import sv_pct
from analysis.render import maps as render_maps
from analysis.render.charts import ACCENT_COLOURS, NATION_COLOUR

SET_COLOURS = {"vasteras_only": ACCENT_COLOURS[1], "four_hubs": ACCENT_COLOURS[0], "bmm_today": ACCENT_COLOURS[2]}
HUB_COLOURS = [ACCENT_COLOURS[1], ACCENT_COLOURS[0], ACCENT_COLOURS[3], ACCENT_COLOURS[2]]  # in the order of hub_towns()
# Sequential colours for the minute bands (same bands on maps and in the distribution chart).
BAND_COLOURS = ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#440154"]  # viridis, reversed: far = dark
SET_SHAPES = ["circle", "diamond", "square"]


def _set_scale() -> alt.Scale:
    return alt.Scale(domain=[labels.set_short(k) for k in SET_KEYS], range=[SET_COLOURS[k] for k in SET_KEYS])


# ---------------------------------------------------------------------------------------------- thresholds


def threshold_data(table: pd.DataFrame) -> pd.DataFrame:
    """Long table: share within each threshold per site set (for the grouped bar chart)."""
    rows = []
    for key, r in table.iterrows():
        for t in scenarios.thresholds():
            share = 100.0 * float(r[f"share_within_{t}"])
            rows.append(
                {
                    "set": labels.set_short(str(key)),
                    "key": key,
                    "threshold": labels.threshold_label(t),
                    "minutes": t,
                    "pct": share,
                    "text": sv_pct(share, 0),
                }
            )
    return pd.DataFrame(rows)


def threshold_chart(table: pd.DataFrame, weight_label: str) -> alt.TopLevelMixin:
    """Grouped bars: share of the weight within 15/30/45/60 minutes for each site set."""
    data = threshold_data(table)
    order = [labels.set_short(k) for k in SET_KEYS]
    x_order = [labels.threshold_label(t) for t in scenarios.thresholds()]
    base = alt.Chart(disclosure.chart_data(data)).encode(
        x=alt.X("threshold:N", sort=x_order, title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("set:N", sort=order),
        y=alt.Y("pct:Q", title=f"Andel {weight_label} (%)", scale=alt.Scale(domain=[0, 100])),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("set:N", sort=order, title="Platser", scale=_set_scale(), legend=alt.Legend(orient="bottom")),
        tooltip=[
            alt.Tooltip("set:N", title="Platser"),
            alt.Tooltip("threshold:N", title="Restid"),
            alt.Tooltip("pct:Q", title="Andel %", format=",.1f"),
        ],
    )
    labels_layer = base.mark_text(dy=-6, fontSize=10, color=NATION_COLOUR).encode(text="text:N")
    return alt.layer(bars, labels_layer).properties(width=560, height=260, title=text.chart_title("thresholds", weight_label))


def thresholds(data: TravelPage) -> alt.TopLevelMixin:
    return threshold_chart(data.comparison, data.weight_label)


# ---------------------------------------------------------------------------------------------- maps


def _band_scale() -> alt.Scale:
    names = labels.band_labels()
    return alt.Scale(domain=names, range=BAND_COLOURS[: len(names)])


def _base_layer(boundaries: gpd.GeoDataFrame) -> alt.Chart:
    return render_maps.municipality_layer(boundaries)


def _sites_layer(sites: pd.DataFrame, show_names: bool = True) -> list[alt.Chart]:
    marks = (
        alt.Chart(disclosure.non_person(sites, "care sites"))
        .mark_point(shape="diamond", filled=True, size=160, color=NATION_COLOUR, stroke="white", strokeWidth=1)
        .encode(
            longitude="x:Q", latitude="y:Q", tooltip=[alt.Tooltip("name:N", title="Plats"), alt.Tooltip("town:N", title="Ort")]
        )
        .project(**render_maps.PROJECTION)
    )
    layers = [marks]
    if show_names:
        for style in ({"stroke": "white", "strokeWidth": 3, "color": "white"}, {"color": NATION_COLOUR}):
            layers.append(
                alt.Chart(disclosure.non_person(sites, "care sites"))
                .mark_text(dy=-14, fontSize=12, fontWeight="bold", **style)
                .encode(longitude="x:Q", latitude="y:Q", text="town:N")
                .project(**render_maps.PROJECTION)
            )
    return layers


def _point_tooltips() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("place:N", title="Plats"),
        alt.Tooltip("municipality:N", title="Kommun"),
        alt.Tooltip("minutes:Q", title="Restid (min)", format=",.0f"),
        alt.Tooltip("km:Q", title="Väg (km)", format=",.0f"),
        alt.Tooltip("hub:N", title="Närmaste ort"),
        alt.Tooltip("weight:Q", title="Vikt (skattning)", format=",.0f"),
    ]


def _size(weight_label: str) -> alt.Size:
    return alt.Size(
        "weight:Q",
        title=f"{weight_label.capitalize()} (skattning)",
        scale=alt.Scale(type="sqrt", range=[12, 700]),
        legend=alt.Legend(format=",d", orient="bottom", titleLimit=400),
    )


def travel_time_maps(
    points: pd.DataFrame,
    inputs: TravelInputs,
    keys: tuple[str, ...] = ("vasteras_only", "four_hubs"),
    width: int = 330,
) -> alt.HConcatChart:
    """Side-by-side maps: each origin coloured by minutes (band) to the nearest site of each set."""
    weight_label = labels.weight_label(inputs.weight_by)
    panels = []
    for key in keys:
        dots = (
            alt.Chart(disclosure.non_person(points[points["set_key"] == key], "travel grid"))
            .mark_circle(opacity=0.9, stroke="#4a4a4a", strokeWidth=0.4)
            .encode(
                longitude="x:Q",
                latitude="y:Q",
                color=alt.Color(
                    "band:N",
                    title="Restid till närmaste plats",
                    scale=_band_scale(),
                    legend=alt.Legend(orient="bottom", columns=3, symbolType="circle"),
                ),
                size=_size(weight_label),
                tooltip=_point_tooltips(),
            )
            .project(**render_maps.PROJECTION)
        )
        panels.append(
            alt.layer(_base_layer(inputs.boundaries), dots, *_sites_layer(site_points(inputs, key))).properties(
                width=width, height=width, title=labels.set_label(key)
            )
        )
    return (
        alt.hconcat(*panels, spacing=12).resolve_scale(color="shared", size="shared").properties(title=text.chart_title("maps"))
    )


def maps(data: TravelPage) -> alt.HConcatChart:
    return travel_time_maps(data.points, data.inputs)


def catchment_map(points: pd.DataFrame, inputs: TravelInputs, key: str = "four_hubs", width: int = 460) -> alt.TopLevelMixin:
    """Origins coloured by the hub they are nearest to (the hubs' catchment areas)."""
    weight_label = labels.weight_label(inputs.weight_by)
    data = points[points["set_key"] == key]
    towns = hub_towns()
    hubs = [h for h in towns if h in set(data["hub"])] + sorted(set(data["hub"]) - set(towns))
    colour_of = dict(zip(towns, HUB_COLOURS, strict=False))
    colours = [colour_of.get(h, ACCENT_COLOURS[4]) for h in hubs]
    dots = (
        alt.Chart(disclosure.non_person(data, "travel grid"))
        .mark_circle(opacity=0.85, stroke="white", strokeWidth=0.5)
        .encode(
            longitude="x:Q",
            latitude="y:Q",
            color=alt.Color(
                "hub:N", title="Närmaste nod", scale=alt.Scale(domain=hubs, range=colours), legend=alt.Legend(orient="bottom")
            ),
            size=_size(weight_label),
            tooltip=_point_tooltips(),
        )
        .project(**render_maps.PROJECTION)
    )
    return alt.layer(_base_layer(inputs.boundaries), dots, *_sites_layer(site_points(inputs, key))).properties(
        width=width, height=width, title=text.chart_title("catchments")
    )


def catchments(data: TravelPage) -> alt.TopLevelMixin:
    return catchment_map(data.points, data.inputs)


# ---------------------------------------------------------------------------------------------- dot plots


def _dumbbell(
    data: pd.DataFrame, category: str, y: alt.Y, x: alt.X, tooltip: list[alt.Tooltip], rule_colour: str
) -> alt.TopLevelMixin:
    """Dots per site set on one row per ``category`` with a grey rule from the smallest to the largest."""
    span = data.groupby(category)["mean_minutes"].agg(["min", "max"]).reset_index()
    rule = alt.Chart(disclosure.chart_data(span)).mark_rule(color=rule_colour, strokeWidth=2).encode(y=y, x="min:Q", x2="max:Q")
    sets = [labels.set_short(k) for k in SET_KEYS]
    dots = (
        alt.Chart(disclosure.chart_data(data))
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            y=y,
            x=x,
            color=alt.Color("set:N", title="Platser", scale=_set_scale(), legend=alt.Legend(orient="bottom")),
            shape=alt.Shape("set:N", scale=alt.Scale(domain=sets, range=SET_SHAPES), legend=None),
            tooltip=tooltip,
        )
    )
    return alt.layer(rule, dots)


def municipality_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Dumbbell chart: mean minutes per municipality for each site set, a rule from best to worst."""
    data = municipal_rows(table)[["set_key", "municipality", "mean_minutes"]].copy()
    data["set"] = data["set_key"].map(labels.set_short)
    order = data[data["set_key"] == "vasteras_only"].sort_values("mean_minutes", ascending=False)["municipality"].tolist()
    x = alt.X("mean_minutes:Q", title="Medelrestid till närmaste plats (minuter, modellerat)")
    tooltip = [
        alt.Tooltip("municipality:N", title="Kommun"),
        alt.Tooltip("set:N", title="Platser"),
        alt.Tooltip("mean_minutes:Q", title="Medel (min)", format=",.1f"),
    ]
    y = alt.Y("municipality:N", sort=order, title=None)
    return _dumbbell(data, "municipality", y, x, tooltip, "#b0b0b0").properties(
        width=520, height=alt.Step(26), title=text.chart_title("municipalities")
    )


def municipalities(data: TravelPage) -> alt.TopLevelMixin:
    return municipality_chart(data.by_municipality)


def sensitivity_chart(table: pd.DataFrame) -> alt.TopLevelMixin:
    """Dot plot of mean minutes per site set in each cost scenario."""
    data = table[["scenario_sv", "set_key", "mean_minutes"]].copy()
    data["set"] = data["set_key"].map(labels.set_short)
    order = [labels.scenario_label(k) for k in scenario_keys()]
    x = alt.X("mean_minutes:Q", title="Medelrestid till närmaste plats (minuter)", scale=alt.Scale(zero=True))
    tooltip = [
        alt.Tooltip("scenario_sv:N", title="Modell"),
        alt.Tooltip("set:N", title="Platser"),
        alt.Tooltip("mean_minutes:Q", title="Medel (min)", format=",.1f"),
    ]
    y = alt.Y("scenario_sv:N", sort=order, title=None, axis=alt.Axis(labelLimit=260))
    return _dumbbell(data, "scenario_sv", y, x, tooltip, "#c8c8c8").properties(
        width=460, height=alt.Step(28), title=text.chart_title("sensitivity")
    )


def sensitivity(data: TravelPage) -> alt.TopLevelMixin:
    return sensitivity_chart(data.sensitivity)


# ---------------------------------------------------------------------------------------------- distribution


def distribution_chart(dist: pd.DataFrame, weight_label: str) -> alt.Chart:
    """Stacked horizontal bars: share of the weight per minute band, one bar per site set."""
    data = dist[["set", "band_sv", "lower", "pct"]].copy()
    return (
        alt.Chart(disclosure.chart_data(data))
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            y=alt.Y("set:N", sort=[labels.set_short(k) for k in SET_KEYS], title=None),
            x=alt.X("pct:Q", title=f"Andel {weight_label} (%)", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color(
                "band_sv:N",
                title="Restid till närmaste plats",
                scale=_band_scale(),
                legend=alt.Legend(orient="bottom", columns=6),
            ),
            order=alt.Order("lower:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("set:N", title="Platser"),
                alt.Tooltip("band_sv:N", title="Restid"),
                alt.Tooltip("pct:Q", title="Andel %", format=",.1f"),
            ],
        )
        .properties(width=520, height=alt.Step(36), title=text.chart_title("distribution", weight_label))
    )


def distribution(data: TravelPage) -> alt.Chart:
    return distribution_chart(data.distribution, data.weight_label)
