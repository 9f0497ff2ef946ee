"""The region's 1 km population grid as origins, and the cost model the book uses on it.

Origins: every populated cell of ``geodata/rutor_1km_2024.csv`` (Region Västmanland / SCB 2024), weighted by its
population; women 15–44 and births are the cell's population × its municipality's estimated share.

Cost (:class:`RegionCost`): the region's published GIS minutes (2024, posted limits) for a grid cell to a hub
town's hospital (or the town's point), where the region publishes one; the calibrated road model
(:mod:`analysis.chapters.travel.model.calibration`) for every other pair.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.chapters.travel.model.assumptions import param
from analysis.chapters.travel.model.calibration import (
    RoadParams,
    default_network,
    fit,
    hub_sites,
    predict,
    region_observations,
)
from analysis.chapters.travel.model.costs import TravelMatrix, _ids, _straight_km
from analysis.chapters.travel.model.origins import ORIGIN_COLUMNS, add_weights, grid_origin_frame

GRID_QUALITY = "SCB/Region Västmanland 1 km grid 2024 (published population); women 15-44 and births estimated"


def region_origins(
    weight_by: str | None = None, cells: pd.DataFrame | None = None, municipalities: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One origin per populated 1 km cell (origin_id = rut_id), weighted by its 2024 population."""
    from analysis.common import geodata

    cells = geodata.grid_cells() if cells is None else cells
    municipalities = geodata.municipalities() if municipalities is None else municipalities
    cells = cells[cells["population_2024"] > 0]
    ids = cells["rut_id"].astype(str).to_numpy()
    origins = grid_origin_frame(
        ids,
        cells["municipality_code"].astype(str).to_numpy(),
        cells["x"].to_numpy(float),
        cells["y"].to_numpy(float),
        cells["population_2024"].to_numpy(float),
        GRID_QUALITY,
    )
    return add_weights(origins, municipalities, weight_by)[list(ORIGIN_COLUMNS)]


def tatort_cells(localities: pd.DataFrame | None = None, cells: pd.DataFrame | None = None) -> pd.Series:
    """``{tätort: rut_id}``: the populated cell containing the tätort's SCB point (else the nearest populated cell)."""
    from analysis.common import geodata

    localities = geodata.localities() if localities is None else localities
    cells = geodata.grid_cells() if cells is None else cells
    cells = cells[cells["population_2024"] > 0]
    size = geodata.GRID_CELL_M
    tx, ty = localities["sweref99tm_x"].to_numpy(float), localities["sweref99tm_y"].to_numpy(float)
    d = np.hypot(tx[:, None] - cells["x"].to_numpy(float)[None, :], ty[:, None] - cells["y"].to_numpy(float)[None, :])
    inside = (np.abs(tx[:, None] - cells["x"].to_numpy(float)[None, :]) <= size / 2) & (
        np.abs(ty[:, None] - cells["y"].to_numpy(float)[None, :]) <= size / 2
    )
    pick = np.where(inside.any(axis=1), inside.argmax(axis=1), d.argmin(axis=1))
    return pd.Series(cells["rut_id"].astype(str).to_numpy()[pick], index=localities["locality"].astype(str).to_numpy())


@lru_cache(maxsize=1)
def region_fit() -> RoadParams:
    """The calibrated parameters, fitted on every cell time the region publishes (once per process)."""
    return fit(region_observations())


def region_minutes() -> pd.DataFrame:
    """The region's minutes: rows rut_id, columns hub towns (NaN where not published)."""
    from analysis.common import geodata

    cells = geodata.grid_cells()
    out = cells.set_index(cells["rut_id"].astype(str))[list(geodata.GRID_HUB_COLUMNS.values())]
    out.columns = list(geodata.GRID_HUB_COLUMNS)
    return out


def _hub_town(sites: pd.DataFrame) -> np.ndarray:
    """Per site: the hub town whose published minutes apply (hospital or town point of a hub town), else ''."""
    from analysis.common import geodata

    towns = set(geodata.GRID_HUB_COLUMNS)
    kind = sites["site_type"].astype(str) if "site_type" in sites.columns else pd.Series("", index=sites.index)
    town = sites["town"].astype(str) if "town" in sites.columns else pd.Series("", index=sites.index)
    ok = (kind.str.startswith("hospital") | (kind == "town")) & town.isin(towns)
    return np.where(ok.to_numpy(), town.to_numpy(), "")


