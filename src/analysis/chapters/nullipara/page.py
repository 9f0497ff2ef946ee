"""What the template ``notebooks/nullipara.md`` calls: compute the page once, glue its prose values, save its results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from analysis.chapters.nullipara import robson, sources, text
from analysis.chapters.nullipara.analysis import OutcomeAnalysis, nullipara_analysis
from analysis.chapters.nullipara.funnel import DEFAULT_LEVELS
from analysis.chapters.nullipara.labels import labels, outcome_kinds, outcome_label
from analysis.chapters.nullipara.model import is_value
from analysis.chapters.nullipara.oe import COMMON_RATE, crude_rates, displayable, hide_outcomes
from analysis.chapters.nullipara.outcomes import OUTCOME_KEYS
from analysis.chapters.nullipara.standardisation import indirect_comparison
from analysis.chapters.nullipara.verdicts import CLEAR_LEVEL, SIGNAL_LEVEL, Verdict, judge_funnel
from analysis.common import published
from analysis.common.formatting import sv_number, sv_pct
from analysis.common.regions import region_name


@dataclass(frozen=True)
class NulliparaPage:
    """Everything the page shows, computed once.

    ``results`` and ``analyses`` come from one ``nullipara_analysis(...)`` call: the JSON
    saved for the page and the per-outcome fits that produced it, reused for the funnels
    and the model summaries so nothing is fitted twice.
    """

    region: str
    years: tuple[int, ...]
    outcomes: tuple[str, ...]
    results: dict[str, Any]
    analyses: Mapping[str, OutcomeAnalysis]
    crude: pd.DataFrame
    robson: pd.DataFrame
    indirect: pd.DataFrame
    synthetic: bool = False
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)  # units the data-quality gate left out, with reasons

    @property
    def fitted(self) -> list[str]:
        """Outcomes that could be computed, in the requested order."""
        return [k for k in self.outcomes if k in self.analyses]

    def home(self, key: str) -> dict[str, Any]:
        return self.results["outcomes"][key]["regions"][self.region]

    def verdict(self, key: str) -> Verdict | None:
        """The verdict for one outcome, with its funnel position; None when not shown."""
        entry = self.results["outcomes"].get(key, {}).get("regions", {}).get(self.region)
        if entry is None or entry.get("suppressed") or key not in self.analyses:
            return None
        return judge_funnel(key, self.analyses[key].funnel, self.region)


def parse_outcomes(value: str) -> tuple[str, ...]:
    """The page's ``outcomes`` parameter (comma list) in the config's order; empty means all."""
    wanted = [t.strip() for t in str(value).split(",") if t.strip()]
    unknown = [t for t in wanted if t not in OUTCOME_KEYS]
    if unknown:
        raise ValueError(f"unknown outcome(s) {unknown}; allowed {list(OUTCOME_KEYS)}")
    return tuple(k for k in OUTCOME_KEYS if k in wanted) if wanted else OUTCOME_KEYS


def compute_page(
    births: pd.DataFrame,
    region: str,
    years: Sequence[int],
    outcomes: Sequence[str],
    n_boot: int | None = None,
    seed: int = 20240601,
    synthetic: bool = False,
) -> NulliparaPage:
    """Run the whole page's analysis once (fits, crude rates, Robson, indirect standardisation)."""
    data = births[births["year"].isin(list(years))]
    if data.empty:
        raise ValueError(f"no deliveries in years {list(years)}")
    if not is_value(data["region"], region).any():
        raise ValueError(f"region {region!r} has no deliveries in years {list(years)}")
    analysis = nullipara_analysis(data, region, outcomes=list(outcomes), n_boot=n_boot, seed=seed)
    return NulliparaPage(
        region=region,
        years=tuple(int(y) for y in years),
        outcomes=tuple(outcomes),
        results=analysis.results,
        analyses=dict(analysis.analyses),
        crude=hide_outcomes(
            displayable(crude_rates(data, region, outcomes=list(outcomes))), region, _hidden(analysis.results, region)
        ),
        robson=robson.robson_display(robson.robson_comparison(data, region)),
        indirect=indirect_comparison(data, region, list(outcomes), analysis.results),
        synthetic=synthetic,
    )


def _hidden(results: Mapping[str, Any], region: str) -> list[str]:
    """Outcomes whose region entry the results hide (for its own small counts or as another region's complement)."""
    return [k for k, e in results["outcomes"].items() if e["regions"].get(region, {}).get("suppressed")]


