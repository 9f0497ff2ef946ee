"""The travel chapter's figure-dependent sentences: choose a template of ``book/text/travel.sv.yml`` and fill it.

Functions here only choose a variant and pass formatted values; the wording lives in the YAML file.
"""

from __future__ import annotations

import pandas as pd

from analysis.chapters.travel.model import param
from analysis.common.formatting import round_to, sv_list, sv_number
from analysis.common.text import Sentence, Texts, choose

TEXTS = Texts("travel")


def gap_sentence(table: pd.DataFrame, weight_label: str) -> Sentence:
    """How far the proposed set is from the best set of its size (p-median and maximal coverage)."""
    pm, mc = table.loc["p_median"], table.loc["max_coverage"]
    forced = [str(t) for t in param("location.forced_open")]
    common = {
        "n_sets": sv_number(pm["n_sets"]),
        "forced": sv_list(forced),
        "extra": sv_number(int(pm["p"]) - len(forced)),
        "weight_label": weight_label,
        "limit": sv_number(mc["radius_minutes"]),
    }
    if bool(pm["is_optimal"]) and bool(mc["is_optimal"]):
        return TEXTS("gap.optimal", sites=pm["proposed_sites"], **common)
    parts = _gap_parts(pm, mc, weight_label, common["limit"])
    return TEXTS("gap.not_optimal", parts="; ".join(parts), **common)


def _gap_parts(pm: pd.Series, mc: pd.Series, weight_label: str, limit: str) -> list[Sentence]:
    """The clauses naming a better set, for each model in which the proposal is not the best."""
    parts = []
    if not bool(pm["is_optimal"]):
        minutes = sv_number(pm["gap_mean_minutes"], 1)
        parts.append(TEXTS("gap.part.p_median", optimal_sites=pm["optimal_sites"], minutes=minutes, rank=sv_number(pm["rank"])))
    if not bool(mc["is_optimal"]):
        weight = sv_number(round_to(mc["gap_weight_within"]))
        parts.append(
            TEXTS(
                "gap.part.max_coverage",
                optimal_sites=mc["optimal_sites"],
                weight=weight,
                rank=sv_number(mc["rank"]),
                weight_label=weight_label,
                limit=limit,
            )
        )
    return parts


def gained_lost_text(lost: float) -> Sentence:
    """Whether anyone loses a site within the coverage time (``lost``: estimated head count)."""
    rounded = round_to(lost)
    return TEXTS(f"gained_lost.{choose(rounded == 0, 'none', 'some')}", lost=sv_number(rounded))


def sens_order(same: bool) -> Sentence:
    """Whether the order of the site sets is the same in every cost model."""
    return TEXTS(f"sens_order.{choose(same, 'same', 'differs')}")


def lost_municipality(municipality: str, pct: str) -> Sentence:
    return TEXTS("lost_municipality", municipality=municipality, pct=pct)


def lost_where(concentrated: list[str], spread: list[str]) -> Sentence:
    """Where women would lose a BMM within the time limit: the hardest-hit municipalities, else every one with losses."""
    if concentrated:
        return TEXTS("lost_where.concentrated", municipalities=sv_list(concentrated))
    if spread:
        return TEXTS("lost_where.spread", municipalities=sv_list(spread))
    return TEXTS("lost_where.none")


def own_inputs_notice(population: str, cost: str, rmse: float | None) -> tuple[Sentence, Sentence]:
    """Title and body of the notice shown when the page runs on a supplied grid or cost model."""
    origins = (
        TEXTS("notice.own_inputs.origins.grid", population=population)
        if population
        else TEXTS("notice.own_inputs.origins.default")
    )
    if rmse is None:
        body = TEXTS("notice.own_inputs.body.no_fit", origins=origins, cost=cost)
    else:
        body = TEXTS("notice.own_inputs.body.fit", origins=origins, cost=cost, rmse=sv_number(rmse, 1))
    return TEXTS("notice.own_inputs.title"), body


def modelled_notice() -> tuple[Sentence, Sentence]:
    return TEXTS("notice.modelled.title"), TEXTS("notice.modelled.body")


def caption(name: str, weight_label: str = "") -> Sentence:
    """A table caption (``captions.<name>``)."""
    return _fill(f"captions.{name}", weight_label)


def chart_title(name: str, weight_label: str = "") -> Sentence:
    """A chart title (``charts.<name>``)."""
    return _fill(f"charts.{name}", weight_label)


def _fill(key: str, weight_label: str) -> Sentence:
    needs = "{weight_label}" in TEXTS.template(key)
    return TEXTS(key, weight_label=weight_label) if needs else TEXTS(key)


def same_sites() -> Sentence:
    return TEXTS("same_sites")


def reference(name: str) -> Sentence:
    """A full literature reference of the page's source list (``references.<name>``)."""
    return TEXTS(f"references.{name}")
