"""Build speed (issue 16): the case-mix bootstrap pools identical design rows without moving a figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.births.synth import generate
from analysis.chapters.nullipara.decomposition import BootstrapInputs, bootstrap_parts, distinct_rows
from analysis.chapters.nullipara.model import _code_one, _text_codes, code_covariates
from analysis.chapters.nullipara.outcomes import resolve_config
from analysis.chapters.nullipara.secondary import secondary_results
from analysis.pipeline import runner


def test_distinct_rows_pool_the_women_of_identical_rows() -> None:
    x = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    n = np.array([2.0, 3.0, 4.0, 5.0, 6.0])
    rows, pooled = distinct_rows(x, n)
    np.testing.assert_array_equal(rows, [[1.0, 0.0], [1.0, 1.0]])
    np.testing.assert_array_equal(pooled, [12.0, 8.0])


def test_bootstrap_on_pooled_rows_equals_the_bootstrap_on_every_pattern() -> None:
    rng = np.random.default_rng(7)
    x_all = np.column_stack([np.ones(60), rng.integers(0, 2, 60), rng.integers(0, 3, 60) == 1])  # many repeated rows
    n_all = rng.integers(20, 200, 60).astype(float)
    params = np.array([-1.5, 0.4, -0.3])
    cov = np.diag([0.01, 0.004, 0.006])
    x_region, n_k = x_all[:8], n_all[:8] // 2
    e_k = np.floor(n_k * 0.2)
    full = BootstrapInputs(n_k, e_k, x_region, n_all, x_all, params, cov)
    rows, pooled = distinct_rows(x_all, n_all)
    assert len(rows) < len(x_all)
    short = BootstrapInputs(n_k, e_k, x_region, pooled, rows, params, cov)
    a = bootstrap_parts(full, 3000, np.random.default_rng(1))
    b = bootstrap_parts(short, 3000, np.random.default_rng(1))
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_kernels_get_one_blas_thread_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"OMP_NUM_THREADS": "2"}
    monkeypatch.setattr(runner.os, "environ", env)
    runner.limit_kernel_threads()
    assert env == {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def test_coding_a_categorical_equals_coding_its_text() -> None:
    cfg = resolve_config(None)
    values = ["tertiary", None, "compulsory", "upper_secondary", "tertiary", None]
    cat = pd.Series(pd.Categorical(values, categories=["compulsory", "tertiary", "upper_secondary", "unused"]))
    text = pd.Series(values, dtype=object)
    spec = cfg.covariates["education"]
    np.testing.assert_array_equal(_code_one(cat, spec, "missing"), _code_one(text, spec, "missing"))
    assert _code_one(cat, spec, "missing").dtype == np.int16
    with pytest.raises(ValueError, match="bogus"):
        _code_one(pd.Series(pd.Categorical(["bogus", "tertiary"])), spec, "missing")


@pytest.mark.parametrize("values", [["19", "03", None, "19", "1"], ["nan", None, "a"], ["b", "a"], [None]])
def test_group_codes_of_a_categorical_equal_those_of_its_text(values: list[str | None]) -> None:
    series = pd.Series(pd.Categorical(values, categories=sorted({v for v in values if v} | {"unused"}, reverse=True)))
    codes, labels = _text_codes(series)
    plain_codes, plain_labels = pd.factorize(series.astype(str).to_numpy(), sort=True)
    np.testing.assert_array_equal(codes, plain_codes)
    np.testing.assert_array_equal(labels, np.asarray(plain_labels).astype(str))
    assert labels.dtype == np.asarray(plain_labels).astype(str).dtype


def test_secondary_results_reuse_the_coded_covariates_without_moving_a_figure() -> None:
    births = generate(years=[2023], seed=5, scale=0.1).data
    cfg = resolve_config(None)
    coded = code_covariates(births, list(cfg.outcomes["pph_1000"].covariates), cfg)
    reused = secondary_results(births, "19", cfg, coded)
    assert reused  # the secondary analyses ran
    assert reused == secondary_results(births, "19", cfg)