def compute(region: str, years: str, births: str, outcomes: str) -> NulliparaPage:
    """The page's parameters as the template passes them: load the births file and run the page.

    Within a build the result is the run plan's shared step ``casemix`` (:func:`prepare`), computed once
    per births file, code and threshold; elsewhere it is computed here."""
    from analysis.common import shared

    if not births:
        raise ValueError("births: give the path to a births file (the build fills it with the synthetic cohort)")
    args = [region, years, shared.file_digest(births), outcomes]
    return shared.value("nullipara-page", args, lambda: _compute(region, years, births, outcomes))


def prepare(region: str, years: str, births: str, outcomes: str) -> None:
    """The run plan's shared step: the page's analysis (fits, bootstrap, tables' data), stored for the page."""
    compute(region, years, births, outcomes)


def _compute(region: str, years: str, births: str, outcomes: str) -> NulliparaPage:
    from analysis.births import load_births
    from analysis.chapters.quality.assessment import gate
    from analysis.pipeline.params import year_range
    from analysis.render.page import is_synthetic

    gated = gate(load_births(births), "nullipara")  # units failing the Datakvalitet thresholds leave the comparison
    page = compute_page(gated.frame, region, year_range(years), parse_outcomes(outcomes), synthetic=is_synthetic(births))
    return replace(page, excluded=gated.excluded)


# --------------------------------------------------------------------------- glued prose values


def _pct_or_dash(rows: pd.DataFrame, column: str = "rate") -> str:
    return sv_pct(100 * rows[column].iloc[0]) if len(rows) else "–"


def _mc_error_max(nb: NulliparaPage) -> float | None:
    """The largest Monte Carlo standard error of any printed decomposition limit (pp)."""
    errors = [v for k in nb.fitted for v in (nb.home(k).get("mc_error") or {}).values() if v is not None]
    return max(errors) if errors else None


def _general(nb: NulliparaPage) -> dict[str, Any]:
    res, syn = nb.results, nb.synthetic
    levels = sorted(DEFAULT_LEVELS)
    name = region_name(nb.region)
    return {
        "data_kind": text.texts(f"data_kind.{text.framing(syn)}"),
        "cohort_in": text.texts(f"cohort_in.{text.framing(syn)}"),
        "term_oasis_first": labels().outcomes["oasis"].first_use,
        "term_pph": labels().outcomes["pph_1000"].first_use,
        "crude_lead": text.lead("crude_lead", syn),
        "oe_lead": text.lead("oe_lead", syn),
        "robson_lead": text.lead("robson_lead", syn, region=name),
        "disp_lead": text.lead("disp_lead", syn),
        "auc_lead": text.lead("auc_lead", syn),
        "ci_level": sv_pct(95, 0),
        "lim_inner": sv_pct(100 * levels[0], 0 if float(100 * levels[0]).is_integer() else 1),
        "lim_outer": sv_pct(100 * levels[-1], 0 if float(100 * levels[-1]).is_integer() else 1),
        "unavailable": text.unavailable(list(res["unavailable"])),
        "pub_url": sources.source_urls(),
        "region_name": name,
        "year_first": str(min(nb.years)),
        "year_last": str(max(nb.years)),
        "n_boot": text.number_range([res["outcomes"][k]["n_boot"] for k in nb.fitted]),
        "mc_error_max": sv_number(_mc_error_max(nb), 3),
        "min_cell": sv_number(res["min_cell"]),
        "n_outcomes": sv_number(len(nb.fitted)),
        "n_judged": sv_number(len(nb.fitted)),
        "lev_signal": sv_pct(100 * SIGNAL_LEVEL, 0),
        "lev_clear": sv_pct(100 * CLEAR_LEVEL, 1),
        "chance_outside": sv_pct(100 * (1 - SIGNAL_LEVEL ** len(nb.fitted)), 0),
    }


