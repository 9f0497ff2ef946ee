"""The options chapter's sentences: choose a template in ``book/text/options.sv.yml`` and fill it.

Every function picks one template (or joins a few) and passes numbers formatted the Swedish way;
the wording itself lives in the YAML file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from analysis.chapters.options.config import Assumption, Case, Config, Option
from analysis.common.formatting import sv_number, sv_pct
from analysis.common.text import Sentence, Texts, by_sign

if TYPE_CHECKING:
    from analysis.chapters.options.scorecard import Tradeoff

TEXTS = Texts("options")


def _n(x: float, decimals: int = 0) -> str:
    return sv_number(x, decimals)


def _p(x: float, decimals: int = 0) -> str:
    """A share on the 0–1 scale as a Swedish percentage."""
    return sv_pct(100.0 * x, decimals)


def case_word(case: Case) -> str:
    """'bästa fall' from the label 'Bästa fall: …' (the case's short name, lower case)."""
    return case.label_sv.split(":")[0].strip().lower()


def case_prefix(option: Option, case: Case) -> str:
    """'' for a single-case option, else 'I bästa fallet: '."""
    if len(option.cases) == 1:
        return ""
    return TEXTS("case_prefix", case=case_word(case).replace(" fall", " fallet")) + " "


def lead(prefix: str, text: str) -> str:
    """'I bästa fallet: genomsnittlig …': the sentence after a case prefix starts in lower case."""
    return prefix + text[:1].lower() + text[1:] if prefix and text else text


def paragraph(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)


def source_sv(a: Assumption) -> str:
    """A Swedish source phrase for an assumption: 'uppskattning' or the cited source."""
    return TEXTS("capacity.estimate_source") if a.source.strip().lower().startswith("estimate") else a.source


# --------------------------------------------------------------------------- option page


def signed(x: float) -> str:
    """A number with its sign: '+120', '−35', '0'."""
    text = _n(x)
    return text if x <= 0 or text == "0" else "+" + text


def moved_tasks_text(option: Option, case: Case, f: Any, config: Config) -> Sentence:
    """Which tasks move, how many visits, where to, and the share with its source."""
    if f.tasks_moved == 0:
        return TEXTS("tasks.none")
    a = config.assumptions[option.share_key]
    return TEXTS("tasks.moved", n_tasks=_n(f.tasks_moved), visits=_n(f.visits_moved_from_kk + f.visits_moved_from_bmm),
                 visits_kk=_n(f.visits_moved_from_kk), visits_bmm=_n(f.visits_moved_from_bmm),
                 site=case.tasks_site_sv, share=_p(a.base), share_low=_p(a.low), share_high=_p(a.high),
                 source=source_sv(a))  # fmt: skip


def net_travel_text(f: Any, resolution_hours: float) -> Sentence:
    """The change in total travel, 'same' when it is within the model's resolution."""
    parts = {"tasks": signed(-f.travel_hours_saved), "bmm": signed(f.bmm_travel_hours_change)}
    net = f.net_travel_hours_change
    if abs(net) <= resolution_hours:
        return TEXTS("net_travel.same", signed=signed(net), resolution=_n(resolution_hours), **parts)
    return TEXTS(f"net_travel.{'more' if net > 0 else 'less'}", hours=_n(abs(net)), **parts)


def cases_intro(option: Option) -> Sentence:
    if len(option.cases) == 1:
        c = option.cases[0]
        return TEXTS("cases_intro.one", label=c.label_sv, description=c.description_sv)
    parts = [TEXTS("cases_intro.case", label=c.label_sv.split(":")[0], description=c.description_sv) for c in option.cases]
    return TEXTS("cases_intro.many", n_cases=_n(len(option.cases)), cases=" ".join(parts))


def access_nsv(f: Any) -> Sentence:
    """Minutes to the närsjukvård tasks: 'none' when nothing moves, else the saved travel."""
    if f.tasks_moved == 0 or f.visits_moved_from_kk + f.visits_moved_from_bmm == 0:
        return TEXTS("access.nsv.none", minutes=_n(f.nsv_mean_minutes, 1),
                     worst_minutes=_n(f.nsv_worst_municipality_minutes, 1), worst=f.nsv_worst_municipality)  # fmt: skip
    return TEXTS("access.nsv.moved", minutes=_n(f.nsv_mean_minutes, 1), minutes_today=_n(f.nsv_mean_minutes_today, 1),
                 worst=f.nsv_worst_municipality, worst_minutes=_n(f.nsv_worst_municipality_minutes, 1),
                 hours=_n(f.travel_hours_saved), km=_n(f.car_km_saved))  # fmt: skip


def bmm_change(hours: float) -> Sentence:
    """BMM travel hours a year: up, down or (within ±0.5 h) unchanged."""
    return TEXTS(f"access.bmm_change.{by_sign(hours, 0.5 - 1e-12)}", hours=_n(abs(hours)))


def balance(f: Any) -> Sentence:
    """Which municipalities gain or lose by the threshold."""
    g, lo = f.municipalities_gaining, f.municipalities_losing
    key = "both" if g and lo else "gain_only" if g else "loss_only" if lo else "none"
    return TEXTS(f"access.balance.{key}", n_gaining=_n(g), gaining=", ".join(f.gaining),
                 n_losing=_n(lo), losing=", ".join(f.losing))  # fmt: skip


def access_text(f: Any) -> str:
    bmm = TEXTS("access.bmm", minutes=_n(f.bmm_mean_minutes, 1), minutes_today=_n(f.bmm_mean_minutes_today, 1))
    return paragraph(bmm, access_nsv(f), bmm_change(f.bmm_travel_hours_change), balance(f))


def vulnerability_text(f: Any, option: Option) -> str:
    units = TEXTS(f"vulnerability.units.{'branches' if f.branches else 'plain'}", units=_n(f.units),
                  branches=_n(f.branches), midwives=_n(f.midwives_total))  # fmt: skip
    last = (
        TEXTS(
            "vulnerability.last_resort",
            last_resort=_n(f.last_resort_units),
            below_min=_n(f.units_below_min),
            staffing_min=_n(option.staffing_min),
            single=_n(f.single_midwife_units),
        )
        if f.last_resort_units
        else ""
    )
    over = TEXTS("vulnerability.over_max", over_max=_n(f.units_over_max)) if f.units_over_max else ""
    days = TEXTS(f"vulnerability.days.{'branches' if f.branches else 'plain'}", days=_n(f.days_without_midwife, 1),
                 branch_days=_n(f.days_without_midwife_branches, 1), per_1000=_n(f.days_without_midwife_per_1000_births),
                 worst_unit=f.worst_unit, worst_days=_n(f.worst_unit_days_without_midwife, 1))  # fmt: skip
    return paragraph(units, last, over, days)


def capacity_text(f: Any, values: Mapping[str, float]) -> str:
    visits = (
        TEXTS("capacity.visits.moved", visits=_n(f.visits_moved_from_kk))
        if f.visits_moved_from_kk > 0
        else TEXTS("capacity.visits.none")
    )
    beds = TEXTS(f"capacity.beds.{'freed' if f.bed_days_freed > 0.5 else 'none'}", share_today=_p(values["share_24h_today"]),
                 share_option=_p(f.share_24h_option), bed_days=_n(f.bed_days_freed), beds=_n(f.beds_freed, 1))  # fmt: skip
    return paragraph(visits, beds)


def vardcentral_text(f: Any) -> Sentence:
    if f.vardcentraler_bmm_keep_min != f.vardcentraler_bmm_keep_max:
        return TEXTS("vardcentraler.range", keep_min=_n(f.vardcentraler_bmm_keep_min), keep_max=_n(f.vardcentraler_bmm_keep_max),
                     lose_min=_n(f.vardcentraler_bmm_lose_min), lose_max=_n(f.vardcentraler_bmm_lose_max))  # fmt: skip
    keep, lose = f.vardcentraler_bmm_keep_min, f.vardcentraler_bmm_lose_min
    kept = TEXTS(f"vardcentraler.kept.{'some' if keep else 'none'}", n=_n(keep))
    lost = TEXTS(f"vardcentraler.lost.{'some' if lose else 'none'}", n=_n(lose))
    today = _n(f.vardcentraler_bmm_lose_max + f.vardcentraler_bmm_keep_min)
    return TEXTS("vardcentraler.fixed", kept=kept, lost=lost, today=today)


def per_case(option: Option, figures: Mapping[str, Any], sentence: Any) -> str:
    """One sentence (or paragraph) per case, each led by its case prefix."""
    return " ".join(lead(case_prefix(option, c), sentence(figures[c.key])) for c in option.cases)


def vulnerability_model(option: Option, figures: Mapping[str, Any], cfg: Config) -> str:
    """How absence is covered in this option: samverkan, branches, last-resort units, or none."""
    v, a = cfg.values(), cfg.assumptions
    parts = []
    if any(c.cover == "samverkan" for c in option.cases):
        k, kept = int(v["a_cover_partners"]), int(v["midwives_kept_at_hub"])
        partners = TEXTS(f"vulnerability.model.partners.{'one' if k == 1 else 'many'}", n=_n(k))
        parts.append(TEXTS("vulnerability.model.samverkan", partners=partners, needed=_n(kept + 1), kept=_n(kept),
                           low=_n(a["a_cover_partners"].low), high=_n(a["a_cover_partners"].high)))  # fmt: skip
    if any(figures[c.key].branches for c in option.cases):
        b = a["branch_days_per_week"]
        parts.append(TEXTS("vulnerability.model.branches", days=_n(v["branch_days_per_week"]), low=_n(b.low),
                           high=_n(b.high), kept=_n(v["midwives_kept_at_hub"])))  # fmt: skip
    if any(c.last_resort for c in option.cases):
        parts.append(TEXTS("vulnerability.model.last_resort", floor=_n(v["d_last_resort_min_midwives"])))
    return paragraph(*parts) if parts else TEXTS("vulnerability.model.none")


def capacity_assumptions(cfg: Config) -> Sentence:
    occ = cfg.assumptions["bed_occupancy_target"]
    return TEXTS("capacity.assumptions", occupancy=_p(occ.base), source=source_sv(occ), low=_p(occ.low), high=_p(occ.high))


def share_24h_target(cfg: Config) -> Sentence:
    tgt = cfg.assumptions["share_24h_target"]
    return TEXTS("capacity.target", target=_p(tgt.base), low=_p(tgt.low), high=_p(tgt.high))


def unit_phrase(row: Any, role_definite: Mapping[str, str]) -> Sentence:
    """'BMM i Skinnskatteberg', 'filialen i Norberg (bemannad från Fagersta)': a unit named in running text."""
    role, town = str(row["role"]), row["town"]
    word = role_definite[role]
    if role == "branch":
        team = str(row["team"])
        return TEXTS("unit.branch", role=word, town=town, team=team.rsplit(" ", 1)[0] if team[-1:].isdigit() else team)
    last = str(row.get("label_sv", "")).rsplit(" ", 1)[-1]
    if last.isdigit():
        return TEXTS("unit.numbered", role=word, number=last, town=town)
    return TEXTS("unit.plain", role=word, town=town)


# --------------------------------------------------------------------------- comparison page and captions


def tradeoff(t: Tradeoff) -> Sentence:
    if t.equal:
        return TEXTS("tradeoff.equal", metric=t.label_sv)
    if not t.clear:
        return TEXTS("tradeoff.unclear", metric=t.label_sv)
    names = {"best": ", ".join(t.best), "worst": ", ".join(t.worst)}
    if t.middle:
        return TEXTS("tradeoff.middle", metric=t.label_sv, middle=", ".join(t.middle), **names)
    return TEXTS("tradeoff.clear", metric=t.label_sv, **names)


def tornado_none(unmoved: Sequence[str]) -> Sentence:
    return TEXTS("tornado.none", metrics="; ".join(unmoved)) if unmoved else TEXTS("tornado.all")


def synthetic_note(synthetic: bool) -> Sentence:
    return TEXTS(f"synthetic_note.{'synthetic' if synthetic else 'real'}")


def case_suffix(option: Option, case: Case) -> str:
    """' – bästa fall' for a several-case option, '' otherwise (chart titles, table columns)."""
    return " " + TEXTS("caption.case_suffix", case=case_word(case)) if len(option.cases) > 1 else ""


def synthetic_mark(synthetic: bool) -> str:
    """' (syntetiska data)' after a caption's subject when the figures come from a synthetic cohort."""
    return " " + TEXTS("caption.synthetic") if synthetic else ""


def caption(key: str, variant: str | None = None, **values: Any) -> Sentence:
    return TEXTS(f"caption.{key}.{variant}" if variant else f"caption.{key}", **values)


def several(option: Option) -> str:
    """Variant name for captions that differ between a single-case and a several-case option."""
    return "one" if len(option.cases) == 1 else "many"


def travel_split_row(source: str) -> Sentence:
    """Row label of the travel-split table: ``kk_tasks``, ``bmm_tasks``, ``net`` or ``digital``."""
    return TEXTS(f"caption.travel_split_rows.{source}")
