"""Travel inside a town: a straight-line leg for women and units on distinct vårdcentraler of one tätort.

The road graph anchors every trip on a tätort point, so it cannot tell two units inside one town
apart. For BMM access the women of each large town (:func:`split_towns`) are placed at the town's
vårdcentraler in equal shares, and a trip from such a point to a site in the same town is the
straight-line model (straight line × circuity over the speed profile plus urban access at both ends;
at zero distance this equals the graph's same-town trip). Trips to other towns use the chosen cost
model from the town as before.

:func:`travel_context` and :func:`bmm_travel_context` build one travel matrix per process and cost
model (cached on the model and the extra sites asked for), with the per-municipality summary the
options chapter compares between site sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

# A tätort with at least this many vårdcentraler is split into one origin per vårdcentral for BMM access
# (equal shares of its women), so units at different sites inside the town can be told apart.
WITHIN_TOWN_MIN_VARDCENTRALER = 3


def vardcentraler() -> pd.DataFrame:
    """The vårdcentraler of geodata/sites.csv: site_id, town, municipality_code (sorted by site id)."""
    from analysis.common import geodata

    sites = geodata.sites()
    vc = sites[sites["site_type"] == "vardcentral"][["site_id", "town", "municipality_code"]].copy()
    vc["municipality_code"] = vc["municipality_code"].astype(str)
    return vc.sort_values("site_id").reset_index(drop=True)


def town_vardcentraler(town: str) -> tuple[str, ...]:
    """The vårdcentraler (site ids, sorted) whose town in geodata/sites.csv is ``town``."""
    vc = vardcentraler()
    return tuple(sorted(str(x) for x in vc.loc[vc["town"] == town, "site_id"]))


def split_towns() -> tuple[str, ...]:
    """Tätorter split into one origin per vårdcentral for BMM access (at least
    ``WITHIN_TOWN_MIN_VARDCENTRALER`` vårdcentraler in the town)."""
    sizes = vardcentraler().groupby("town").size()
    return tuple(sorted(str(t) for t, n in sizes.items() if n >= WITHIN_TOWN_MIN_VARDCENTRALER))


def split_origins(origins: pd.DataFrame) -> pd.DataFrame:
    """Origins with each split town's tätort point replaced by one point per vårdcentral of the town, each
    with an equal share of the town's population, women and births; the points still join the road graph at
    the town (column ``node``), so trips to other towns are unchanged."""
    from analysis.common import geodata

    sites = geodata.sites().set_index("site_id")
    weights = [c for c in ("population", "women_15_44", "births", "weight") if c in origins.columns]
    towns = set(split_towns())
    vc = vardcentraler()
    town_vcs = {t: tuple(sorted(str(x) for x in vc.loc[vc["town"] == t, "site_id"])) for t in towns}
    parts = []
    columns = list(origins.columns)
    # each row as ``iterrows`` and ``Series.to_dict`` give it (the frame's values, numpy numbers made native)
    for values in origins.to_numpy(dtype=object):
        r = {c: _native(v) for c, v in zip(columns, values, strict=True)}
        town = str(r["node"]) if r.get("kind") == "tatort" and isinstance(r.get("node"), str) else ""
        if town not in towns:
            parts.append(r)
            continue
        vcs = town_vcs[town]
        for vc_id in vcs:
            row = dict(r)
            row["origin_id"] = f"{r['origin_id']} @ {vc_id}"
            row["x"], row["y"] = float(sites.loc[vc_id, "sweref99tm_x"]), float(sites.loc[vc_id, "sweref99tm_y"])
            for c in weights:
                row[c] = float(r[c]) / len(vcs)
            parts.append(row)
    out = pd.DataFrame(parts, columns=origins.columns).reset_index(drop=True)
    out.attrs.update(origins.attrs)
    return out


def _native(value: Any) -> Any:
    """One value as ``Series.to_dict`` of an object row gives it: numpy numbers as Python numbers, NA as None."""
    if isinstance(value, (np.bool_, np.integer, np.floating)):
        return value.item()
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        return pd.Timedelta(value)
    if value is pd.NA:
        return None
    return value


@dataclass(frozen=True, eq=False)
class TravelContext:
    """Origins, sites and one travel matrix, built once per process and cost model."""

    origins: pd.DataFrame
    sites: pd.DataFrame
    tm: Any
    model: str
    _cache: dict[tuple[str, ...], pd.DataFrame] = field(default_factory=dict)

    def by_municipality(self, site_ids: Sequence[str]) -> pd.DataFrame:
        """Per municipality (county row last): women-weighted mean minutes to the nearest
        site, and the annual one-way travel hours and km of one visit per birth."""
        key = ("m", *sorted(set(site_ids)))
        if key not in self._cache:
            from analysis.chapters.travel import model as travel

            sites = list(key[1:])
            mm = travel.metrics_by_municipality(self.tm, self.origins, sites).set_index("municipality_code")
            burden = travel.annual_burden(self.tm, self.origins, sites, 1.0, co2_g_per_km=0, round_trip_factor=1.0)
            burden = burden.set_index("municipality_code").reindex(mm.index)
            out = mm[["municipality", "mean_minutes", "max_minutes"]].copy()
            out["births"] = burden["births"]
            out["hours_per_visit_birth"] = burden["travel_hours"]
            out["km_per_visit_birth"] = burden["car_km"]
            self._cache[key] = out
        return self._cache[key]


@lru_cache(maxsize=8)
def travel_context(model: str = "graph", extra_sites: tuple[str, ...] = ()) -> TravelContext:
    """The travel matrix from every default origin to the standard sites plus ``extra_sites``
    (tätorter or site ids not among the standard sites); cached: built once per model and site list."""
    from analysis.chapters.travel import model as travel

    origins = travel.region_origins()
    sites = travel.standard_sites()
    extra = sorted(t for t in set(extra_sites) if t not in set(sites["site_id"]))
    if extra:
        sites = pd.concat([sites, travel.resolve_sites(extra)], ignore_index=True)
    tm = travel.cost_model(model).matrix(origins, sites)
    return TravelContext(origins, sites, tm, model)


@lru_cache(maxsize=8)
def bmm_travel_context(model: str = "graph", extra_sites: tuple[str, ...] = ()) -> TravelContext:
    """BMM access: the cost model between towns plus a straight-line leg inside a split town.

    The women of each split town (:func:`split_towns`) sit at the town's vårdcentraler in equal shares,
    and a trip from such a point to a site in the same town is the straight-line model. Every
    vårdcentral is a site. Today and every option use this same context, so their BMM figures are comparable.
    """
    from analysis.chapters.travel import model as travel

    base = travel_context(model, extra_sites)
    origins = split_origins(base.origins)
    sites = base.sites
    vc_ids = [s for s in vardcentraler()["site_id"] if s not in set(sites["site_id"])]
    if vc_ids:
        sites = pd.concat([sites, travel.resolve_sites(vc_ids)], ignore_index=True)
    tm = travel.cost_model(model).matrix(origins, sites)
    line = travel.cost_model("line").matrix(origins, sites)
    towns = set(split_towns())
    o_town = np.array(
        [str(n) if k == "tatort" and str(n) in towns else "" for n, k in zip(origins["node"], origins["kind"], strict=True)]
    )
    s_town = sites["town"].astype(str).to_numpy() if "town" in sites.columns else np.full(len(sites), "")
    inside = (o_town[:, None] != "") & (o_town[:, None] == s_town[None, :])
    tm = dc_replace(
        tm,
        minutes=np.where(inside, line.minutes, tm.minutes),
        km=np.where(inside, line.km, tm.km),
        source=np.where(inside, "line (within town)", tm.source),
        model=f"{tm.model} + straight line within {', '.join(sorted(towns))}",
        note=tm.note + "; straight line × circuity inside towns split at their vårdcentraler",
    )
    return TravelContext(origins, sites, tm, model)
