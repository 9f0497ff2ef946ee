"""What an option case means for each vårdcentral, by owner, and for the midwives.

Today: the report counts 26 BMM, 11 run by the region and 15 private (Region Västmanland 2025, 5.1.1).
``geodata/sites.csv`` carries each vårdcentral's operator from the region's public map of vårdcentraler
(column ``operator``): the 11 regional vårdcentraler (Närvården) match the report's 11 regional BMM, so each
of them has a BMM today. Which 15 of the 23 private vårdcentraler run one is not published; a private
vårdcentral that is the only one in its municipality has it (every municipality has a BMM today, report
5.4.2 option A), and so does one the region's map lists with a BMM (``bmm_listed``); the others are *unknown*.

Per case a vårdcentral keeps (``keeps``), runs the option's unit (``hub``: a designated vårdcentral in B;
``may_run``: D, where a provider may establish, the report leaves open who), or loses its BMM (``loses``,
``loses_if_today`` for a private one whose BMM today is unknown; ``keeps_if_today`` in A). Unit sites are
those of :func:`~analysis.chapters.options.units.case_units` (modelled placement in each town).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.chapters.options.config import Case, Config, Option, load_config, make_scenario
from analysis.chapters.options.figures import option_figures
from analysis.chapters.options.units import case_units, today_bmm_allocation
from analysis.common.formatting import round_half_up

OPERATORS = ("regional", "private")
STATUSES = ("keeps", "keeps_if_today", "hub", "may_run", "loses", "loses_if_today")
KEEPING = frozenset({"keeps", "hub", "may_run"})


def vardcentral_sites(sites: pd.DataFrame | None = None) -> pd.DataFrame:
    """The vårdcentraler with operator and ``bmm_today`` (``yes`` or ``unknown``), sorted by municipality and name.

    A vårdcentral has a BMM today when the region runs it (all 11 regional BMM of the report), when it is the only
    vårdcentral of its municipality, or when the region's map lists its BMM (``bmm_listed``); the others are unknown.
    """
    from analysis.common import geodata

    s = geodata.sites() if sites is None else sites
    vc = s[s["site_type"] == "vardcentral"].copy()
    bad = ~vc["operator"].isin(OPERATORS)
    if bad.any():
        raise ValueError(f"geodata/sites.csv: column 'operator': {', '.join(sorted(set(vc.loc[bad, 'operator'].astype(str))))}"
                         f" is not one of {', '.join(OPERATORS)} (site {', '.join(vc.loc[bad, 'site_id'].astype(str))})")  # fmt: skip
    vc["municipality_code"] = vc["municipality_code"].astype(str)
    alone = vc.groupby("municipality_code")["site_id"].transform("size") == 1
    listed = vc["bmm_listed"].astype(str) == "yes"
    vc["bmm_today"] = [
        "yes" if op == "regional" or one or li else "unknown" for op, one, li in zip(vc["operator"], alone, listed, strict=True)
    ]
    cols = ["site_id", "name", "operator", "town", "municipality_code", "sweref99tm_x", "sweref99tm_y", "bmm_today"]
    return vc[cols].sort_values(["municipality_code", "name"]).reset_index(drop=True)


def vc_status(rule: str, today: str, unit_role: str | None) -> str:
    """One vårdcentral's status in a case: ``rule`` is the case's ``vardcentral_bmm`` (all, hubs, none, providers),
    ``today`` its BMM today (yes/unknown), ``unit_role`` the role of an option unit on its site (None: no unit)."""
    if rule == "all":
        return "keeps" if today == "yes" else "keeps_if_today"
    if rule == "hubs" and unit_role == "hub":
        return "hub"
    if rule == "providers" and unit_role in ("hub", "bmm"):
        return "may_run"
    return "loses" if today == "yes" else "loses_if_today"


def case_vardcentraler(case: Case, units: pd.DataFrame, vcs: pd.DataFrame) -> pd.DataFrame:
    """Every vårdcentral with its ``status`` in the case and the option's unit for its municipality."""
    role_at = {str(s): str(r) for s, r in zip(units["site_id"], units["role"], strict=True) if r in ("hub", "bmm")}
    out = vcs.copy()
    out["unit_role"] = [role_at.get(str(s)) for s in out["site_id"]]
    out["status"] = [vc_status(case.vardcentral_bmm, t, r) for t, r in zip(out["bmm_today"], out["unit_role"], strict=True)]
    return out


