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


GRID_HEADER = "rut_id,x_sw,y_sw,municipality_code,population_2024,minutes_vasteras,minutes_koping,minutes_sala,minutes_fagersta\n"


def _grid(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "grid.csv"
    path.write_text(GRID_HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_embedded_grid_is_the_published_one() -> None:
    cells = geodata.grid_cells()
    assert len(cells) == 2817 and cells["population_2024"].sum() == 280356  # as published for 2024
    assert cells["rut_id"].is_unique and set(cells["municipality_code"]) == set(geodata.HOME_MUNICIPALITIES)
    # cell centre = south-west corner + 500 m
    first = cells.iloc[0]
    assert (first["x"], first["y"]) == (first["x_sw"] + 500, first["y_sw"] + 500)
    # the extract leaves the times empty in Skinnskatteberg (1904), Norberg (1962) and Kungsör (1960)
    empty = cells.groupby("municipality_code")["minutes_vasteras"].apply(lambda s: s.isna().all())
    assert sorted(empty[empty].index) == ["1904", "1960", "1962"]


def test_grid_loader_accepts_a_small_valid_grid(tmp_path: Path) -> None:
    path = _grid(tmp_path, ["5420006568000,542000,6568000,1984,5,54.6,30.1,77.5,77.3", "5430006568000,543000,6568000,1984,0,,,,"])
    cells = geodata.grid_cells(path)
    assert cells["population_2024"].tolist() == [5, 0] and cells["minutes_koping"].isna().tolist() == [False, True]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["5420006568000,542000,6568000,1984,5,1,1,1,1"] * 2, "column 'rut_id': duplicate id(s) 5420006568000 at rows 2, 3"),
        (["3420006568000,342000,6568000,1984,5,1,1,1,1"], "cell outside the county"),
        (
            ["5420006568000,542000,6568000,1984,-3,1,1,1,1"],
            "column 'population_2024': missing, negative or non-integer population at row 2",
        ),
        (["5420506568000,542050,6568000,1984,5,1,1,1,1"], "not on the 1000 m grid"),
        (["5420006568000,543000,6568000,1984,5,1,1,1,1"], "column 'rut_id': not x_sw followed by y_sw"),
        (["5420006568000,542000,6568000,0180,5,1,1,1,1"], "column 'municipality_code'"),
        (["5420006568000,542000,6568000,1984,5,-1,1,1,1"], "column 'minutes_vasteras': negative"),
    ],
)
def test_grid_loader_rejects_broken_files_with_file_column_and_row(tmp_path: Path, rows: list[str], message: str) -> None:
    with pytest.raises(GeodataError, match="grid.csv") as info:
        geodata.grid_cells(_grid(tmp_path, rows))
    assert message in str(info.value)


def test_deso_areas_load_projected_with_county_quintiles() -> None:
    areas = geodata.deso_areas()
    assert len(areas) == 155 and areas.crs.to_epsg() == 3006
    # 155 areas split in five equal groups of 31: the quintiles are the county's own
    assert areas["income_quintile"].value_counts().tolist() == [31] * 5
    assert areas["low_economic_standard_pct"].between(0, 100).all()
