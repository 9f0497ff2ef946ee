"""Key figures, the municipality table and the care sites, from the published geography in ``geodata/``."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.chapters.lanet.config import load
from analysis.common import geodata


@dataclass(frozen=True)
class KeyFigures:
    """The county in numbers (the page's results; estimates are named so)."""

    municipalities: int
    population_2024: int
    women_15_44_estimate: int
    births_per_year_estimate: int
    tatorter: int
    tatort_population_2020: int
    vasteras_share_of_births_pct: float
    vardcentraler: int
    vardcentraler_regional: int
    delivery_units: int
    smallest_municipality_births: int
    smallest_municipality: str


def municipality_table(municipalities: pd.DataFrame, localities: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality: population, women 15–44 and births (estimates), tätorter, vårdcentraler.

    Adds ``density`` (inhabitants per km² land), ``tatort_share_pct`` and ``births_share_pct``;
    sorted by population, largest first.
    """
    towns = localities.groupby("municipality_code").agg(tatorter=("locality", "size"), tatort_pop=("pop_2020", "sum"))
    vc = sites[sites["site_type"] == "vardcentral"].groupby("municipality_code").size().rename("vardcentraler")
    out = municipalities.merge(towns, left_on="scb_code", right_index=True, how="left").merge(
        vc, left_on="scb_code", right_index=True, how="left"
    )
    out["vardcentraler"] = out["vardcentraler"].fillna(0).astype(int)
    out["density"] = out["population"] / out["area_land_km2"]
    out["tatort_share_pct"] = (
        100 * out["tatort_pop"] / out["population_2023"].where(out["population_2023"] > 0, out["population"])
    )
    out["births_share_pct"] = 100 * out["births_per_year"] / out["births_per_year"].sum()
    return out.sort_values("population", ascending=False).reset_index(drop=True)


def site_points(sites: pd.DataFrame) -> pd.DataFrame:
    """Care sites with a map ``category``: the site type, ``vardcentral_bmm`` for a vårdcentral listed with a BMM."""
    s = sites.copy()
    kind = s["site_type"]
    listed = (s["site_type"] == "vardcentral") & (s.get("bmm_listed", "") == "yes")
    s["category"] = kind.where(~listed, "vardcentral_bmm")
    return s[["site_id", "name", "category", "town", "municipality_code", "sweref99tm_x", "sweref99tm_y", "coord_quality"]]


def key_figures(table: pd.DataFrame, localities: pd.DataFrame, sites: pd.DataFrame, main_municipality: str) -> KeyFigures:
    """Totals over the municipality table, towns and sites; ``main_municipality``'s share of the births."""
    main = table.loc[table["scb_code"] == main_municipality]
    if main.empty:
        raise ValueError(f"main municipality {main_municipality!r} is not in the municipality table")
    births = table["births_per_year"]
    vc = sites["site_type"] == "vardcentral"
    return KeyFigures(
        municipalities=len(table),
        population_2024=int(table["population"].sum()),
        women_15_44_estimate=int(table["women_15_44"].sum()),
        births_per_year_estimate=int(births.sum()),
        tatorter=len(localities),
        tatort_population_2020=int(localities["pop_2020"].sum()),
        vasteras_share_of_births_pct=float(100 * main["births_per_year"].iloc[0] / births.sum()),
        vardcentraler=int(vc.sum()),
        vardcentraler_regional=int((vc & (sites["operator"] == "regional")).sum()),
        delivery_units=int((sites["site_type"] == "hospital_delivery").sum()),
        smallest_municipality_births=int(births.min()),
        smallest_municipality=str(table.loc[births.idxmin(), "name"]),
    )


@dataclass(frozen=True)
class County:
    """The county's geography: municipality table, tätorter, care sites and the sourced county births."""

    municipalities: pd.DataFrame
    localities: pd.DataFrame
    sites: pd.DataFrame
    figures: KeyFigures
    births_sourced: int
    births_sourced_year: int


def county() -> County:
    """Everything the chapter shows, read from ``geodata/``."""
    localities = geodata.localities()
    sites = geodata.sites()
    table = municipality_table(geodata.municipalities(), localities, sites)
    total = geodata.county()
    return County(
        municipalities=table,
        localities=localities,
        sites=site_points(sites),
        figures=key_figures(table, localities, sites, load().main_municipality),
        births_sourced=int(total["births_per_year"]),
        births_sourced_year=int(total["births_year"]),
    )
