"""Options, tasks and assumptions: the three YAML files parsed and checked against each other.

Options, tasks and every assumption live in ``data/options.yml``, ``data/tasks.yml`` and
``data/option_assumptions.yml``; the labels the pages show (roles, metrics, assumptions) come from there too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.common.config import ConfigError, read_yaml
from analysis.common.paths import PACKAGE_DATA

OPTIONS_FILE = PACKAGE_DATA / "options.yml"
TASKS_FILE = PACKAGE_DATA / "tasks.yml"
ASSUMPTIONS_FILE = PACKAGE_DATA / "option_assumptions.yml"

LEVELS = ("low", "base", "high")
DIRECTIONS = ("lower_is_better", "higher_is_better", "none")
TASK_LEVELS = ("kvinnokliniken", "bmm")
POPULATIONS = ("all", "nulliparous", "share")
DELIVERY = ("site", "digital")
UNIT_RULES = ("today_bmm", "hubs", "per_municipality")
VARDCENTRAL_BMM = ("all", "hubs", "none", "providers")
COVER = ("samverkan",)
ROLES = ("bmm", "hub", "branch", "last_resort")
ASSUMPTION_FIELDS = ("group", "label_sv", "unit", "low", "base", "high", "source", "reason")
OPTIONAL_ASSUMPTION_FIELDS = ("reason_sv",)  # read by the appendix page "Antaganden"
# Assumptions the vulnerability model reads (whole numbers >= 0; see vulnerability()).
VULNERABILITY_KEYS = ("a_cover_partners", "branch_days_per_week", "midwives_kept_at_hub")


class OptionsConfigError(ConfigError):
    """An options, tasks or assumptions file that cannot be used; the message names file, key and field."""


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class Assumption:
    """One number with its honest range and where it comes from."""

    key: str
    group: str
    label_sv: str
    unit: str
    low: float
    base: float
    high: float
    source: str
    reason: str

    def value(self, level: str = "base") -> float:
        if level not in LEVELS:
            raise ValueError(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
        return float(getattr(self, level))


@dataclass(frozen=True)
class Task:
    """A piece of care that may move to the närsjukvård level."""

    key: str
    name_sv: str
    level_today: str
    population: str
    visits_key: str
    share_key: str | None
    delivered: str
    includes_sv: str = ""


@dataclass(frozen=True)
class Case:
    """One structural reading of an option (service points and where moved tasks go)."""

    key: str
    label_sv: str
    description_sv: str
    rule: str
    count: str | None = None
    hubs: tuple[tuple[str, int | str | tuple[int, int]], ...] = ()  # count, assumption key or (lo, hi)
    branches: bool = False
    narsjukvard_sites: tuple[str, ...] | None = None  # None = the hub towns
    tasks: tuple[str, ...] | None = None  # None = the option's tasks_moved list
    last_resort: str | None = None  # per_municipality: assumption key of the last-resort units' floor
    cover: str | None = None  # "samverkan": units are covered by partner units in their närområde
    vardcentral_bmm: str = "all"
    staffing_note_sv: str = ""  # required when the case's units fall below the option's own staffing minimum
    tasks_site_sv: str = ""  # where the moved tasks are given in this case (the moved-tasks table)


@dataclass(frozen=True, eq=False)
class Option:
    """One of the report's options A–D."""

    key: str
    name_sv: str
    organisation_sv: str
    providers_sv: str
    staffing_min: int
    staffing_max: float  # math.inf when the report sets no upper limit
    share_key: str
    tasks: tuple[str, ...]
    cases: tuple[Case, ...]
    matrix_sv: Mapping[str, str]

    def case(self, name: str = "base") -> Case:
        """``"base"`` is the option's first (main) case."""
        if name == "base":
            return self.cases[0]
        for c in self.cases:
            if c.key == name:
                return c
        raise KeyError(f"option {self.key}: unknown case {name!r}; cases: {', '.join(c.key for c in self.cases)}")


@dataclass(frozen=True)
class Metric:
    key: str
    label_sv: str
    unit: str
    direction: str
    resolution: float = 0.0  # differences smaller than this (in the metric's unit) are ties: below the model's resolution
    resolution_per: str = ""  # "bmm_trip": resolution is minutes per BMM trip, converted to hours a year


