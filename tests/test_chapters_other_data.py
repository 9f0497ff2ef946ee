"""The same templates run unchanged on other data: another region, a small extract, a 'real' file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.births import generate, write_swedish_csv

from .conftest import run_cli

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def small_cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cohort") / "small.parquet"
    result = generate(years=[2022, 2023], seed=11, scale=0.06)
    result.data.to_parquet(out, index=False)
    return out


def test_riskmix_runs_for_another_region(project_copy: Path, small_cohort: Path) -> None:
    out = project_copy / "rm03.ipynb"
    result = run_cli(
        project_copy,
        "run",
        "notebooks/riskmix.md",
        "-p",
        "region",
        "03",
        "-p",
        "years",
        "2022-2023",
        "-p",
        "births",
        str(small_cohort),
        "-o",
        str(out),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads((project_copy / "_build" / "run" / "results" / "riskmix.json").read_text())
    assert figures["region"] == "03" and figures["region_name"] == "Uppsala"
    assert figures["by_municipality"] == {}  # no residence codes outside the home county in the cohort
    assert 0 < figures["no_risk_region_pct"] < 100


@pytest.mark.slow
def test_whole_book_runs_on_a_supplied_extract_without_synthetic_notice(project_copy: Path, small_cohort: Path) -> None:
    """A CSV export with Swedish formatting and no truth file is treated as a register extract."""
    import pandas as pd

    extract = project_copy / "extract.csv"
    write_swedish_csv(pd.read_parquet(small_cohort), extract)
    result = run_cli(project_copy, "build", "--births", str(extract), "--no-html")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "register extract" in result.stdout
    nulli = json.loads((project_copy / "_build" / "results" / "nullipara.json").read_text())
    assert set(nulli["outcomes"]) == {"emergency_cs", "planned_cs", "instrumental", "oasis", "pph_1000", "induction"}
    home = nulli["outcomes"]["instrumental"]["regions"]["19"]
    assert {"n", "observed", "expected", "oe", "oe_low", "oe_high", "gap", "casemix_part", "practice_part"} <= set(home)
    for page in ("riskmix", "nullipara"):
        text = (project_copy / "book" / "generated" / f"{page}.ipynb").read_text()
        assert "synthetic-data" not in text, f"{page}: synthetic notice shown on a register extract"
    for option in "abcd":
        assert (project_copy / "_build" / "results" / f"option_{option}.json").exists()
