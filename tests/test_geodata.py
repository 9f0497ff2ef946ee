"""Geodata loaders accept the embedded files and reject broken ones with file, column and row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.common import geodata
from analysis.common.geodata import GeodataError

from .conftest import REPO


def test_embedded_files_load() -> None:
    mun = geodata.municipalities()
    assert len(mun) == 10 and set(mun["scb_code"]) == set(geodata.HOME_MUNICIPALITIES)
    assert mun["population"].sum() == 281158  # SCB 31 Dec 2024, county total as published
    loc = geodata.localities()
    assert len(loc) == 44
    sites = geodata.sites()
    assert (sites["site_type"] == "hospital_delivery").sum() == 1


def test_boundaries_are_projected_and_complete() -> None:
    b = geodata.municipality_boundaries()
    assert b.crs.to_epsg() == 3006
    assert len(b) == 10
    # generalised polygons: total area within 10 % of the SCB land area of the county
    assert b.area.sum() / 1e6 == pytest.approx(geodata.municipalities()["area_land_km2"].sum(), rel=0.10)


def _broken_copy(tmp_path: Path, name: str, edit) -> Path:  # type: ignore[no-untyped-def]
    df = pd.read_csv(REPO / "geodata" / name, dtype=str)
    df = edit(df)
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


def test_unknown_municipality_code_names_file_column_row(tmp_path: Path) -> None:
    def edit(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[2, "municipality_code"] = "0180"
        return df

    path = _broken_copy(tmp_path, "localities.csv", edit)
    with pytest.raises(GeodataError) as err:
        geodata.localities(path)
    assert "localities.csv" in str(err.value) and "'municipality_code'" in str(err.value) and "row 4" in str(err.value)
    assert "0180" in str(err.value)


def test_missing_coordinate_and_duplicate_id(tmp_path: Path) -> None:
    def edit(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[0, "lat"] = None
        df.loc[5, "site_id"] = df.loc[4, "site_id"]
        return df

    path = _broken_copy(tmp_path, "sites.csv", edit)
    with pytest.raises(GeodataError) as err:
        geodata.sites(path)
    text = str(err.value)
    assert "column 'lat': missing or non-numeric coordinate at row 2" in text
    assert "duplicate id" in text and "rows 6, 7" in text


def test_swapped_crs_is_detected(tmp_path: Path) -> None:
    def edit(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[1, ["sweref99tm_x", "sweref99tm_y"]] = df.loc[1, ["sweref99tm_y", "sweref99tm_x"]].to_numpy()
        return df

    path = _broken_copy(tmp_path, "localities.csv", edit)
    with pytest.raises(GeodataError, match="disagree with 'lat'/'lon'.*row 3"):
        geodata.localities(path)


def test_missing_column_and_missing_municipality(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, "municipalities.csv", lambda df: df.drop(columns=["births_per_year"]))
    with pytest.raises(GeodataError, match="missing column.*births_per_year"):
        geodata.municipalities(path)
    path = _broken_copy(tmp_path, "municipalities.csv", lambda df: df.iloc[1:])
    with pytest.raises(GeodataError, match="1904 have no row"):
        geodata.municipalities(path)