@dataclass(frozen=True, eq=False)
class Config:
    """All three files, validated against each other (hashable by identity for caching)."""

    options: Mapping[str, Option]
    tasks: Mapping[str, Task]
    assumptions: Mapping[str, Assumption]
    metrics: Mapping[str, Metric]
    catchments: Mapping[str, str]
    today_narsjukvard_sites: tuple[str, ...]
    matrix_rows_sv: Mapping[str, str]
    early_discharge_task: str = "postnatal_checks"
    today_units_count: str = "bmm_units_today"
    role_sv: Mapping[str, str] = field(default_factory=dict)
    role_definite_sv: Mapping[str, str] = field(default_factory=dict)
    status_sv: Mapping[str, str] = field(default_factory=dict)
    tier_sv: Mapping[str, str] = field(default_factory=dict)
    direction_sv: Mapping[str, str] = field(default_factory=dict)
    level_sv: Mapping[str, str] = field(default_factory=dict)
    tornado_metrics_sv: Mapping[str, str] = field(default_factory=dict)

    def values(self, level: str = "base", overrides: Mapping[str, float] | None = None) -> dict[str, float]:
        """Every assumption at ``level``, with ``overrides`` (unknown keys are an error)."""
        out = {k: a.value(level) for k, a in self.assumptions.items()}
        for k, v in (overrides or {}).items():
            if k not in out:
                raise KeyError(f"unknown assumption {k!r}; see {ASSUMPTIONS_FILE.name}")
            out[k] = float(v)
        return out


def _read_yaml(path: Path, top: str) -> dict[str, Any]:
    if not Path(path).exists():
        raise OptionsConfigError(f"{path}: file not found")
    try:
        data = read_yaml(path)
    except ConfigError as exc:
        raise OptionsConfigError(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get(top), dict) or not data[top]:
        raise OptionsConfigError(f"{path}: expected a non-empty mapping under {top!r}")
    return data


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(float(value)):
        raise OptionsConfigError(f"{where}: must be a number, got {value!r}")
    return float(value)


def parse_assumptions(data: Mapping[str, Any], source: str = "<dict>") -> dict[str, Assumption]:
    """Validate the assumptions mapping: every field present, numbers, low <= base <= high."""
    out: dict[str, Assumption] = {}
    for key, entry in data.items():
        where = f"{source}: assumption {key!r}"
        if not isinstance(entry, dict):
            raise OptionsConfigError(f"{where}: expected a mapping with {', '.join(ASSUMPTION_FIELDS)}")
        missing = [f for f in ASSUMPTION_FIELDS if f not in entry or entry[f] is None or entry[f] == ""]
        if missing:
            raise OptionsConfigError(f"{where}: missing field(s) {', '.join(missing)}")
        unknown = sorted(set(entry) - set(ASSUMPTION_FIELDS) - set(OPTIONAL_ASSUMPTION_FIELDS))
        if unknown:
            raise OptionsConfigError(f"{where}: unknown field(s) {', '.join(unknown)}")
        low, base, high = (_number(entry[f], f"{where}: field {f!r}") for f in LEVELS)
        if low > high:
            raise OptionsConfigError(f"{where}: field 'low' ({low:g}) is greater than field 'high' ({high:g})")
        if not low <= base <= high:
            raise OptionsConfigError(f"{where}: field 'base' ({base:g}) lies outside low–high ({low:g}–{high:g})")
        out[str(key)] = Assumption(
            str(key), str(entry["group"]), str(entry["label_sv"]), str(entry["unit"]),
            low, base, high, str(entry["source"]), str(entry["reason"]),
        )  # fmt: skip
    return out


