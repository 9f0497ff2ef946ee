"""The headline figures of one option case, computed once per process."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, TypeVar

import pandas as pd

from analysis.chapters.options.access import AccessResult, access
from analysis.chapters.options.capacity import capacity
from analysis.chapters.options.config import Case, Config, OptionScenario, load_config, make_scenario
from analysis.chapters.options.demand import case_tasks
from analysis.chapters.options.text import unit_phrase
from analysis.chapters.options.units import case_units
from analysis.chapters.options.vulnerability import case_vulnerability, days_per_1000_births


def vardcentral_bmm(case: Case, units: pd.DataFrame, today: int) -> dict[str, int]:
    """How many vårdcentraler keep a BMM (a range where the report leaves the providers open).

    all: every unit (option A, today's structure); hubs: the designated vårdcentraler (B);
    none: the region runs every unit (C); providers: from none up to every unit that meets the
    option's minimum (D: the report says only that 'vissa vårdcentraler' may continue).
    """
    staffed = units[units["midwives"].notna()]
    providers = int((staffed["role"] != "last_resort").sum())
    lo, hi = {"all": (len(staffed), len(staffed)), "hubs": (len(staffed), len(staffed)), "none": (0, 0),
              "providers": (0, providers)}[case.vardcentral_bmm]  # fmt: skip
    lo, hi = min(lo, today), min(hi, today)
    return {"today": today, "keep_min": lo, "keep_max": hi, "lose_min": today - hi, "lose_max": today - lo}


@dataclass(frozen=True)
class OptionFigures:
    """Headline figures of one option case (the metrics of options.yml plus context).

    ``as_dict()`` gives the results file's ``figures`` mapping, key for key.
    """

    bmm_mean_minutes: float
    bmm_mean_minutes_today: float
    bmm_mean_minutes_all_vc: float
    bmm_units_today: int
    vardcentraler: int
    bmm_worst_municipality: str
    bmm_worst_municipality_minutes: float
    nsv_mean_minutes: float
    nsv_mean_minutes_today: float
    nsv_worst_municipality: str
    nsv_worst_municipality_minutes: float
    travel_hours_saved: float
    car_km_saved: float
    travel_hours_saved_kk_tasks: float
    travel_hours_saved_bmm_tasks: float
    car_km_saved_kk_tasks: float
    car_km_saved_bmm_tasks: float
    digital_hours_saved: float
    digital_km_saved: float
    digital_visits_per_birth: float
    bmm_travel_hours_change: float
    net_travel_hours_change: float
    municipalities_gaining: int
    municipalities_losing: int
    gaining: tuple[str, ...]
    losing: tuple[str, ...]
    units: int
    branches: int
    last_resort_units: int
    hub_counts: Mapping[str, int]
    service_points: int
    midwives_total: float
    min_births_per_midwife: float
    births_per_unit_min: float
    single_midwife_units: int
    units_over_max: int
    units_below_min: int
    max_midwives_per_unit: float
    days_without_midwife: float
    days_without_midwife_per_1000_births: float
    days_without_midwife_units: float
    days_without_midwife_branches: float
    worst_unit_days_without_midwife: float
    worst_unit: str
    days_below_minimum: float
    vardcentraler_bmm_keep_min: int
    vardcentraler_bmm_keep_max: int
    vardcentraler_bmm_lose_min: int
    vardcentraler_bmm_lose_max: int
    tasks_moved: int
    visits_moved_from_kk: float
    visits_moved_from_bmm: float
    bed_days_today: float
    beds_today: float
    share_24h_option: float
    bed_days_freed: float
    beds_freed: float

    def as_dict(self) -> dict[str, Any]:
        """The figures as the results JSON holds them (lists for the municipality names)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["gaining"], out["losing"] = list(self.gaining), list(self.losing)
        out["hub_counts"] = dict(self.hub_counts)
        return out

    def metric(self, key: str) -> float:
        """A numeric figure by its metric key in options.yml."""
        value = getattr(self, key, None)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise KeyError(f"unknown numeric metric {key!r}")
        return float(value)


T = TypeVar("T")
_MISSING = object()


class _ReadValues(Mapping[str, float]):
    """Assumption values that remember which ones were read (``everything``: the whole mapping was walked)."""

    def __init__(self, values: Mapping[str, float]) -> None:
        self._values = values
        self.read: dict[str, object] = {}
        self.everything = False

    def __getitem__(self, key: str) -> float:
        try:
            value = self._values[key]
        except KeyError:
            self.read[key] = _MISSING
            raise
        self.read[key] = value
        return value

    def __iter__(self) -> Iterator[str]:
        self.everything = True
        return iter(self._values)

    def __len__(self) -> int:
        self.everything = True
        return len(self._values)


_BY_READS: dict[tuple[Any, ...], list[tuple[tuple[tuple[str, object], ...] | None, Any]]] = {}


def _memo_by_reads(key: tuple[Any, ...], values: Mapping[str, float], compute: Callable[[Mapping[str, float]], T]) -> T:
    """``compute(values)`` once per distinct value of the assumptions it actually reads.

    ``compute`` must be a pure function of ``key`` and ``values`` (the result is shared: never modify it).
    The first call records which assumptions it reads; a later call whose values agree on exactly
    those reuses the result (a one-at-a-time change of an assumption the computation never reads
    cannot change it). A computation that walks the whole mapping is reused only for equal values.
    """
    entries = _BY_READS.setdefault(key, [])
    for reads, result in entries:
        if reads is None:
            continue
        if all(values.get(k, _MISSING) == v for k, v in reads):  # type: ignore[call-overload]
            return result  # type: ignore[no-any-return]
    tracked = _ReadValues(values)
    result = compute(tracked)
    reads = tuple(tracked.read.items()) if not tracked.everything else tuple(values.items())
    entries.append((reads, result))
    return result


def _access(sc: OptionScenario, cfg: Config, model: str) -> AccessResult:
    """:func:`access` of the scenario, reused across scenarios that differ only in assumptions it does not read."""
    return _memo_by_reads(
        ("access", cfg, sc.option, sc.case, model),
        sc.values,
        lambda v: access(sc.option, OptionScenario(sc.option, sc.case, v, sc.overrides), cfg, model),
    )


_UNIT_FIGURES: dict[tuple[Any, ...], tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]] = {}


