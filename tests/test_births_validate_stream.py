"""Validating a CSV in chunks gives exactly the report (and frame) of validating it whole, whatever the chunk size."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.births.readers import read_csv_text
from analysis.births.validate import Issue, validate, validate_frame
from analysis.births.validate_stream import validate_csv

from .test_births_validate import BROKEN, VALID_CSV

HEADER, *ROWS = VALID_CSV.strip("\n").split("\n")


def _messy(tmp_path: Path, encoding: str = "utf-8") -> Path:
    """Many problems, repeated so that every kind spans chunk boundaries and more than five rows."""
    bad = [
        r.replace(",0,29,", ",två,29,")  # not a number (parity)
        .replace("23.4", "95")  # impossible BMI
        .replace("cephalic,40", "transverse,40")  # unknown presentation
        .replace(",1980,", ",0180,")  # municipality of another region
        for r in ROWS
    ]
    oddities = [
        ROWS[1].replace(
            "emergency_cs,31.2,0,outside_europe,compulsory,0,0,160,3700,0",
            "emergency_cs,31.2,0,outside_europe,compulsory,0,0,160,3700,1",
        ),
        ROWS[0].replace(",19,1980,", ",19,,"),  # home region without municipality
        ROWS[3].replace(",03,", ",3,"),  # leading zero restored (warning)
        ROWS[2].replace("D3,2023", "D3, 2023 "),
        ROWS[0].replace(",40,0,spontaneous", ",,0,spontaneous"),  # required value missing
        ROWS[1].replace(",1,spontaneous,emergency", ",kanske,spontaneous,emergency"),
    ]
    lines = [HEADER + ",extra"]
    for i in range(12):
        pool = (ROWS, bad, oddities)[i % 3]
        for j, row in enumerate(pool):
            lines.append(row.replace(f"D{j + 1},", f"D{i}-{j},", 1) + f",x{i % 7}")
    lines.append(ROWS[0] + ",y")  # D1 occurs twice: duplicate delivery_id
    lines.append(ROWS[0] + ",y")
    path = tmp_path / "messy.csv"
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def _whole(path: Path) -> tuple[str, list[Issue], pd.DataFrame]:
    raw, info = read_csv_text(path)
    report, frame = validate_frame(raw, source=str(path), read_info=info)
    return report.format(), report.errors + report.warnings, frame


@pytest.mark.parametrize("rows", [5, 10_000])
def test_chunked_report_equals_whole_file_report(tmp_path: Path, rows: int) -> None:
    path = _messy(tmp_path)
    text, issues, frame = _whole(path)
    report, typed = validate_csv(path, keep_frame=True, rows=rows)
    assert report.format() == text
    assert [(i.code, i.column, i.rows, i.count, i.values) for i in report.errors + report.warnings] == [
        (i.code, i.column, i.rows, i.count, i.values) for i in issues
    ]
    assert typed is not None
    pd.testing.assert_frame_equal(typed, frame)
    assert {i.code for i in report.errors} >= {
        "not_a_number",
        "impossible_value",
        "unknown_code",
        "missing_value",
        "municipality_region_mismatch",
        "duplicate_delivery_id",
        "oasis_on_caesarean",
    }


def test_latin1_semicolon_decimal_comma_in_chunks(tmp_path: Path) -> None:
    path = _messy(tmp_path, encoding="latin-1")
    path.write_text(path.read_text(encoding="latin-1").replace(",", ";").replace("31.2", "31,2"), encoding="latin-1")
    text, _, frame = _whole(path)
    report, typed = validate_csv(path, rows=8)
    assert report.format() == text and "latin-1" in text and "separator ';'" in text
    assert typed is not None
    pd.testing.assert_frame_equal(typed, frame)


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.glob("*.csv")))
def test_every_broken_fixture_gives_the_whole_file_report(name: str) -> None:
    path = BROKEN / name
    try:
        text = _whole(path)[0]
    except ValueError:  # unreadable: both paths give the same failed report
        text = None
    chunked = validate_csv(path, keep_frame=False, rows=2)[0].format() if text is not None else validate(path).format()
    assert text is None or chunked == text


def test_header_only_file(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    report, _ = validate_csv(path, rows=5)
    assert [i.code for i in report.errors] == ["no_rows"] and report.format() == _whole(path)[0]
