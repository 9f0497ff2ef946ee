"""The page's sentences and labels from ``book/text/changes.sv.yml``."""

from __future__ import annotations

from collections.abc import Sequence

from analysis.chapters.changes.diff import Diff
from analysis.common.formatting import sv_list, sv_number, sv_pct
from analysis.common.text import Sentence, Texts

TEXTS = Texts("changes")


def label(key: str) -> str:
    return str(TEXTS(key))


def page_title(page: str) -> str:
    """The page's Swedish title (``page_titles``), or its name when the text file has none."""
    return label(f"page_titles.{page}") if TEXTS.has(f"page_titles.{page}") else page


def in_book_order(pages: Sequence[str]) -> list[str]:
    """Pages in the order of ``page_titles`` (the book's order); pages without a title last, by name."""
    known = [k.split(".", 1)[1] for k in TEXTS.templates() if k.startswith("page_titles.")]
    return sorted(pages, key=lambda p: (known.index(p) if p in known else len(known), p))


def summary(diff: Diff, previous: str) -> Sentence:
    """How many figures changed, were added or removed – or that nothing did."""
    changed = sum(p.count("changed") for p in diff.pages)
    added = sum(p.count("added") for p in diff.pages)
    removed = sum(p.count("removed") for p in diff.pages)
    threshold = sv_pct(diff.threshold_pct, 0 if float(diff.threshold_pct).is_integer() else 1)
    if changed + added + removed == 0:
        return TEXTS("summary.none", threshold=threshold, previous=previous, compared=sv_number(diff.compared))
    return TEXTS(
        "summary.some",
        changed=sv_number(changed),
        compared=sv_number(diff.compared),
        pages=sv_number(sum(1 for p in diff.pages if p.changes)),
        threshold=threshold,
        previous=previous,
        added=sv_number(added),
        removed=sv_number(removed),
    )


def pages_only(only_old: Sequence[str], only_new: Sequence[str]) -> Sentence:
    """Pages found in one edition only (or an empty sentence)."""
    if not only_old and not only_new:
        return TEXTS("pages_only.none")
    old = sv_list(page_title(p) for p in only_old) or label("nothing")
    new = sv_list(page_title(p) for p in only_new) or label("nothing")
    return TEXTS("pages_only.some", old=old, new=new)
