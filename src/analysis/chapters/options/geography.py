"""Municipalities, their seats and the vårdcentraler, as the options chapter uses them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from analysis.chapters.options.config import OptionsConfigError
from analysis.chapters.travel.model.within_town import vardcentraler

# --------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class Geography:
    """Municipalities (births, women), their seats and the vårdcentraler, from ``analysis.common.geodata``."""

    municipalities: pd.DataFrame  # index code: name, births, women_15_44, seat, seat_x, seat_y
    vardcentraler: pd.DataFrame  # site_id, town, municipality_code
    town_population: Mapping[str, float]
    points: Mapping[str, tuple[float, float, str]]  # tätort or site_id -> x, y, municipality code


@lru_cache(maxsize=1)
def geography() -> Geography:
    from analysis.common import geodata

    m = geodata.municipalities().copy()
    loc = geodata.localities()
    seats = loc.sort_values(["pop_2020", "locality"], ascending=[False, True]).groupby("municipality_code").head(1)
    seats = seats.set_index(seats["municipality_code"].astype(str))
    table = pd.DataFrame(
        {
            "name": m["name"].to_numpy(),
            "births": m["births_per_year"].astype(float).to_numpy(),
            "women_15_44": m["women_15_44"].astype(float).to_numpy(),
        },
        index=pd.Index(m["scb_code"].astype(str), name="municipality_code"),
    )
    table["seat"] = seats.reindex(table.index)["locality"]
    table["seat_x"] = seats.reindex(table.index)["sweref99tm_x"].astype(float)
    table["seat_y"] = seats.reindex(table.index)["sweref99tm_y"].astype(float)
    sites = geodata.sites()
    vc = vardcentraler()
    pops = dict(zip(loc["locality"], loc["pop_2020"].astype(float), strict=True))
    points: dict[str, tuple[float, float, str]] = {}
    for frame, key in ((sites, "site_id"), (loc, "locality")):  # a tätort name wins over a site id
        for _, r in frame.iterrows():
            points[str(r[key])] = (float(r["sweref99tm_x"]), float(r["sweref99tm_y"]), str(r["municipality_code"]))
    return Geography(table, vc, pops, points)


def town_xy(town: str) -> tuple[float, float, str]:
    try:
        return geography().points[town]
    except KeyError:
        raise OptionsConfigError(f"site {town!r} is neither a tätort nor a site_id in geodata") from None
