"""The risk-factor chapter's fast paths give exactly what the plain pandas operations gave (issue 16, build speed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.chapters.riskmix import rules
from analysis.chapters.riskmix.config import load_config
from analysis.chapters.riskmix.figures import key_figures
from analysis.chapters.riskmix.prevalence import combinations, count_flags, no_risk_share, prevalence_table
from analysis.chapters.riskmix.standardisation import direct_standardise
from analysis.chapters.riskmix.strata import stratified


def _births(n: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    bmi = pd.array(np.round(rng.normal(26, 5, n), 1), dtype="Float64")
    bmi[rng.random(n) < 0.1] = pd.NA
    smoking = pd.array(rng.random(n) < 0.1, dtype="boolean")
    smoking[rng.random(n) < 0.05] = pd.NA
    born = rng.choice(["sweden", " Nordic", "europe", "outside_europe", None], n)
    return pd.DataFrame(
        {
            "year": rng.choice([2022, 2023], n),
            "region": pd.Categorical(rng.choice(["19", "1", "03"], n)),
            "municipality": pd.array(rng.choice(["1980", "1984", "0180"], n), dtype="string"),
            "parity": rng.integers(0, 5, n),
            "maternal_age": rng.integers(16, 46, n),
            "bmi": bmi,
            "height_cm": pd.array(rng.integers(150, 185, n), dtype="Int64"),
            "smoking": smoking,
            "diabetes": pd.array(rng.random(n) < 0.05, dtype="boolean"),
            "hypertension": pd.array(rng.random(n) < 0.05, dtype="boolean"),
            "previous_cs": rng.random(n) < 0.1,
            "country_of_birth": pd.Categorical(born),
            "education": pd.Categorical(rng.choice(["compulsory", "upper_secondary", "tertiary", None], n)),
        }
    )


def _as_object(df: pd.DataFrame) -> pd.DataFrame:
    """The same data without categoricals (the slow, plain path)."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = out[c].astype(object)
    return out


def test_as_text_of_a_categorical_equals_astype_string() -> None:
    s = pd.Series(pd.Categorical([" a", "b ", None, "a", " a"]), name="x")
    pd.testing.assert_series_equal(rules.as_text(s), s.astype("string").str.strip())
    pd.testing.assert_series_equal(rules.as_text(s, strip=False), s.astype("string"))
    ints = pd.Series(pd.Categorical([1, 19, None]))
    pd.testing.assert_series_equal(rules.as_text(ints), ints.astype("string").str.strip())


def test_numeric_of_numeric_columns_is_float() -> None:
    s = pd.Series(pd.array([1, None, 3], dtype="Int64"))
    pd.testing.assert_series_equal(rules.numeric(s, "x"), s.astype("float64"))
    with pytest.raises(ValueError, match="'x'"):
        rules.numeric(pd.Series(["1", "two"]), "x")


def test_grouped_count_flags_equals_a_groupby() -> None:
    flag = pd.Series(pd.array([True, False, None, True, None, False, True], dtype="boolean"))
    groups = pd.Series(pd.Categorical(["b", "a", "b", None, "a", "b", "c"], categories=["a", "b", "c", "d"]))
    got = count_flags(flag, groups)
    frame = pd.DataFrame({"known": flag.notna(), "case": flag.fillna(False).astype(bool), "group": groups.to_numpy()})
    g = frame.groupby("group", sort=False)
    want = pd.DataFrame({"n": g["known"].sum(), "cases": g["case"].sum(), "missing": g.size() - g["known"].sum()})
    assert list(got.index) == ["b", "a", "c"]  # order of first appearance, NA left out, unused categories absent
    np.testing.assert_array_equal(got.to_numpy(), want.astype(int).to_numpy())


def _tables(births: pd.DataFrame) -> dict[str, object]:
    cfg = load_config()
    years = [2022, 2023]
    return {
        "prevalence": prevalence_table(births, "19", years, cfg),
        "no_risk": no_risk_share(births, "19", years, cfg),
        "combinations": combinations(births, "19", years, cfg),
        "country": stratified(births, "19", "country_of_birth", years, cfg),
        "age": stratified(births, "19", "age_group", years, cfg),
        "std": direct_standardise(births, "19", "no_risk_factor", years, cfg).to_dict(),
        "figures": key_figures(births, "19", years, cfg),
    }


def _assert_same(a: dict[str, object], b: dict[str, object], dtypes: bool = True) -> None:
    for key, value in a.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, b[key], check_dtype=dtypes, check_index_type=dtypes, obj=key)  # type: ignore[arg-type]
        else:
            assert value == b[key], key


def test_categorical_and_plain_columns_give_the_same_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYSIS_MIN_CELL", "1")
    births = _births()
    _assert_same(_tables(births), _tables(_as_object(births)), dtypes=False)


def test_shared_work_gives_the_same_tables_and_keeps_nothing_afterwards(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYSIS_MIN_CELL", "1")
    births = _births()
    alone = _tables(births)
    with rules.shared_work():
        shared = _tables(births)
        assert rules._SHARED  # something was shared
        assert prevalence_table(births, "19", [2022, 2023], None) is not shared["prevalence"]  # another config
    assert rules._SHARED is None
    _assert_same(alone, shared)


def test_outside_shared_work_a_changed_frame_is_computed_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYSIS_MIN_CELL", "1")
    births = _births()
    cfg = load_config()
    before = prevalence_table(births, "19", None, cfg)
    births["smoking"] = pd.array([pd.NA] * len(births), dtype="boolean")
    after = prevalence_table(births, "19", None, cfg)
    smoking = after.query("factor == 'smoking' and area == 'region'")
    assert smoking["status"].iloc[0] == "unavailable"  # an all-missing column makes the factor unavailable
    assert not before.equals(after)
