"""Validate a births extract against the contract and load it with canonical dtypes.

Every problem is collected before anything is reported, so an analyst fixes an export in
one round. Row numbers are **data rows counted from 1 under the header** ("data row 1" is
the first line after the header; in a spreadsheet that is row 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from analysis.births.contract import (
    CAESAREAN_MODES,
    COLUMNS,
    CONTRACT,
    FALSE_VALUES,
    OPTIONAL,
    REQUIRED,
    TRUE_VALUES,
    VAGINAL_MODES,
    Column,
)
from analysis.births.readers import BirthsReadError, ReadInfo, read_any
from analysis.common.regions import HOME_REGION

MAX_LISTED = 5
SAMPLED = 200  # offending values looked at for the distinct ones quoted in an issue
MISSING_TOKENS: frozenset[str] = frozenset({"", "na", "nan", "null", "none", "<na>"})
ROW_CONVENTION = "Row numbers are data rows counted from 1 under the header (spreadsheet row = data row + 1)."

Severity = Literal["error", "warning"]
FILE_LEVEL = "(file)"  # the "column" of problems with the file as a whole


@dataclass(frozen=True)
class Issue:
    """One problem: which column, which data rows (1-based), which values and what is allowed."""

    severity: Severity
    code: str
    column: str
    message: str
    rows: tuple[int, ...] = ()
    count: int = 0
    values: tuple[str, ...] = ()
    allowed: str = ""
    values_column: str = ""  # set when the quoted values come from another column (cross-column rules)
    # The first SAMPLED offending values as written (``values`` are the distinct ones among them); kept so that
    # issues found in consecutive chunks of a file merge into exactly the issue the whole file gives.
    sample: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def format(self) -> str:
        where = "file" if self.column == FILE_LEVEL else f"column '{self.column}'"
        parts = [f"[{self.code}] {where}: {self.message}"]
        if self.count:
            listed = ", ".join(str(r) for r in self.rows)
            more = f" and {self.count - len(self.rows)} more" if self.count > len(self.rows) else ""
            parts.append(f"{self.count} row(s), data rows {listed}{more}")
        if self.values:
            label = f"values of '{self.values_column}'" if self.values_column else "values"
            parts.append(f"{label} " + ", ".join(repr(v) for v in self.values))
        if self.allowed:
            parts.append(f"allowed: {self.allowed}")
        return "; ".join(parts)


@dataclass
class ValidationReport:
    """Outcome of a validation; ``ok`` is False when there is at least one error."""

    source: str
    n_rows: int
    read_info: ReadInfo | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    missing: dict[str, int] = field(default_factory=dict)
    absent_optional: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def format(self) -> str:
        """A readable report listing every error, warning and missing-value count."""
        how = ""
        if self.read_info is not None:
            bits = [self.read_info.format]
            if self.read_info.encoding:
                bits.append(self.read_info.encoding)
            if self.read_info.separator:
                bits.append(f"separator '{self.read_info.separator}'")
            how = f" ({', '.join(bits)})"
        lines = [f"Validation of {self.source}{how}: {self.n_rows} data rows", ROW_CONVENTION]
        lines.append(f"ERRORS ({len(self.errors)}):" if self.errors else "ERRORS: none")
        lines += [f"  - {i.format()}" for i in self.errors]
        if self.warnings:
            lines.append(f"WARNINGS ({len(self.warnings)}):")
            lines += [f"  - {i.format()}" for i in self.warnings]
        if self.missing:
            lines.append("MISSING VALUES in optional columns (counted, not errors):")
            for col, n in self.missing.items():
                share = 100.0 * n / self.n_rows if self.n_rows else 0.0
                lines.append(f"  - {col}: {n} of {self.n_rows} ({share:.1f} %)")
        if self.absent_optional:
            lines.append("Optional columns absent: " + ", ".join(self.absent_optional))
        lines.append("RESULT: OK" if self.ok else f"RESULT: FAILED ({len(self.errors)} error(s))")
        return "\n".join(lines)


class BirthsValidationError(ValueError):
    """Raised by :func:`load_births` when the file breaks the contract; the message is the full report."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.format())
        self.report = report


