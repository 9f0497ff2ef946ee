"""Deliveries by parity and mode, and visits per birth of the tasks that may move."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from analysis.chapters.options.config import Case, Config, Option, Task
from analysis.common.home import HOME_REGION


@lru_cache(maxsize=64)
def published_value(indicator: str, region: str = HOME_REGION, year: str = "2023") -> float:
    from analysis.common import published

    return published.value(indicator, region, year)


def births_by_parity_mode(values: Mapping[str, float]) -> dict[tuple[str, str], float]:
    """Deliveries per year by parity × mode from MFR 2023 (deliveries, caesarean %, nulliparous vaginal n).

    All published counts are scaled by ``mfr_completeness_factor``; caesareans are split
    by ``nullip_share_of_cs`` because MFR gives no regional caesarean count by parity.
    """
    f = values["mfr_completeness_factor"]
    total = published_value("deliveries_n") * f
    cs = total * published_value("cs_total_pct") / 100.0
    nullip_vaginal = published_value("nulliparous_vaginal_deliveries_n") * f
    nullip_cs = cs * values["nullip_share_of_cs"]
    return {
        ("nulliparous", "vaginal"): nullip_vaginal,
        ("multiparous", "vaginal"): total - cs - nullip_vaginal,
        ("nulliparous", "cs"): nullip_cs,
        ("multiparous", "cs"): cs - nullip_cs,
    }


def nulliparous_share(values: Mapping[str, float]) -> float:
    b = births_by_parity_mode(values)
    return (b[("nulliparous", "vaginal")] + b[("nulliparous", "cs")]) / sum(b.values())


def task_visits_per_birth(task: Task, values: Mapping[str, float], nullip_share: float | None = None) -> float:
    """Visits per birth for a task: direct, × nulliparous share, or × the share affected."""
    visits = values[task.visits_key]
    if task.population == "nulliparous":
        return visits * (nulliparous_share(values) if nullip_share is None else nullip_share)
    if task.population == "share":
        return visits * values[str(task.share_key)]
    return visits


def moved_visits_per_birth(option: Option, case: Case, cfg: Config, values: Mapping[str, float], level: str) -> float:
    """Visits per birth that leave ``level`` (kvinnokliniken or bmm) under ``option``/``case``."""
    share = values[option.share_key]
    nullip = nulliparous_share(values)
    return sum(
        task_visits_per_birth(cfg.tasks[t], values, nullip) * share
        for t in case_tasks(option, case)
        if cfg.tasks[t].level_today == level
    )


def case_tasks(option: Option, case: Case) -> tuple[str, ...]:
    """The tasks that move in this case (the case's own list, else the option's)."""
    return option.tasks if case.tasks is None else case.tasks