def _unit_figures(cfg: Config, case: Case, units: pd.DataFrame, vul: pd.DataFrame, today: int) -> dict[str, Any]:
    """The figures that depend only on the case's units and their vulnerability (both shared, cached frames):
    computed once per pair, not once per assumption scenario."""
    key = (cfg, case, id(units), id(vul), today)
    hit = _UNIT_FIGURES.get(key)
    if hit is not None and hit[0] is units and hit[1] is vul:
        return hit[2]
    staffed = units[units["midwives"].notna()]
    vul_staffed = vul[vul["midwives"].notna()]
    vc = vardcentral_bmm(case, units, today)
    hub_counts = {t: int((staffed["town"] == t).sum()) for t, _ in case.hubs}
    out = {
        "units": len(staffed),
        "branches": int((units["role"] == "branch").sum()),
        "last_resort_units": int((units["role"] == "last_resort").sum()),
        "hub_counts": hub_counts,
        "service_points": int(units["site_id"].nunique()),
        "midwives_total": float(staffed["midwives"].sum()),
        "min_births_per_midwife": float(staffed["births_per_midwife"].min()),
        "births_per_unit_min": float(staffed["births_team"].min()),
        "single_midwife_units": int((staffed["midwives"] == 1).sum()),
        "units_over_max": int(staffed["over_max"].sum()),
        "units_below_min": int(vul_staffed["below_min_staffed"].sum()),
        "max_midwives_per_unit": float(staffed["midwives"].max()),
        "days_without_midwife": float(vul["days_no_midwife"].sum()),
        "days_without_midwife_per_1000_births": days_per_1000_births(vul, units),
        "days_without_midwife_units": float(vul_staffed["days_no_midwife"].sum()),
        "days_without_midwife_branches": float(vul.loc[vul["midwives"].isna(), "days_no_midwife"].sum()),
        "worst_unit_days_without_midwife": float(vul["days_no_midwife"].max()),
        "worst_unit": str(unit_phrase(vul.loc[vul["days_no_midwife"].idxmax()], cfg.role_definite_sv)),
        "days_below_minimum": float(vul_staffed["days_below_min"].sum()),
        "vardcentraler_bmm_keep_min": vc["keep_min"],
        "vardcentraler_bmm_keep_max": vc["keep_max"],
        "vardcentraler_bmm_lose_min": vc["lose_min"],
        "vardcentraler_bmm_lose_max": vc["lose_max"],
    }
    _UNIT_FIGURES[key] = (units, vul, out)
    return out


