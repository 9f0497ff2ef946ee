"""Read a births extract as Swedish exports come: UTF-8 or Latin-1, comma or semicolon, decimal comma.

CSV cells are read as text so the validator sees the values exactly as written and can
quote them back; conversion to numbers happens in :mod:`.validate`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class ReadInfo:
    """How a file was read (shown in the validation report so the analyst can check it)."""

    path: str
    format: str  # "csv" or "parquet"
    encoding: str | None = None
    separator: str | None = None


def _decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) if it decodes, otherwise Latin-1 (Windows exports)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _sniff_separator(text: str) -> str:
    """Semicolon when the header has more semicolons than commas (Swedish Excel), else comma."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def read_csv_text(path: Path) -> tuple[pd.DataFrame, ReadInfo]:
    """Every cell as a stripped string ("" for empty); column names lower-cased and stripped."""
    text, encoding = _decode(path.read_bytes())
    sep = _sniff_separator(text)
    frame = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        quoting=csv.QUOTE_MINIMAL,
        skipinitialspace=True,
    )
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame, ReadInfo(str(path), "csv", encoding, sep)


def read_parquet(path: Path) -> tuple[pd.DataFrame, ReadInfo]:
    """Parquet keeps its own types; the validator converts whatever it finds."""
    frame = pd.read_parquet(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame, ReadInfo(str(path), "parquet")


def read_any(path: str | Path) -> tuple[pd.DataFrame, ReadInfo]:
    """Dispatch on the suffix: ``.parquet``/``.pq`` as Parquet, anything else as delimited text."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"births file not found: {p}")
    if p.suffix.lower() in (".parquet", ".pq"):
        return read_parquet(p)
    return read_csv_text(p)


def write_swedish_csv(frame: pd.DataFrame, path: str | Path, encoding: str = "latin-1") -> None:
    """Write as a Swedish Excel export would: semicolons, decimal comma, Latin-1, booleans as ja/nej."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_bool_dtype(series.dtype):
            out[col] = series.map({True: "ja", False: "nej"}).astype(object)
    out.to_csv(path, sep=";", decimal=",", index=False, encoding=encoding)
