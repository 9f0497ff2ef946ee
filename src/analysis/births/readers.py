"""Read a births extract as Swedish exports come: UTF-8 or Latin-1, comma or semicolon, decimal comma.

CSV cells are read as text so the validator sees the values exactly as written and can
quote them back; conversion to numbers happens in :mod:`.validate`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
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


class BirthsReadError(ValueError):
    """The file cannot be read as a births extract at all (wrong format, encoding, separator, shape).

    ``row`` is the 1-based data row (under the header) where the problem was found, when there is one.
    """

    def __init__(self, path: Path, problem: str, rows: tuple[int, ...] = (), count: int = 0) -> None:
        super().__init__(f"{path.name}: {problem}")
        self.path = path
        self.problem = problem
        self.rows = rows
        self.count = count


PARQUET_MAGIC = b"PAR1"
HEAD_BYTES = 4096
BLOCK_BYTES = 1 << 24  # 16 MB: the streaming reader never holds the whole file
_OTHER_SEPARATORS = {"\t": "tab", "|": "pipe ('|')"}


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """UTF-8 (with or without BOM) if it decodes, otherwise Latin-1 (Windows exports).

    UTF-16 (Excel's "Unicode text") and binary content are refused with a clear reason instead of
    being misread as Latin-1.
    """
    _check_head(data[:HEAD_BYTES], path)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    _check_latin1_head(text[:HEAD_BYTES], path)
    return text, "latin-1"


def _check_head(head: bytes, path: Path) -> None:
    """UTF-16 and binary content, judged on the file's first bytes."""
    zeros = sorted((head[0::2].count(0), head[1::2].count(0)))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (zeros[0] == 0 and zeros[1] >= max(2, len(head) // 4)):
        raise BirthsReadError(path, "the file is UTF-16 encoded (Excel 'Unicode text'); export it as CSV in UTF-8 or Latin-1")
    if b"\x00" in head:
        raise BirthsReadError(path, "the file is binary, not a CSV text file (it contains NUL bytes)")


def _check_latin1_head(head: str, path: Path) -> None:
    controls = sum(1 for ch in head if (ord(ch) < 32 and ch not in "\r\n\t") or 0x7F <= ord(ch) < 0xA0)
    if controls > max(2, len(head) // 100):
        raise BirthsReadError(path, "the file is binary, not a CSV text file (control characters in its first lines)")


def _sniff_separator(text: str, path: Path) -> str:
    """Semicolon when the header has more semicolons than commas (Swedish Excel), else comma.

    A header split by tabs or pipes is refused by name (read with the comma it would be one column
    and every required column would be reported missing).
    """
    header = text.split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    for other, name in _OTHER_SEPARATORS.items():
        if header.count(other) > header.count(sep):
            raise BirthsReadError(path, f"the header is separated by {name}; use comma or semicolon as separator")
    return sep


def _check_shape(lines: Iterable[str], sep: str, path: Path) -> list[str]:
    """The header's column names; every data row must have exactly as many fields as the header.

    ``lines`` is the decoded text split at ``\\n`` only (a string's lines or a file opened with ``newline="\\n"``).
    """
    reader = csv.reader(lines, delimiter=sep, skipinitialspace=True)
    try:
        header = next(reader)
    except StopIteration:
        raise BirthsReadError(path, "the file has no header line") from None
    width = len(header)
    extra: list[int] = []
    short: list[int] = []
    try:
        for number, row in enumerate(reader, start=1):
            if not row:
                continue  # blank line, skipped as pandas does
            if len(row) > width:
                extra.append(number)
            elif len(row) < width:
                short.append(number)
    except csv.Error as exc:
        raise BirthsReadError(path, f"malformed CSV: {exc}") from None
    for rows, what in ((extra, "more"), (short, "fewer")):
        if rows:
            listed = ", ".join(str(r) for r in rows[:5])
            more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
            raise BirthsReadError(
                path,
                f"{len(rows)} data row(s) have {what} fields than the header's {width} (data rows {listed}{more}); "
                f"a stray separator '{sep}' in a value?",
                rows=tuple(rows[:5]),
                count=len(rows),
            )
    return [str(c).strip().lower() for c in header]


def read_csv_text(path: Path) -> tuple[pd.DataFrame, ReadInfo]:
    """Every cell as a stripped string ("" for empty); column names lower-cased and stripped."""
    data = path.read_bytes()
    if not data.strip():
        raise BirthsReadError(path, "the file is empty")
    if data.startswith(PARQUET_MAGIC):
        raise BirthsReadError(path, f"the file is Parquet, not CSV; rename it to {path.stem}.parquet")
    text, encoding = _decode(data, path)
    sep = _sniff_separator(text, path)
    header = _check_shape(io.StringIO(text), sep, path)
    frame = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        quoting=csv.QUOTE_MINIMAL,
        skipinitialspace=True,
    )
    # pandas renames a repeated header ("mode", "mode.1"); keep the names as written so duplicates are reported.
    frame.columns = header
    return frame, ReadInfo(str(path), "csv", encoding, sep)


@dataclass(frozen=True)
class CsvLayout:
    """What a first streaming pass learned about a CSV file: encoding, separator and the header's names."""

    path: Path
    encoding: str  # "utf-8" or "latin-1"
    separator: str
    header: list[str]

    @property
    def codec(self) -> str:
        return "utf-8-sig" if self.encoding == "utf-8" else "latin-1"

    def info(self) -> ReadInfo:
        return ReadInfo(str(self.path), "csv", self.encoding, self.separator)


def _is_utf8(path: Path) -> bool:
    """The whole file decodes as UTF-8 (checked block by block, never all in memory)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with path.open("rb") as f:
        try:
            while block := f.read(BLOCK_BYTES):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _is_blank(path: Path) -> bool:
    with path.open("rb") as f:
        while block := f.read(BLOCK_BYTES):
            if block.strip():
                return False
    return True


def sniff_csv(path: Path) -> CsvLayout:
    """The checks of :func:`read_csv_text` without reading the file into memory (same errors, same row numbers)."""
    if _is_blank(path):
        raise BirthsReadError(path, "the file is empty")
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
    if head.startswith(PARQUET_MAGIC):
        raise BirthsReadError(path, f"the file is Parquet, not CSV; rename it to {path.stem}.parquet")
    _check_head(head, path)
    encoding = "utf-8" if _is_utf8(path) else "latin-1"
    if encoding == "latin-1":
        _check_latin1_head(head.decode("latin-1"), path)
    layout = CsvLayout(path, encoding, ",", [])
    with path.open(encoding=layout.codec, newline="\n") as f:
        sep = _sniff_separator(f.readline(), path)
    with path.open(encoding=layout.codec, newline="\n") as f:
        header = _check_shape(f, sep, path)
    return CsvLayout(path, encoding, sep, header)


def iter_csv_chunks(layout: CsvLayout, rows: int) -> Iterator[pd.DataFrame]:
    """The data rows in chunks of ``rows``, every cell a string as :func:`read_csv_text` gives them."""
    reader = pd.read_csv(
        layout.path,
        sep=layout.separator,
        encoding=layout.codec,
        dtype=str,
        keep_default_na=False,
        na_filter=False,
        quoting=csv.QUOTE_MINIMAL,
        skipinitialspace=True,
        chunksize=rows,
    )
    with reader:
        for chunk in reader:
            chunk.columns = layout.header
            yield chunk


def read_parquet(path: Path) -> tuple[pd.DataFrame, ReadInfo]:
    """Parquet keeps its own types; the validator converts whatever it finds."""
    with path.open("rb") as f:
        magic = f.read(4)
    if magic != PARQUET_MAGIC:
        hint = f"; if it is a CSV export, rename it to {path.stem}.csv" if magic else ""
        raise BirthsReadError(path, f"the file is not a Parquet file{hint}" if magic else "the file is empty")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
        raise BirthsReadError(path, f"the Parquet file cannot be read ({type(exc).__name__}: {exc})") from None
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
