"""Sentences, glue values and results of the option pages' map, vårdcentral and equity sections.

Templates in ``book/text/options.sv.yml`` under ``decision``; every function chooses one and passes formatted values.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from analysis.chapters.options.config import Case, Config, Option
from analysis.chapters.options.equity import Equity, equity
from analysis.chapters.options.text import TEXTS
from analysis.chapters.options.vardcentraler import CaseVardcentraler, midwives_today, option_vardcentraler
from analysis.common.formatting import sv_number, sv_pct
from analysis.common.text import Sentence, by_sign
from analysis.render.maps import Marker

if TYPE_CHECKING:
    from analysis.chapters.options.page import OptionPage

# DeSO statistics: published by the region's web maps in October 2025 (geodata/README.md; the year of the statistics
# themselves is not stated in the source).
DESO_PUBLISHED = 2025


def label(key: str) -> str:
    """A label of the decision sections (``decision.<key>``)."""
    return str(TEXTS(f"decision.{key}"))


def column(option: Option, case: Case) -> str:
    """The column name of a case: the option key, with the case's short name when the option has several."""
    return option.key if len(option.cases) == 1 else f"{option.key}: {case.label_sv.split(':')[0].lower()}"


@lru_cache(maxsize=16)
def vardcentraler_of(option: str, cfg: Config, model: str) -> dict[str, CaseVardcentraler]:
    return option_vardcentraler(option, cfg, model)


def equity_of(cfg: Config, model: str) -> Equity:
    return equity(cfg, model)


def case_phrase(option: Option, case: Case) -> str:
    """'' for a single-case option, else ' i bästa fallet' (inserted after the sentence's verb or subject)."""
    if len(option.cases) == 1:
        return ""
    return str(TEXTS("decision.text.case", case=case.label_sv.split(":")[0].strip().lower().replace(" fall", " fallet")))


def map_markers(
    units: Sequence[tuple[str, str, str, int]], vcs: Sequence[tuple[str, str, str, int]], delivery: tuple[str, str, str, int]
) -> tuple[list[Marker], list[str]]:
    """The option map's legend (delivery unit, the option's units, the vårdcentral statuses: (key, colour, shape,
    size) each) and its drawing order (units first, vårdcentraler on top of the unit at their site, delivery last)."""
    d = Marker(label(f"map.role.{delivery[0]}"), *delivery[1:])
    u = [Marker(label(f"map.role.{k}"), col, shape, size) for k, col, shape, size in units]
    v = [Marker(label(f"map.status.{k}"), col, shape, size) for k, col, shape, size in vcs]
    return [d, *u, *v], [m.label for m in (*u, *v, d)]


def keep_sentence(option: Option, case: Case, vc: CaseVardcentraler, today: int) -> Sentence:
    (lo, hi), (_, reg), (_, pri) = vc.keep["total"], vc.keep["regional"], vc.keep["private"]
    c = case_phrase(option, case)
    if hi == 0:
        return TEXTS("decision.text.vc_keep.none", case=c, today=sv_number(today))
    if lo == hi:
        return TEXTS("decision.text.vc_keep.same", case=c, total=sv_number(hi), regional=sv_number(reg),
                     private=sv_number(pri), today=sv_number(today))  # fmt: skip
    return TEXTS("decision.text.vc_keep.range", case=c, total_lo=sv_number(lo), total_hi=sv_number(hi),
                 regional_hi=sv_number(reg), private_hi=sv_number(pri), today=sv_number(today))  # fmt: skip


def midwives_sentence(case: str, vc: CaseVardcentraler, today: int) -> Sentence:
    lo, hi = vc.midwives_range
    return TEXTS("decision.text.midwives", case=case, midwives=sv_number(vc.midwives), lo=sv_number(lo), hi=sv_number(hi),
                 today=sv_number(today))  # fmt: skip


def equity_sentence(case: str, low_income: float, everyone: float, tolerance: float) -> Sentence:
    """Low-income residents against everyone: shorter, longer or about the same (within ``tolerance`` minutes)."""
    key = by_sign(low_income - everyone, tolerance)
    return TEXTS(f"decision.text.equity.{key}", case=case, low_income=sv_number(low_income, 1), all=sv_number(everyone, 1),
                 tolerance=sv_number(tolerance))  # fmt: skip


def equity_method(eq: Equity) -> Sentence:
    return TEXTS("decision.text.equity_method", n_low_income=sv_number(eq.areas["low_income"]),
                 n_low_standard=sv_number(eq.areas["low_standard"]), threshold=sv_pct(eq.low_standard_threshold, 0),
                 share_low_income=sv_pct(100 * eq.population_share["low_income"], 0),
                 share_low_standard=sv_pct(100 * eq.population_share["low_standard"], 0))  # fmt: skip


def equity_key(option: Option, case: Case) -> str:
    """The equity table's column key of a case ("A", "D:best")."""
    return option.key if len(option.cases) == 1 else f"{option.key}:{case.key}"


def glue_values(data: OptionPage) -> dict[str, str]:
    """The glue values of the three sections."""
    opt, cfg = data.option, data.config
    vcs = vardcentraler_of(opt.key, cfg, data.model)
    today = int(cfg.values()[cfg.today_units_count])
    mw_today = midwives_today()
    eq = equity_of(cfg, data.model)
    tol = float(cfg.values()["gain_loss_threshold_minutes"])
    eq_text = []
    for c in opt.cases:
        col = eq.table[equity_key(opt, c)]
        eq_text.append(str(equity_sentence(case_phrase(opt, c), float(col["low_income"]), float(col["all"]), tol)))
    return {
        "map_note": str(TEXTS("decision.text.map_note", d_note=label("text.map_d" if len(opt.cases) > 1 else "text.map_single"))),
        "vc_keep_text": " ".join(str(keep_sentence(opt, c, vcs[c.key], today)) for c in opt.cases),
        "midwives_text": " ".join(str(midwives_sentence(case_phrase(opt, c), vcs[c.key], mw_today)) for c in opt.cases),
        "equity_text": " ".join(eq_text),
        "equity_method": str(equity_method(eq)),
        "deso_year": str(DESO_PUBLISHED),
    }


def results(data: OptionPage) -> dict[str, Any]:
    """``equity`` and ``vardcentraler_table`` for the option's results file."""
    opt, cfg = data.option, data.config
    vcs = vardcentraler_of(opt.key, cfg, data.model)
    eq = equity_of(cfg, data.model)
    return {
        "equity": {
            "groups": list(eq.table.index),
            "net_minutes_per_birth": {c.key: {g: float(eq.table.loc[g, equity_key(opt, c)]) for g in eq.table.index}
                                      for c in opt.cases},
            "population_share": eq.population_share,
            "areas": eq.areas,
            "low_standard_threshold_pct": eq.low_standard_threshold,
            "deso_published": DESO_PUBLISHED,
        },
        "vardcentraler_table": {"midwives_today_model": midwives_today(), **{c.key: vcs[c.key].as_dict() for c in opt.cases}},
    }  # fmt: skip
