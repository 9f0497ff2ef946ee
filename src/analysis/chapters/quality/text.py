"""The Datakvalitet page's texts and labels from ``book/text/quality.sv.yml``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.common.disclosure import threshold
from analysis.common.formatting import sv_list, sv_number, sv_pct
from analysis.common.regions import region_name
from analysis.common.text import Sentence, Texts

TEXTS = Texts("quality")


def label(key: str, **values: object) -> str:
    """A heading or cell label (``thresholds_heading.variable``, ``page.nullipara`` …)."""
    return str(TEXTS(key, **values))


def pct(share: float) -> str:
    """A share (0–1) as a Swedish percentage with one decimal, or none when it is a whole number."""
    value = 100 * share
    return sv_pct(value, 0 if float(value).is_integer() else 1)


def unit(region: str, year: int) -> str:
    return label("unit", region=region_name(region), year=str(year))


def reason(variable: str, reason_code: str, share: float, limit: float, hidden: bool, rule: str) -> Sentence:
    """Why a unit fails a variable: its share against the limit (the share withheld when it rests on 1–4 births)."""
    key = f"reason.{reason_code}" + ("_hidden" if hidden else "")
    return TEXTS(key, variable=variable, share=pct(share), limit=pct(limit), rule=rule, min_cell=sv_number(threshold()))


def verdict(n_units: int, n_variables: int, excluded_units: Sequence[tuple[str, int]]) -> Sentence:
    """Every unit passes, or how many fail and which."""
    if not excluded_units:
        return TEXTS("verdict.none", n_units=sv_number(n_units), n_variables=sv_number(n_variables))
    return TEXTS(
        "verdict.some",
        n_excluded=sv_number(len(excluded_units)),
        n_units=sv_number(n_units),
        units=sv_list(unit(r, y) for r, y in excluded_units),
    )


def demo(synthetic: bool, values: Mapping[str, str]) -> Sentence:
    """The demonstration on a deliberately degraded copy (synthetic cohort only)."""
    if not synthetic:
        return TEXTS("demo.register")
    return TEXTS("demo.synthetic", **values)


def pages(names: Sequence[str]) -> str:
    return sv_list(label(f"page.{p}") for p in names)


def small_mark(key: str) -> str:
    """``<5 saknas`` / ``<5 ifyllda`` / ``<5``: a cell withheld because it rests on 1–4 births."""
    return label(key, min_cell=sv_number(threshold()))


def excluded_notice(units: Sequence[str], reasons: Sequence[str]) -> tuple[str, str]:
    """Title and body of the notice a comparison page shows when the gate left units out."""
    body = label("excluded_notice.body", units=sv_list(units), reasons="; ".join(reasons) + ".")
    return label("excluded_notice.title"), body
