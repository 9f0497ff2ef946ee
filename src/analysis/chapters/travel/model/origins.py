"""Where women live: origins for travel times, each with a municipality and weights.

Default (embedded): the 44 SCB tätorter at their representative points plus
each municipality's rural remainder (municipality population minus its
tätorter) spread evenly over a regular lattice of points inside the
municipality polygon, outside the tätorter. Bring-your-own: an SCB
"Statistik på rutor" style population grid.

Weights (women 15–44, births) are municipal estimates shared out in proportion
to population, so every origin carries the municipality's average structure.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from analysis.chapters.travel.model.assumptions import param

CRS_METRIC = "EPSG:3006"
WEIGHT_COLUMNS = ("population", "women_15_44", "births")
ORIGIN_COLUMNS = (
    "origin_id", "name", "kind", "municipality_code", "municipality", "x", "y", "lat", "lon", "node",
    "population", "women_15_44", "births", "weight", "quality",
)  # fmt: skip
_ID_COLUMNS = ("rut_id", "rutid", "ruta", "rut", "grid_id", "id")
_X_COLUMNS = ("x", "e", "easting", "sweref99tm_x", "x_koord")
_Y_COLUMNS = ("y", "n", "northing", "sweref99tm_y", "y_koord")
_POP_COLUMNS = ("population", "pop", "beftotalt", "totalt", "befolkning", "folkmangd", "tot", "value")


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(CRS_METRIC, "EPSG:4326", always_xy=True)


def _latlon(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = _to_wgs84().transform(np.asarray(x, float), np.asarray(y, float))
    return np.round(lat, 5), np.round(lon, 5)


def _municipality_table(municipalities: pd.DataFrame) -> pd.DataFrame:
    m = municipalities.copy()
    m["scb_code"] = m["scb_code"].astype(str)
    return m.set_index("scb_code")


def add_weights(origins: pd.DataFrame, municipalities: pd.DataFrame, weight_by: str | None = None) -> pd.DataFrame:
    """Women 15–44 and births per origin, pro rata to population within its municipality; set ``weight``."""
    weight_by = weight_by or param("weights.default")
    if weight_by not in WEIGHT_COLUMNS:
        raise ValueError(f"weight_by must be one of {', '.join(WEIGHT_COLUMNS)}; got {weight_by!r}")
    m = _municipality_table(municipalities)
    out = origins.copy()
    unknown = sorted(set(out["municipality_code"]) - set(m.index))
    if unknown:
        raise ValueError(f"origins: municipality code(s) {', '.join(unknown)} not in the municipalities table")
    pop = m["population"].astype(float)
    per_person = {
        "women_15_44": m["women_15_44"].astype(float) / pop,
        "births": m["births_per_year"].astype(float) / pop,
    }
    for col, ratio in per_person.items():
        out[col] = out["population"].astype(float) * out["municipality_code"].map(ratio).to_numpy()
    out["municipality"] = out["municipality_code"].map(m["name"])
    out["weight"] = out[weight_by].astype(float)
    out.attrs["weight_by"] = weight_by
    return out


def tatort_origins(localities: pd.DataFrame) -> pd.DataFrame:
    """One origin per SCB tätort at its representative point; it joins the road graph at its own node."""
    x = localities["sweref99tm_x"].to_numpy(float)
    y = localities["sweref99tm_y"].to_numpy(float)
    return pd.DataFrame(
        {
            "origin_id": localities["locality"].astype(str),
            "name": localities["locality"].astype(str),
            "kind": "tatort",
            "municipality_code": localities["municipality_code"].astype(str),
            "x": x,
            "y": y,
            "lat": localities["lat"].to_numpy(float),
            "lon": localities["lon"].to_numpy(float),
            "node": localities["locality"].astype(str),
            "population": localities["pop_2020"].astype(float),
            "quality": "tätort population SCB 2020 (sourced); weights estimated",
        }
    )


def _lattice(polygon: shapely.Geometry, spacing: float) -> np.ndarray:
    """Centres of a fixed national lattice (multiples of ``spacing`` + half) that fall inside ``polygon``."""
    minx, miny, maxx, maxy = polygon.bounds
    xs = (np.arange(np.floor(minx / spacing), np.ceil(maxx / spacing)) + 0.5) * spacing
    ys = (np.arange(np.floor(miny / spacing), np.ceil(maxy / spacing)) + 0.5) * spacing
    mx, my = np.meshgrid(xs, ys)
    gx, gy = mx.ravel(), my.ravel()
    inside = shapely.contains_xy(polygon, gx, gy)
    return np.column_stack([gx[inside], gy[inside]])


def rural_points(
    localities: pd.DataFrame,
    municipalities: pd.DataFrame,
    boundaries: gpd.GeoDataFrame,
    spacing_m: float | None = None,
) -> pd.DataFrame:
    """Each municipality's non-tätort population spread evenly over lattice points outside its tätorter.

    remainder = municipality population (2024) − its tätorter (2020), floored at
    zero; the 2020–2024 growth therefore lands in the remainder (a documented
    bias). Lattice points within ``radius_factor × √(land area / π)`` of a
    tätort point are dropped; if none remain the polygon's representative point
    carries the whole remainder.
    """
    spacing = float(spacing_m or param("rural_remainder.grid_spacing_m"))
    factor = float(param("rural_remainder.tatort_exclusion_radius_factor"))
    m = _municipality_table(municipalities)
    bounds = boundaries.to_crs(CRS_METRIC).set_index(boundaries["kommun_kod"].astype(str))
    tx = localities["sweref99tm_x"].to_numpy(float)
    ty = localities["sweref99tm_y"].to_numpy(float)
    radius = factor * np.sqrt(localities["land_area_ha"].astype(float).fillna(0).to_numpy() * 1e4 / np.pi)
    tat_pop = localities.groupby(localities["municipality_code"].astype(str))["pop_2020"].sum()
    frames = []
    for code in sorted(m.index):
        remainder = max(0.0, float(m.loc[code, "population"]) - float(tat_pop.get(code, 0.0)))
        if remainder <= 0 or code not in bounds.index:
            continue
        poly = bounds.loc[code, "geometry"]
        pts = _lattice(poly, spacing)
        if len(pts):
            d = np.hypot(pts[:, None, 0] - tx[None, :], pts[:, None, 1] - ty[None, :])
            pts = pts[~(d < radius[None, :]).any(axis=1)]
        if len(pts) < int(param("rural_remainder.min_points_per_municipality")):
            rp = poly.representative_point()
            pts = np.array([[rp.x, rp.y]])
        lat, lon = _latlon(pts[:, 0], pts[:, 1])
        n = len(pts)
        frames.append(
            pd.DataFrame(
                {
                    "origin_id": [f"rural-{code}-{i + 1:03d}" for i in range(n)],
                    "name": [f"{m.loc[code, 'name']} rural {i + 1}" for i in range(n)],
                    "kind": "rural",
                    "municipality_code": code,
                    "x": pts[:, 0],
                    "y": pts[:, 1],
                    "lat": lat,
                    "lon": lon,
                    "node": pd.NA,
                    "population": remainder / n,
                    "quality": f"modelled: rural remainder spread evenly over {spacing / 1000:g} km lattice points",
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(ORIGIN_COLUMNS))


def default_origins(
    weight_by: str | None = None,
    rural: bool = True,
    localities: pd.DataFrame | None = None,
    municipalities: pd.DataFrame | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    spacing_m: float | None = None,
) -> pd.DataFrame:
    """Tätorter plus rural lattice points with weights; inputs default to ``analysis.common.geodata``."""
    from analysis.common import geodata

    localities = geodata.localities() if localities is None else localities
    municipalities = geodata.municipalities() if municipalities is None else municipalities
    parts = [tatort_origins(localities)]
    if rural:
        boundaries = geodata.municipality_boundaries() if boundaries is None else boundaries
        parts.append(rural_points(localities, municipalities, boundaries, spacing_m))
    origins = pd.concat([p for p in parts if len(p)], ignore_index=True)
    return add_weights(origins, municipalities, weight_by)[list(ORIGIN_COLUMNS)]


def _find(columns: list[str], candidates: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in columns}
    return next((lower[c] for c in candidates if c in lower), None)


def read_population_grid(path: str | Path, population_column: str | None = None) -> pd.DataFrame:
    """Read an SCB-style 1 km population grid (CSV or GeoPackage) into ``grid_id, x, y, population``.

    Cell position comes from a 13-digit ``rut_id`` (south-west corner easting +
    northing in SWEREF 99 TM), else x/y columns, else the geometry's centroid.
    """
    path = Path(path)
    if path.suffix.lower() in (".gpkg", ".shp", ".geojson", ".parquet"):
        frame = gpd.read_parquet(path) if path.suffix.lower() == ".parquet" else gpd.read_file(path)
        if frame.crs is not None:
            frame = frame.to_crs(CRS_METRIC)
    else:
        frame = pd.read_csv(path, dtype=str)
    columns = [c for c in frame.columns if c != "geometry"]
    pop_col = population_column or _find(columns, _POP_COLUMNS)
    if pop_col is None or pop_col not in frame.columns:
        raise ValueError(f"{path}: no population column (tried {', '.join(_POP_COLUMNS)}); pass population_column")
    population = pd.to_numeric(frame[pop_col], errors="coerce")
    bad = population.isna() | (population < 0)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy())[:5])
        raise ValueError(f"{path}: column {pop_col!r}: missing or negative population at rows {rows}")
    half = float(param("population_grid.cell_size_m")) / 2
    id_col = _find(columns, _ID_COLUMNS)
    x_col, y_col = _find(columns, _X_COLUMNS), _find(columns, _Y_COLUMNS)
    if id_col is not None:
        ids = frame[id_col].astype(str).str.replace(r"\.0$", "", regex=True).str.strip()
        bad = ~ids.str.fullmatch(r"\d{13}")
        if bad.any():
            rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad.to_numpy())[:5])
            raise ValueError(
                f"{path}: column {id_col!r}: expected 13-digit rut_id (6-digit easting + 7-digit northing) at rows {rows}"
            )
        x = ids.str[:6].astype(float).to_numpy() + half
        y = ids.str[6:].astype(float).to_numpy() + half
    elif x_col is not None and y_col is not None:
        x = pd.to_numeric(frame[x_col], errors="coerce").to_numpy(float)
        y = pd.to_numeric(frame[y_col], errors="coerce").to_numpy(float)
        ids = pd.Series([f"{int(a)}_{int(b)}" for a, b in zip(x, y, strict=True)])
    elif isinstance(frame, gpd.GeoDataFrame):
        cent = frame.geometry.centroid
        x, y = cent.x.to_numpy(), cent.y.to_numpy()
        ids = pd.Series([f"{int(a)}_{int(b)}" for a, b in zip(x, y, strict=True)])
    else:
        raise ValueError(f"{path}: no rut_id, x/y or geometry column to place the cells")
    if not (np.all((x > 2e5) & (x < 1e6)) and np.all((y > 6.1e6) & (y < 7.7e6))):
        raise ValueError(f"{path}: cell coordinates are not SWEREF 99 TM metres inside Sweden")
    out = pd.DataFrame({"grid_id": ids.to_numpy(), "x": x, "y": y, "population": population.to_numpy(float)})
    return out[out["population"] > 0].reset_index(drop=True)


def grid_origins(
    grid: pd.DataFrame | str | Path,
    municipalities: pd.DataFrame | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    weight_by: str | None = None,
) -> pd.DataFrame:
    """Origins from a population grid, each cell assigned to the municipality containing (or nearest to) it."""
    from analysis.common import geodata

    cells = read_population_grid(grid) if isinstance(grid, (str, Path)) else grid.copy()
    municipalities = geodata.municipalities() if municipalities is None else municipalities
    boundaries = geodata.municipality_boundaries() if boundaries is None else boundaries
    pts = gpd.GeoDataFrame(cells, geometry=gpd.points_from_xy(cells["x"], cells["y"]), crs=CRS_METRIC)
    joined = gpd.sjoin_nearest(
        pts,
        boundaries.to_crs(CRS_METRIC)[["kommun_kod", "geometry"]],
        how="left",
        max_distance=float(param("population_grid.max_outside_county_m")),
        distance_col="_dist",
    )
    joined = joined[~joined.index.duplicated(keep="first")]
    inside = joined["kommun_kod"].notna().to_numpy()
    origins = grid_origin_frame(
        cells["grid_id"].astype(str).to_numpy(),
        joined["kommun_kod"].astype(object).to_numpy(),
        cells["x"].to_numpy(float),
        cells["y"].to_numpy(float),
        cells["population"].to_numpy(float),
        "population grid as supplied; weights estimated",
    )[inside]
    out = add_weights(origins.reset_index(drop=True), municipalities, weight_by)[list(ORIGIN_COLUMNS)]
    out.attrs["dropped_cells_outside_county"] = int((~inside).sum())
    return out


def grid_origin_frame(
    ids: np.ndarray, municipality: np.ndarray, x: np.ndarray, y: np.ndarray, population: np.ndarray, quality: str
) -> pd.DataFrame:
    """Grid cells as origins (cell centres in SWEREF 99 TM), before weights are added."""
    lat, lon = _latlon(x, y)
    return pd.DataFrame(
        {
            "origin_id": ids,
            "name": ids,
            "kind": "grid",
            "municipality_code": municipality,
            "x": x,
            "y": y,
            "lat": lat,
            "lon": lon,
            "node": pd.NA,
            "population": population,
            "quality": quality,
        }
    )