# --------------------------------------------------------------------------- helpers


def _issue(
    severity: Severity,
    code: str,
    column: str,
    message: str,
    mask: np.ndarray,
    raw: pd.Series | None = None,
    allowed: str = "",
) -> Issue:
    idx = np.flatnonzero(mask)
    sample: tuple[str, ...] = ()
    if raw is not None and len(idx):
        sample = tuple(str(v) for v in raw.iloc[idx[:SAMPLED]])
    return Issue(
        severity=severity,
        code=code,
        column=column,
        message=message,
        rows=tuple(int(i) + 1 for i in idx[:MAX_LISTED]),
        count=len(idx),
        values=distinct_values(sample),
        allowed=allowed,
        sample=sample,
    )


def distinct_values(sample: tuple[str, ...]) -> tuple[str, ...]:
    """The first MAX_LISTED distinct values, in order of appearance."""
    return tuple(dict.fromkeys(sample))[:MAX_LISTED]


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)


def _missing_mask(series: pd.Series) -> np.ndarray:
    if _is_text(series) or isinstance(series.dtype, pd.CategoricalDtype):
        text = series.astype("string").str.strip().str.lower()
        return (text.isna() | text.isin(list(MISSING_TOKENS))).to_numpy(dtype=bool)
    return series.isna().to_numpy(dtype=bool)