@dataclass(frozen=True)
class CalibratedCost:
    """The calibrated road model for every pair (km = straight line × the line-model circuity)."""

    params: RoadParams | None = None
    speed_factor: float = 1.0
    name: str = "calibrated"

    def with_speed(self, factor: float) -> CalibratedCost:
        return replace(self, speed_factor=factor, name=f"{self.name}, speeds ×{factor:g}")

    def matrix(self, origins: pd.DataFrame, sites: pd.DataFrame) -> TravelMatrix:
        p = np.array((self.params or region_fit()).values, float)
        minutes = predict(default_network(), p, origins["x"], origins["y"], sites["x"], sites["y"])
        km = _straight_km(origins, sites) * float(param("line_model.circuity"))
        return TravelMatrix(
            origin_ids=_ids(origins, "origin_id"),
            site_ids=_ids(sites, "site_id"),
            minutes=minutes / self.speed_factor,
            km=km,
            source=np.full(minutes.shape, "model", dtype=object),
            model=self.name,
            modelled=True,
            note="modelled: road graph at fitted shares of posted limits plus trip ends, calibrated on the region's cell times",
        )


@dataclass(frozen=True)
class RegionCost:
    """The region's published minutes where they exist (cell × hub), the calibrated model elsewhere."""

    speed_factor: float = 1.0
    name: str = "region"

    def with_speed(self, factor: float) -> RegionCost:
        return replace(self, speed_factor=factor, name=f"{self.name}, speeds ×{factor:g}")

    def matrix(self, origins: pd.DataFrame, sites: pd.DataFrame) -> TravelMatrix:
        tm, minutes, source = _region_matrix(origins, sites)
        n_region = int((source == "region").sum())
        return replace(
            tm,
            origin_ids=tm.origin_ids.copy(),
            site_ids=tm.site_ids.copy(),
            km=tm.km.copy(),
            minutes=minutes / self.speed_factor,
            source=source.copy(),
            model=self.name,
            note=f"{n_region} cell-hub pairs: Region Västmanland's GIS minutes (2024, posted limits); "
            f"{source.size - n_region} pairs: {tm.note}",
        )


# The matrices of :class:`RegionCost` at unchanged speeds, by the content of what they were made from (the speed
# variants and every page of a build ask for the same pairs again): the origins and sites, the fitted parameters,
# the hub sites and the region's published minutes. The road graph and the assumptions file are fixed files.
_REGION_MATRICES: dict[str, tuple[TravelMatrix, np.ndarray, np.ndarray]] = {}


def _content_key(origins: pd.DataFrame, sites: pd.DataFrame) -> str:
    """A digest of every input of :func:`_region_matrix` but the fixed files (see ``_REGION_MATRICES``)."""
    h = hashlib.sha256()
    h.update(np.asarray(region_fit().values, float).tobytes())
    hubs = hub_sites()
    h.update("\x1f".join(f"{t}:{x!r}:{y!r}" for t, x, y in zip(hubs["town"], hubs["x"], hubs["y"], strict=True)).encode())
    published = region_minutes()
    h.update("\x1f".join(map(str, published.columns)).encode() + "\x1f".join(map(str, published.index)).encode())
    h.update(published.to_numpy(float).tobytes())
    for frame, columns in ((origins, ("origin_id", "x", "y")), (sites, ("site_id", "x", "y", "site_type", "town"))):
        h.update(f"|{len(frame)}|".encode())
        for column in columns:
            if column not in frame.columns:
                h.update(f"<no {column}>".encode())
            elif column in ("x", "y"):
                h.update(frame[column].to_numpy(float).tobytes())
            else:
                h.update("\x1f".join(frame[column].astype(str)).encode())
            h.update(b"\x1e")
    return h.hexdigest()


def _region_matrix(origins: pd.DataFrame, sites: pd.DataFrame) -> tuple[TravelMatrix, np.ndarray, np.ndarray]:
    """The calibrated model's matrix and, before any speed factor, the minutes and sources with the region's
    published minutes in place (computed once per content of the origins and sites; never modified)."""
    key = _content_key(origins, sites)
    if key in _REGION_MATRICES:
        return _REGION_MATRICES[key]
    hubs = _hub_town(sites)
    at = hub_sites().set_index("town")
    placed = sites.copy()
    for col in ("x", "y"):  # a hub town's point is modelled from its hospital, as the published minutes are
        placed[col] = [float(at.loc[t, col]) if t else float(v) for t, v in zip(hubs, sites[col], strict=True)]
    tm = CalibratedCost().matrix(origins, placed)
    minutes, source = tm.minutes.copy(), tm.source.copy()
    published = region_minutes()
    ids = pd.Index(_ids(origins, "origin_id"))
    rows = published.reindex(ids)
    for j, town in enumerate(hubs):
        if town:
            values = rows[town].to_numpy(float)
            has = np.isfinite(values)
            minutes[has, j] = values[has]
            source[has, j] = "region"
    if len(_REGION_MATRICES) >= 8:
        _REGION_MATRICES.clear()
    _REGION_MATRICES[key] = (tm, minutes, source)
    return tm, minutes, source
