"""Unreadable births files give a validation report (file, what is wrong, data row), never a traceback."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.births import BirthsValidationError, load_births, validate

from .conftest import own_traceback, run_cli
from .test_births_validate import VALID_CSV


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _header() -> str:
    return VALID_CSV.splitlines()[0]


def _parquet_bytes(tmp_path: Path) -> bytes:
    csv_path = _write(tmp_path, "ok.csv", VALID_CSV)
    frame = load_births(csv_path)
    pq = tmp_path / "ok.parquet"
    frame.to_parquet(pq)
    return pq.read_bytes()


def _lines() -> list[str]:
    return VALID_CSV.strip().splitlines()


# name -> (file name, content builder, words the report must contain, data rows named)
CASES = {
    "empty": ("empty.csv", lambda t: b"", "empty", ()),
    "binary": ("garbage.csv", lambda t: bytes(range(256)) * 20, "binary", ()),
    "parquet_named_csv": ("births.csv", _parquet_bytes, "Parquet", ()),
    "csv_named_parquet": ("births.parquet", lambda t: VALID_CSV.encode(), "not a Parquet file", ()),
    "extra_field": (
        "extra.csv",
        lambda t: "\n".join([*_lines()[:3], _lines()[3] + ",surplus", *_lines()[4:]]).encode(),
        "more fields than the header",
        (3,),
    ),
    "header_only": ("header.csv", lambda t: (_header() + "\n").encode(), "no data rows", ()),
    "duplicate_header": (
        "dup.csv",
        lambda t: "\n".join([_header() + ",mode", *(line + ",cs" for line in _lines()[1:])]).encode(),
        "more than once",
        (),
    ),
    "tab_separated": ("tabs.csv", lambda t: VALID_CSV.replace(",", "\t").encode(), "tab", ()),
    "pipe_separated": ("pipes.csv", lambda t: VALID_CSV.replace(",", "|").encode(), "pipe", ()),
    "utf16": ("utf16.csv", lambda t: VALID_CSV.encode("utf-16"), "UTF-16", ()),
    "utf16_no_bom": ("utf16le.csv", lambda t: VALID_CSV.encode("utf-16-le"), "UTF-16", ()),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_unreadable_file_gives_failed_report(case: str, tmp_path: Path) -> None:
    name, build, words, rows = CASES[case]
    path = _write(tmp_path, name, build(tmp_path))
    report = validate(path)
    assert not report.ok
    text = report.format()
    assert str(path) in text and words in text, text
    assert "missing_column" not in text, "a format problem must not be reported as missing columns"
    for row in rows:
        assert f"data rows {row}" in text
    with pytest.raises(BirthsValidationError):
        load_births(path)


def test_valid_file_still_reads(tmp_path: Path) -> None:
    frame = load_births(_write(tmp_path, "ok.csv", VALID_CSV))
    assert len(frame) == 6
    semicolon = _write(tmp_path, "sv.csv", VALID_CSV.replace(",", ";").encode("latin-1"))
    assert validate(semicolon).ok
    assert isinstance(load_births(semicolon), pd.DataFrame)


@pytest.mark.slow
def test_cli_validate_reports_unreadable_file_without_traceback(project_copy: Path, tmp_path: Path) -> None:
    path = _write(tmp_path, "utf16.csv", VALID_CSV.encode("utf-16"))
    result = run_cli(project_copy, "validate", str(path))
    assert result.returncode == 1
    assert "UTF-16" in result.stdout and not own_traceback(result.stderr)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["binary", "csv_named_parquet", "header_only"])
def test_build_refuses_unreadable_file_exit_2_nothing_published(case: str, project_copy: Path, tmp_path: Path) -> None:
    name, build, words, _ = CASES[case]
    path = _write(tmp_path, name, build(tmp_path))
    result = run_cli(project_copy, "build", "--births", str(path), "--no-html")
    assert result.returncode == 2, result.stderr
    assert "failed validation" in result.stderr and words in result.stderr
    assert not own_traceback(result.stderr)
    assert not (project_copy / "book" / "generated").exists()
