"""The chapter "Länet idag" (analysis.chapters.lanet): municipality table, key figures, site categories, page."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.chapters.lanet import charts, computation, config, page, tables, text
from analysis.common.formatting import NBSP

GOLDEN = Path(__file__).resolve().parent / "golden" / "results" / "lanet.json"


@pytest.fixture()
def tiny() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Two municipalities, three towns, four sites: every figure below is checkable by hand."""
    municipalities = pd.DataFrame(
        {
            "scb_code": ["0001", "0002"],
            "name": ["Liten", "Stor"],
            "population": [1000, 9000],
            "population_2023": [0, 8000],  # 0: no 2023 figure, the 2024 one is used
            "women_15_44": [150, 1850],
            "births_per_year": [10, 90],
            "area_land_km2": [100.0, 150.0],
        }
    )
    localities = pd.DataFrame(
        {"locality": ["A", "B", "C"], "municipality_code": ["0002", "0002", "0001"], "pop_2020": [6000, 1000, 500]}
    )
    sites = pd.DataFrame(
        {
            "site_id": ["H", "V1", "V2", "V3"],
            "name": ["Sjukhus", "VC 1", "VC 2", "VC 3"],
            "site_type": ["hospital_delivery", "vardcentral", "vardcentral", "vardcentral"],
            "operator": ["regional", "regional", "private", "regional"],
            "town": ["A", "A", "B", "C"],
            "municipality_code": ["0002", "0002", "0002", "0001"],
            "sweref99tm_x": [1.0, 2.0, 3.0, 4.0],
            "sweref99tm_y": [5.0, 6.0, 7.0, 8.0],
            "coord_quality": ["estimate", "sourced", "sourced", "sourced"],
            "bmm_listed": ["not listed", "yes", "no", ""],
        }
    )
    return municipalities, localities, sites


def test_municipality_table_by_hand(tiny) -> None:
    municipalities, localities, sites = tiny
    table = computation.municipality_table(municipalities, localities, sites).set_index("name")
    assert list(table.index) == ["Stor", "Liten"]  # largest first
    assert table.loc["Stor", "tatorter"] == 2 and table.loc["Stor", "tatort_pop"] == 7000
    assert table.loc["Stor", "vardcentraler"] == 2 and table.loc["Liten", "vardcentraler"] == 1
    assert table.loc["Stor", "density"] == pytest.approx(60.0)  # 9000 / 150
    assert table.loc["Liten", "density"] == pytest.approx(10.0)
    assert table.loc["Stor", "tatort_share_pct"] == pytest.approx(87.5)  # 7000 / 8000 (2023)
    assert table.loc["Liten", "tatort_share_pct"] == pytest.approx(50.0)  # 500 / 1000 (no 2023 figure)
    assert table.loc["Stor", "births_share_pct"] == pytest.approx(90.0)


def test_key_figures_by_hand(tiny) -> None:
    municipalities, localities, sites = tiny
    table = computation.municipality_table(municipalities, localities, sites)
    f = computation.key_figures(table, localities, sites, main_municipality="0002")
    assert (f.municipalities, f.population_2024, f.women_15_44_estimate, f.births_per_year_estimate) == (2, 10000, 2000, 100)
    assert (f.tatorter, f.tatort_population_2020) == (3, 7500)
    assert f.vasteras_share_of_births_pct == pytest.approx(90.0)
    assert (f.vardcentraler, f.vardcentraler_regional, f.delivery_units) == (3, 2, 1)
    assert (f.smallest_municipality, f.smallest_municipality_births) == ("Liten", 10)
    with pytest.raises(ValueError, match="9999"):
        computation.key_figures(table, localities, sites, main_municipality="9999")


def test_site_categories(tiny) -> None:
    points = computation.site_points(tiny[2])
    assert points["category"].tolist() == ["hospital_delivery", "vardcentral_bmm", "vardcentral", "vardcentral"]
    labelled = charts.labelled_sites(points, {"hospital_delivery": "H", "vardcentral_bmm": "B", "vardcentral": "V"})
    assert labelled.columns[2] == "kategori" and "category" not in labelled
    assert labelled["kategori"].tolist() == ["H", "B", "V", "V"]


def test_municipality_rows_total_row(tiny) -> None:
    table = computation.municipality_table(*tiny)
    labels = config.load().table
    rows = tables.municipality_rows(table, labels)
    assert len(rows) == 3
    total = rows.iloc[-1]
    assert total[labels["municipality"]] == labels["total"]
    assert total[labels["population"]] == f"10{NBSP}000"
    assert total[labels["births"]] == "100"
    assert total[labels["births_share"]] == f"100,0{NBSP}%"
    assert total[labels["density"]] == "40,0"  # 10 000 inhabitants over 250 km²
    assert total[labels["vardcentraler"]] == 3
    assert rows.iloc[0][labels["births_share"]] == f"90,0{NBSP}%"


def test_config_reads_labels_and_hub_towns() -> None:
    cfg = config.load()
    assert list(cfg.site_categories) == list(config.SITE_CATEGORIES)  # legend order
    assert cfg.hub_towns == ("Västerås", "Köping", "Fagersta", "Sala")
    assert cfg.main_municipality == "1980"


def test_texts() -> None:
    title = text.map_title("X län")
    assert title.key == "map_title" and title.values == {"county": "X län"}
    assert text.municipality_table_caption().key == "municipality_table_caption"


def test_page_on_the_county_geodata() -> None:
    data = page.compute(region="19")
    assert page.results(data) == pytest.approx(json.loads(GOLDEN.read_text(encoding="utf-8")))
    glued = page.glue_values(data)
    assert glued["population"] == f"281{NBSP}158" and glued["smallest"] == "Skinnskatteberg"
    assert glued["vas_share"] == f"61{NBSP}%" and glued["births_sourced_year"] == "2023"
    assert len(tables.municipalities(data).frame) == 11
    with pytest.raises(ValueError, match="geodata"):
        page.compute(region="01")


def test_overview_map_layers() -> None:
    from analysis.render import charts as render_charts

    render_charts.enable()
    spec = charts.overview_map(page.compute(region="19")).to_dict()
    assert len(spec["layer"]) == 4
    datasets = render_charts.inline_datasets(spec)
    names = spec["layer"][1]["data"]["name"]
    assert len({v["kommun"] for v in datasets[names]}) == 10  # every municipality named
    sites = spec["layer"][3]
    drawn = {v["kategori"] for v in datasets[sites["data"]["name"]]}
    assert set(sites["encoding"]["color"]["scale"]["domain"]) == drawn  # the legend lists only what is drawn
    assert all(h in {v["kommun"] for v in datasets[names]} for h in config.load().hub_towns)
