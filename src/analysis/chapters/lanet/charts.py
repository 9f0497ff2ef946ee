"""The overview map in SWEREF 99 TM: municipalities shaded by births, tätorter, care sites, hub towns."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from analysis.chapters.lanet import text
from analysis.chapters.lanet.config import load
from analysis.chapters.lanet.page import LanetPage
from analysis.common import disclosure, geodata
from analysis.render import maps
from analysis.render.charts import ACCENT_COLOURS

# One colour per site category, in the legend order of data/lanet.yml.
SITE_COLOURS = (ACCENT_COLOURS[1], ACCENT_COLOURS[0], ACCENT_COLOURS[2], "#7a7a7a")


def labelled_sites(sites: pd.DataFrame, categories: Mapping[str, str]) -> pd.DataFrame:
    """The site points with the category's label in ``kategori`` (the legend's field)."""
    out = sites.copy()
    out.insert(out.columns.get_loc("category"), "kategori", out["category"].map(categories))
    return out.drop(columns="category")


def _site_layer(sites: pd.DataFrame) -> alt.Chart:
    cfg = load()
    labels = cfg.map
    return (
        alt.Chart(disclosure.non_person(labelled_sites(sites, dict(cfg.site_categories)), "care sites"))
        .mark_point(filled=True, size=120, opacity=0.95, stroke="white", strokeWidth=0.8, shape="diamond")
        .encode(
            longitude="sweref99tm_x:Q",
            latitude="sweref99tm_y:Q",
            color=alt.Color(
                "kategori:N",
                title=labels["sites"],
                scale=alt.Scale(domain=list(cfg.site_categories.values()), range=list(SITE_COLOURS)),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=labels["name"]),
                alt.Tooltip("kategori:N", title=labels["site_type"]),
                alt.Tooltip("town:N", title=labels["town"]),
            ],
        )
        .project(**maps.PROJECTION)
    )


def overview_map(data: LanetPage) -> alt.LayerChart:
    """Municipalities (births per year shading), tätorter sized by population, care sites on top, hub towns named."""
    cfg = load()
    labels = cfg.map
    table = data.county.municipalities
    values = table.rename(columns={"scb_code": "kommun_kod"})[["kommun_kod", "population", "births_per_year"]]
    base = maps.municipality_layer(
        geodata.municipality_boundaries(),
        values,
        field="births_per_year",
        title=labels["births"],
        fmt=",d",
        tooltip_fields=[("population", labels["population"]), ("births_per_year", labels["births"])],
    )
    localities = data.county.localities
    town_layer = maps.point_layer(
        disclosure.non_person(localities[["locality", "pop_2020", "sweref99tm_x", "sweref99tm_y"]], "tätorter (SCB)"),
        size="pop_2020",
        colour="#4a4a4a",
        label="locality",
        size_title=labels["town_size"],
        extra_tooltips=[("pop_2020:Q", labels["town_population"])],
    )
    hubs = localities[localities["locality"].isin(cfg.hub_towns)][["locality", "sweref99tm_x", "sweref99tm_y"]]
    return maps.compose(
        base,
        town_layer,
        _site_layer(data.county.sites),
        maps.label_layer(disclosure.non_person(hubs, "hub towns"), "locality", dy=-14),
        title=text.map_title(),
    )
