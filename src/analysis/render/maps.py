"""Altair maps of the county in SWEREF 99 TM.

Geometries are handed to Vega-Lite already projected (EPSG:3006) with an
``identity`` projection (y reflected), so the map is drawn in the same metric
coordinates every distance is computed in. Only aggregated, per-area or
per-site data ever reaches a map.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import geopandas as gpd
import pandas as pd

from analysis.common import disclosure
from analysis.render.charts import HOME_COLOUR, NATION_COLOUR

PROJECTION: dict[str, Any] = {"type": "identity", "reflectY": True}
MAP_WIDTH = 560
MAP_HEIGHT = 560


def _features(gdf: gpd.GeoDataFrame, properties: list[str]) -> list[dict[str, Any]]:
    """GeoJSON features (rounded to metres) with the chosen properties at top level for encodings."""
    rounded = gdf.copy()
    rounded["geometry"] = rounded.geometry.set_precision(1.0)
    collection = json.loads(rounded[[*properties, "geometry"]].to_json(drop_id=True))
    features = collection["features"]
    for feature in features:
        for key in properties:
            feature[key] = feature["properties"][key]
    return features


def municipality_layer(
    boundaries: gpd.GeoDataFrame,
    values: pd.DataFrame | None = None,
    field: str | None = None,
    title: str = "",
    fmt: str = ",.1f",
    suppressed_field: str | None = None,
    tooltip_fields: list[tuple[str, str]] | None = None,
    scheme: str = "blues",
    domain: tuple[float, float] | None = None,
    colour_range: tuple[str, str] | None = None,
) -> alt.Chart:
    """Municipality polygons; with ``values`` (keyed by ``kommun_kod``) a choropleth of ``field``.

    Suppressed areas (``suppressed_field`` True) are drawn hatched-grey and labelled as hidden.
    """
    gdf = boundaries.copy()
    props = ["kommun_kod", "kommun"]
    if values is not None:
        gdf = gdf.merge(values, on="kommun_kod", how="left")
        props += [c for c in values.columns if c != "kommun_kod"]
    data = alt.Data(
        values=disclosure.non_person(_features(gdf, props), "municipality areas (values from suppressed or published tables)")
    )
    base = alt.Chart(data).mark_geoshape(stroke="white", strokeWidth=1.2).project(**PROJECTION)
    tooltips = [alt.Tooltip("kommun:N", title="Kommun")]
    for name, label in tooltip_fields or []:
        tooltips.append(
            alt.Tooltip(f"{name}:Q", title=label, format=fmt)
            if values is not None and name in values and pd.api.types.is_numeric_dtype(values[name])
            else alt.Tooltip(f"{name}:N", title=label)
        )
    if values is None or field is None:
        return base.encode(color=alt.value("#dfe4ea"), tooltip=tooltips)
    if colour_range is not None:  # a pale ramp keeps markers drawn on top of the choropleth visible
        scale = alt.Scale(range=list(colour_range), domain=list(domain)) if domain else alt.Scale(range=list(colour_range))
    else:
        scale = alt.Scale(scheme=scheme, domain=list(domain)) if domain else alt.Scale(scheme=scheme)  # type: ignore[arg-type]
    color = alt.Color(f"{field}:Q", title=title, scale=scale, legend=alt.Legend(format=fmt, orient="right"))
    if suppressed_field:
        color = alt.condition(f"datum.{suppressed_field}", alt.value("#d9d9d9"), color)  # type: ignore[assignment]
    return base.encode(color=color, tooltip=tooltips)


def point_layer(
    points: pd.DataFrame,
    x: str = "sweref99tm_x",
    y: str = "sweref99tm_y",
    size: str | None = None,
    colour: str = NATION_COLOUR,
    shape: str = "circle",
    label: str = "name",
    legend_title: str | None = None,
    category: str | None = None,
    size_title: str = "",
    extra_tooltips: list[tuple[str, str]] | None = None,
) -> alt.Chart:
    """Points (tätorter, sites) given in SWEREF 99 TM metres."""
    chart = alt.Chart(disclosure.non_person(points, "places (sites or towns)")).mark_point(
        filled=True, shape=shape, opacity=0.85, stroke="white", strokeWidth=0.6
    )
    enc: dict[str, Any] = {
        "longitude": alt.Longitude(f"{x}:Q"),
        "latitude": alt.Latitude(f"{y}:Q"),
        "tooltip": [alt.Tooltip(f"{label}:N", title="Namn"), *[alt.Tooltip(f, title=t) for f, t in extra_tooltips or []]],
    }
    if size:
        enc["size"] = alt.Size(f"{size}:Q", title=size_title, scale=alt.Scale(range=[15, 900]), legend=alt.Legend(format=",d"))
    if category:
        enc["color"] = alt.Color(f"{category}:N", title=legend_title)
    else:
        enc["color"] = alt.value(colour)
    return chart.encode(**enc).project(**PROJECTION)


def municipality_labels(boundaries: gpd.GeoDataFrame, font_size: int = 9) -> alt.Chart:
    """Municipality names at an interior point of each polygon."""
    points = boundaries.copy()
    inner = points.geometry.representative_point()
    data = pd.DataFrame({"kommun": points["kommun"], "x": inner.x.round(0), "y": inner.y.round(0)})
    return (
        alt.Chart(disclosure.non_person(data, "municipality names"))
        .mark_text(fontSize=font_size, color="#222222", fontWeight="bold")
        .encode(longitude="x:Q", latitude="y:Q", text="kommun:N")
        .project(**PROJECTION)
    )


def label_layer(points: pd.DataFrame, label: str, x: str = "sweref99tm_x", y: str = "sweref99tm_y", dy: int = -10) -> alt.Chart:
    return (
        alt.Chart(disclosure.non_person(points, "place names"))
        .mark_text(dy=dy, fontSize=11, fontWeight="bold", color=NATION_COLOUR)
        .encode(longitude=f"{x}:Q", latitude=f"{y}:Q", text=f"{label}:N")
        .project(**PROJECTION)
    )


def compose(*layers: alt.Chart, title: str = "", width: int = MAP_WIDTH, height: int = MAP_HEIGHT) -> alt.LayerChart:
    """Layers on one map; every layer keeps its own colour, shape and size legend."""
    return (
        alt.layer(*layers)
        .properties(width=width, height=height, title=title)
        .resolve_scale(color="independent", shape="independent", size="independent")
    )


# --------------------------------------------------------------------------- categorical markers

# Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2008).
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#8c8c8c",
}


@dataclass(frozen=True)
class Marker:
    """How one category of points is drawn: legend label, colour, Vega-Lite shape, area in px²."""

    label: str
    colour: str
    shape: str
    size: int


def present_markers(points: pd.DataFrame, field: str, markers: Sequence[Marker]) -> list[Marker]:
    """The markers whose label occurs in ``points[field]``, in the given order (a legend lists only what is drawn).

    A label in the data without a marker is an error: it would be drawn in a colour the legend does not explain.
    """
    labels = set(points[field].astype(str))
    unknown = sorted(labels - {m.label for m in markers})
    if unknown:
        raise ValueError(f"map points: column {field!r}: no marker style for {', '.join(unknown)}")
    return [m for m in markers if m.label in labels]


def marker_layer(
    points: pd.DataFrame,
    field: str,
    markers: Sequence[Marker],
    title: str,
    tooltips: Sequence[tuple[str, str]] = (),
    x: str = "sweref99tm_x",
    y: str = "sweref99tm_y",
    columns: int = 1,
    draw_order: Sequence[str] | None = None,
    font_size: int = 12,
) -> alt.Chart:
    """Points in categories, each with its own colour, shape and size, in one legend that lists only the
    categories present (in the order of ``markers``). Points are drawn in ``draw_order`` (labels, the last on
    top; default: the order of ``markers``), each with a white outline."""
    shown = present_markers(points, field, markers)
    drawn = list(draw_order) if draw_order is not None else [m.label for m in markers]
    order = {label: i for i, label in enumerate(drawn)}
    missing = [m.label for m in shown if m.label not in order]
    if missing:
        raise ValueError(f"map points: draw_order lacks {', '.join(missing)}")
    data = points.assign(_order=points[field].astype(str).map(order)).sort_values("_order", kind="stable")
    domain = [m.label for m in shown]
    legend = alt.Legend(
        orient="bottom", direction="vertical", columns=columns, labelLimit=420, titleLimit=420, symbolStrokeWidth=0.8,
        labelFontSize=font_size, titleFontSize=font_size,
    )  # fmt: skip
    return (
        alt.Chart(disclosure.non_person(data.drop(columns="_order"), "places (sites or units)"))
        .mark_point(filled=True, opacity=1.0, stroke="white", strokeWidth=0.8)
        .encode(
            longitude=f"{x}:Q",
            latitude=f"{y}:Q",
            color=alt.Color(
                f"{field}:N", title=title, scale=alt.Scale(domain=domain, range=[m.colour for m in shown]), legend=legend
            ),
            shape=alt.Shape(
                f"{field}:N", title=title, scale=alt.Scale(domain=domain, range=[m.shape for m in shown]), legend=legend
            ),
            size=alt.Size(
                f"{field}:N",
                title=title,
                scale=alt.Scale(type="ordinal", domain=domain, range=[m.size for m in shown]),
                legend=legend,
            ),
            tooltip=[alt.Tooltip(f"{name}:N", title=label) for name, label in tooltips],
        )
        .project(**PROJECTION)
    )


def outline_layer(boundaries: gpd.GeoDataFrame, fill: str = "#eef1f4", stroke: str = "#8a8a8a") -> alt.Chart:
    """Municipality polygons in one pale fill with visible borders (the background of a marker map)."""
    data = alt.Data(values=disclosure.non_person(_features(boundaries, ["kommun_kod", "kommun"]), "municipality boundaries"))
    return (
        alt.Chart(data)
        .mark_geoshape(fill=fill, stroke=stroke, strokeWidth=0.9)
        .encode(tooltip=[alt.Tooltip("kommun:N", title="Kommun")])
        .project(**PROJECTION)
    )


def municipality_names(boundaries: gpd.GeoDataFrame, font_size: int = 11, dy: int = 16) -> alt.Chart:
    """Every municipality's name just below an interior point (``dy`` pixels: the seat's markers often sit on that
    point), dark text with a white halo."""
    inner = boundaries.geometry.representative_point()
    data = disclosure.non_person(
        pd.DataFrame({"kommun": boundaries["kommun"].to_numpy(), "x": inner.x.round(0), "y": inner.y.round(0)}),
        "municipality names",
    )
    halo = (
        alt.Chart(data)
        .mark_text(fontSize=font_size, fontWeight="bold", color="white", stroke="white", strokeWidth=3, dy=dy)
        .encode(longitude="x:Q", latitude="y:Q", text="kommun:N")
        .project(**PROJECTION)
    )
    return alt.layer(halo, halo.mark_text(fontSize=font_size, fontWeight="bold", color="#1a1a1a", dy=dy))  # type: ignore[return-value]


__all__ = [
    "HOME_COLOUR",
    "OKABE_ITO",
    "PROJECTION",
    "Marker",
    "compose",
    "label_layer",
    "marker_layer",
    "municipality_layer",
    "municipality_names",
    "outline_layer",
    "point_layer",
    "present_markers",
]
