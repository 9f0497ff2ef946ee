"""Chapter "Länet idag": the county's municipalities, towns and care sites.

Everything here is published geography or a flagged estimate from ``geodata/``;
no individual data is involved.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from analysis.common import geodata
from analysis.render import maps
from analysis.render.charts import ACCENT_COLOURS

SITE_LABELS_SV = {
    "hospital_delivery": "Förlossning (Västerås)",
    "hospital": "Sjukhus utan förlossning",
    "vardcentral_bmm": "Vårdcentral med BMM på regionens karta",
    "vardcentral": "Övrig vårdcentral (möjlig BMM-plats)",
}
HUB_TOWNS = ("Västerås", "Köping", "Fagersta", "Sala")


def municipality_table() -> pd.DataFrame:
    """One row per municipality: population 2024, women 15–44 and births (estimates), tätorter, sites."""
    mun = geodata.municipalities()
    loc = geodata.localities()
    sites = geodata.sites()
    towns = loc.groupby("municipality_code").agg(tatorter=("locality", "size"), tatort_pop=("pop_2020", "sum"))
    vc = sites[sites["site_type"] == "vardcentral"].groupby("municipality_code").size().rename("vardcentraler")
    out = mun.merge(towns, left_on="scb_code", right_index=True, how="left").merge(
        vc, left_on="scb_code", right_index=True, how="left"
    )
    out["vardcentraler"] = out["vardcentraler"].fillna(0).astype(int)
    out["density"] = out["population"] / out["area_land_km2"]
    out["tatort_share_pct"] = (
        100 * out["tatort_pop"] / out["population_2023"].where(out["population_2023"] > 0, out["population"])
    )
    out["births_share_pct"] = 100 * out["births_per_year"] / out["births_per_year"].sum()
    return out.sort_values("population", ascending=False).reset_index(drop=True)


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The municipality table with Swedish headings; estimates marked in the heading."""
    from analysis.common.formatting import sv_number, sv_pct

    rows = []
    for r in table.itertuples():
        rows.append(
            {
                "Kommun": r.name,
                "Folkmängd 2024": sv_number(r.population),
                "Kvinnor 15–44 år (skattning)": sv_number(r.women_15_44),
                "Födda per år (skattning)": sv_number(r.births_per_year),
                "Andel av länets födda": sv_pct(r.births_share_pct),
                "Invånare per km²": sv_number(r.density, 1),
                "Vårdcentraler": int(r.vardcentraler),
            }
        )
    total = {
        "Kommun": "Länet totalt (summa av skattningarna)",
        "Folkmängd 2024": sv_number(table["population"].sum()),
        "Kvinnor 15–44 år (skattning)": sv_number(table["women_15_44"].sum()),
        "Födda per år (skattning)": sv_number(table["births_per_year"].sum()),
        "Andel av länets födda": sv_pct(100.0),
        "Invånare per km²": sv_number(table["population"].sum() / table["area_land_km2"].sum(), 1),
        "Vårdcentraler": int(table["vardcentraler"].sum()),
    }
    return pd.DataFrame([*rows, total])


def site_points() -> pd.DataFrame:
    """Sites with a Swedish category for the map legend."""
    s = geodata.sites().copy()
    kind = s["site_type"].where(s["site_type"] != "vardcentral", "vardcentral")
    kind = kind.where(~((s["site_type"] == "vardcentral") & (s.get("bmm_listed", "") == "yes")), "vardcentral_bmm")
    s["kategori"] = kind.map(SITE_LABELS_SV)
    return s[["site_id", "name", "kategori", "town", "municipality_code", "sweref99tm_x", "sweref99tm_y", "coord_quality"]]


def overview_map(municipality_values: pd.DataFrame | None = None) -> alt.LayerChart:
    """Municipalities (births per year shading), tätorter sized by population, care sites on top."""
    boundaries = geodata.municipality_boundaries()
    table = municipality_table()
    values = table.rename(columns={"scb_code": "kommun_kod"})[["kommun_kod", "population", "births_per_year"]]
    base = maps.municipality_layer(
        boundaries,
        values,
        field="births_per_year",
        title="Födda per år (skattning)",
        fmt=",d",
        tooltip_fields=[("population", "Folkmängd 2024"), ("births_per_year", "Födda per år (skattning)")],
    )
    towns = geodata.localities()[["locality", "pop_2020", "sweref99tm_x", "sweref99tm_y"]]
    town_layer = maps.point_layer(
        towns,
        size="pop_2020",
        colour="#4a4a4a",
        label="locality",
        size_title="Tätort, invånare 2020",
        extra_tooltips=[("pop_2020:Q", "Invånare 2020")],
    )
    sites = site_points()
    site_layer = (
        alt.Chart(sites)
        .mark_point(filled=True, size=120, opacity=0.95, stroke="white", strokeWidth=0.8, shape="diamond")
        .encode(
            longitude="sweref99tm_x:Q",
            latitude="sweref99tm_y:Q",
            color=alt.Color(
                "kategori:N",
                title="Vårdenhet",
                scale=alt.Scale(
                    domain=list(SITE_LABELS_SV.values()),
                    range=[ACCENT_COLOURS[1], ACCENT_COLOURS[0], ACCENT_COLOURS[2], "#7a7a7a"],
                ),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Namn"),
                alt.Tooltip("kategori:N", title="Typ"),
                alt.Tooltip("town:N", title="Ort"),
            ],
        )
        .project(**maps.PROJECTION)
    )
    hubs = geodata.localities()
    hubs = hubs[hubs["locality"].isin(HUB_TOWNS)][["locality", "sweref99tm_x", "sweref99tm_y"]]
    return maps.compose(
        base,
        town_layer,
        site_layer,
        maps.label_layer(hubs, "locality", dy=-14),
        title="Västmanlands län: kommuner, tätorter och vårdenheter",
    )


def key_figures() -> dict[str, Any]:
    table = municipality_table()
    loc = geodata.localities()
    sites = geodata.sites()
    vas = table.loc[table["scb_code"] == "1980"].iloc[0]
    return {
        "municipalities": len(table),
        "population_2024": int(table["population"].sum()),
        "women_15_44_estimate": int(table["women_15_44"].sum()),
        "births_per_year_estimate": int(table["births_per_year"].sum()),
        "tatorter": len(loc),
        "tatort_population_2020": int(loc["pop_2020"].sum()),
        "vasteras_share_of_births_pct": float(100 * vas["births_per_year"] / table["births_per_year"].sum()),
        "vardcentraler": int((sites["site_type"] == "vardcentral").sum()),
        "vardcentraler_regional": int(((sites["site_type"] == "vardcentral") & (sites["operator"] == "regional")).sum()),
        "delivery_units": int((sites["site_type"] == "hospital_delivery").sum()),
        "smallest_municipality_births": int(table["births_per_year"].min()),
        "smallest_municipality": str(table.loc[table["births_per_year"].idxmin(), "name"]),
    }