def parse_tasks(data: Mapping[str, Any], source: str = "<dict>") -> dict[str, Task]:
    """Validate the task list (levels, populations, delivery mode; keys are checked later)."""
    out: dict[str, Task] = {}
    for key, entry in data.items():
        where = f"{source}: task {key!r}"
        if not isinstance(entry, dict):
            raise OptionsConfigError(f"{where}: expected a mapping")
        for f in ("name_sv", "level_today", "population", "visits_key", "delivered"):
            if not entry.get(f):
                raise OptionsConfigError(f"{where}: missing field {f!r}")
        for f, allowed in (("level_today", TASK_LEVELS), ("population", POPULATIONS), ("delivered", DELIVERY)):
            if entry[f] not in allowed:
                raise OptionsConfigError(f"{where}: field {f!r} is {entry[f]!r}; allowed: {', '.join(allowed)}")
        share_key = entry.get("share_key")
        if (entry["population"] == "share") != bool(share_key):
            raise OptionsConfigError(f"{where}: field 'share_key' is required with population 'share' and only then")
        out[str(key)] = Task(
            str(key), str(entry["name_sv"]), entry["level_today"], entry["population"], str(entry["visits_key"]),
            str(share_key) if share_key else None, entry["delivered"], str(entry.get("includes_sv", "")),
        )  # fmt: skip
    return out


def _parse_case(key: str, entry: Any, where: str) -> Case:
    if not isinstance(entry, dict):
        raise OptionsConfigError(f"{where}: expected a mapping")
    units = entry.get("units")
    if not isinstance(units, dict) or units.get("rule") not in UNIT_RULES:
        raise OptionsConfigError(f"{where}: field 'units.rule' must be one of {', '.join(UNIT_RULES)}")
    rule = units["rule"]
    hubs: tuple[tuple[str, int | str | tuple[int, int]], ...] = ()
    if rule == "hubs":
        raw = units.get("hubs")
        if not isinstance(raw, dict) or not raw:
            raise OptionsConfigError(f"{where}: field 'units.hubs' must map hub towns to a count or an assumption key")
        parsed: list[tuple[str, int | str | tuple[int, int]]] = []
        for t, n in raw.items():
            if isinstance(n, dict):
                rng = n.get("between")
                ok = isinstance(rng, list) and len(rng) == 2 and all(isinstance(x, int) and not isinstance(x, bool) for x in rng)
                if not ok or not isinstance(rng, list) or not 1 <= rng[0] <= rng[1]:
                    raise OptionsConfigError(f"{where}: field 'units.hubs.{t}.between' must be [lo, hi] with 1 <= lo <= hi")
                parsed.append((str(t), (int(rng[0]), int(rng[1]))))
            else:
                parsed.append((str(t), n if isinstance(n, (int, str)) and not isinstance(n, bool) else -1))
        hubs = tuple(parsed)
        bad = [t for t, n in hubs if isinstance(n, int) and n < 1]
        if bad:
            raise OptionsConfigError(f"{where}: field 'units.hubs': count for {', '.join(bad)} must be a positive integer")
    if rule == "today_bmm" and not units.get("count"):
        raise OptionsConfigError(f"{where}: field 'units.count' (an assumption key) is required with rule today_bmm")
    branches = units.get("branches")
    if branches not in (None, "every_municipality"):
        raise OptionsConfigError(f"{where}: field 'units.branches' must be every_municipality or absent")
    nsv = entry.get("narsjukvard_sites")
    if nsv == "hubs":
        if rule != "hubs":
            raise OptionsConfigError(f"{where}: field 'narsjukvard_sites': 'hubs' needs units.rule hubs")
        sites = None
    elif isinstance(nsv, list) and nsv:
        sites = tuple(str(s) for s in nsv)
    else:
        raise OptionsConfigError(f"{where}: field 'narsjukvard_sites' must be 'hubs' or a non-empty list of towns/site ids")
    tasks = entry.get("tasks")
    if tasks is not None and not isinstance(tasks, list):
        raise OptionsConfigError(f"{where}: field 'tasks' must be a list of task keys")
    last_resort = units.get("last_resort")
    if last_resort is not None and (rule != "per_municipality" or not isinstance(last_resort, str)):
        raise OptionsConfigError(f"{where}: field 'units.last_resort' (an assumption key) needs units.rule per_municipality")
    cover = entry.get("cover")
    if cover is not None and cover not in COVER:
        raise OptionsConfigError(f"{where}: field 'cover' must be one of {', '.join(COVER)} or absent")
    vc_bmm = entry.get("vardcentral_bmm", "all")
    if vc_bmm not in VARDCENTRAL_BMM:
        raise OptionsConfigError(f"{where}: field 'vardcentral_bmm' must be one of {', '.join(VARDCENTRAL_BMM)}")
    return Case(
        key, str(entry.get("label_sv", key)), str(entry.get("description_sv", "")), rule,
        str(units["count"]) if units.get("count") else None, hubs, branches == "every_municipality", sites,
        None if tasks is None else tuple(str(t) for t in tasks), last_resort, cover, str(vc_bmm),
        str(entry.get("staffing_note_sv") or ""), str(entry.get("tasks_site_sv") or ""),
    )  # fmt: skip


