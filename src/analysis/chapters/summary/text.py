"""The summary page's sentences: choose a template in ``book/text/summary.sv.yml`` and fill it.

Numbers are rounded the way the book prints estimates: hours and visits to tens, minutes to one decimal.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from analysis.chapters.options.config import load_config as load_options_config
from analysis.chapters.summary.messages import Baseline, CaseFacts, Message
from analysis.common.formatting import round_to, sv_list, sv_number, sv_pct
from analysis.common.text import Sentence, Texts, by_sign

TEXTS = Texts("summary")


def _h(x: float) -> str:
    """Hours, visits and similar estimates: to the nearest ten."""
    return sv_number(round_to(x, 10))


def _signed(x: float) -> str:
    text = _h(x)
    return "+" + text if round_to(x, 10) > 0 else text


def tier_phrase(tier: str) -> Sentence:
    return TEXTS("tier", tier=load_options_config().tier_sv.get(tier, tier))


def structure(c: CaseFacts) -> str:
    f, mw = c.figures, c.range("midwives_total")
    variant = "branches" if f["branches"] else "plain"
    units = TEXTS(f"structure.{variant}", units=sv_number(f["units"]), branches=sv_number(f["branches"]),
                  midwives=sv_number(mw.base), midwives_low=sv_number(mw.low), midwives_high=sv_number(mw.high))  # fmt: skip
    lo, hi, today = f["vardcentraler_bmm_keep_min"], f["vardcentraler_bmm_keep_max"], f["bmm_units_today"]
    keep = "range" if lo != hi else "all" if lo == today else "none" if lo == 0 else "some"
    out = f"{units} " + TEXTS(f"structure.keep.{keep}", keep=sv_number(lo), keep_min=sv_number(lo),
                               keep_max=sv_number(hi), today=sv_number(today))  # fmt: skip
    below = int(f.get("units_below_min") or 0)
    if below:  # a case outside the option's own staffing rule says so (options.yml staffing_note_sv)
        out += " " + TEXTS("structure.below_min", n=sv_number(below), min=sv_number(c.staffing_min))
    return out


def travel(c: CaseFacts, resolution_hours: float) -> str:
    r, f = c.range("net_travel_hours_change"), c.figures
    variant = by_sign(r.base, resolution_hours)
    total = TEXTS(f"travel.{variant}", hours=_h(abs(r.base)), low=_signed(r.low), high=_signed(r.high),
                  signed=_signed(r.base), tasks=_signed(-f["travel_hours_saved"]),
                  bmm_hours=_signed(f["bmm_travel_hours_change"]), resolution=_h(resolution_hours),
                  tier=tier_phrase(c.tier("net_travel_hours_change")))  # fmt: skip
    bmm = TEXTS("travel.bmm", bmm=sv_number(f["bmm_mean_minutes"], 1), bmm_today=sv_number(f["bmm_mean_minutes_today"], 1))
    return f"{total} {bmm}"


def municipalities(c: CaseFacts) -> Sentence:
    losing, gaining = list(c.figures["losing"]), list(c.figures["gaining"])
    variant = "both" if losing and gaining else "loss_only" if losing else "gain_only" if gaining else "none"
    return TEXTS(f"municipalities.{variant}", losing=sv_list(losing), gaining=sv_list(gaining))


def vulnerability(c: CaseFacts) -> Sentence:
    r = c.range("days_without_midwife_per_1000_births")
    return TEXTS("vulnerability", per_1000=_h(r.base), low=_h(r.low), high=_h(r.high),
                 tier=tier_phrase(c.tier("days_without_midwife_per_1000_births")),
                 worst_days=sv_number(c.figures["worst_unit_days_without_midwife"]))  # fmt: skip


def capacity(c: CaseFacts) -> Sentence:
    r = c.range("beds_freed")
    if c.figures["visits_moved_from_kk"] <= 0:
        return TEXTS("capacity.none")
    return TEXTS("capacity.moved", visits=_h(c.figures["visits_moved_from_kk"]), beds=sv_number(r.base, 1),
                 low=sv_number(r.low, 1), high=sv_number(r.high, 1), tier=tier_phrase(c.tier("beds_freed")))  # fmt: skip


def baseline(b: Baseline) -> list[Sentence]:
    """Today's situation in published figures, one sentence per fact."""
    return [
        TEXTS("baseline.births", births=_h(b.births_per_year), year=b.births_year),
        TEXTS("baseline.bmm", bmm=sv_number(b.bmm_units_today)),
        TEXTS("baseline.no_risk", pct=sv_pct(b.no_risk_pct, 0), nation=sv_pct(b.no_risk_pct_nation, 0), year=b.no_risk_year),
        TEXTS("baseline.early", pct=sv_pct(b.discharged_24h_pct, 0), nation=sv_pct(b.discharged_24h_pct_nation, 0),
              years=b.discharged_24h_years),
    ]  # fmt: skip


def per_case(m: Message, sentence: Callable[[CaseFacts], str]) -> str:
    """The message's sentence for its (single) case; a several-case option is shown case by case."""
    return " ".join(str(sentence(c)) for c in m.cases)


def case_heading(c: CaseFacts) -> Sentence:
    """'Bästa fall' from the row label 'D – bästa fall'."""
    return TEXTS("case_heading", case=c.row.split("–")[-1].strip().capitalize())


def list_item(sentence: str, certainty_label: str) -> str:
    """One key message as an HTML list item with its certainty tag."""
    tag = TEXTS("certainty", certainty=certainty_label)
    return f'<li>{html.escape(sentence)} <em class="certainty">{html.escape(str(tag))}</em></li>'
