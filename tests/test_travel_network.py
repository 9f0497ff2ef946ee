"""Road graph: shortest paths on a hand-built graph, validation errors, sourced distances."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.travel.model.network import (
    RoadGraph,
    RoadLinksError,
    load_road_links,
    sourced_distance_check,
    validate_road_links,
)
from analysis.common import geodata
from analysis.common.paths import geodata_dir

TOWNS = {"A", "B", "C", "D"}


@pytest.fixture(scope="module")
def localities() -> pd.DataFrame:
    return geodata.localities()


@pytest.fixture(scope="module")
def links(localities: pd.DataFrame) -> pd.DataFrame:
    return load_road_links(localities=localities)


def tiny_links() -> pd.DataFrame:
    # A-C directly is shorter (12 km) but slower (25 min) than A-B-C (20 km, 20 min).
    return pd.DataFrame(
        {
            "link_id": ["L1", "L2", "L3", "L4"],
            "from_locality": ["A", "B", "A", "C"],
            "to_locality": ["B", "C", "C", "D"],
            "road_class": ["national", "national", "local", "local"],
            "km": [10.0, 10.0, 12.0, 4.0],
            "minutes": [10.0, 10.0, 25.0, 5.0],
            "km_quality": ["estimate"] * 4,
            "minutes_quality": ["estimate"] * 4,
            "source": ["test"] * 4,
        }
    )


def test_shortest_paths_follow_the_fastest_route_and_its_km() -> None:
    graph = RoadGraph.from_links(tiny_links())
    minutes, km = graph.all_pairs()
    assert minutes.loc["A", "C"] == 20.0
    assert km.loc["A", "C"] == 20.0  # km along the fastest route, not the 12 km direct road
    assert minutes.loc["A", "D"] == 25.0 and km.loc["A", "D"] == 24.0
    assert minutes.loc["D", "B"] == 15.0 and km.loc["D", "B"] == 14.0
    short = graph.shortest_km()
    assert short[graph.index("A"), graph.index("C")] == 12.0
    assert np.allclose(minutes.to_numpy(), minutes.to_numpy().T)
    assert np.allclose(km.to_numpy(), km.to_numpy().T)


def test_equal_time_routes_give_symmetric_km() -> None:
    links = tiny_links()
    links.loc[2, "minutes"] = 20.0  # A-C direct now ties with A-B-C; the shorter (12 km) wins both ways
    _, km = RoadGraph.from_links(links).all_pairs()
    assert km.loc["A", "C"] == km.loc["C", "A"] == 12.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.assign(to_locality=["B", "C", "Cx", "D"]), "column 'to_locality': unknown town name(s) Cx at row 4"),
        (lambda d: d.assign(km=[10.0, -1.0, 12.0, 4.0]), "column 'km': missing, non-numeric or non-positive value at row 3"),
        (
            lambda d: d.assign(minutes=[10.0, 10.0, 0.0, 4.0]),
            "column 'minutes': missing, non-numeric or non-positive value at row 4",
        ),
        (
            lambda d: pd.concat([d, d.iloc[[0]].assign(from_locality="B", to_locality="A", link_id="L5")]),
            "duplicate link(s) A|B at rows 2, 6",
        ),
        (lambda d: d.iloc[[0, 1, 2]], "tätort(s) with no link: D"),
    ],
)
def test_validation_names_file_column_and_row(change, message: str) -> None:
    with pytest.raises(RoadLinksError) as err:
        validate_road_links(change(tiny_links()), TOWNS, "road_links.csv")
    assert message in str(err.value)
    assert "road_links.csv" in str(err.value)


def test_disconnected_graph_is_an_error() -> None:
    links = pd.concat([tiny_links(), tiny_links().iloc[[0]].assign(from_locality="E", to_locality="F", link_id="L9")])
    with pytest.raises(RoadLinksError, match="disconnected; not reachable from the main network: E, F"):
        validate_road_links(links, TOWNS | {"E", "F"}, "road_links.csv")


def test_broken_geodata_file_is_reported_with_its_path(tmp_path: Path) -> None:
    src = geodata_dir() / "road_links.csv"
    broken = tmp_path / "road_links.csv"
    shutil.copy(src, broken)
    frame = pd.read_csv(broken, dtype=str, keep_default_na=False)
    frame.loc[4, "to_locality"] = "Arbogа"  # Cyrillic 'а'
    frame.to_csv(broken, index=False)
    with pytest.raises(RoadLinksError, match=rf"{broken}: column 'to_locality': unknown town name\(s\) Arbogа at row 6"):
        load_road_links(broken)


def test_default_links_load_and_connect_every_tatort(links: pd.DataFrame, localities: pd.DataFrame) -> None:
    graph = RoadGraph.from_links(links)
    assert set(localities["locality"]) <= set(graph.nodes)
    assert len(graph.edge_km) == 63
    minutes, km = graph.all_pairs()
    assert np.isfinite(minutes.to_numpy()).all()
    assert minutes.loc["Västerås", "Köping"] == 25.0 and km.loc["Västerås", "Köping"] == pytest.approx(37.1)


def test_sourced_road_distances_reproduced_within_ten_percent(links: pd.DataFrame) -> None:
    check = sourced_distance_check(links)
    assert len(check) == 6  # five sourced links plus the Västerås–Fagersta "ca 70 km" statement
    assert check["within_tolerance"].all(), check[["from", "to", "sourced_km", "route_km"]]
    fagersta = check[(check["from"] == "Västerås") & (check["to"] == "Fagersta")].iloc[0]
    assert fagersta["route_km"] == pytest.approx(71.9)


def test_sala_is_about_half_as_far_as_fagersta(links: pd.DataFrame) -> None:
    # P4 Västmanland: Sala is "bara halva avståndet" to Västerås compared with Fagersta.
    _, km = RoadGraph.from_links(links).all_pairs()
    assert km.loc["Västerås", "Sala"] / km.loc["Västerås", "Fagersta"] == pytest.approx(0.5, abs=0.05)