def _per_outcome(nb: NulliparaPage) -> dict[str, Any]:
    out: dict[str, Any] = {}
    crude = nb.crude[nb.crude["year"].isna()]
    for key in OUTCOME_KEYS:
        out[f"label_{key}"] = outcome_label(key)
        entry = nb.results["outcomes"].get(key)
        home = entry["regions"].get(nb.region) if entry else None
        rows = crude[crude["outcome"] == key]
        reg, nat = rows[rows["area"] == nb.region], rows[rows["area"] == "nation"]
        out[f"crude_{key}_region"] = _pct_or_dash(reg)
        out[f"crude_{key}_nation"] = _pct_or_dash(nat)
        out[f"crude_{key}_n_region"] = sv_number(reg["n"].iloc[0]) if len(reg) else "–"
        ok = home is not None and not home["suppressed"]
        for suffix in ("", "_low", "_high"):
            out[f"oe_{key}{suffix}"] = sv_number(home[f"oe{suffix}"], 2) if ok else "–"  # type: ignore[index]
        v = nb.verdict(key) if ok else None
        out[f"verdict_{key}"] = text.verdict_short(v)
        out[f"decomp_{key}"] = text.decomposition_sentence(key, home if entry else None, v, region_name(nb.region), nb.synthetic)
    return out


def _cohort_size(nb: NulliparaPage) -> dict[str, str]:
    crude = nb.crude[nb.crude["year"].isna() & (nb.crude["outcome"] == "emergency_cs")]
    reg, nat = crude[crude["area"] == nb.region], crude[crude["area"] == "nation"]
    n_region = n_nation = None
    if len(reg) and len(nat):
        n_region, n_nation = reg["n"].iloc[0], nat["n"].iloc[0]
    elif nb.fitted:
        first = nb.results["outcomes"][nb.fitted[0]]
        n_region, n_nation = first["regions"][nb.region]["n"], first["national"]["n"]
    return {"n_nulli_region": sv_number(n_region), "n_nulli_nation": sv_number(n_nation)}


def _dispersion(nb: NulliparaPage) -> dict[str, Any]:
    disp = {k: nb.results["outcomes"][k]["overdispersion"] for k in nb.fitted}
    over = [k for k, d in disp.items() if d["overdispersed"]]
    out: dict[str, Any] = {"n_overdispersed": sv_number(len(over)), "overdispersed_list": text.outcome_list(over)}
    d = disp.get("emergency_cs")
    out["phi_emergency_cs"] = sv_number(d["phi"], 1) if d else "–"
    out["p_disp_emergency_cs"] = text.p_phrase(d["p_value"]) if d else "–"
    out["df_disp_emergency_cs"] = sv_number(d["df"]) if d else "–"
    verdicts = {k: nb.verdict(k) for k in nb.fitted}
    out["outside_limits"] = text.outside_limits(verdicts)
    out["n_outside_limits"] = sv_number(sum(1 for v in verdicts.values() if v is not None and v.outside))
    entries = {k: nb.results["outcomes"][k]["regions"].get(nb.region) for k in nb.fitted}
    out["funnel_conclusion"] = text.funnel_conclusion(verdicts, entries, region_name(nb.region), nb.synthetic)
    aucs = [nb.results["outcomes"][k]["model"]["auc"] for k in nb.fitted]
    aucs = [a for a in aucs if a is not None]
    kinds = {k: nb.results["outcomes"][k].get("variance") for k in nb.fitted}
    out["variance_common"] = text.outcome_list([k for k, v in kinds.items() if v == "poisson_binomial"])
    out["variance_rare"] = text.outcome_list([k for k, v in kinds.items() if v == "poisson"])
    out["common_rate"] = sv_pct(100 * COMMON_RATE, 0)
    secondary = nb.results.get("secondary", {})
    out["pph_secondary"] = text.secondary_sentence(secondary.get("pph_1000_mode_onset"), nb.synthetic)
    out["auc_min"] = sv_number(min(aucs), 2) if aucs else "–"
    out["auc_max"] = sv_number(max(aucs), 2) if aucs else "–"
    return out


def _robson(nb: NulliparaPage) -> dict[str, str]:
    out: dict[str, str] = {}
    for area, tag in ((nb.region, "region"), ("nation", "nation")):
        t = nb.robson[nb.robson["area"] == area].set_index("group")
        for g in ("1", "2a", "2b"):
            out[f"robson_{g}_size_{tag}"] = sv_pct(t.loc[g, "relative_size_pct"])
            out[f"robson_{g}_cs_{tag}"] = sv_pct(t.loc[g, "cs_rate_pct"])
        groups = ["1", "2a", "2b"]
        out[f"robson_12_size_{tag}"] = sv_pct(t.loc[groups, "relative_size_pct"].sum(min_count=3))
        out[f"robson_12_contrib_{tag}"] = sv_pct(t.loc[groups, "relative_contribution_pct"].sum(min_count=3))
        out[f"robson_cs_total_{tag}"] = sv_pct(t.loc["total", "cs_rate_pct"])
        ratio = t.loc["1", "n"] / (t.loc["2a", "n"] + t.loc["2b", "n"])
        out[f"robson_ratio_{tag}"] = sv_number(ratio, 1)
    return out