def parse_options(data: Mapping[str, Any], source: str = "<dict>") -> tuple[dict[str, Option], dict[str, Any]]:
    """Validate the options file on its own; cross-file keys are checked by :func:`build_config`."""
    settings = data.get("settings") or {}
    options: dict[str, Option] = {}
    rows = settings.get("matrix_rows_sv") or {}
    for key, entry in (data.get("options") or {}).items():
        where = f"{source}: option {key!r}"
        if not isinstance(entry, dict):
            raise OptionsConfigError(f"{where}: expected a mapping")
        for f in ("name_sv", "organisation_sv", "providers_sv", "staffing", "tasks_moved", "cases", "matrix_sv"):
            if not entry.get(f) and entry.get(f) != []:
                raise OptionsConfigError(f"{where}: missing field {f!r}")
        staffing = entry["staffing"]
        if not isinstance(staffing, dict) or "min" not in staffing or "max" not in staffing:
            raise OptionsConfigError(f"{where}: field 'staffing' needs min and max (max: null for no limit)")
        lo = _number(staffing["min"], f"{where}: field 'staffing.min'")
        hi = math.inf if staffing["max"] is None else _number(staffing["max"], f"{where}: field 'staffing.max'")
        if lo < 1 or lo != int(lo) or lo > hi:
            raise OptionsConfigError(f"{where}: field 'staffing': min must be a whole number >= 1 and <= max")
        moved = entry["tasks_moved"]
        if not isinstance(moved, dict) or not moved.get("share") or not isinstance(moved.get("tasks"), list):
            raise OptionsConfigError(f"{where}: field 'tasks_moved' needs 'share' (assumption key) and 'tasks' (list)")
        cases_raw = entry["cases"]
        if not isinstance(cases_raw, dict) or not cases_raw:
            raise OptionsConfigError(f"{where}: field 'cases' must map case names to case definitions")
        cases = tuple(_parse_case(str(c), v, f"{where}: case {c!r}") for c, v in cases_raw.items())
        matrix = entry["matrix_sv"]
        missing_rows = [r for r in rows if not (isinstance(matrix, dict) and matrix.get(r))]
        if missing_rows:
            raise OptionsConfigError(f"{where}: field 'matrix_sv' lacks row(s) {', '.join(missing_rows)}")
        options[str(key)] = Option(
            str(key), str(entry["name_sv"]), str(entry["organisation_sv"]), str(entry["providers_sv"]),
            int(lo), hi, str(moved["share"]), tuple(str(t) for t in moved["tasks"]), cases,
            {str(k): str(v) for k, v in matrix.items()},
        )  # fmt: skip
    if not options:
        raise OptionsConfigError(f"{source}: no options defined under 'options'")
    return options, settings


