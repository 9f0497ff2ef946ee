"""The synthetic cohort's canonical frame is validated once and read back; a register extract is never cached."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.births import BirthsValidationError, load_births

from .test_births_validate import VALID_CSV


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANALYSIS_ROOT", str(tmp_path))
    return tmp_path


def _cached(root: Path) -> list[Path]:
    return sorted((root / "_build" / "cache" / "births").glob("*.pkl"))


def test_synthetic_cohort_is_validated_once_and_read_back_identical(root: Path) -> None:
    births = root / "cohort.csv"
    births.write_text(VALID_CSV, encoding="utf-8")
    Path(str(births) + ".truth.json").write_text("{}", encoding="utf-8")
    first = load_births(births)
    assert len(_cached(root)) == 1
    again = load_births(births)
    pd.testing.assert_frame_equal(again, first, check_exact=True)

    births.write_text(VALID_CSV.replace("\n", "\nnot,a,valid,row\n", 1), encoding="utf-8")
    with pytest.raises(BirthsValidationError):
        load_births(births)  # another content: validated again, and refused


def test_register_extract_is_never_cached(root: Path) -> None:
    births = root / "extract.csv"
    births.write_text(VALID_CSV, encoding="utf-8")
    load_births(births)
    assert _cached(root) == []
