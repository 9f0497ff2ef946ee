"""What the risk-mix and first-time-mothers chapters imply for an option, read from their results."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analysis.chapters.nullipara.verdicts import judge_stored
from analysis.chapters.options.config import Config, load_config
from analysis.chapters.options.geography import geography
from analysis.chapters.options.units import case_units, narsjukvard_town_by_municipality
from analysis.common.home import HOME_REGION

NOT_AVAILABLE = "not available yet"

# --------------------------------------------------------------------------- evidence links


def _riskmix_links(data: Mapping[str, Any], teams: Mapping[str, list[str]]) -> dict[str, Any]:
    by_muni = data.get("by_municipality")
    if not isinstance(by_muni, dict) or not by_muni:
        return {"available": False, "status": NOT_AVAILABLE, "reason": "riskmix.json has no 'by_municipality'"}
    births = geography().municipalities["births"]
    names = geography().municipalities["name"]
    rows = []
    for town, codes in teams.items():
        known = [c for c in codes if isinstance(by_muni.get(c), dict) and by_muni[c].get("no_risk_factor") is not None]
        n_births = float(births.loc[codes].sum())
        with_risk = sum(float(births.loc[c]) * (100.0 - float(by_muni[c]["no_risk_factor"])) / 100.0 for c in known)
        factors: dict[str, float | None] = {}
        keys = sorted({k for c in codes if isinstance(by_muni.get(c), dict) for k in by_muni[c]} - {"n", "no_risk_factor"})
        for k in keys:
            vals = [(float(births.loc[c]), by_muni[c].get(k)) for c in codes if isinstance(by_muni.get(c), dict)]
            ok = [(b, p) for b, p in vals if p is not None]
            factors[k] = sum(b * float(p) / 100.0 for b, p in ok) if len(ok) == len(codes) else None
        rows.append(
            {"narsjukvard_town": town, "municipalities": [str(names.loc[c]) for c in codes], "births_per_year": n_births,
             "women_with_risk_factor_per_year": with_risk if len(known) == len(codes) else None,
             "pct_with_risk_factor": 100.0 * with_risk / n_births if len(known) == len(codes) and n_births else None,
             "women_per_factor_per_year": factors}
        )  # fmt: skip
    share = data.get("no_risk_share")
    return {
        "available": True,
        "synthetic": bool(data.get("synthetic", False)),
        "no_risk_share": share if isinstance(share, (dict, int, float)) else None,
        "by_narsjukvard_town": rows,
        "note": "women per year = estimated municipal births × the chapter's municipal prevalence (missing if suppressed)",
    }


def _nullipara_links(data: Mapping[str, Any], region: str = HOME_REGION) -> dict[str, Any]:
    """Outcomes ranked by case-mix-adjusted excess (observed − expected) in the home region.

    Reads the first-time-mothers chapter's structure ``{"outcomes": {key: {"label_sv", "regions": {code: …}}}}``.
    Whether an excess is significant is the chapter's single rule (``verdicts.judge`` on the stored funnel
    position): ``significant`` = clearly more (outside the 99.8 % limits), ``possible`` = outside the 95 %
    limits; None when the results carry no verdict. Nothing is derived from the O/E interval here.
    """
    outcomes = data.get("outcomes", {}) if isinstance(data, Mapping) else {}
    verdicts = data.get("verdicts", {}) if isinstance(data, Mapping) else {}
    rows = []
    for outcome, entry in outcomes.items():
        cell = (entry.get("regions") or {}).get(region) if isinstance(entry, dict) else None
        if not isinstance(cell, dict) or cell.get("observed") is None or cell.get("expected") is None:
            continue
        verdict = judge_stored(str(outcome), cell.get("verdict") or verdicts.get(outcome))
        rows.append(
            {"outcome": str(outcome), "label_sv": entry.get("label_sv", str(outcome)),
             **{k: cell.get(k) for k in ("n", "observed", "expected", "oe", "oe_low", "oe_high", "practice_part")},
             "excess": float(cell["observed"]) - float(cell["expected"]),
             "significant": None if verdict is None else verdict.direction == 1,
             "possible": None if verdict is None else verdict.signal == 1,
             "verdict": None if verdict is None else verdict.as_dict(),
             "verdict_sv": (verdicts.get(outcome) or {}).get("summary_sv")}
        )  # fmt: skip
    if not rows:
        return {"available": False, "status": NOT_AVAILABLE, "reason": f"nullipara.json has no outcome for region {region}"}
    rows.sort(key=lambda r: -r["excess"])
    return {
        "available": True,
        "region": region,
        "synthetic": bool(data.get("synthetic", False)),
        "outcomes": rows,
        "ranked": rows,
        "largest_excess": rows[0]["outcome"],
    }


def evidence_links(
    option: str, results_dir: Path | None = None, scenario: str = "base", config: Config | None = None
) -> dict[str, Any]:
    """What the risk-mix and first-time-mothers chapters imply here, read from their results files.

    Missing files give ``{"available": False, "status": "not available yet"}`` instead of an error.
    """
    from analysis.common import results

    cfg = config or load_config()
    opt = cfg.options[option]
    units = case_units(opt, opt.case(scenario), cfg.values(), cfg)
    towns = narsjukvard_town_by_municipality(opt.case(scenario), units, cfg)
    teams: dict[str, list[str]] = {}
    for code, town in sorted(towns.items()):
        teams.setdefault(town, []).append(code)
    out: dict[str, Any] = {}
    for page, build in (("riskmix", lambda d: _riskmix_links(d, teams)), ("nullipara", _nullipara_links)):
        try:
            data = results.read(page, results_dir)
        except (FileNotFoundError, ValueError) as exc:
            out[page] = {"available": False, "status": NOT_AVAILABLE, "reason": str(exc)}
            continue
        out[page] = build(data)
    return out


def evidence_synthetic(option: str = "A", results_dir: Path | None = None) -> bool:
    """True when either linked chapter's results come from a synthetic cohort."""
    links = evidence_links(option, results_dir)
    return any(bool(v.get("synthetic")) for v in links.values() if isinstance(v, Mapping))