def build_config(
    options_data: Mapping[str, Any],
    tasks_data: Mapping[str, Any],
    assumptions_data: Mapping[str, Any],
    sources: tuple[str, str, str] = ("options.yml", "tasks.yml", "option_assumptions.yml"),
) -> Config:
    """Parse the three files and check every key one file uses in another."""
    src_o, src_t, src_a = sources
    assumptions = parse_assumptions(assumptions_data.get("assumptions") or {}, src_a)
    tasks = parse_tasks(tasks_data.get("tasks") or {}, src_t)
    options, settings = parse_options(options_data, src_o)

    def need(key: str | None, where: str, *, share: bool = False, integer: bool = False) -> None:
        if key not in assumptions:
            raise OptionsConfigError(f"{where}: unknown assumption {key!r} (not in {src_a})")
        a = assumptions[str(key)]
        if share and not (0.0 <= a.low and a.high <= 1.0):
            raise OptionsConfigError(f"{src_a}: assumption {key!r}: a share must lie between 0 and 1")
        if integer and any(v != int(v) or v < 1 for v in (a.low, a.base, a.high)):
            raise OptionsConfigError(f"{src_a}: assumption {key!r}: a count must be a whole number >= 1")

    for t in tasks.values():
        need(t.visits_key, f"{src_t}: task {t.key!r}: field 'visits_key'")
        if t.share_key:
            need(t.share_key, f"{src_t}: task {t.key!r}: field 'share_key'", share=True)
    catchments = {str(k): str(v) for k, v in (settings.get("catchments") or {}).items()}
    for o in options.values():
        need(o.share_key, f"{src_o}: option {o.key!r}: field 'tasks_moved.share'", share=True)
        for field_name, listed in (("tasks_moved.tasks", o.tasks), *((f"cases.{c.key}.tasks", c.tasks or ()) for c in o.cases)):
            unknown = [t for t in listed if t not in tasks]
            if unknown:
                raise OptionsConfigError(
                    f"{src_o}: option {o.key!r}: field {field_name!r}: unknown task(s) {', '.join(unknown)}; "
                    f"known: {', '.join(tasks)}"
                )
        for c in o.cases:
            where = f"{src_o}: option {o.key!r}: case {c.key!r}"
            if c.count:
                need(c.count, f"{where}: field 'units.count'", integer=True)
            for town, n in c.hubs:
                if isinstance(n, str):
                    need(n, f"{where}: field 'units.hubs.{town}'", integer=True)
                elif isinstance(n, int) and n < 1:
                    raise OptionsConfigError(f"{where}: field 'units.hubs.{town}': count must be >= 1")
            if c.last_resort:
                need(c.last_resort, f"{where}: field 'units.last_resort'", integer=True)
            if c.rule == "hubs":
                hub_towns = {t for t, _ in c.hubs}
                orphan = sorted({v for v in catchments.values()} - hub_towns)
                if orphan:
                    raise OptionsConfigError(
                        f"{where}: settings.catchments send municipalities to {', '.join(orphan)}, which is not a hub here"
                    )
    metrics = {}
    for key, m in (options_data.get("metrics") or {}).items():
        if not isinstance(m, dict) or m.get("direction") not in DIRECTIONS:
            raise OptionsConfigError(f"{src_o}: metric {key!r}: field 'direction' must be one of {', '.join(DIRECTIONS)}")
        res = m.get("resolution", 0.0)
        per = str(m.get("resolution_per", ""))
        if per not in ("", "bmm_trip"):
            raise OptionsConfigError(f"{src_o}: metric {key!r}: field 'resolution_per' must be bmm_trip or absent")
        metrics[str(key)] = Metric(
            str(key),
            str(m.get("label_sv", key)),
            str(m.get("unit", "")),
            m["direction"],
            _number(res, f"{src_o}: metric {key!r}: field 'resolution'"),
            per,
        )
    early = str(settings.get("early_discharge_task", "postnatal_checks"))
    if early not in tasks:
        raise OptionsConfigError(f"{src_o}: settings.early_discharge_task: unknown task {early!r}")
    today_count = str(settings.get("today_units_count", "bmm_units_today"))
    need(today_count, f"{src_o}: settings.today_units_count", integer=True)
    need("gain_loss_threshold_minutes", f"{src_o}: the gain/loss rule (access)")
    for key in VULNERABILITY_KEYS:
        need(key, f"{src_o}: the vulnerability model")
        a = assumptions[key]
        if any(v != int(v) or v < 0 for v in (a.low, a.base, a.high)):
            raise OptionsConfigError(f"{src_a}: assumption {key!r}: must be a whole number >= 0")
    if not 0 < assumptions["branch_days_per_week"].low <= assumptions["branch_days_per_week"].high <= 5:
        raise OptionsConfigError(f"{src_a}: assumption 'branch_days_per_week': must lie between 1 and 5")
    return Config(
        options=options,
        tasks=tasks,
        assumptions=assumptions,
        metrics=metrics,
        catchments=catchments,
        today_narsjukvard_sites=tuple(str(s) for s in settings.get("today_narsjukvard_sites") or ("H_VAS",)),
        matrix_rows_sv={str(k): str(v) for k, v in (settings.get("matrix_rows_sv") or {}).items()},
        early_discharge_task=early,
        today_units_count=today_count,
        role_sv=_labels(settings, "role_sv", ROLES, src_o),
        role_definite_sv=_labels(settings, "role_definite_sv", ROLES, src_o),
        status_sv=_labels(settings, "status_sv", ("gains", "loses", "unchanged"), src_o),
        tier_sv=_labels(settings, "tier_sv", ("best", "middle", "worst", "equal", "unclear"), src_o),
        direction_sv=_labels(settings, "direction_sv", ("lower_is_better", "higher_is_better", "none"), src_o),
        level_sv=_labels(settings, "level_sv", ("kvinnokliniken", "bmm"), src_o),
        tornado_metrics_sv=_tornado_labels(settings, metrics, src_o),
    )


