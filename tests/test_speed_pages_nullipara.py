"""Build speed (issue 16): the nullipara, quality and calibration pages' shortcuts give the same values as before."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.births.calibration import as_text
from analysis.births.config import load_config
from analysis.chapters.nullipara.decomposition import distinct_rows, percentile_mc_error
from analysis.chapters.nullipara.model import is_value, text_values
from analysis.chapters.quality.assessment import _text, drop_excluded


def _regions() -> pd.Series:
    return pd.Series(pd.Categorical(["01", None, "19", "01", "19"], categories=["19", "01", "05"]), index=[10, 11, 12, 13, 14])


def test_text_values_read_the_categories_once() -> None:
    s = _regions()
    assert list(text_values(s, "")) == ["01", "", "19", "01", "19"]
    assert list(text_values(s, "?")) == list(s.astype("string").fillna("?").to_numpy(dtype=object))
    plain = pd.Series(["a", None, "b"], dtype="string")
    assert list(text_values(plain, "")) == ["a", "", "b"]


def test_is_value_marks_the_region_rows_and_never_a_missing_one() -> None:
    s = _regions()
    assert is_value(s, "19").tolist() == [False, False, True, False, True]
    assert is_value(s, "05").tolist() == [False] * 5
    assert is_value(s, "nan").tolist() == (s.astype(str) == "nan").to_numpy().tolist()
    assert is_value(pd.Series(["19", "01"]), "19").tolist() == [True, False]


def test_distinct_rows_sort_as_unique_does() -> None:
    x = np.array([[1.0, 2.0], [0.0, 5.0], [1.0, 2.0], [0.0, -1.0], [1.0, 0.5]])
    rows, pooled = distinct_rows(x, np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    np.testing.assert_array_equal(rows, [[0.0, -1.0], [0.0, 5.0], [1.0, 0.5], [1.0, 2.0]])
    np.testing.assert_array_equal(pooled, [4.0, 2.0, 5.0, 4.0])
    rng = np.random.default_rng(5)
    big = rng.integers(0, 2, size=(400, 6)).astype(float)
    n = rng.integers(1, 9, 400).astype(float)
    expected, inverse = np.unique(big, axis=0, return_inverse=True)
    rows, pooled = distinct_rows(big, n)
    np.testing.assert_array_equal(rows, expected)
    np.testing.assert_array_equal(pooled, np.bincount(inverse.ravel(), weights=n))


def test_percentile_mc_error_is_the_spread_of_resampled_limits() -> None:
    draws = np.random.default_rng(2).normal(size=(500, 3))
    q = [2.5, 97.5]
    idx = np.random.default_rng(9).integers(0, 500, size=(200, 500))
    expected = np.percentile(draws[idx], q, axis=1).std(axis=1, ddof=1).T
    np.testing.assert_array_equal(percentile_mc_error(draws, q, np.random.default_rng(9)), expected)
    # a constant column has no Monte Carlo error at all
    flat = np.column_stack([np.full(50, 3.0), np.arange(50.0)])
    assert percentile_mc_error(flat, q, np.random.default_rng(1))[0].tolist() == [0.0, 0.0]


def test_quality_text_and_drop_excluded() -> None:
    df = pd.DataFrame({"region": _regions().cat.add_categories([]).fillna("01"), "year": [2019, 2019, 2020, 2020, 2019]})
    assert list(_text(df["region"])) == ["01", "01", "19", "01", "19"]
    assert list(_text(_regions())) == list(_regions().astype(str).to_numpy())  # missing: the plain conversion
    excluded = pd.DataFrame({"region": ["01", "19"], "year": [2020, 2019]})
    assert drop_excluded(df, excluded).index.tolist() == [10, 11, 12]
    assert drop_excluded(df, excluded.iloc[:0]) is df


def test_as_text_equals_the_string_conversion() -> None:
    s = pd.Series(pd.Categorical(["vacuum", None, "forceps"], categories=["forceps", "vacuum", "planned_cs"]), name="mode")
    pd.testing.assert_series_equal(as_text(s), s.astype("string"))
    assert as_text(s).tolist() == ["vacuum", pd.NA, "forceps"]


def test_load_config_hands_out_a_fresh_copy() -> None:
    first = load_config()
    first["calibration"]["targets"].clear()
    first["volume"] = None
    second = load_config()
    assert second["calibration"]["targets"] and second["volume"] is not None
    assert second["_sha256"] == first["_sha256"] and len(second["_sha256"]) == 64
