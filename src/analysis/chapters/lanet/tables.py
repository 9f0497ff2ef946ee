"""Display tables of the chapter (Swedish headings from ``data/lanet.yml``)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.chapters.lanet import text
from analysis.chapters.lanet.config import load
from analysis.chapters.lanet.page import LanetPage
from analysis.common.formatting import sv_number, sv_pct
from analysis.render.page import Table


def municipality_rows(table: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """One formatted row per municipality and a total row (sums of the estimates; density over the summed areas)."""
    rows = [
        {
            labels["municipality"]: r.name,
            labels["population"]: sv_number(r.population),
            labels["women"]: sv_number(r.women_15_44),
            labels["births"]: sv_number(r.births_per_year),
            labels["births_share"]: sv_pct(r.births_share_pct),
            labels["density"]: sv_number(r.density, 1),
            labels["vardcentraler"]: int(r.vardcentraler),
        }
        for r in table.itertuples()
    ]
    total = {
        labels["municipality"]: labels["total"],
        labels["population"]: sv_number(table["population"].sum()),
        labels["women"]: sv_number(table["women_15_44"].sum()),
        labels["births"]: sv_number(table["births_per_year"].sum()),
        labels["births_share"]: sv_pct(100.0),
        labels["density"]: sv_number(table["population"].sum() / table["area_land_km2"].sum(), 1),
        labels["vardcentraler"]: int(table["vardcentraler"].sum()),
    }
    return pd.DataFrame([*rows, total])


def municipalities(data: LanetPage) -> Table:
    """The municipality table (estimates marked in the headings)."""
    return Table(municipality_rows(data.county.municipalities, load().table), text.municipality_table_caption())