def _tornado_labels(settings: Mapping[str, Any], metrics: Mapping[str, Metric], source: str) -> dict[str, str]:
    raw = settings.get("tornado_metrics_sv") or {}
    unknown = [k for k in raw if k not in metrics]
    if unknown:
        raise OptionsConfigError(f"{source}: settings.tornado_metrics_sv: unknown metric(s) {', '.join(unknown)}")
    return {str(k): str(v) for k, v in raw.items()}


def _labels(settings: Mapping[str, Any], name: str, keys: tuple[str, ...], source: str) -> dict[str, str]:
    """A settings mapping of Swedish labels that must name every key in ``keys``."""
    raw = settings.get(name) or {}
    missing = [k for k in keys if not (isinstance(raw, dict) and raw.get(k))]
    if missing:
        raise OptionsConfigError(f"{source}: settings.{name} lacks label(s) for {', '.join(missing)}")
    return {str(k): str(v) for k, v in raw.items()}


@lru_cache(maxsize=8)
def load_config(options_path: Path | None = None, tasks_path: Path | None = None, assumptions_path: Path | None = None) -> Config:
    """The validated configuration (package files unless paths are given)."""
    paths = (Path(options_path or OPTIONS_FILE), Path(tasks_path or TASKS_FILE), Path(assumptions_path or ASSUMPTIONS_FILE))
    return build_config(
        _read_yaml(paths[0], "options"), _read_yaml(paths[1], "tasks"), _read_yaml(paths[2], "assumptions"),
        tuple(str(p) for p in paths),  # type: ignore[arg-type]
    )  # fmt: skip


def load_options(path: Path | None = None) -> dict[str, Option]:
    """Options A–D from ``options.yml`` (validated together with the tasks and assumptions)."""
    return dict(load_config(options_path=path).options)


def load_tasks(path: Path | None = None) -> dict[str, Task]:
    return dict(load_config(tasks_path=path).tasks)


def load_assumptions(path: Path | None = None) -> dict[str, Assumption]:
    return dict(load_config(assumptions_path=path).assumptions)


def option_keys() -> list[str]:
    """The option keys a page may be run with (parameter validation uses this)."""
    return list(load_config().options)


@dataclass(frozen=True)
class OptionScenario:
    """An option, one of its cases and the assumption values it is computed with."""

    option: str
    case: str
    values: Mapping[str, float]
    overrides: tuple[tuple[str, float], ...] = ()


def make_scenario(
    option: str,
    case: str = "base",
    overrides: Mapping[str, float] | None = None,
    config: Config | None = None,
) -> OptionScenario:
    """Base assumption values with ``overrides`` for ``option``/``case`` (``"base"`` = the main case)."""
    cfg = config or load_config()
    if option not in cfg.options:
        raise KeyError(f"unknown option {option!r}; options: {', '.join(cfg.options)}")
    c = cfg.options[option].case(case)
    return OptionScenario(option, c.key, cfg.values("base", overrides), tuple(sorted((overrides or {}).items())))
