"""Altair maps of the county in SWEREF 99 TM.

Geometries are handed to Vega-Lite already projected (EPSG:3006) with an
``identity`` projection (y reflected), so the map is drawn in the same metric
coordinates every distance is computed in. Only aggregated, per-area or
per-site data ever reaches a map.
"""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import geopandas as gpd
import pandas as pd

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
) -> alt.Chart:
    """Municipality polygons; with ``values`` (keyed by ``kommun_kod``) a choropleth of ``field``.

    Suppressed areas (``suppressed_field`` True) are drawn hatched-grey and labelled as hidden.
    """
    gdf = boundaries.copy()
    props = ["kommun_kod", "kommun"]
    if values is not None:
        gdf = gdf.merge(values, on="kommun_kod", how="left")
        props += [c for c in values.columns if c != "kommun_kod"]
    data = alt.Data(values=_features(gdf, props))
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
    chart = alt.Chart(points).mark_point(filled=True, shape=shape, opacity=0.85, stroke="white", strokeWidth=0.6)
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
        alt.Chart(data)
        .mark_text(fontSize=font_size, color="#222222", fontWeight="bold")
        .encode(longitude="x:Q", latitude="y:Q", text="kommun:N")
        .project(**PROJECTION)
    )


def label_layer(points: pd.DataFrame, label: str, x: str = "sweref99tm_x", y: str = "sweref99tm_y", dy: int = -10) -> alt.Chart:
    return (
        alt.Chart(points)
        .mark_text(dy=dy, fontSize=11, fontWeight="bold", color=NATION_COLOUR)
        .encode(longitude=f"{x}:Q", latitude=f"{y}:Q", text=f"{label}:N")
        .project(**PROJECTION)
    )


def compose(*layers: alt.Chart, title: str = "") -> alt.LayerChart:
    return alt.layer(*layers).properties(width=MAP_WIDTH, height=MAP_HEIGHT, title=title).resolve_scale(color="independent")


__all__ = ["HOME_COLOUR", "PROJECTION", "compose", "label_layer", "municipality_layer", "point_layer"]
