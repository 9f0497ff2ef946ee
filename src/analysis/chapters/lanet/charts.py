"""The overview map in SWEREF 99 TM: municipalities shaded by births and named, tätorter, care sites."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from analysis.chapters.lanet import text
from analysis.chapters.lanet.config import load
from analysis.chapters.lanet.page import LanetPage
from analysis.common import disclosure, geodata
from analysis.render import maps

# One marker per site category (keys of data/lanet.yml's site_categories): colour-blind-safe colours and a
# distinct shape each, hospitals larger, so every legend entry can be told apart on the map and in greyscale.
# Drawn in this order (the last on top): the many vårdcentraler first, the few listed BMM last, so a BMM next
# to the delivery unit in Västerås stays visible.
DRAW_ORDER = ("vardcentral", "hospital", "hospital_delivery", "vardcentral_bmm")
SITE_MARKERS = {
    "vardcentral": (maps.OKABE_ITO["orange"], "circle", 70),
    "vardcentral_bmm": (maps.OKABE_ITO["green"], "diamond", 130),
    "hospital": (maps.OKABE_ITO["blue"], "triangle-up", 220),
    "hospital_delivery": (maps.OKABE_ITO["vermillion"], "square", 240),
}
# The choropleth stays pale so every marker on top of it stays visible.
BIRTHS_RANGE = ("#f4f7fb", "#9ec3e0")


def labelled_sites(sites: pd.DataFrame, categories: Mapping[str, str]) -> pd.DataFrame:
    """The site points with the category's label in ``kategori`` (the legend's field)."""
    out = sites.copy()
    out.insert(out.columns.get_loc("category"), "kategori", out["category"].map(categories))
    return out.drop(columns="category")


def site_markers(categories: Mapping[str, str]) -> list[maps.Marker]:
    """The legend's markers in the order of data/lanet.yml."""
    return [maps.Marker(label, *SITE_MARKERS[k]) for k, label in categories.items()]


def _site_layer(sites: pd.DataFrame) -> alt.Chart:
    cfg = load()
    labels = cfg.map
    return maps.marker_layer(
        labelled_sites(sites, dict(cfg.site_categories)),
        "kategori",
        site_markers(dict(cfg.site_categories)),
        labels["sites"],
        draw_order=[cfg.site_categories[k] for k in DRAW_ORDER if k in cfg.site_categories],
        tooltips=[("name", labels["name"]), ("kategori", labels["site_type"]), ("town", labels["town"])],
    )


def _town_layer(localities: pd.DataFrame, title: str, tooltip: str) -> alt.Chart:
    """Tätorter as hollow grey circles sized by population (drawn under the care sites)."""
    return (
        alt.Chart(disclosure.non_person(localities[["locality", "pop_2020", "sweref99tm_x", "sweref99tm_y"]], "tätorter (SCB)"))
        .mark_point(filled=False, shape="circle", color="#555555", strokeWidth=1.0, opacity=0.8)
        .encode(
            longitude="sweref99tm_x:Q",
            latitude="sweref99tm_y:Q",
            size=alt.Size(
                "pop_2020:Q", title=title, scale=alt.Scale(range=[20, 700]), legend=alt.Legend(format=",d", orient="right")
            ),
            tooltip=[alt.Tooltip("locality:N", title="Namn"), alt.Tooltip("pop_2020:Q", title=tooltip, format=",d")],
        )
        .project(**maps.PROJECTION)
    )


def overview_map(data: LanetPage) -> alt.LayerChart:
    """Municipalities (births per year shading, named), tätorter sized by population, care sites on top."""
    cfg = load()
    labels = cfg.map
    table = data.county.municipalities
    values = table.rename(columns={"scb_code": "kommun_kod"})[["kommun_kod", "population", "births_per_year"]]
    boundaries = geodata.municipality_boundaries()
    base = maps.municipality_layer(
        boundaries,
        values,
        field="births_per_year",
        title=labels["births"],
        fmt=",d",
        tooltip_fields=[("population", labels["population"]), ("births_per_year", labels["births"])],
        colour_range=BIRTHS_RANGE,
    )
    return maps.compose(
        base,
        maps.municipality_names(boundaries, dy=22),  # under the markers (a name never hides a site), below the seat
        _town_layer(data.county.localities, labels["town_size"], labels["town_population"]),
        _site_layer(data.county.sites),
        title=text.map_title(),
    )
