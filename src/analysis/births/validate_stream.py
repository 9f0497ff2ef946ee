"""Validate a CSV births file chunk by chunk: the same report as validating it whole, in a fraction of the memory.

The file is never held in memory as one text or one frame of strings. A first streaming pass checks the
encoding, the separator and every row's field count (:func:`analysis.births.readers.sniff_csv`); the second
reads ``CHUNK_ROWS`` rows at a time and checks them with the very functions :func:`validate_frame` uses.
Issues of consecutive chunks merge into one per problem with the file's row numbers, the first rows, the
total count and the same quoted values; the duplicate-``delivery_id`` rule, the only one across rows, runs
once on the whole column. Only ``load_births`` keeps the converted chunks (``keep_frame=True``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from analysis.births.contract import COLUMNS
from analysis.births.readers import iter_csv_chunks, sniff_csv
from analysis.births.validate import (
    FILE_LEVEL,
    MAX_LISTED,
    SAMPLED,
    Issue,
    ValidationReport,
    _issue,
    _missing_mask,
    check_rows,
    distinct_values,
    header_checks,
)

CHUNK_ROWS = 200_000

#: Order of an error's kind within its column, as :func:`validate_frame` generates them (column checks,
#: then the required-value check, then the cross-column rules); errors are sorted by column, then by this.
_RANK = {
    "missing_column": 0,
    "duplicate_column": 0,
    "not_a_number": 1,
    "impossible_value": 2,
    "unknown_code": 3,
    "missing_value": 4,
    "oasis_on_caesarean": 5,
    "planned_cs_not_prelabour": 5,
    "vaginal_after_prelabour_cs": 5,
    "previous_cs_parity0": 5,
    "duplicate_delivery_id": 5,
    "municipality_region_mismatch": 6,
    "no_rows": 9,
}
_COLUMN_ORDER = {name: i for i, name in enumerate(COLUMNS)}

Key = tuple[str, str, str, str, str, str]


def _key(issue: Issue) -> Key:
    return (issue.severity, issue.code, issue.column, issue.message, issue.allowed, issue.values_column)


def _merge(known: Issue | None, new: Issue, offset: int) -> Issue:
    """``new`` (rows counted within its chunk) added to the same problem found in earlier chunks."""
    rows = tuple(r + offset for r in new.rows)
    if known is None:
        return replace(new, rows=rows)
    sample = (known.sample + new.sample)[:SAMPLED]
    return replace(
        known,
        rows=(known.rows + rows)[:MAX_LISTED],
        count=known.count + new.count,
        sample=sample,
        values=distinct_values(sample),
    )


def _sort_key(issue: Issue) -> tuple[int, int]:
    return _COLUMN_ORDER.get(issue.column, 99), _RANK.get(issue.code, 8)


def validate_csv(
    path: str | Path, keep_frame: bool = True, rows: int = CHUNK_ROWS
) -> tuple[ValidationReport, pd.DataFrame | None]:
    """Report and (with ``keep_frame``) the converted frame; raises ``BirthsReadError`` for an unreadable file."""
    layout = sniff_csv(Path(path))
    report = ValidationReport(source=str(path), n_rows=0, read_info=layout.info())
    header_checks(layout.header, report)
    unique = ~pd.Index(layout.header).duplicated()
    merged: dict[Key, Issue] = {}
    parts: list[pd.DataFrame] = []
    ids: list[pd.Series] = []
    for chunk in iter_csv_chunks(layout, rows):
        chunk = chunk.loc[:, unique]
        part = ValidationReport(source=str(path), n_rows=len(chunk))
        typed = check_rows(chunk, part, duplicates=False)
        for issue in part.errors + part.warnings:
            merged[_key(issue)] = _merge(merged.get(_key(issue)), issue, report.n_rows)
        for name, n in part.missing.items():
            report.missing[name] = report.missing.get(name, 0) + n
        if "delivery_id" in chunk:
            ids.append(chunk["delivery_id"].astype("string[pyarrow]"))
        if keep_frame:
            parts.append(typed)
        report.n_rows += len(chunk)
    errors = [i for i in merged.values() if i.severity == "error"]
    if ids:
        errors += _duplicate_ids(pd.concat(ids, ignore_index=True))
    if report.n_rows == 0:
        errors.append(Issue("error", "no_rows", FILE_LEVEL, "the file has a header but no data rows"))
    report.errors = sorted(report.errors + errors, key=_sort_key)
    warnings = sorted((i for i in merged.values() if i.severity == "warning"), key=_sort_key)
    report.warnings += warnings
    report.missing = {name: report.missing[name] for name in COLUMNS if name in report.missing}
    if not keep_frame:
        return report, None
    return report, _concat(parts, layout.header)


def _duplicate_ids(raw: pd.Series) -> list[Issue]:
    """The rule :func:`validate_frame` applies to ``delivery_id``, on the whole file's column."""
    typed = raw.str.strip().mask(pd.Series(_missing_mask(raw), index=raw.index))
    dup = (typed.notna() & typed.duplicated(keep=False)).to_numpy(dtype=bool)
    if not dup.any():
        return []
    return [_issue("error", "duplicate_delivery_id", "delivery_id", "delivery_id occurs more than once", dup, raw)]


def _concat(parts: list[pd.DataFrame], header: list[str]) -> pd.DataFrame:
    if not parts:  # a header without rows: the columns it names, empty
        return check_rows(pd.DataFrame({c: pd.Series([], dtype=object) for c in dict.fromkeys(header)}), ValidationReport("", 0))
    frame = pd.concat(parts, ignore_index=True)
    for name, dtype in parts[0].dtypes.items():  # categoricals stay categoricals
        if frame[name].dtype != dtype:
            frame[name] = frame[name].astype(dtype)
    return frame