def _to_number(series: pd.Series) -> pd.Series:
    """Numbers from text with decimal comma, spaces or non-breaking spaces as thousands separators."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("Float64")
    if pd.api.types.is_numeric_dtype(series.dtype):
        return pd.to_numeric(series, errors="coerce").astype("Float64")
    text = series.astype("string").str.strip()
    text = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce").astype("Float64")


def _to_bool(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series.dtype):
        return series.astype("boolean")
    if pd.api.types.is_numeric_dtype(series.dtype):
        num = pd.to_numeric(series, errors="coerce")
        out = pd.Series(pd.NA, index=series.index, dtype="boolean")
        out[num == 1] = True
        out[num == 0] = False
        return out
    text = series.astype("string").str.strip().str.lower()
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[text.isin(list(TRUE_VALUES)).fillna(False)] = True
    out[text.isin(list(FALSE_VALUES)).fillna(False)] = False
    return out


def _to_code(series: pd.Series, digits: int) -> pd.Series:
    if pd.api.types.is_float_dtype(series.dtype):
        num = series
        text = num.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v)))
        return text.astype("string")
    return series.astype("string").str.strip()


# --------------------------------------------------------------------------- column checks


def _check_column(col: Column, raw: pd.Series, report: ValidationReport) -> pd.Series:
    """Convert one column to its canonical dtype, recording unknown codes and impossible values."""
    missing = _missing_mask(raw)
    if col.kind in ("int", "float"):
        num = _to_number(raw)
        bad_parse = num.isna().to_numpy(dtype=bool) & ~missing
        if col.kind == "int":
            frac = (num - num.round()).abs()
            not_int = (frac > 1e-9).fillna(False).to_numpy(dtype=bool)
            bad_parse |= not_int
        if bad_parse.any():
            what = "not an integer" if col.kind == "int" else "not a number"
            report.errors.append(_issue("error", "not_a_number", col.name, what, bad_parse, raw, col.allowed_text()))
        num = num.mask(pd.Series(bad_parse, index=num.index))
        lo = -np.inf if col.minimum is None else col.minimum
        hi = np.inf if col.maximum is None else col.maximum
        out_of_range = ((num < lo) | (num > hi)).fillna(False).to_numpy(dtype=bool)
        if out_of_range.any():
            report.errors.append(
                _issue(
                    "error",
                    "impossible_value",
                    col.name,
                    "value outside the possible range",
                    out_of_range,
                    raw,
                    col.allowed_text(),
                )
            )
        num = num.mask(pd.Series(out_of_range, index=num.index))
        return num.round().astype("Int64") if col.kind == "int" else num
    if col.kind == "bool":
        flags = _to_bool(raw)
        bad = flags.isna().to_numpy(dtype=bool) & ~missing
        if bad.any():
            report.errors.append(_issue("error", "unknown_code", col.name, "not a yes/no value", bad, raw, col.allowed_text()))
        return flags
    if col.kind == "category":
        assert col.allowed is not None
        text = raw.astype("string").str.strip().str.lower()
        text = text.mask(pd.Series(missing, index=text.index))
        bad = (~text.isin(list(col.allowed))).fillna(False).to_numpy(dtype=bool) & ~missing
        if bad.any():
            report.errors.append(_issue("error", "unknown_code", col.name, "unknown code", bad, raw, col.allowed_text()))
        text = text.mask(pd.Series(bad, index=text.index))
        return pd.Series(pd.Categorical(text, categories=list(col.allowed)), index=raw.index)
    if col.kind == "code":
        assert col.digits is not None
        text = _to_code(raw, col.digits)
        text = text.mask(pd.Series(missing, index=text.index))
        digits_only = text.str.fullmatch(r"\d+").fillna(False).to_numpy(dtype=bool)
        short = digits_only & (text.str.len() < col.digits).fillna(False).to_numpy(dtype=bool)
        if short.any():
            report.warnings.append(
                _issue(
                    "warning",
                    "leading_zero_restored",
                    col.name,
                    f"code shorter than {col.digits} digits; leading zeros restored (an Excel export drops them)",
                    short,
                    raw,
                )
            )
            text = text.where(~pd.Series(short, index=text.index), text.str.zfill(col.digits))
        wrong = ~missing & ~(digits_only & (text.str.len() == col.digits).fillna(False).to_numpy(dtype=bool))
        wrong &= ~short
        if col.allowed is not None:
            wrong |= ~missing & ~text.isin(list(col.allowed)).fillna(False).to_numpy(dtype=bool)
        if wrong.any():
            report.errors.append(
                _issue(
                    "error",
                    "unknown_code",
                    col.name,
                    "unknown code",
                    wrong,
                    raw,
                    col.allowed_text() if col.allowed is None else f"{col.digits}-digit codes: " + ", ".join(col.allowed),
                )
            )
        text = text.mask(pd.Series(wrong, index=text.index))
        if col.allowed is not None:
            return pd.Series(pd.Categorical(text, categories=list(col.allowed)), index=raw.index)
        return text
    text = raw.astype("string").str.strip()
    return text.mask(pd.Series(missing, index=text.index))


def _row_rules(typed: pd.DataFrame, raw: pd.DataFrame, report: ValidationReport, duplicates: bool = True) -> None:
    """Cross-column consistency; rows whose inputs are invalid or missing are not judged twice."""
    mode = typed["mode"].astype("string") if "mode" in typed else None
    onset = typed["onset"].astype("string") if "onset" in typed else None

    def add(code: str, column: str, message: str, mask: pd.Series, shown: str) -> None:
        m = mask.fillna(False).to_numpy(dtype=bool)
        if m.any():
            issue = _issue("error", code, column, message, m, raw[shown] if shown in raw else None)
            report.errors.append(replace(issue, values_column=shown if shown != column else ""))

    if mode is not None and "oasis" in typed:
        add(
            "oasis_on_caesarean",
            "oasis",
            "OASIS (grade 3-4 tear) recorded on a caesarean delivery (see column mode)",
            typed["oasis"].eq(True) & mode.isin(list(CAESAREAN_MODES)),
            "mode",
        )
    if mode is not None and onset is not None:
        add(
            "planned_cs_not_prelabour",
            "onset",
            "mode planned_cs requires onset prelabour_cs",
            mode.eq("planned_cs") & onset.notna() & onset.ne("prelabour_cs"),
            "onset",
        )
        add(
            "vaginal_after_prelabour_cs",
            "mode",
            "vaginal, vacuum or forceps delivery on a caesarean row (onset prelabour_cs)",
            onset.eq("prelabour_cs") & mode.isin(list(VAGINAL_MODES)),
            "mode",
        )
    if "previous_cs" in typed and "parity" in typed:
        add(
            "previous_cs_parity0",
            "previous_cs",
            "previous caesarean recorded for a first-time mother (parity 0)",
            typed["previous_cs"].eq(True) & typed["parity"].eq(0),
            "parity",
        )
    if "municipality" in typed and "region" in typed:
        region = typed["region"].astype("string")
        muni = typed["municipality"].astype("string")
        home_missing = region.eq(HOME_REGION) & muni.isna()
        m = home_missing.fillna(False).to_numpy(dtype=bool)
        if m.any():
            report.errors.append(
                _issue(
                    "error",
                    "missing_value",
                    "municipality",
                    f"municipality is required for the home region {HOME_REGION}",
                    m,
                    raw["municipality"],
                    "4-digit municipality code",
                )
            )
        add(
            "municipality_region_mismatch",
            "municipality",
            "municipality code does not belong to the row's region",
            muni.notna() & region.notna() & (muni.str.slice(0, 2) != region),
            "municipality",
        )
    if duplicates and "delivery_id" in typed:
        ids = typed["delivery_id"]
        dup = ids.notna() & ids.duplicated(keep=False)
        add("duplicate_delivery_id", "delivery_id", "delivery_id occurs more than once", dup, "delivery_id")


# --------------------------------------------------------------------------- public API


def header_checks(columns: list[str], report: ValidationReport) -> None:
    """Problems with the header alone: required columns missing, repeated or unknown names, absent optional ones."""
    for name in REQUIRED:
        if name not in columns:
            report.errors.append(
                Issue("error", "missing_column", name, "required column is missing", allowed=COLUMNS[name].allowed_text())
            )
    index = pd.Index(columns)
    for name in dict.fromkeys(index[index.duplicated()]):
        report.errors.append(Issue("error", "duplicate_column", name, "column appears more than once in the header"))
    for name in dict.fromkeys(c for c in columns if c not in COLUMNS):
        report.warnings.append(Issue("warning", "unknown_column", name, "not in the contract; ignored"))
    report.absent_optional += [c.name for c in CONTRACT if not c.required and c.name not in columns]


def check_rows(raw: pd.DataFrame, report: ValidationReport, duplicates: bool = True) -> pd.DataFrame:
    """Convert and check the rows of ``raw`` (unique column names); issues and missing counts go to ``report``.

    ``duplicates=False`` leaves the duplicate-``delivery_id`` rule to the caller (a file read in chunks).
    """
    typed: dict[str, pd.Series] = {}
    for col in CONTRACT:
        if col.name not in raw.columns:
            continue
        series = raw[col.name]
        missing = _missing_mask(series)
        typed[col.name] = _check_column(col, series, report)
        if col.required and col.values_required and missing.any():
            report.errors.append(
                _issue("error", "missing_value", col.name, "required value is empty", missing, None, col.allowed_text())
            )
        elif not col.required and missing.any():
            report.missing[col.name] = int(missing.sum())
    frame = pd.DataFrame(typed, index=raw.index)
    _row_rules(frame, raw, report, duplicates)
    return frame


def validate_frame(
    raw: pd.DataFrame, source: str = "<frame>", read_info: ReadInfo | None = None
) -> tuple[ValidationReport, pd.DataFrame]:
    """Check a frame against the contract; return the report and the converted frame (canonical dtypes)."""
    raw = raw.reset_index(drop=True)
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    report = ValidationReport(source=source, n_rows=len(raw), read_info=read_info)
    header_checks(list(raw.columns), report)
    raw = raw.loc[:, ~pd.Index(raw.columns).duplicated()]
    frame = check_rows(raw, report)
    if len(raw) == 0:
        report.errors.append(Issue("error", "no_rows", FILE_LEVEL, "the file has a header but no data rows"))
    report.errors.sort(key=lambda i: list(COLUMNS).index(i.column) if i.column in COLUMNS else 99)
    return report, frame


def unreadable_report(error: BirthsReadError, source: str) -> ValidationReport:
    """The report for a file that cannot be read at all: one error naming the file and what is wrong."""
    issue = Issue("error", "unreadable", FILE_LEVEL, error.problem, rows=error.rows, count=error.count)
    return ValidationReport(source=source, n_rows=0, errors=[issue])


def _read_and_validate(path: str | Path, keep_frame: bool = True) -> tuple[ValidationReport, pd.DataFrame | None]:
    """A CSV is checked chunk by chunk (:mod:`.validate_stream`, same report, far less memory); Parquet whole."""
    from analysis.births.validate_stream import validate_csv

    p = Path(path)
    try:
        if p.exists() and p.suffix.lower() not in (".parquet", ".pq"):
            return validate_csv(p, keep_frame=keep_frame)
        raw, info = read_any(path)
    except BirthsReadError as exc:
        return unreadable_report(exc, str(path)), None
    return validate_frame(raw, source=str(path), read_info=info)


def validate(path: str | Path) -> ValidationReport:
    """Validate a CSV or Parquet births file; ``report.ok`` is False on any contract violation.

    A file that cannot be read (empty, binary, wrong format for its suffix, UTF-16, tab- or
    pipe-separated, rows with the wrong number of fields) gives a failed report, not an exception.
    """
    return _read_and_validate(path, keep_frame=False)[0]


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Final dtypes for analysis: required flags and integers without NA, absent optional columns added empty."""
    out = frame.copy()
    for col in CONTRACT:
        if col.name not in out.columns:
            if col.kind == "int":
                out[col.name] = pd.array([pd.NA] * len(out), dtype="Int64")
            elif col.kind == "float":
                out[col.name] = pd.array([pd.NA] * len(out), dtype="Float64")
            elif col.kind == "bool":
                out[col.name] = pd.array([pd.NA] * len(out), dtype="boolean")
            elif col.kind == "category":
                out[col.name] = pd.Categorical([None] * len(out), categories=list(col.allowed or ()))
            else:
                out[col.name] = pd.array([pd.NA] * len(out), dtype="string")
        elif col.required and col.values_required:
            if col.kind == "int":
                out[col.name] = out[col.name].astype("int64")
            elif col.kind == "bool":
                out[col.name] = out[col.name].astype(bool)
    return out[[c.name for c in CONTRACT]]


def load_births(path: str | Path) -> pd.DataFrame:
    """Validate and load a births file; raise :class:`BirthsValidationError` (full report) if it breaks the contract.

    Codes are categoricals (``region``, ``presentation``, ``onset``, ``mode``, ``country_of_birth``,
    ``education``) or strings (``municipality``, ``delivery_id``, ``delivery_unit``); required flags are
    ``bool``, optional flags ``boolean``; optional integers ``Int64``, optional measures ``Float64``.
    Optional columns absent from the file are added, all missing, so chapters can rely on every column.
    """
    from analysis.births.cache import cached_frame, store_frame

    cached = cached_frame(path)  # the synthetic cohort, validated before with this very code
    if cached is not None:
        return cached
    report, frame = _read_and_validate(path)
    if not report.ok or frame is None:
        raise BirthsValidationError(report)
    out = canonical(frame)
    store_frame(path, out)
    return out


__all__ = [
    "OPTIONAL",
    "REQUIRED",
    "BirthsValidationError",
    "Issue",
    "ValidationReport",
    "canonical",
    "load_births",
    "unreadable_report",
    "validate",
    "validate_frame",
]
