"""The appendix pages' texts and labels from ``book/text/appendix.sv.yml``."""

from __future__ import annotations

from collections.abc import Sequence

from analysis.births.contract import Column
from analysis.common.text import Sentence, Texts

TEXTS = Texts("appendix")


def label(key: str) -> str:
    """A heading or cell label (``type.int``, ``direction.same`` …)."""
    return str(TEXTS(key))


def allowed(column: Column) -> str:
    """What a column may hold, in Swedish; listed values and boolean spellings stay as the file must contain them."""
    if column.allowed is not None or column.kind == "bool":
        return column.allowed_text()
    if column.kind == "code":
        key = f"allowed.code.{column.digits}"
        return label(key) if TEXTS.has(key) else str(TEXTS("allowed.code_digits", digits=column.digits))
    if column.minimum is not None or column.maximum is not None:
        lo = "" if column.minimum is None else f"{column.minimum:g}"
        hi = "" if column.maximum is None else f"{column.maximum:g}"
        kind = "range_int" if column.kind == "int" else "range_float"
        return str(TEXTS(f"allowed.{kind}", range=f"{lo}–{hi}".rstrip("–")))
    return label("allowed.free_text")


def weaker_list(labels: Sequence[str]) -> Sentence:
    """The indicators whose direction is weaker or opposite, or "none"."""
    if not labels:
        return TEXTS("weaker_list.none")
    return TEXTS("weaker_list.some", labels=", ".join(labels))


def source_year(year: str, quality: str) -> str:
    """``2023, publicerad``: the published figure's year (ranges with a dash) and its quality."""
    year_sv = year.replace("(not stated)", label("not_stated")).replace("-", "–")
    return str(TEXTS("source_year", year=year_sv, quality=quality))


def gaps_caption(region: str) -> Sentence:
    return TEXTS("gaps_caption", region=region)


def register_notice() -> tuple[str, str]:
    """Title and body of the notice shown instead of the calibration table on a register extract."""
    return label("register_notice.title"), label("register_notice.body")
