"""Display tables of the page "Vad har ändrats" (headings from ``book/text/changes.sv.yml``)."""

from __future__ import annotations

import html
import math

import pandas as pd

from analysis.chapters.changes import text
from analysis.chapters.changes.diff import Change, Scalar
from analysis.chapters.changes.page import ChangesPage
from analysis.common.formatting import MISSING, sv_number
from analysis.render.page import Table, notice


def _decimals(size: float) -> int:
    """Decimals by size, so a figure keeps about three to four significant digits."""
    return 0 if size >= 1000 else 1 if size >= 100 else 2 if size >= 1 else 3


def value(v: Scalar, decimals: int | None = None) -> str:
    """A results value for readers: numbers the Swedish way (decimals by size), yes/no, text escaped."""
    if v is None:
        return MISSING
    if isinstance(v, bool):
        return text.label("yes" if v else "no")
    if isinstance(v, int):
        return sv_number(v)
    if isinstance(v, float):
        return sv_number(v, _decimals(abs(v)) if decimals is None else decimals)
    return html.escape(str(v)[:80])


def change(c: Change) -> str:
    """``+1,20 (+3,4 %)`` for numbers; the kind (ny, borttagen, ändrad) otherwise."""
    if c.delta is None:
        return text.label(f"kind.{c.kind}")
    sign = "+" if c.delta > 0 else ""
    delta = sign + value(c.delta, _decimals(max(abs(float(c.old)), abs(float(c.new)))))  # type: ignore[arg-type]
    pct = c.relative_pct
    return delta if pct is None else f"{delta} ({sign if pct > 0 else ''}{sv_number(pct, 1)}\u00a0%)"


def summary(data: ChangesPage) -> Table:
    """One row per page: figures compared, changed, new and removed."""
    h = "summary_heading"
    order = text.in_book_order([p.page for p in data.diff.pages])
    rows = [
        {
            text.label(f"{h}.page"): text.page_title(p.page),
            text.label(f"{h}.compared"): sv_number(p.compared),
            text.label(f"{h}.changed"): sv_number(p.count("changed")),
            text.label(f"{h}.added"): sv_number(p.count("added")),
            text.label(f"{h}.removed"): sv_number(p.count("removed")),
        }
        for p in sorted(data.diff.pages, key=lambda p: order.index(p.page))
    ]
    return Table(pd.DataFrame(rows), text.label("summary_caption"))


def _breakable(key: str) -> str:
    """The key escaped, with a zero-width space after each ``.`` and ``,`` so a phone can wrap it."""
    return html.escape(key).replace(".", ".\u200b").replace(",", ",\u200b")


def _size(c: Change) -> float:
    pct = c.relative_pct
    return math.inf if pct is None else abs(pct)


def details(data: ChangesPage) -> Table | None:
    """The largest changes (at most ``max_rows``), grouped by page in the book's order; a note when there are none."""
    h = "details_heading"
    order = {page: i for i, page in enumerate(text.in_book_order([p.page for p in data.diff.pages]))}
    largest = sorted(data.diff.changes, key=lambda c: (-_size(c), c.page, c.key))[: data.max_rows]
    shown = sorted(largest, key=lambda c: (order[c.page], -_size(c), c.key))
    rows = [
        {
            text.label(f"{h}.page"): text.page_title(c.page),
            text.label(f"{h}.figure"): f"<code>{_breakable(c.key)}</code>",
            text.label(f"{h}.old"): value(c.old),
            text.label(f"{h}.new"): value(c.new),
            text.label(f"{h}.change"): change(c),
        }
        for c in shown
    ]
    if not rows:
        notice(text.label("no_changes_title"), text.label("no_changes"), kind="note")
        return None
    return Table(pd.DataFrame(rows), text.label("details_caption"))
