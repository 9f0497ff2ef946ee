"""BB bed-days today and those freed by earlier discharge under an option."""

from __future__ import annotations

from collections.abc import Mapping

from analysis.chapters.options.config import Config, OptionScenario, load_config, make_scenario
from analysis.chapters.options.demand import births_by_parity_mode, case_tasks, published_value
from analysis.common.home import HOME_REGION

# Published MFR 2023 mean postnatal stays (singleton deliveries) for each parity × mode stratum.
LOS_INDICATORS: dict[tuple[str, str], str] = {
    ("nulliparous", "vaginal"): "los_mean_days_nullip_vaginal",
    ("nulliparous", "cs"): "los_mean_days_nullip_cs",
    ("multiparous", "vaginal"): "los_mean_days_multip_vaginal",
    ("multiparous", "cs"): "los_mean_days_multip_cs",
}


def los_by_parity_mode(values: Mapping[str, float] | None = None, region: str = HOME_REGION) -> dict[tuple[str, str], float]:
    """Published MFR 2023 mean postnatal stay per stratum (``LOS_INDICATORS``) × ``los_factor``."""
    factor = 1.0 if values is None else values["los_factor"]
    return {k: published_value(ind, region) * factor for k, ind in LOS_INDICATORS.items()}


def bed_days(
    births_by_parity_mode: Mapping[tuple[str, str], float],
    los_days: Mapping[tuple[str, str], float],
    share_24h_today: float,
    share_24h_target: float,
    occupancy: float,
    early_los_days: float,
) -> dict[str, float]:
    """BB bed-days today and those freed when the share going home within 24 h rises.

    bed-days today = Σ births × mean stay. Women newly discharged early are vaginal births
    (caesareans are not discharged within 24 h in this model); their stay falls from the
    mean stay of vaginal births not discharged early today to ``early_los_days``.
    Beds = bed-days / 365 / occupancy.
    """
    missing = sorted(set(births_by_parity_mode) - set(los_days))
    if missing:
        raise KeyError(f"no length of stay for stratum {missing}")
    if not 0 < occupancy <= 1:
        raise ValueError("occupancy must be in (0, 1]")
    deliveries = float(sum(births_by_parity_mode.values()))
    today = float(sum(n * los_days[k] for k, n in births_by_parity_mode.items()))
    vaginal = float(sum(n for (_, mode), n in births_by_parity_mode.items() if mode == "vaginal"))
    vaginal_days = float(sum(n * los_days[k] for k, n in births_by_parity_mode.items() if k[1] == "vaginal"))
    early_today = share_24h_today * deliveries
    early_target = share_24h_target * deliveries
    if early_target > vaginal or early_today > vaginal:
        raise ValueError("more early discharges than vaginal births: check the 24-hour shares")
    los_not_early = (vaginal_days - early_today * early_los_days) / (vaginal - early_today)
    switchers = early_target - early_today
    freed = switchers * (los_not_early - early_los_days)
    return {
        "deliveries": deliveries,
        "bed_days_today": today,
        "beds_today": today / 365.0 / occupancy,
        "early_discharges_today": early_today,
        "early_discharges_option": early_target,
        "switchers": switchers,
        "los_vaginal_not_early": los_not_early,
        "bed_days_freed": freed,
        "bed_days_option": today - freed,
        "beds_freed": freed / 365.0 / occupancy,
    }


def capacity(option: str, scenario: OptionScenario | str = "base", config: Config | None = None) -> dict[str, float]:
    """Bed-days and beds freed under an option: the 24-h share moves toward the target in
    proportion to the share of postnatal checks the option moves out."""
    cfg = config or load_config()
    sc = scenario if isinstance(scenario, OptionScenario) else make_scenario(option, scenario, config=cfg)
    v = sc.values
    opt = cfg.options[option]
    case = opt.case(sc.case)
    moved = v[opt.share_key] if cfg.early_discharge_task in case_tasks(opt, case) else 0.0
    achieved = v["share_24h_today"] + (v["share_24h_target"] - v["share_24h_today"]) * moved
    out = bed_days(
        births_by_parity_mode(v), los_by_parity_mode(v), v["share_24h_today"], achieved,
        v["bed_occupancy_target"], v["early_discharge_los_days"],
    )  # fmt: skip
    out["share_24h_option"] = achieved
    return out
