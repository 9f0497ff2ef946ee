"""The births contract: every broken file is rejected with the column, rows and values named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.births import (
    CONTRACT,
    BirthsValidationError,
    contract_table,
    load_births,
    validate,
    validate_frame,
    write_swedish_csv,
)

BROKEN = Path(__file__).parent / "data" / "broken"

VALID_CSV = """delivery_id,year,region,municipality,parity,maternal_age,plurality,presentation,gestational_weeks,previous_cs,onset,mode,bmi,smoking,country_of_birth,education,diabetes,hypertension,height_cm,birthweight_g,oasis,pph_ml,los_hours,delivery_unit
D1,2023,19,1980,0,29,1,cephalic,40,0,spontaneous,spontaneous_vaginal,23.4,0,sweden,tertiary,0,0,168,3550,0,400,40.5,Västerås
D2,2023,19,1983,1,33,1,cephalic,39,1,spontaneous,emergency_cs,31.2,0,outside_europe,compulsory,0,0,160,3700,0,900,70,Västerås
D3,2023,01,,2,36,1,breech,38,0,prelabour_cs,planned_cs,,1,europe,upper_secondary,0,1,172,3400,0,500,60,Stockholm
D4,2023,03,,0,24,1,cephalic,41,0,induced,vacuum,27.0,,sweden,,0,0,,4100,1,1200,52,Uppsala
D5,2022,12,,1,31,2,cephalic,36,0,spontaneous,spontaneous_vaginal,22.0,0,nordic,tertiary,,0,165,2600,0,300,30,Skåne
D6,2022,19,1962,0,20,1,cephalic,40,0,spontaneous,spontaneous_vaginal,19.9,0,sweden,upper_secondary,0,0,158,3200,0,350,20,Västerås
"""

# file -> (issue code, column, data rows (1-based under the header), a value the message must quote)
CASES: dict[str, tuple[str, str, tuple[int, ...], str | None]] = {
    "missing_required_column.csv": ("missing_column", "mode", (), None),
    "unknown_region.csv": ("unknown_code", "region", (3,), "99"),
    "unknown_mode.csv": ("unknown_code", "mode", (2,), "kejsarsnitt"),
    "unknown_presentation.csv": ("unknown_code", "presentation", (5, 6), "transverse"),
    "age_out_of_range.csv": ("impossible_value", "maternal_age", (4, 5), "72"),
    "bmi_out_of_range.csv": ("impossible_value", "bmi", (1, 6), "95"),
    "gestation_out_of_range.csv": ("impossible_value", "gestational_weeks", (2, 3), "19"),
    "birthweight_out_of_range.csv": ("impossible_value", "birthweight_g", (5,), "120"),
    "negative_blood_loss.csv": ("impossible_value", "pph_ml", (6,), "-200"),
    "oasis_on_caesarean.csv": ("oasis_on_caesarean", "oasis", (2,), "emergency_cs"),
    "planned_cs_without_prelabour_onset.csv": ("planned_cs_not_prelabour", "onset", (3,), "induced"),
    "previous_cs_parity0.csv": ("previous_cs_parity0", "previous_cs", (1, 6), None),
    "vacuum_on_caesarean_row.csv": ("vaginal_after_prelabour_cs", "mode", (4,), "vacuum"),
    "duplicate_delivery_id.csv": ("duplicate_delivery_id", "delivery_id", (2, 5), "D2"),
    "bad_boolean.csv": ("unknown_code", "smoking", (3,), "kanske"),
    "parity_not_a_number.csv": ("not_a_number", "parity", (2, 4), "två"),
    "missing_required_value.csv": ("missing_value", "gestational_weeks", (4,), None),
    "home_region_without_municipality.csv": ("missing_value", "municipality", (6,), None),
    "municipality_wrong_region.csv": ("municipality_region_mismatch", "municipality", (1,), "0180"),
    "plurality_zero.csv": ("impossible_value", "plurality", (1,), "0"),
    "swedish_latin1_unknown_education.csv": ("unknown_code", "education", (4,), "förgymnasial"),
}


def _write_valid(tmp_path: Path) -> Path:
    path = tmp_path / "valid.csv"
    path.write_text(VALID_CSV, encoding="utf-8")
    return path


def test_valid_file_passes_and_counts_missing_optionals(tmp_path: Path) -> None:
    report = validate(_write_valid(tmp_path))
    assert report.ok, report.format()
    assert report.n_rows == 6
    assert report.missing == {"bmi": 1, "smoking": 1, "education": 1, "diabetes": 1, "height_cm": 1}
    assert "RESULT: OK" in report.format()


def test_corpus_has_at_least_fifteen_kinds() -> None:
    files = sorted(p.name for p in BROKEN.glob("*.csv"))
    assert len(files) >= 15
    assert set(CASES) <= set(files)


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_file_names_column_rows_and_values(name: str) -> None:
    code, column, rows, value = CASES[name]
    report = validate(BROKEN / name)
    assert not report.ok
    matches = [i for i in report.errors if i.code == code and i.column == column]
    assert matches, report.format()
    issue = matches[0]
    assert issue.rows == rows
    assert issue.count == len(rows)
    text = report.format()
    assert f"column '{column}'" in text
    if rows:
        assert "data rows " + ", ".join(str(r) for r in rows) in text
    if value is not None:
        assert repr(value) in text
    assert "RESULT: FAILED" in text


def test_many_errors_reported_at_once() -> None:
    report = validate(BROKEN / "many_errors.csv")
    found = {(i.code, i.column) for i in report.errors}
    assert {
        ("missing_column", "onset"),
        ("impossible_value", "maternal_age"),
        ("unknown_code", "mode"),
        ("impossible_value", "bmi"),
        ("previous_cs_parity0", "previous_cs"),
    } <= found


def test_row_list_is_truncated_with_count(tmp_path: Path) -> None:
    lines = VALID_CSV.strip().split("\n")
    body = [lines[1].replace("D1,", f"X{i},").replace(",29,", ",80,") for i in range(12)]
    path = tmp_path / "old.csv"
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    report = validate(path)
    issue = next(i for i in report.errors if i.column == "maternal_age")
    assert issue.count == 12 and issue.rows == (1, 2, 3, 4, 5)
    assert "and 7 more" in report.format()


def test_swedish_format_and_leading_zero_region(tmp_path: Path) -> None:
    frame = pd.read_csv(_write_valid(tmp_path), dtype=str, keep_default_na=False)
    frame["region"] = frame["region"].str.lstrip("0")  # Excel drops "01" -> "1"
    path = tmp_path / "sv.csv"
    frame.to_csv(path, sep=";", index=False, encoding="latin-1")
    text = path.read_bytes()
    assert "Västerås".encode("latin-1") in text
    report = validate(path)
    assert report.ok, report.format()
    assert report.read_info is not None and report.read_info.encoding == "latin-1"
    assert report.read_info.separator == ";"
    assert [w.code for w in report.warnings] == ["leading_zero_restored"]
    loaded = load_births(path)
    assert loaded.loc[2, "region"] == "01"


def test_load_births_raises_with_full_report() -> None:
    with pytest.raises(BirthsValidationError) as err:
        load_births(BROKEN / "many_errors.csv")
    message = str(err.value)
    assert "maternal_age" in message and "onset" in message and "data rows" in message
    assert not err.value.report.ok


def test_load_births_canonical_dtypes(tmp_path: Path) -> None:
    frame = load_births(_write_valid(tmp_path))
    assert list(frame.columns) == [c.name for c in CONTRACT]
    assert frame["parity"].dtype == "int64"
    assert frame["previous_cs"].dtype == bool
    assert str(frame["smoking"].dtype) == "boolean"
    assert str(frame["height_cm"].dtype) == "Int64"
    assert str(frame["bmi"].dtype) == "Float64"
    assert isinstance(frame["mode"].dtype, pd.CategoricalDtype)
    assert frame["region"].tolist() == ["19", "19", "01", "03", "12", "19"]
    assert frame["bmi"].isna().sum() == 1
    assert frame.loc[3, "oasis"]


def test_absent_optional_columns_are_added_empty(tmp_path: Path) -> None:
    frame = pd.read_csv(_write_valid(tmp_path), dtype=str, keep_default_na=False)
    path = tmp_path / "minimal.csv"
    frame[[c.name for c in CONTRACT if c.required]].to_csv(path, index=False)
    report = validate(path)
    assert report.ok and "bmi" in report.absent_optional
    loaded = load_births(path)
    assert loaded["bmi"].isna().all() and str(loaded["oasis"].dtype) == "boolean"


def test_swedish_round_trip_of_loaded_frame(tmp_path: Path) -> None:
    original = load_births(_write_valid(tmp_path))
    path = tmp_path / "export.csv"
    write_swedish_csv(original, path)
    raw = path.read_bytes().decode("latin-1")
    assert ";" in raw.splitlines()[0] and "23,4" in raw and "ja" in raw
    again = load_births(path)
    pd.testing.assert_frame_equal(original, again)


def test_validate_frame_accepts_typed_input() -> None:
    frame = pd.DataFrame(
        {
            "year": [2023],
            "region": ["05"],
            "municipality": [None],
            "parity": [0],
            "maternal_age": [30],
            "plurality": [1],
            "presentation": ["cephalic"],
            "gestational_weeks": [40],
            "previous_cs": [False],
            "onset": ["spontaneous"],
            "mode": ["forceps"],
            "oasis": [True],
            "bmi": [float("nan")],
        }
    )
    report, typed = validate_frame(frame)
    assert report.ok, report.format()
    assert report.missing == {"bmi": 1}
    assert typed["oasis"].iloc[0]


def test_contract_table_for_appendix() -> None:
    table = contract_table()
    assert len(table) == len(CONTRACT) == 24
    assert table.loc[table["column"] == "maternal_age", "allowed"].iloc[0] == "integer 12–60"
    assert table["description_sv"].str.len().min() > 5
    assert set(table.loc[table["required"], "column"]) == {
        "year",
        "region",
        "municipality",
        "parity",
        "maternal_age",
        "plurality",
        "presentation",
        "gestational_weeks",
        "previous_cs",
        "onset",
        "mode",
    }