def _figures(cfg: Config, sc: OptionScenario, model: str) -> OptionFigures:
    opt = cfg.options[sc.option]
    case = opt.case(sc.case)
    v = sc.values
    units = case_units(opt, case, v, cfg)
    vul = case_vulnerability(cfg, opt, case, v)
    acc_result = _access(sc, cfg, model)
    acc, moved = acc_result.summary, acc_result.tasks
    from_kk = moved["level_today"] == "kvinnokliniken"
    cap = capacity(sc.option, sc, cfg)
    u = _unit_figures(cfg, case, units, vul, int(v[cfg.today_units_count]))
    return OptionFigures(
        bmm_mean_minutes=acc["bmm_mean_minutes"],
        bmm_mean_minutes_today=acc["bmm_mean_minutes_today"],
        bmm_mean_minutes_all_vc=acc["bmm_mean_minutes_all_vc"],
        bmm_units_today=acc["bmm_units_today"],
        vardcentraler=acc["vardcentraler"],
        bmm_worst_municipality=acc["bmm_worst_municipality"],
        bmm_worst_municipality_minutes=acc["bmm_worst_municipality_minutes"],
        nsv_mean_minutes=acc["nsv_mean_minutes"],
        nsv_mean_minutes_today=acc["nsv_mean_minutes_today"],
        nsv_worst_municipality=acc["nsv_worst_municipality"],
        nsv_worst_municipality_minutes=acc["nsv_worst_municipality_minutes"],
        travel_hours_saved=acc["travel_hours_saved"],
        car_km_saved=acc["car_km_saved"],
        travel_hours_saved_kk_tasks=acc["travel_hours_saved_kk_tasks"],
        travel_hours_saved_bmm_tasks=acc["travel_hours_saved_bmm_tasks"],
        car_km_saved_kk_tasks=acc["car_km_saved_kk_tasks"],
        car_km_saved_bmm_tasks=acc["car_km_saved_bmm_tasks"],
        digital_hours_saved=acc["digital_hours_saved"],
        digital_km_saved=acc["digital_km_saved"],
        digital_visits_per_birth=acc["digital_visits_per_birth"],
        bmm_travel_hours_change=acc["bmm_travel_hours_change"],
        net_travel_hours_change=acc["bmm_travel_hours_change"] - acc["travel_hours_saved"],
        municipalities_gaining=acc["municipalities_gaining"],
        municipalities_losing=acc["municipalities_losing"],
        gaining=tuple(acc["gaining"]),
        losing=tuple(acc["losing"]),
        units=u["units"],
        branches=u["branches"],
        last_resort_units=u["last_resort_units"],
        hub_counts=u["hub_counts"],
        service_points=u["service_points"],
        midwives_total=u["midwives_total"],
        min_births_per_midwife=u["min_births_per_midwife"],
        births_per_unit_min=u["births_per_unit_min"],
        single_midwife_units=u["single_midwife_units"],
        units_over_max=u["units_over_max"],
        units_below_min=u["units_below_min"],
        max_midwives_per_unit=u["max_midwives_per_unit"],
        days_without_midwife=u["days_without_midwife"],
        days_without_midwife_per_1000_births=u["days_without_midwife_per_1000_births"],
        days_without_midwife_units=u["days_without_midwife_units"],
        days_without_midwife_branches=u["days_without_midwife_branches"],
        worst_unit_days_without_midwife=u["worst_unit_days_without_midwife"],
        worst_unit=u["worst_unit"],
        days_below_minimum=u["days_below_minimum"],
        vardcentraler_bmm_keep_min=u["vardcentraler_bmm_keep_min"],
        vardcentraler_bmm_keep_max=u["vardcentraler_bmm_keep_max"],
        vardcentraler_bmm_lose_min=u["vardcentraler_bmm_lose_min"],
        vardcentraler_bmm_lose_max=u["vardcentraler_bmm_lose_max"],
        tasks_moved=len(case_tasks(opt, case)),
        visits_moved_from_kk=float(moved.loc[from_kk, "visits_moved"].sum()),
        visits_moved_from_bmm=float(moved.loc[~from_kk, "visits_moved"].sum()),
        bed_days_today=cap["bed_days_today"],
        beds_today=cap["beds_today"],
        share_24h_option=cap["share_24h_option"],
        bed_days_freed=cap["bed_days_freed"],
        beds_freed=cap["beds_freed"],
    )


@lru_cache(maxsize=4096)
def _figures_cached(cfg: Config, option: str, case: str, overrides: tuple[tuple[str, float], ...], model: str) -> OptionFigures:
    """Memoised per (config, option, case, assumption overrides, model): every figure set is computed once."""
    return _figures(cfg, make_scenario(option, case, dict(overrides), cfg), model)


def option_figures(
    option: str,
    scenario: OptionScenario | str = "base",
    overrides: Mapping[str, float] | None = None,
    config: Config | None = None,
    model: str = "graph",
) -> OptionFigures:
    """Headline figures of one option case (fields = metrics in options.yml plus context)."""
    cfg = config or load_config()
    if isinstance(scenario, OptionScenario):
        option, case, over = scenario.option, scenario.case, dict(scenario.overrides)
        over.update(overrides or {})
    else:
        case, over = cfg.options[option].case(scenario).key, dict(overrides or {})
    return _figures_cached(cfg, option, case, tuple(sorted(over.items())), model)