def keep_counts(case: Case, statuses: pd.DataFrame, today_total: int) -> dict[str, tuple[int, int]]:
    """(least, most) vårdcentraler keeping a BMM per operator and in total.

    A keeps today's: the regional ones and ``today_total`` minus them for the private (the report's 11 and 15).
    D (providers): from none to every vårdcentral that may run a unit. B: the designated ones. C: none.
    """
    regional_today = int(((statuses["operator"] == "regional") & (statuses["bmm_today"] == "yes")).sum())
    if case.vardcentral_bmm == "all":
        most = {"regional": regional_today, "private": today_total - regional_today}
    else:
        keeping = statuses[statuses["status"].isin(KEEPING)]
        most = {op: int((keeping["operator"] == op).sum()) for op in OPERATORS}
    least = {op: (0 if case.vardcentral_bmm == "providers" else n) for op, n in most.items()}
    out = {op: (least[op], most[op]) for op in OPERATORS}
    out["total"] = (sum(least.values()), sum(most.values()))
    return out


def midwives_today(births: Mapping[str, float] | None = None, births_per_midwife: float | None = None,
                   units: int | None = None) -> int:  # fmt: skip
    """Today's BMM midwives as the model staffs today's units: per unit max(1, births / births per midwife)
    (the report: 26 BMM with 1–4 midwives each), no moved tasks."""
    cfg = load_config()
    v = cfg.values()
    bpm = float(v["births_per_midwife"] if births_per_midwife is None else births_per_midwife)
    if births is None:
        alloc = today_bmm_allocation(int(v[cfg.today_units_count] if units is None else units))
        per_unit = [b for _, _, _, b in alloc]
    else:
        per_unit = list(births.values())
    return int(sum(max(1, round_half_up(b / bpm)) for b in per_unit))


@dataclass(frozen=True)
class CaseVardcentraler:
    """One option case: every vårdcentral's status, the keep counts by owner and the midwives needed."""

    option: str
    case: str
    vardcentraler: pd.DataFrame
    keep: Mapping[str, tuple[int, int]]
    midwives: float
    midwives_range: tuple[float, float]

    def as_dict(self) -> dict[str, Any]:
        """Plain figures for the results file (no site rows: names are in the table)."""
        return {
            "keep": {k: list(v) for k, v in self.keep.items()},
            "midwives": self.midwives,
            "midwives_range": list(self.midwives_range),
            "statuses": {s: int((self.vardcentraler["status"] == s).sum()) for s in STATUSES},
        }


def case_figures(opt: Option, case: Case, cfg: Config, model: str = "graph") -> CaseVardcentraler:
    """The vårdcentraler, keep counts and midwives (base and one-at-a-time range) of one case."""
    from analysis.chapters.options.scorecard import envelope

    sc = make_scenario(opt.key, case.key, config=cfg)
    units = case_units(opt, case, sc.values, cfg)
    vcs = case_vardcentraler(case, units, vardcentral_sites())
    keep = keep_counts(case, vcs, int(sc.values[cfg.today_units_count]))
    lo, _base, hi = envelope(cfg, opt.key, case.key, "midwives_total", model)
    fig = option_figures(opt.key, case.key, config=cfg, model=model)
    return CaseVardcentraler(opt.key, case.key, vcs, keep, float(fig.midwives_total), (lo, hi))


def option_vardcentraler(option: str, config: Config | None = None, model: str = "graph") -> dict[str, CaseVardcentraler]:
    """:func:`case_figures` of every case of one option, by case key."""
    cfg = config or load_config()
    opt = cfg.options[option]
    return {c.key: case_figures(opt, c, cfg, model) for c in opt.cases}