_INDIRECT_KEYS = ("outcome", "n_strata", "observed", "expected_full", "expected_table", "oe_full", "oe_table", "oe_model")


def _indirect(nb: NulliparaPage) -> dict[str, Any]:
    ind = nb.indirect.set_index("outcome") if len(nb.indirect) else pd.DataFrame()
    key = "emergency_cs" if "emergency_cs" in ind.index else (ind.index[0] if len(ind) else None)
    out: dict[str, Any] = {f"ind_{n}": "–" for n in (*_INDIRECT_KEYS, "unmatched_published", "max_abs_diff")}
    if key is None:
        out["ind_lead"] = text.lead("ind_lead.none", nb.synthetic)
        return out
    r = ind.loc[key]
    phrase = labels().outcomes[key].phrase
    out["ind_outcome"] = phrase
    out["ind_lead"] = text.lead("ind_lead.outcome", nb.synthetic, phrase=phrase)
    out["ind_n_strata"] = sv_number(r["n_strata"])
    out["ind_observed"] = sv_number(r["observed"])
    for name, decimals in (("expected_full", 1), ("expected_table", 1), ("oe_full", 3), ("oe_table", 3), ("oe_model", 3)):
        out[f"ind_{name}"] = sv_number(r[name], decimals)
    out["ind_unmatched_published"] = text.count_or_mark(r["n_unmatched_published"])
    out["ind_max_abs_diff"] = text.below_or_number(float(np.nanmax(np.abs(ind["oe_full"] - ind["oe_table"]))))
    return out


def _published(nb: NulliparaPage) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in labels().published:
        for code, tag in ((nb.region, "region"), (published.RIKET, "nation")):
            value = sources.value_or_none(row.indicator, code, row.year)
            out[f"pub_{row.outcome}_{tag}"] = "–" if value is None else sv_pct(value, row.decimals)
    rank = sources.rank("pph_gt1000ml_mainly_emergency_cs_pct", nb.region, "2023-2024 (not stated)")
    out["pub_pph_rank"] = text.published_rank(text.rank_phrase(rank))
    out["pub_pph_year"] = text.texts("pub_pph_year")
    for code, tag in ((nb.region, "region"), (published.RIKET, "nation")):
        value = sources.value_or_none("mfr_missing_births_pct", code, "2023")
        out[f"mfr_missing_{tag}"] = "–" if value is None else sv_pct(value)
    return out


def prose_values(nb: NulliparaPage) -> dict[str, Any]:
    """Every value the page's prose uses, formatted Swedish, keyed for ``{glue:}``.

    Keys exist for all six outcomes; an outcome not run (or not computable) gets '–'.
    """
    out: dict[str, Any] = {}
    for part in (_general, _per_outcome, _cohort_size, _dispersion, _robson, _indirect, _published):
        out.update(part(nb))
    return out


def glue_values(nb: NulliparaPage) -> dict[str, Any]:
    """The prose values plus the link to the published tables (markdown, for ``{glue:md}``)."""
    from IPython.display import Markdown

    return {**prose_values(nb), "pub_link": Markdown(text.texts("pub_link", url=sources.source_urls()))}


def results(nb: NulliparaPage) -> dict[str, Any]:
    """The page's JSON: the case-mix results plus the data kind and the page's verdict per outcome.

    ``verdicts[key]`` is the book's single rule (``verdicts.judge``) with the funnel position it rests on:
    ``direction`` ±1 clearly different (outside the 99.8 % limits), ``signal`` ±1 outside the 95 % limits;
    other pages re-apply ``verdicts.judge_stored`` instead of deriving a judgement from the intervals.
    """
    verdicts: dict[str, Any] = {}
    for key in nb.fitted:
        v = nb.verdict(key)
        if v is not None:
            verdicts[key] = {
                **v.as_dict(),
                "kind": outcome_kinds()[key],
                "summary_sv": str(text.verdict_short(v)),
            }
    return {**nb.results, "synthetic": bool(nb.synthetic), "verdicts": verdicts}
