"""Build speed (issue 16): the travel and riskmix pages' shortcuts give the same values as before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.riskmix.prevalence import count_flags
from analysis.chapters.riskmix.rules import categorical
from analysis.chapters.travel.model import region, within_town
from analysis.chapters.travel.model.calibration import _NodeMinutes
from analysis.chapters.travel.model.location import enumerate_all
from analysis.chapters.travel.model.within_town import _native, split_origins


def test_native_values_are_those_of_series_to_dict() -> None:
    assert type(_native(np.int64(3))) is int and _native(np.int64(3)) == 3
    assert type(_native(np.float64(0.5))) is float and type(_native(np.bool_(True))) is bool
    assert _native(pd.NA) is None
    assert _native("Köping") == "Köping"
    assert _native(np.datetime64("2024-01-02")) == pd.Timestamp("2024-01-02")


def test_split_origins_shares_a_split_town_among_its_vardcentraler(monkeypatch: pytest.MonkeyPatch) -> None:
    vc = pd.DataFrame({"site_id": ["vc_b", "vc_a", "vc_c"], "town": ["Ort", "Ort", "Annan"], "municipality_code": "1980"})
    sites = pd.DataFrame(
        {"site_id": ["vc_a", "vc_b", "vc_c"], "sweref99tm_x": [10.0, 20.0, 30.0], "sweref99tm_y": [1.0, 2.0, 3.0]}
    )
    monkeypatch.setattr(within_town, "vardcentraler", lambda: vc.sort_values("site_id").reset_index(drop=True))
    monkeypatch.setattr(within_town, "split_towns", lambda: ("Ort",))
    monkeypatch.setattr("analysis.common.geodata.sites", lambda: sites)
    origins = pd.DataFrame(
        {
            "origin_id": ["t1", "g1", "t2"],
            "kind": ["tatort", "grid", "tatort"],
            "node": ["Ort", None, "Annan"],
            "x": [0.0, 5.0, 7.0],
            "y": [0.0, 6.0, 8.0],
            "population": [100, 7, 30],
            "weight": [10.0, 0.7, 3.0],
        }
    )
    origins.attrs["weight_by"] = "population"
    out = split_origins(origins)
    assert out["origin_id"].tolist() == ["t1 @ vc_a", "t1 @ vc_b", "g1", "t2"]
    assert out["x"].tolist() == [10.0, 20.0, 5.0, 7.0] and out["y"].tolist() == [1.0, 2.0, 6.0, 8.0]
    assert out["population"].tolist() == [50.0, 50.0, 7.0, 30.0] and out["weight"].tolist() == [5.0, 5.0, 0.7, 3.0]
    assert out.attrs == {"weight_by": "population"}
    assert out["node"].isna().tolist() == [False, False, True, False] and out["node"].iloc[1] == "Ort"


def test_node_minutes_are_remembered_per_speed_factors() -> None:
    calls: list[tuple[float, ...]] = []

    class Net:
        def node_minutes(self, factors: np.ndarray) -> np.ndarray:
            calls.append(tuple(factors))
            return np.full((2, 2), float(sum(factors)))

    memo = _NodeMinutes(Net())  # type: ignore[arg-type]
    a = memo(np.array([1.0, 2.0]))
    b = memo(np.array([1.0, 2.0]))
    c = memo(np.array([1.0, 3.0]))
    assert a is b and a[0, 0] == 3.0 and c[0, 0] == 4.0
    assert calls == [(1.0, 2.0), (1.0, 3.0)]


def test_region_matrix_key_follows_the_content() -> None:
    origins = pd.DataFrame({"origin_id": ["a", "b"], "x": [1.0, 2.0], "y": [3.0, 4.0]})
    sites = pd.DataFrame({"site_id": ["s"], "x": [0.0], "y": [0.0], "site_type": ["town"], "town": ["Sala"]})
    key = region._content_key(origins, sites)
    assert region._content_key(origins.copy(), sites.copy()) == key
    moved = origins.assign(x=[1.0, 2.5])
    renamed = sites.assign(site_id=["t"])
    assert region._content_key(moved, sites) != key and region._content_key(origins, renamed) != key
    assert region._content_key(origins, sites.drop(columns="town")) != key


def test_region_cost_speed_variants_divide_the_same_matrix() -> None:
    from analysis.chapters.travel.model import region_origins, standard_sites

    origins, sites = region_origins().head(30), standard_sites()
    base = region.RegionCost().matrix(origins, sites)
    fast = region.RegionCost().with_speed(1.25).matrix(origins, sites)
    np.testing.assert_array_equal(fast.minutes, base.minutes / 1.25)
    assert base.minutes is not fast.minutes and base.source is not fast.source
    base.minutes[0, 0] = -1.0  # a caller changing its copy leaves the kept matrix alone
    assert region.RegionCost().matrix(origins, sites).minutes[0, 0] != -1.0


def test_enumeration_takes_the_nearest_open_site() -> None:
    cost = np.array([[10.0, 50.0, 30.0], [40.0, 5.0, 60.0], [70.0, 80.0, 1.0]])
    w = np.array([1.0, 1.0, 2.0])
    table = enumerate_all(cost, w, 2, forced=[0], radius=20.0)
    assert table["open_sites"].tolist() == [(0, 1), (0, 2)]
    np.testing.assert_allclose(table["mean_minutes"], [(10 + 5 + 2 * 70) / 4, (10 + 40 + 2 * 1) / 4])
    np.testing.assert_allclose(table["share_within"], [0.5, 0.75])


def test_categorical_of_a_categorical_equals_that_of_its_text() -> None:
    raw = ["Europe ", None, "", "outside_europe", "EUROPE"]
    coded = pd.Series(pd.Categorical(raw, categories=["", "EUROPE", "Europe ", "outside_europe", "unused"]), name="c")
    text = pd.Series(raw, dtype="string", name="c")
    pd.testing.assert_series_equal(categorical(coded, "c"), categorical(text, "c"))
    assert categorical(coded, "c").tolist() == ["europe", pd.NA, pd.NA, "outside_europe", "europe"]


def test_count_flags_with_the_groups_factorised_once() -> None:
    flag = pd.Series([True, False, None, True, True], dtype="boolean")
    groups = pd.Series(["b", "a", "b", None, "b"])
    once = pd.factorize(groups, sort=False)
    table = count_flags(flag, groups, once)
    pd.testing.assert_frame_equal(table, count_flags(flag, groups))
    assert table.loc["b"].tolist() == [2, 2, 1] and table.loc["a"].tolist() == [1, 0, 0]
