"""The options chapter: the report's four ways to a närsjukvård level (A–D) turned into numbers.

Options, tasks and every assumption live in ``data/options.yml``, ``data/tasks.yml`` and
``data/option_assumptions.yml``; this module only combines them. Per option it gives

* access: minutes to a BMM service point and to the närsjukvård-level tasks, and the annual
  travel hours and km of the moved tasks (via :mod:`analysis.chapters.travel.model`);
* vulnerability: units, their staffing and a binomial model of days without a midwife;
* capacity: BB bed-days today and the bed-days freed by earlier discharge;
* evidence links from the risk-mix and first-time-mothers chapters' results files;
* a one-at-a-time sensitivity (tornado) and a scorecard of all options with ranges.

Every figure is a modelled estimate; ranges are one-at-a-time envelopes over the
assumption file, not joint confidence intervals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis.common.paths import PACKAGE_DATA

OPTIONS_FILE = PACKAGE_DATA / "options.yml"
TASKS_FILE = PACKAGE_DATA / "tasks.yml"
ASSUMPTIONS_FILE = PACKAGE_DATA / "option_assumptions.yml"

HOME_REGION = "19"
LEVELS = ("low", "base", "high")
DIRECTIONS = ("lower_is_better", "higher_is_better", "none")
TASK_LEVELS = ("kvinnokliniken", "bmm")
POPULATIONS = ("all", "nulliparous", "share")
DELIVERY = ("site", "digital")
UNIT_RULES = ("today_bmm", "hubs", "per_municipality")
VARDCENTRAL_BMM = ("all", "hubs", "none", "providers")
COVER = ("samverkan",)
ROLE_SV = {"bmm": "BMM", "hub": "huvudmottagning", "branch": "filial", "last_resort": "sistahandsmottagning"}
ASSUMPTION_FIELDS = ("group", "label_sv", "unit", "low", "base", "high", "source", "reason")
# Published MFR 2023 mean postnatal stays (singleton deliveries) for each parity × mode stratum.
LOS_INDICATORS: dict[tuple[str, str], str] = {
    ("nulliparous", "vaginal"): "los_mean_days_nullip_vaginal",
    ("nulliparous", "cs"): "los_mean_days_nullip_cs",
    ("multiparous", "vaginal"): "los_mean_days_multip_vaginal",
    ("multiparous", "cs"): "los_mean_days_multip_cs",
}
NOT_AVAILABLE = "not available yet"
# Values within 1 % of the metric's scale (the largest absolute base value of the metric across the
# compared rows) are ties: modelled differences that small are noise.
BEST_TOLERANCE = 0.01


# Assumptions the vulnerability model reads (whole numbers >= 0; see vulnerability()).
VULNERABILITY_KEYS = ("a_cover_partners", "branch_days_per_week", "midwives_kept_at_hub")
# A tätort with at least this many vårdcentraler is split into one origin per vårdcentral for BMM access
# (equal shares of its women), so units at different sites inside the town can be told apart.
WITHIN_TOWN_MIN_VARDCENTRALER = 3


class OptionsConfigError(ValueError):
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
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
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
        unknown = sorted(set(entry) - set(ASSUMPTION_FIELDS))
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
                if not ok or not 1 <= rng[0] <= rng[1]:
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
    )


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


def assumptions_table(config: Config | None = None) -> pd.DataFrame:
    """Every assumption for the page: key, group, label, unit, low, base, high, source, reason."""
    cfg = config or load_config()
    return pd.DataFrame([{"key": a.key, **{f: getattr(a, f) for f in ASSUMPTION_FIELDS}} for a in cfg.assumptions.values()])


def matrix_table(config: Config | None = None) -> pd.DataFrame:
    """The report's qualitative matrix: rows as in the report, one column per option."""
    cfg = config or load_config()
    return pd.DataFrame(
        {o.key: [o.matrix_sv[r] for r in cfg.matrix_rows_sv] for o in cfg.options.values()},
        index=pd.Index(list(cfg.matrix_rows_sv.values()), name="Kriterium"),
    )


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


# --------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class Geography:
    """Municipalities (births, women), their seats and the vårdcentraler, from ``analysis.common.geodata``."""

    municipalities: pd.DataFrame  # index code: name, births, women_15_44, seat, seat_x, seat_y
    vardcentraler: pd.DataFrame  # site_id, town, municipality_code
    town_population: Mapping[str, float]
    points: Mapping[str, tuple[float, float, str]]  # tätort or site_id -> x, y, municipality code


@lru_cache(maxsize=1)
def geography() -> Geography:
    from analysis.common import geodata

    m = geodata.municipalities().copy()
    loc = geodata.localities()
    seats = loc.sort_values(["pop_2020", "locality"], ascending=[False, True]).groupby("municipality_code").head(1)
    seats = seats.set_index(seats["municipality_code"].astype(str))
    table = pd.DataFrame(
        {
            "name": m["name"].to_numpy(),
            "births": m["births_per_year"].astype(float).to_numpy(),
            "women_15_44": m["women_15_44"].astype(float).to_numpy(),
        },
        index=pd.Index(m["scb_code"].astype(str), name="municipality_code"),
    )
    table["seat"] = seats.reindex(table.index)["locality"]
    table["seat_x"] = seats.reindex(table.index)["sweref99tm_x"].astype(float)
    table["seat_y"] = seats.reindex(table.index)["sweref99tm_y"].astype(float)
    sites = geodata.sites()
    vc = sites[sites["site_type"] == "vardcentral"][["site_id", "town", "municipality_code"]].copy()
    vc["municipality_code"] = vc["municipality_code"].astype(str)
    pops = dict(zip(loc["locality"], loc["pop_2020"].astype(float), strict=True))
    points: dict[str, tuple[float, float, str]] = {}
    for frame, key in ((sites, "site_id"), (loc, "locality")):  # a tätort name wins over a site id
        for _, r in frame.iterrows():
            points[str(r[key])] = (float(r["sweref99tm_x"]), float(r["sweref99tm_y"]), str(r["municipality_code"]))
    return Geography(table, vc.sort_values("site_id").reset_index(drop=True), pops, points)


def _town_xy(town: str) -> tuple[float, float, str]:
    try:
        return geography().points[town]
    except KeyError:
        raise OptionsConfigError(f"site {town!r} is neither a tätort nor a site_id in geodata") from None


# --------------------------------------------------------------------------- units and staffing

UNIT_COLUMNS = (
    "option", "case", "unit_id", "role", "label_sv", "town", "municipality_code", "municipality", "narområde",
    "site_id", "site_name", "team", "births_local", "births_team", "need_fte", "moved_fte", "midwives",
    "min_required", "max_allowed", "over_max", "narsjukvard", "births_per_midwife",
)  # fmt: skip


def apportion_today(count: int, births: Mapping[str, float], capacity: Mapping[str, int]) -> dict[str, int]:
    """Units per municipality: one each, the rest by D'Hondt on births, never more than its vårdcentraler."""
    codes = sorted(births)
    if count < len(codes):
        raise ValueError(f"{count} units cannot give each of {len(codes)} municipalities one")
    if count > sum(capacity.get(c, 0) for c in codes):
        raise ValueError(f"{count} units exceed the {sum(capacity.values())} vårdcentraler available")
    missing = [c for c in codes if capacity.get(c, 0) < 1]
    if missing:
        raise ValueError(f"municipality {', '.join(missing)} has no vårdcentral for a BMM")
    k = {c: 1 for c in codes}
    for _ in range(count - len(codes)):
        open_codes = [c for c in codes if k[c] < capacity[c]]
        best = max(open_codes, key=lambda c: (births[c] / (k[c] + 1), -codes.index(c)))
        k[best] += 1
    return k


def town_vardcentraler(town: str) -> tuple[str, ...]:
    """The vårdcentraler (site ids, sorted) whose town in geodata/sites.csv is ``town``."""
    vc = geography().vardcentraler
    return tuple(sorted(str(x) for x in vc.loc[vc["town"] == town, "site_id"]))


@lru_cache(maxsize=256)
def place_in_town(town: str, k: int) -> tuple[str, ...]:
    """Sites for ``k`` units in one town: the k of the town's vårdcentraler that minimise the mean
    straight-line distance from every vårdcentral of the town to its nearest chosen one (a p-median in which
    each vårdcentral stands for an equal share of the town's population). Ties: the BMM listed in
    sites.csv first, then the lowest site ids. A town without vårdcentral keeps its tätort point."""
    from itertools import combinations

    from analysis.common import geodata

    if k < 1:
        return ()
    vcs = list(town_vardcentraler(town))
    if not vcs:
        return tuple([town] * k)
    if k >= len(vcs):
        return tuple(vcs + [vcs[i % len(vcs)] for i in range(k - len(vcs))])
    sites = geodata.sites().set_index("site_id")
    listed = {str(i) for i in sites.index[sites["bmm_listed"].astype(str) == "yes"]}
    xy = np.array([[float(sites.loc[v, "sweref99tm_x"]), float(sites.loc[v, "sweref99tm_y"])] for v in vcs])
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    best: tuple[float, int, tuple[int, ...]] | None = None
    for combo in combinations(range(len(vcs)), k):
        cost = round(float(d[:, list(combo)].min(axis=1).mean()), 6)
        key = (cost, -sum(vcs[i] in listed for i in combo), combo)
        if best is None or key < best:
            best = key
    assert best is not None
    return tuple(vcs[i] for i in best[2])


def _units_per_town(vcs: pd.DataFrame, seat: str, n: int, town_pop: Mapping[str, float]) -> dict[str, int]:
    """A municipality's n units over its towns: one per town (seat first, then the largest towns),
    the rest to the seat, then the next towns, never more than a town's vårdcentraler."""
    towns = sorted(set(vcs["town"]), key=lambda t: (t != seat, -town_pop.get(t, 0.0), t))
    cap = {t: int((vcs["town"] == t).sum()) for t in towns}
    out = {t: 0 for t in towns}
    left = n
    for t in towns:
        if left:
            out[t] += 1
            left -= 1
    for t in towns:
        extra = min(left, cap[t] - out[t])
        out[t] += extra
        left -= extra
    return {t: k for t, k in out.items() if k}


@lru_cache(maxsize=16)
def today_bmm_allocation(count: int) -> tuple[tuple[str, str, str, float], ...]:
    """Today's BMM as (site_id, town, municipality code, births) placed on the vårdcentraler: per municipality
    (count from :func:`apportion_today`) one per town, the rest in the seat; inside a town by :func:`place_in_town`."""
    geo = geography()
    mun = geo.municipalities
    capacity = geo.vardcentraler.groupby("municipality_code").size().to_dict()
    k = apportion_today(count, mun["births"].to_dict(), capacity)
    out = []
    for code in mun.index:
        vcs = geo.vardcentraler[geo.vardcentraler["municipality_code"] == code]
        for town, n in _units_per_town(vcs, str(mun.loc[code, "seat"]), k[code], geo.town_population).items():
            for site in place_in_town(town, n):
                out.append((str(site), str(town), str(code), float(mun.loc[code, "births"]) / k[code]))
    return tuple(out)


def _round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def case_tasks(option: Option, case: Case) -> tuple[str, ...]:
    """The tasks that move in this case (the case's own list, else the option's)."""
    return option.tasks if case.tasks is None else case.tasks


def _moved_visits_per_birth(option: Option, case: Case, cfg: Config, values: Mapping[str, float], level: str) -> float:
    """Visits per birth that leave ``level`` (kvinnokliniken or bmm) under ``option``/``case``."""
    share = values[option.share_key]
    nullip = nulliparous_share(values)
    return sum(
        task_visits_per_birth(cfg.tasks[t], values, nullip) * share
        for t in case_tasks(option, case)
        if cfg.tasks[t].level_today == level
    )


def units_for_option(
    option: str,
    assumptions: Mapping[str, float] | None = None,
    scenario: str = "base",
    config: Config | None = None,
) -> pd.DataFrame:
    """Units (BMM, hubs, branches) with town, municipality, role and midwives for one option and case.

    midwives = max(option minimum, round(births served / births per midwife + moved-task FTE));
    ``over_max`` marks a unit whose workload needs more than the option's maximum. A branch
    has no own staff: it is served by its hub's team (``team``). Births are municipal
    estimates split evenly over the units of a municipality or närområde.
    """
    cfg = config or load_config()
    values = cfg.values() if assumptions is None else dict(assumptions)
    opt = cfg.options[option]
    case = opt.case(scenario)
    return _units(opt, case, values, cfg).copy()


def _units(opt: Option, case: Case, values: Mapping[str, float], cfg: Config) -> pd.DataFrame:
    """Cached: the tornado recomputes the same units for every assumption that does not touch them."""
    return _units_cached(cfg, opt, case, tuple(sorted(values.items())))


@lru_cache(maxsize=1024)
def _units_cached(cfg: Config, opt: Option, case: Case, items: tuple[tuple[str, float], ...]) -> pd.DataFrame:
    return _build_units(opt, case, dict(items), cfg)


def _build_units(opt: Option, case: Case, values: Mapping[str, float], cfg: Config) -> pd.DataFrame:
    """Units of one case; a hub town with ``{between: [lo, hi]}`` gets the smallest count whose units
    all stay within the option's staffing maximum (the highest count, flagged over_max, if none does)."""
    counts: dict[str, int] = {}
    for town, n in case.hubs:
        counts[town] = int(values[n]) if isinstance(n, str) else (n[0] if isinstance(n, tuple) else int(n))
    for town, n in case.hubs:
        if not isinstance(n, tuple):
            continue
        for k in range(n[0], n[1] + 1):
            counts[town] = k
            units = _build_units_fixed(opt, case, values, cfg, counts)
            if not units.loc[units["town"] == town, "over_max"].any():
                break
    return _build_units_fixed(opt, case, values, cfg, counts)


def _site_names() -> dict[str, str]:
    from analysis.common import geodata

    sites = geodata.sites()
    return dict(zip(sites["site_id"].astype(str), sites["name"].astype(str), strict=True))


def _build_units_fixed(
    opt: Option, case: Case, values: Mapping[str, float], cfg: Config, counts: Mapping[str, int]
) -> pd.DataFrame:
    geo = geography()
    mun = geo.municipalities
    bpm = values["births_per_midwife"]
    names = _site_names()
    rows: list[dict[str, Any]] = []

    def add(unit_id: str, role: str, town: str, code: str, site: str, team: str, local: float, team_births: float) -> None:
        rows.append(
            {"unit_id": unit_id, "role": role, "town": town, "municipality_code": code, "municipality": mun.loc[code, "name"],
             "narområde": cfg.catchments.get(code, town), "site_id": site, "site_name": names.get(site, ""),
             "team": team, "births_local": local, "births_team": team_births}
        )  # fmt: skip

    if case.rule == "today_bmm":
        for site, town, code, b in today_bmm_allocation(int(values[case.count or cfg.today_units_count])):
            add(site, "bmm", town, code, site, site, b, b)
    elif case.rule == "hubs":
        hub_units: dict[str, list[str]] = {}
        for town, _ in case.hubs:
            count = counts[town]
            _, _, code = _town_xy(town)
            area = [c for c, hub in cfg.catchments.items() if hub == town]
            area_births = float(mun.loc[area, "births"].sum())
            ids = [town] if count == 1 else [f"{town} {i + 1}" for i in range(count)]
            hub_units[town] = ids
            for uid, site in zip(ids, place_in_town(town, count), strict=True):
                add(uid, "hub", town, code, site, uid, float(mun.loc[code, "births"]) / count, area_births / count)
        if case.branches:
            hub_codes = {r["municipality_code"] for r in rows}
            for code in mun.index:
                if code in hub_codes:
                    continue
                hub_town = cfg.catchments.get(code)
                if hub_town not in hub_units:
                    raise OptionsConfigError(f"options.yml: settings.catchments: municipality {code} has no hub")
                seat = str(mun.loc[code, "seat"])
                add(
                    f"{seat} (filial)",
                    "branch",
                    seat,
                    code,
                    seat,
                    hub_units[hub_town][0],
                    float(mun.loc[code, "births"]),
                    math.nan,
                )
    else:  # per_municipality: one unit per municipality; large ones split into units at the minimum
        for code in mun.index:
            seat = str(mun.loc[code, "seat"])
            b = float(mun.loc[code, "births"])
            add(seat, "bmm", seat, code, seat, seat, b, b)

    units = pd.DataFrame(rows)
    nsv_town = _narsjukvard_town_by_municipality(case, units, cfg)
    kk_visits = _moved_visits_per_birth(opt, case, cfg, values, "kvinnokliniken")
    hours_per_visit = values["midwife_minutes_per_moved_visit"] / 60.0
    moved_fte_by_town: dict[str, float] = {}
    if kk_visits > 0:
        for code, town in nsv_town.items():
            fte = float(mun.loc[code, "births"]) * kk_visits * hours_per_visit / values["clinical_hours_per_midwife"]
            moved_fte_by_town[town] = moved_fte_by_town.get(town, 0.0) + fte
    team_rows = units["role"] != "branch"
    units["narsjukvard"] = team_rows & units["town"].isin(list(moved_fte_by_town))
    units["moved_fte"] = 0.0
    for town, fte in moved_fte_by_town.items():
        here = units["narsjukvard"] & (units["town"] == town)
        if not here.any():
            raise OptionsConfigError(f"option {opt.key}: case {case.key}: no unit in {town} can take the moved tasks")
        units.loc[here, "moved_fte"] = fte / here.sum()
    units["need_fte"] = np.where(team_rows, units["births_team"] / bpm + units["moved_fte"], np.nan)

    floor = np.full(len(units), float(opt.staffing_min))
    if case.rule == "per_municipality":
        units = _split_large(units, opt, None if case.last_resort is None else int(values[case.last_resort]))
        for town in units.loc[units["role"] == "bmm", "town"].unique():  # provider units on the town's vårdcentraler
            here = units.index[(units["role"] == "bmm") & (units["town"] == town)]
            units.loc[here, "site_id"] = list(place_in_town(str(town), len(here)))
        names_now = _site_names()
        units["site_name"] = [names_now.get(str(x), "") for x in units["site_id"]]
        team_rows = units["role"] != "branch"
        floor = np.where(units["role"] == "last_resort", units["_floor"], float(opt.staffing_min))
    need = units["need_fte"].to_numpy(float)
    midwives = np.array([max(f, _round_half_up(x)) if np.isfinite(x) else np.nan for x, f in zip(need, floor, strict=True)])
    units["midwives"] = midwives
    units["min_required"] = opt.staffing_min
    units["max_allowed"] = opt.staffing_max
    units["over_max"] = team_rows & (units["midwives"] > opt.staffing_max)
    units["births_per_midwife"] = units["births_team"] / units["midwives"]
    units["option"] = opt.key
    units["case"] = case.key
    units.loc[~team_rows, "moved_fte"] = np.nan
    units["label_sv"] = _unit_labels(units)
    return units[list(UNIT_COLUMNS)].reset_index(drop=True)


def _unit_labels(units: pd.DataFrame) -> list[str]:
    """Reader-facing Swedish names: '<ort>: <roll>' with a number when a town has several, no site ids."""
    out = []
    roles = units["role"].tolist()
    towns = units["town"].tolist()
    seen: dict[tuple[str, str], int] = {}
    totals = pd.Series(list(zip(towns, roles, strict=True))).value_counts().to_dict()
    team_town = dict(zip(units["unit_id"], units["town"], strict=True))
    for town, role, team in zip(towns, roles, units["team"].tolist(), strict=True):
        role_sv = ROLE_SV.get(role, role)
        seen[(town, role)] = seen.get((town, role), 0) + 1
        label = f"{town}: {role_sv}"
        if totals[(town, role)] > 1:
            label += f" {seen[(town, role)]}"
        if role == "branch":
            label += f" till {team_town.get(team, team)}"
        out.append(label)
    return out


def _split_large(units: pd.DataFrame, opt: Option, last_resort_floor: int | None = None) -> pd.DataFrame:
    """Free establishment: a unit whose need exceeds the maximum becomes floor(need / minimum) minimal units.

    With ``last_resort_floor``, a municipality whose workload rounds to less than the option's minimum
    has no provider: the region runs a last-resort unit (role ``last_resort``) staffed at what the
    volume supports, never fewer than the floor.
    """
    parts = []
    for _, row in units.iterrows():
        if last_resort_floor is not None and _round_half_up(float(row["need_fte"])) < opt.staffing_min:
            r = row.copy()
            r["role"] = "last_resort"
            r["_floor"] = float(last_resort_floor)
            parts.append(r)
            continue
        n = int(row["need_fte"] // opt.staffing_min) if row["need_fte"] > opt.staffing_max else 1
        n = max(n, 1)
        for i in range(n):
            r = row.copy()
            r["_floor"] = float(opt.staffing_min)
            if n > 1:
                r["unit_id"] = r["team"] = f"{row['unit_id']} {i + 1}"
            for col in ("births_local", "births_team", "need_fte", "moved_fte"):
                r[col] = row[col] / n
            parts.append(r)
    return pd.DataFrame(parts).reset_index(drop=True)


def _narsjukvard_tokens(case: Case) -> tuple[str, ...]:
    return tuple(t for t, _ in case.hubs) if case.narsjukvard_sites is None else case.narsjukvard_sites


def _narsjukvard_town_by_municipality(case: Case, units: pd.DataFrame, cfg: Config) -> dict[str, str]:
    """The town whose närsjukvård unit serves each municipality: its hub if that hub takes the tasks, else the nearest."""
    geo = geography()
    towns: dict[str, tuple[float, float]] = {}
    for token in _narsjukvard_tokens(case):
        x, y, code = _town_xy(token)
        on_site = units[(units["site_id"] == token) | (units["town"] == token)]
        town = str(on_site["town"].iloc[0]) if len(on_site) else str(geo.municipalities.loc[code, "seat"])
        towns[town] = (x, y)
    out = {}
    for code, row in geo.municipalities.iterrows():
        hub = cfg.catchments.get(str(code))
        if hub in towns:
            out[str(code)] = hub
        else:
            out[str(code)] = min(towns, key=lambda t: (math.hypot(towns[t][0] - row["seat_x"], towns[t][1] - row["seat_y"]), t))
    return out


# --------------------------------------------------------------------------- vulnerability


def prob_fewer_present(midwives: int, minimum: int, p_absent: float) -> float:
    """P(fewer than ``minimum`` of ``midwives`` are at work), each absent independently with ``p_absent``."""
    q = 1.0 - p_absent
    return float(sum(math.comb(midwives, k) * q**k * p_absent ** (midwives - k) for k in range(0, min(minimum, midwives + 1))))


def cover_partners(units: pd.DataFrame, n: int) -> dict[str, list[str]]:
    """Each staffed unit's ``n`` nearest other staffed units in the same närområde (straight-line
    distance between the sites, ties by unit id): the units that cover it in option A's samverkan."""
    staffed = units[units["midwives"].notna()]
    out: dict[str, list[str]] = {}
    if n <= 0:
        return {str(u): [] for u in staffed["unit_id"]}
    xy = {str(r.unit_id): _town_xy(str(r.site_id))[:2] for r in staffed.itertuples()}
    for r in staffed.itertuples():
        others = [str(o.unit_id) for o in staffed.itertuples() if o.narområde == r.narområde and o.unit_id != r.unit_id]
        x, y = xy[str(r.unit_id)]
        others.sort(key=lambda u: (math.hypot(xy[u][0] - x, xy[u][1] - y), u))
        out[str(r.unit_id)] = others[:n]
    return out


def partner_cannot_send(midwives: int, kept: int, p_absent: float) -> float:
    """P(a partner with ``midwives`` has at most ``kept`` present): it then keeps them all and sends no one."""
    return prob_fewer_present(midwives, kept + 1, p_absent)


def _binom_pmf(m: int, q: float) -> list[float]:
    """P(X = x) for x = 0..m present midwives, X ~ Bin(m, q) with q = P(present)."""
    return [math.comb(m, x) * q**x * (1.0 - q) ** (m - x) for x in range(m + 1)]


def branch_uncovered_per_week(team: int, branches: int, days_per_week: int, kept: int, p_absent: float) -> float:
    """Expected branch-days a week that the hub team cannot staff (all of the team's branches together).

    The team's ``branches × days_per_week`` branch-days are spread as evenly as possible over the five
    weekdays. On a day with b branches open and X of the ``team`` midwives present (each absent
    independently with ``p_absent``), the hub keeps ``kept`` and sends the rest, one per branch:
    min(b, max(0, X − kept)) branches are staffed, the others are closed.
    """
    total = branches * days_per_week
    per_day = [total // 5 + (1 if i < total % 5 else 0) for i in range(5)]
    pmf = _binom_pmf(team, 1.0 - p_absent)
    return float(sum(pr * max(0, b - max(0, x - kept)) for b in per_day if b for x, pr in enumerate(pmf)))


def vulnerability(
    units: pd.DataFrame,
    p_absent: float,
    days: float,
    partners: Mapping[str, Sequence[str]] | None = None,
    branch_days_per_week: int = 0,
    kept_at_hub: int = 1,
) -> pd.DataFrame:
    """Per unit and branch: the probability that an open day has no midwife, and expected days a year.

    Model (stated on the page): each midwife is absent on a given open day with probability p,
    independently of the others and of other days.

    * A staffed unit with m midwives is without a midwife with probability p^m. With samverkan
      ``partners`` (option A) a partner can send a midwife only when it keeps ``kept_at_hub`` of its own
      first (the same rule as a hub staffing a branch): the day is uncovered when the unit has no midwife
      and every partner has at most ``kept_at_hub`` present, p^m × Π P(X_partner <= kept_at_hub).
    * A branch (filial) is open ``branch_days_per_week`` of five weekdays and staffed from its hub
      team (column ``team``): see :func:`branch_uncovered_per_week`.

    Vacancies make p larger; correlated absence (holidays) makes the true risk higher than this.
    """
    if not 0.0 <= p_absent <= 1.0:
        raise ValueError(f"p_absent must lie between 0 and 1; got {p_absent}")
    partners = partners or {}
    frame = units.copy()
    staffed_mask = frame["midwives"].notna()
    m_by_unit = {
        str(u): int(m) for u, m in zip(frame.loc[staffed_mask, "unit_id"], frame.loc[staffed_mask, "midwives"], strict=True)
    }
    rows = []
    branch_counts = frame.loc[~staffed_mask, "team"].value_counts().to_dict() if "team" in frame else {}
    for r in frame.to_dict("records"):
        uid = str(r["unit_id"])
        row = {
            k: r.get(k)
            for k in ("unit_id", "role", "label_sv", "town", "municipality", "team", "births_team", "midwives", "min_required")
        }
        if uid in m_by_unit:
            m = m_by_unit[uid]
            mates = [str(x) for x in partners.get(uid, [])]
            p_alone = float(p_absent) ** m
            p_none = p_alone * math.prod(partner_cannot_send(m_by_unit[x], kept_at_hub, p_absent) for x in mates)
            p_below = prob_fewer_present(m, int(r["min_required"]), p_absent)
            row.update(open_days=float(days), partners=", ".join(mates), p_alone=p_alone, p_no_midwife=p_none,
                       days_no_midwife=days * p_none, p_below_min=p_below, days_below_min=days * p_below,
                       below_min_staffed=m < int(r["min_required"]))  # fmt: skip
        else:
            team = str(r["team"])
            k = int(branch_counts.get(r["team"], 1))
            open_days = days * branch_days_per_week / 5.0
            per_week = (
                branch_uncovered_per_week(m_by_unit[team], k, branch_days_per_week, kept_at_hub, p_absent)
                if branch_days_per_week
                else 0.0
            )
            uncovered = per_week / k * days / 5.0
            row.update(open_days=open_days, partners="", p_alone=math.nan,
                       p_no_midwife=uncovered / open_days if open_days else 0.0, days_no_midwife=uncovered,
                       p_below_min=math.nan, days_below_min=math.nan, below_min_staffed=False)  # fmt: skip
        rows.append(row)
    cols = ["unit_id", "role", "label_sv", "town", "municipality", "team", "births_team", "midwives", "min_required",
            "open_days", "partners", "p_alone", "p_no_midwife", "days_no_midwife", "p_below_min", "days_below_min",
            "below_min_staffed"]  # fmt: skip
    return pd.DataFrame(rows, columns=cols)


def option_vulnerability(option: str, scenario: OptionScenario | str = "base", config: Config | None = None) -> pd.DataFrame:
    """:func:`vulnerability` of one option case with the model's assumptions from the assumption file."""
    cfg = config or load_config()
    sc = scenario if isinstance(scenario, OptionScenario) else make_scenario(option, scenario, config=cfg)
    opt = cfg.options[option]
    case = opt.case(sc.case)
    return _vulnerability(cfg, opt, case, sc.values)


def _vulnerability(cfg: Config, opt: Option, case: Case, v: Mapping[str, float]) -> pd.DataFrame:
    units = _units(opt, case, v, cfg)
    partners = cover_partners(units, int(v["a_cover_partners"])) if case.cover == "samverkan" else None
    return vulnerability(units, v["p_absent"], v["open_days_per_year"], partners, int(v["branch_days_per_week"]),
                         int(v["midwives_kept_at_hub"]))  # fmt: skip


# --------------------------------------------------------------------------- capacity


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
    proportion to the share of postnatal checks the option moves out; plus visits moved out."""
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
    births = float(geography().municipalities["births"].sum())
    out["visits_moved_from_kk"] = births * _moved_visits_per_birth(opt, case, cfg, v, "kvinnokliniken")
    out["visits_moved_from_bmm"] = births * _moved_visits_per_birth(opt, case, cfg, v, "bmm")
    return out


# --------------------------------------------------------------------------- access


def task_visits_per_birth(task: Task, values: Mapping[str, float], nullip_share: float | None = None) -> float:
    """Visits per birth for a task: direct, × nulliparous share, or × the share affected."""
    visits = values[task.visits_key]
    if task.population == "nulliparous":
        return visits * (nulliparous_share(values) if nullip_share is None else nullip_share)
    if task.population == "share":
        return visits * values[str(task.share_key)]
    return visits


@dataclass(frozen=True, eq=False)
class TravelContext:
    """Origins, sites and one travel matrix, built once per process and cost model."""

    origins: pd.DataFrame
    sites: pd.DataFrame
    tm: Any
    model: str
    _cache: dict[tuple[str, ...], Any] = field(default_factory=dict)

    def by_municipality(self, site_ids: Sequence[str]) -> pd.DataFrame:
        """Per municipality (county row "19" last): women-weighted mean minutes to the nearest
        site, and the annual one-way travel hours and km of one visit per birth."""
        key = ("m", *sorted(set(site_ids)))
        if key not in self._cache:
            from analysis.chapters.travel import model as travel

            sites = list(key[1:])
            mm = travel.metrics_by_municipality(self.tm, self.origins, sites).set_index("municipality_code")
            burden = travel.annual_burden(self.tm, self.origins, sites, 1.0, co2_g_per_km=0, round_trip_factor=1.0)
            burden = burden.set_index("municipality_code").reindex(mm.index)
            out = mm[["municipality", "mean_minutes", "max_minutes"]].copy()
            out["births"] = burden["births"]
            out["hours_per_visit_birth"] = burden["travel_hours"]
            out["km_per_visit_birth"] = burden["car_km"]
            self._cache[key] = out
        return self._cache[key]


@lru_cache(maxsize=4)
def travel_context(model: str = "graph", config: Config | None = None) -> TravelContext:
    """The travel matrix from every origin to every site the options use (cached: built once)."""
    from analysis.chapters.travel import model as travel

    cfg = config or load_config()
    origins = travel.default_origins()
    sites = travel.standard_sites()
    tokens = set(cfg.today_narsjukvard_sites)
    for o in cfg.options.values():
        for c in o.cases:
            tokens.update(_narsjukvard_tokens(c))
            tokens.update(t for t, _ in c.hubs)
    tokens.update(str(s) for s in geography().municipalities["seat"])
    extra = sorted(t for t in tokens if t not in set(sites["site_id"]))
    if extra:
        sites = pd.concat([sites, travel.resolve_sites(extra)], ignore_index=True)
    tm = travel.cost_model(model).matrix(origins, sites)
    return TravelContext(origins, sites, tm, model)


def split_towns() -> tuple[str, ...]:
    """Tätorter split into one origin per vårdcentral for BMM access (at least
    ``WITHIN_TOWN_MIN_VARDCENTRALER`` vårdcentraler in the town)."""
    vc = geography().vardcentraler
    sizes = vc.groupby("town").size()
    return tuple(sorted(str(t) for t, n in sizes.items() if n >= WITHIN_TOWN_MIN_VARDCENTRALER))


def _split_origins(origins: pd.DataFrame) -> pd.DataFrame:
    """Origins with each split town's tätort point replaced by one point per vårdcentral of the town, each
    with an equal share of the town's population, women and births; the points still join the road graph at
    the town (column ``node``), so trips to other towns are unchanged."""
    from analysis.common import geodata

    sites = geodata.sites().set_index("site_id")
    weights = [c for c in ("population", "women_15_44", "births", "weight") if c in origins.columns]
    parts = []
    towns = set(split_towns())
    for _, r in origins.iterrows():
        town = str(r["node"]) if r.get("kind") == "tatort" and isinstance(r.get("node"), str) else ""
        if town not in towns:
            parts.append(r.to_dict())
            continue
        vcs = town_vardcentraler(town)
        for vc_id in vcs:
            row = r.to_dict()
            row["origin_id"] = f"{r['origin_id']} @ {vc_id}"
            row["x"], row["y"] = float(sites.loc[vc_id, "sweref99tm_x"]), float(sites.loc[vc_id, "sweref99tm_y"])
            for c in weights:
                row[c] = float(r[c]) / len(vcs)
            parts.append(row)
    out = pd.DataFrame(parts, columns=origins.columns).reset_index(drop=True)
    out.attrs.update(origins.attrs)
    return out


@lru_cache(maxsize=4)
def bmm_travel_context(model: str = "graph", config: Config | None = None) -> TravelContext:
    """BMM access: the cost model between towns plus a straight-line leg inside a split town.

    The road graph anchors every trip on a tätort point, so it cannot tell two units inside one town apart.
    Here the women of each split town (:func:`split_towns`) sit at the town's vårdcentraler in equal shares,
    and a trip from such a point to a site in the same town is the straight-line model (straight line ×
    circuity over the speed profile plus urban access at both ends; at zero distance this equals the graph's
    same-town trip). Trips to other towns use ``model`` from the town as before. Today and every option use
    this same context, so their BMM figures are comparable.
    """
    from dataclasses import replace as dc_replace

    from analysis.chapters.travel import model as travel

    base = travel_context(model, config)
    origins = _split_origins(base.origins)
    sites = base.sites
    vc_ids = [s for s in geography().vardcentraler["site_id"] if s not in set(sites["site_id"])]
    if vc_ids:
        sites = pd.concat([sites, travel.resolve_sites(vc_ids)], ignore_index=True)
    tm = travel.cost_model(model).matrix(origins, sites)
    line = travel.cost_model("line").matrix(origins, sites)
    towns = set(split_towns())
    o_town = np.array(
        [str(n) if k == "tatort" and str(n) in towns else "" for n, k in zip(origins["node"], origins["kind"], strict=True)]
    )
    s_town = sites["town"].astype(str).to_numpy() if "town" in sites.columns else np.full(len(sites), "")
    inside = (o_town[:, None] != "") & (o_town[:, None] == s_town[None, :])
    tm = dc_replace(
        tm,
        minutes=np.where(inside, line.minutes, tm.minutes),
        km=np.where(inside, line.km, tm.km),
        source=np.where(inside, "line (within town)", tm.source),
        model=f"{tm.model} + straight line within {', '.join(sorted(towns))}",
        note=tm.note + "; straight line × circuity inside towns split at their vårdcentraler",
    )
    return TravelContext(origins, sites, tm, model)


@dataclass(frozen=True)
class AccessResult:
    """Access figures of one option case: county summary, per municipality and per task."""

    summary: dict[str, Any]
    by_municipality: pd.DataFrame
    tasks: pd.DataFrame


def _today_bmm_sites(cfg: Config, values: Mapping[str, float]) -> list[str]:
    return sorted({site for site, _, _, _ in today_bmm_allocation(int(values[cfg.today_units_count]))})


def access(
    option: str, scenario: OptionScenario | str = "base", config: Config | None = None, model: str = "graph"
) -> AccessResult:
    """Minutes to BMM service points and närsjukvård tasks, travel hours/km of the moved tasks.

    Today: BMM at today's units (the report's 26, placed on the vårdcentraler by
    :func:`today_bmm_allocation`), närsjukvård-level tasks at Kvinnokliniken (Västerås).
    The moved share of each task's visits goes to the nearest närsjukvård site of the option.
    Digital care is no option's task: ``digital_hours_saved`` is its option-independent effect
    (each digital visit replaces a journey to today's BMM). ``bmm_mean_minutes_all_vc`` is the
    travel chapter's BMM baseline (all vårdcentraler), for reference. A municipality gains (loses) when its
    net travel time per birth and year, moved tasks plus BMM visits, falls (rises) by more than
    the tolerance in options.yml. Minutes are women-weighted means; hours use municipal births.
    """
    cfg = config or load_config()
    sc = scenario if isinstance(scenario, OptionScenario) else make_scenario(option, scenario, config=cfg)
    v = sc.values
    opt = cfg.options[option]
    case = opt.case(sc.case)
    ctx = travel_context(model, cfg)
    bctx = bmm_travel_context(model, cfg)
    units = _units(opt, case, v, cfg)
    today_bmm = _today_bmm_sites(cfg, v)
    option_bmm = sorted(set(units["site_id"]))
    nsv_today = list(cfg.today_narsjukvard_sites)
    nsv_option = list(_narsjukvard_tokens(case))
    bmm0, bmm1 = bctx.by_municipality(today_bmm), bctx.by_municipality(option_bmm)
    nsv0, nsv1 = ctx.by_municipality(nsv_today), ctx.by_municipality(nsv_option)
    # tasks that are BMM tasks today are compared within the BMM model (same origins on both sides)
    # and go to the option's staffed units in the närsjukvård towns (the hub units, at their own sites)
    nsv_towns = set(_narsjukvard_town_by_municipality(case, units, cfg).values())
    nsv_units = sorted(set(units.loc[(units["role"] != "branch") & units["town"].isin(nsv_towns), "site_id"]))
    bnsv1 = bctx.by_municipality(nsv_units or nsv_option)
    munis = bmm0.index != HOME_REGION  # the county row is recomputed from the municipalities

    def arr(frame: pd.DataFrame, col: str) -> np.ndarray:
        return frame[col].to_numpy(float)[munis]

    births = arr(bmm0, "births")
    trips = v["round_trip_factor"]
    share = v[opt.share_key]
    nullip = nulliparous_share(v)
    task_rows = []
    hours_change = np.zeros(len(births))
    for key in case_tasks(opt, case):
        t = cfg.tasks[key]
        per_birth = task_visits_per_birth(t, v, nullip) * share * trips
        before, after = (nsv0, nsv1) if t.level_today == "kvinnokliniken" else (bmm0, bnsv1)
        h0, k0 = arr(before, "hours_per_visit_birth") * per_birth, arr(before, "km_per_visit_birth") * per_birth
        if t.delivered == "digital":
            h1, k1 = np.zeros_like(h0), np.zeros_like(k0)
        else:
            h1, k1 = arr(after, "hours_per_visit_birth") * per_birth, arr(after, "km_per_visit_birth") * per_birth
        hours_change += h1 - h0
        task_rows.append(
            (key, t.name_sv, t.level_today, t.delivered, float(births.sum() * per_birth / trips),
             float(h0.sum()), float(h1.sum()), float(k0.sum()), float(k1.sum()))
        )  # fmt: skip
    tasks = pd.DataFrame(
        task_rows,
        columns=["task", "name_sv", "level_today", "delivered", "visits_moved", "travel_hours_before",
                 "travel_hours_after", "car_km_before", "car_km_after"],
    )  # fmt: skip
    tasks["travel_hours_saved"] = tasks["travel_hours_before"] - tasks["travel_hours_after"]
    tasks["car_km_saved"] = tasks["car_km_before"] - tasks["car_km_after"]
    bmm_hours_change = (arr(bmm1, "hours_per_visit_birth") - arr(bmm0, "hours_per_visit_birth")) * (
        v["bmm_visits_per_birth"] * trips
    )
    net = (hours_change + bmm_hours_change) * 60.0 / births
    tol = v["gain_loss_threshold_minutes"]
    by = pd.DataFrame(
        {
            "municipality_code": bmm0.index[munis],
            "municipality": bmm0["municipality"].to_numpy()[munis],
            "births": births,
            "bmm_minutes_today": arr(bmm0, "mean_minutes"),
            "bmm_minutes_option": arr(bmm1, "mean_minutes"),
            "nsv_minutes_today": arr(nsv0, "mean_minutes"),
            "nsv_minutes_option": arr(nsv1, "mean_minutes"),
            "moved_tasks_hours_change": hours_change,
            "bmm_hours_change": bmm_hours_change,
            "net_minutes_per_birth": net,
            "status": np.select([net <= -tol, net >= tol], ["gains", "loses"], "unchanged"),
        }
    ).set_index("municipality_code")
    county = {
        "municipality": "Västmanlands län",
        "births": float(births.sum()),
        "bmm_minutes_today": float(bmm0.loc[HOME_REGION, "mean_minutes"]),
        "bmm_minutes_option": float(bmm1.loc[HOME_REGION, "mean_minutes"]),
        "nsv_minutes_today": float(nsv0.loc[HOME_REGION, "mean_minutes"]),
        "nsv_minutes_option": float(nsv1.loc[HOME_REGION, "mean_minutes"]),
        "moved_tasks_hours_change": float(hours_change.sum()),
        "bmm_hours_change": float(bmm_hours_change.sum()),
        "net_minutes_per_birth": float((hours_change.sum() + bmm_hours_change.sum()) * 60.0 / births.sum()),
        "status": "",
    }
    munis = by
    # Digital care (report 5.4.3) is not part of any option: its effect is the same for all and shown apart.
    digital = cfg.tasks.get("digital_care")
    digital_visits = task_visits_per_birth(digital, v, nullip) if digital is not None else 0.0
    digital_hours = float(bmm0.drop(index=HOME_REGION)["hours_per_visit_birth"].sum() * digital_visits * trips)
    digital_km = float(bmm0.drop(index=HOME_REGION)["km_per_visit_birth"].sum() * digital_visits * trips)
    all_vc = ctx.by_municipality(list(geography().vardcentraler["site_id"]))
    kk = tasks["level_today"] == "kvinnokliniken"
    worst_bmm = munis["bmm_minutes_option"].idxmax()
    worst_nsv = munis["nsv_minutes_option"].idxmax()
    summary = {
        "bmm_sites_today": today_bmm,
        "bmm_sites": option_bmm,
        "narsjukvard_sites_today": nsv_today,
        "narsjukvard_sites": nsv_option,
        "bmm_mean_minutes_today": county["bmm_minutes_today"],
        "bmm_mean_minutes": county["bmm_minutes_option"],
        "nsv_mean_minutes_today": county["nsv_minutes_today"],
        "nsv_mean_minutes": county["nsv_minutes_option"],
        "bmm_worst_municipality": str(munis.loc[worst_bmm, "municipality"]),
        "bmm_worst_municipality_minutes": float(munis.loc[worst_bmm, "bmm_minutes_option"]),
        "nsv_worst_municipality": str(munis.loc[worst_nsv, "municipality"]),
        "nsv_worst_municipality_minutes": float(munis.loc[worst_nsv, "nsv_minutes_option"]),
        "travel_hours_before": float(tasks["travel_hours_before"].sum()),
        "travel_hours_after": float(tasks["travel_hours_after"].sum()),
        "travel_hours_saved": float(tasks["travel_hours_saved"].sum()),
        "car_km_saved": float(tasks["car_km_saved"].sum()),
        "travel_hours_saved_kk_tasks": float(tasks.loc[kk, "travel_hours_saved"].sum()),
        "travel_hours_saved_bmm_tasks": float(tasks.loc[~kk, "travel_hours_saved"].sum()),
        "car_km_saved_kk_tasks": float(tasks.loc[kk, "car_km_saved"].sum()),
        "car_km_saved_bmm_tasks": float(tasks.loc[~kk, "car_km_saved"].sum()),
        "digital_visits_per_birth": digital_visits,
        "digital_hours_saved": digital_hours,
        "digital_km_saved": digital_km,
        "bmm_units_today": len(today_bmm),
        "vardcentraler": len(geography().vardcentraler),
        "bmm_mean_minutes_all_vc": float(all_vc.loc[HOME_REGION, "mean_minutes"]),
        "bmm_travel_hours_change": county["bmm_hours_change"],
        "municipalities_gaining": int((munis["status"] == "gains").sum()),
        "municipalities_losing": int((munis["status"] == "loses").sum()),
        "gaining": munis.loc[munis["status"] == "gains", "municipality"].tolist(),
        "losing": munis.loc[munis["status"] == "loses", "municipality"].tolist(),
        "model": bctx.tm.model,
        "nsv_model": ctx.tm.model,
        "modelled": True,
    }
    table = pd.concat([by.reset_index(), pd.DataFrame([{"municipality_code": HOME_REGION, **county}])], ignore_index=True)
    return AccessResult(summary, table, tasks)


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
    """
    outcomes = data.get("outcomes", {}) if isinstance(data, Mapping) else {}
    rows = []
    for outcome, entry in outcomes.items():
        cell = (entry.get("regions") or {}).get(region) if isinstance(entry, dict) else None
        if not isinstance(cell, dict) or cell.get("observed") is None or cell.get("expected") is None:
            continue
        rows.append(
            {"outcome": str(outcome), "label_sv": entry.get("label_sv", str(outcome)),
             **{k: cell.get(k) for k in ("n", "observed", "expected", "oe", "oe_low", "oe_high", "practice_part")},
             "excess": float(cell["observed"]) - float(cell["expected"]),
             "significant": cell.get("oe_low") is not None and float(cell["oe_low"]) > 1.0}
        )  # fmt: skip
    if not rows:
        return {"available": False, "status": NOT_AVAILABLE, "reason": f"nullipara.json has no outcome for region {region}"}
    verdicts = data.get("verdicts", {}) if isinstance(data, Mapping) else {}
    for row in rows:  # the chapter's own verdict (both intervals agree) wins over the simple O/E test
        verdict = verdicts.get(row["outcome"])
        if isinstance(verdict, Mapping):
            row["significant"] = verdict.get("direction") == 1
            row["verdict_sv"] = verdict.get("summary_sv")
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
    units = _units(opt, opt.case(scenario), cfg.values(), cfg)
    towns = _narsjukvard_town_by_municipality(opt.case(scenario), units, cfg)
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


SYNTHETIC_SV = " (syntetiska data)"


def evidence_tables(
    option: str, results_dir: Path | None = None, config: Config | None = None
) -> list[tuple[str, pd.DataFrame, str]]:
    """Display tables of :func:`evidence_links` for the page: (kind, table, caption), the risk table per case.

    Captions say "(syntetiska data)" when the chapter's results come from a synthetic cohort. The births are
    the municipal estimates of children born (summed; not deliveries); the share with a risk factor is the
    cohort's (the published share without risk factors is given in the caption as context).
    """
    from analysis.common import published
    from analysis.common.formatting import sv_number, sv_pct

    cfg = config or load_config()
    opt = cfg.options[option]
    out: list[tuple[str, pd.DataFrame, str]] = []
    from analysis.common import geodata

    no_risk = published.value("no_risk_factors_at_pregnancy_start_pct", HOME_REGION)
    county = geodata.county()
    for c in opt.cases:
        links = evidence_links(option, results_dir, c.key, cfg)
        risk = links.get("riskmix", {})
        if risk.get("available") is False:
            continue
        rows = [{"Närsjukvårdsort": r["narsjukvard_town"], "Kommuner": ", ".join(r.get("municipalities", [])),
                 "Födda per år (skattning)": sv_number(r.get("births_per_year")),
                 "Med minst en riskfaktor per år (kohortens andel × födda)": sv_number(r.get("women_with_risk_factor_per_year")),
                 "Andel med minst en riskfaktor i kohorten": sv_pct(r["pct_with_risk_factor"], 0) if r.get("pct_with_risk_factor") is not None else "–"}
                for r in risk.get("by_narsjukvard_town", [])]  # fmt: skip
        if not rows:
            continue
        syn = SYNTHETIC_SV if risk.get("synthetic") else ""
        case_sv = f" – {c.label_sv.split(':')[0].lower()}" if len(opt.cases) > 1 else ""
        source = "den syntetiska kohortens andel" if risk.get("synthetic") else "kapitlets andel"
        cap = (
            f"Kvinnor med riskfaktorer som varje närsjukvårdsort skulle betjäna{case_sv}{syn}: kommunernas skattade antal "
            f"födda per år × {source} med minst en riskfaktor (kapitlet om riskfaktorer). Som jämförelse anger "
            f"Graviditetsregistret att {sv_pct(no_risk, 0)} av de gravida i länet saknade riskfaktorer vid graviditetens "
            f"början (publicerat, regionens rapport avsnitt 5.1.2). Kommunernas skattningar summeras till "
            f"{sv_number(sum(float(r.get('births_per_year') or 0) for r in risk.get('by_narsjukvard_town', [])))} födda per år; "
            f"länets publicerade antal är {sv_number(county['births_per_year'])} ({county['births_year']})."
        )
        out.append(("riskmix", pd.DataFrame(rows), cap))
    nulli = evidence_links(option, results_dir, config=cfg).get("nullipara", {})
    if nulli.get("available") is not False:
        table = pd.DataFrame([{"Utfall (förstföderskor)": r["label_sv"], "Observerat": sv_number(r["observed"]),
                               "Förväntat": sv_number(r["expected"], 1), "O/E": sv_number(r["oe"], 2),
                               "Praxisdel, procentenheter": sv_number(r.get("practice_part"), 1),
                               "Bedömning i kapitlet": r.get("verdict_sv") or "–"} for r in nulli["ranked"]])  # fmt: skip
        syn = SYNTHETIC_SV if nulli.get("synthetic") else ""
        out.append(
            (
                "nullipara",
                table,
                f"Förstföderskor{syn}: utfall rangordnade efter fallmixjusterat överskott, observerat "
                "minus förväntat (kapitlet om förstföderskor). Kolumnen Bedömning är kapitlets egen slutsats.",
            )
        )
    return out


def evidence_synthetic(option: str = "A", results_dir: Path | None = None) -> bool:
    """True when either linked chapter's results come from a synthetic cohort."""
    links = evidence_links(option, results_dir)
    return any(bool(v.get("synthetic")) for v in links.values() if isinstance(v, Mapping))


# --------------------------------------------------------------------------- headline figures


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


def _unit_phrase(row: pd.Series) -> str:
    """'BMM i Skinnskatteberg', 'filialen i Norberg (från Fagersta)': a unit named in running Swedish."""
    role = str(row["role"])
    label = str(row.get("label_sv", ""))
    number = label.rsplit(" ", 1)[-1] if label and label.rsplit(" ", 1)[-1].isdigit() and role != "branch" else ""
    word = {"bmm": "BMM", "hub": "huvudmottagningen", "branch": "filialen", "last_resort": "sistahandsmottagningen"}[role]
    text = f"{word}{' ' + number if number else ''} i {row['town']}"
    if role == "branch":
        text += f" (bemannad från {str(row['team']).rsplit(' ', 1)[0] if str(row['team'])[-1:].isdigit() else row['team']})"
    return text


def days_per_1000_births(vul: pd.DataFrame, units: pd.DataFrame) -> float:
    """Births-weighted days without a midwife: Σ (unit's or branch's expected days without a midwife × the
    births it serves) per 1 000 births served, i.e. the days a year the woman's own unit lacks a midwife,
    summed over 1 000 women. Comparable between many small units and a few hubs with branches."""
    births = dict(zip(units["unit_id"].astype(str), units["births_local"].astype(float), strict=True))
    b = np.array([births[str(u)] for u in vul["unit_id"]])
    total = float(b.sum())
    return float(1000.0 * (vul["days_no_midwife"].to_numpy(float) * b).sum() / total) if total else math.nan


def _figures(cfg: Config, sc: OptionScenario, model: str) -> dict[str, Any]:
    opt = cfg.options[sc.option]
    case = opt.case(sc.case)
    v = sc.values
    units = _units(opt, case, v, cfg)
    vul = _vulnerability(cfg, opt, case, v)
    acc = access(sc.option, sc, cfg, model).summary
    cap = capacity(sc.option, sc, cfg)
    staffed = units[units["midwives"].notna()]
    vul_staffed = vul[vul["midwives"].notna()]
    vc = vardcentral_bmm(case, units, int(v[cfg.today_units_count]))
    hub_counts = {t: int((staffed["town"] == t).sum()) for t, _ in case.hubs}
    return {
        "bmm_mean_minutes": acc["bmm_mean_minutes"],
        "bmm_mean_minutes_today": acc["bmm_mean_minutes_today"],
        "bmm_mean_minutes_all_vc": acc["bmm_mean_minutes_all_vc"],
        "bmm_units_today": acc["bmm_units_today"],
        "vardcentraler": acc["vardcentraler"],
        "bmm_worst_municipality": acc["bmm_worst_municipality"],
        "bmm_worst_municipality_minutes": acc["bmm_worst_municipality_minutes"],
        "nsv_mean_minutes": acc["nsv_mean_minutes"],
        "nsv_mean_minutes_today": acc["nsv_mean_minutes_today"],
        "nsv_worst_municipality": acc["nsv_worst_municipality"],
        "nsv_worst_municipality_minutes": acc["nsv_worst_municipality_minutes"],
        "travel_hours_saved": acc["travel_hours_saved"],
        "car_km_saved": acc["car_km_saved"],
        "travel_hours_saved_kk_tasks": acc["travel_hours_saved_kk_tasks"],
        "travel_hours_saved_bmm_tasks": acc["travel_hours_saved_bmm_tasks"],
        "car_km_saved_kk_tasks": acc["car_km_saved_kk_tasks"],
        "car_km_saved_bmm_tasks": acc["car_km_saved_bmm_tasks"],
        "digital_hours_saved": acc["digital_hours_saved"],
        "digital_km_saved": acc["digital_km_saved"],
        "digital_visits_per_birth": acc["digital_visits_per_birth"],
        "bmm_travel_hours_change": acc["bmm_travel_hours_change"],
        "municipalities_gaining": acc["municipalities_gaining"],
        "municipalities_losing": acc["municipalities_losing"],
        "gaining": acc["gaining"],
        "losing": acc["losing"],
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
        "worst_unit": _unit_phrase(vul.loc[vul["days_no_midwife"].idxmax()]),
        "days_below_minimum": float(vul_staffed["days_below_min"].sum()),
        "vardcentraler_bmm_keep_min": vc["keep_min"],
        "vardcentraler_bmm_keep_max": vc["keep_max"],
        "vardcentraler_bmm_lose_min": vc["lose_min"],
        "vardcentraler_bmm_lose_max": vc["lose_max"],
        "tasks_moved": len(case_tasks(opt, case)),
        "visits_moved_from_kk": cap["visits_moved_from_kk"],
        "visits_moved_from_bmm": cap["visits_moved_from_bmm"],
        "bed_days_today": cap["bed_days_today"],
        "beds_today": cap["beds_today"],
        "share_24h_option": cap["share_24h_option"],
        "bed_days_freed": cap["bed_days_freed"],
        "beds_freed": cap["beds_freed"],
    }


@lru_cache(maxsize=4096)
def _figures_cached(cfg: Config, option: str, case: str, overrides: tuple[tuple[str, float], ...], model: str) -> dict[str, Any]:
    return _figures(cfg, make_scenario(option, case, dict(overrides), cfg), model)


def option_figures(
    option: str,
    scenario: OptionScenario | str = "base",
    overrides: Mapping[str, float] | None = None,
    config: Config | None = None,
    model: str = "graph",
) -> dict[str, Any]:
    """Headline figures of one option case (keys = metrics in options.yml plus context)."""
    cfg = config or load_config()
    if isinstance(scenario, OptionScenario):
        option, case, over = scenario.option, scenario.case, dict(scenario.overrides)
        over.update(overrides or {})
    else:
        case, over = cfg.options[option].case(scenario).key, dict(overrides or {})
    return dict(_figures_cached(cfg, option, case, tuple(sorted(over.items())), model))


def tornado(option: str, metric: str, scenario: str = "base", config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """One row per assumption: the metric with that assumption at its low and at its high value.

    Columns: assumption, label_sv, unit, low, base, high (assumption values), result_low,
    result_base, result_high, swing (|high − low| of the result); sorted by swing, largest first.
    """
    cfg = config or load_config()
    base = option_figures(option, scenario, config=cfg, model=model)
    if metric not in base or not isinstance(base[metric], (int, float)):
        raise KeyError(f"unknown numeric metric {metric!r}")
    rows = []
    for a in cfg.assumptions.values():
        lo = option_figures(option, scenario, {a.key: a.low}, cfg, model)[metric] if a.low != a.base else base[metric]
        hi = option_figures(option, scenario, {a.key: a.high}, cfg, model)[metric] if a.high != a.base else base[metric]
        rows.append(
            {"assumption": a.key, "label_sv": a.label_sv, "unit": a.unit, "low": a.low, "base": a.base, "high": a.high,
             "result_low": float(lo), "result_base": float(base[metric]), "result_high": float(hi),
             "swing": abs(float(hi) - float(lo))}
        )  # fmt: skip
    return pd.DataFrame(rows).sort_values(["swing", "assumption"], ascending=[False, True]).reset_index(drop=True)


def option_cases(config: Config | None = None) -> list[tuple[str, str]]:
    """(option, case) pairs in file order: the rows of the scorecard."""
    cfg = config or load_config()
    return [(o.key, c.key) for o in cfg.options.values() for c in o.cases]


def _envelope(cfg: Config, option: str, case: str, metric: str, model: str) -> tuple[float, float, float]:
    t = tornado(option, metric, case, cfg, model)
    base = float(t["result_base"].iloc[0])
    return (
        float(min(base, t["result_low"].min(), t["result_high"].min())),
        base,
        float(max(base, t["result_low"].max(), t["result_high"].max())),
    )


def scenario_values(option: str, case: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Every ranked metric in the base scenario and with one assumption at a time at its low or high
    value: index ``base``, ``<key>:low``, ``<key>:high``; columns the metrics of options.yml."""
    cfg = config or load_config()
    rows = {"base": option_figures(option, case, config=cfg, model=model)}
    for a in cfg.assumptions.values():
        for level in ("low", "high"):
            value = a.value(level)
            rows[f"{a.key}:{level}"] = (
                rows["base"] if value == a.base else option_figures(option, case, {a.key: value}, cfg, model)
            )
    return pd.DataFrame({k: {m: float(f[m]) for m in cfg.metrics} for k, f in rows.items()}).T


def tie_tolerance(values: Sequence[float]) -> float:
    """Two values closer than this are a tie: ``BEST_TOLERANCE`` of the metric's scale (largest |value|)."""
    scale = max((abs(float(x)) for x in values), default=0.0)
    return max(BEST_TOLERANCE * scale, 1e-9)


def metric_resolution(metric: Metric, config: Config | None = None) -> float:
    """The smallest difference the model resolves for ``metric`` in its own unit (0 = none stated)."""
    if metric.resolution_per != "bmm_trip":
        return metric.resolution
    cfg = config or load_config()
    v = cfg.values()
    births = float(geography().municipalities["births"].sum())
    return metric.resolution * v["bmm_visits_per_birth"] * v["round_trip_factor"] * births / 60.0


def _better(direction: str) -> int:
    return -1 if direction == "lower_is_better" else 1


def scorecard(options: Sequence[str] | None = None, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Options (and cases) × metrics: low, base, high and which rows are best, worst and clearly best.

    Long format: option, case, row (label), metric, label_sv, unit, direction, low, base, high,
    best, worst, clear_best, all_equal. low/high are the smallest and largest values over
    one-at-a-time changes of every assumption. Ties: base values within :func:`tie_tolerance`
    (1 % of the metric's scale) of the best (worst) are all best (worst); when every row ties,
    ``all_equal`` is set and no row is best or worst. ``clear_best``: the best rows stay better than
    every other row by more than the tolerance in every one-at-a-time scenario, i.e. the difference
    does not vanish within the assumptions' ranges (a paired comparison: the same assumption is
    changed for all rows at once). Metrics with direction none are never marked. No total score.
    """
    cfg = config or load_config()
    keep = list(options) if options is not None else list(cfg.options)
    rows = []
    scenarios: dict[str, pd.DataFrame] = {}
    for option, case in option_cases(cfg):
        if option not in keep:
            continue
        opt = cfg.options[option]
        label = option if len(opt.cases) == 1 else f"{option} – {opt.case(case).label_sv.split(':')[0].lower()}"
        sv = scenario_values(option, case, cfg, model)
        scenarios[label] = sv
        for m in cfg.metrics.values():
            col = sv[m.key]
            rows.append(
                {"option": option, "case": case, "row": label, "metric": m.key, "label_sv": m.label_sv, "unit": m.unit,
                 "direction": m.direction, "low": float(col.min()), "base": float(col["base"]), "high": float(col.max())}
            )  # fmt: skip
    out = pd.DataFrame(rows)
    for flag in ("best", "worst", "clear_best", "all_equal"):
        out[flag] = False
    out["tolerance"] = np.nan
    for key, grp in out.groupby("metric", sort=False):
        direction = cfg.metrics[str(key)].direction
        if direction == "none" or len(grp) < 2:
            continue
        sign = _better(direction)
        tol = max(tie_tolerance(grp["base"]), metric_resolution(cfg.metrics[str(key)], cfg))
        out.loc[grp.index, "tolerance"] = tol
        best_value, worst_value = (grp["base"] * sign).max(), (grp["base"] * sign).min()
        if best_value - worst_value <= tol:
            out.loc[grp.index, "all_equal"] = True
            continue
        best = (best_value - grp["base"] * sign) <= tol
        worst = ((grp["base"] * sign - worst_value) <= tol) & ~best
        out.loc[grp.index, "best"] = best.to_numpy()
        out.loc[grp.index, "worst"] = worst.to_numpy()
        winners, others = grp.loc[best, "row"].tolist(), grp.loc[~best, "row"].tolist()
        clear = all((scenarios[w][str(key)] * sign - scenarios[o][str(key)] * sign > tol).all() for w in winners for o in others)
        out.loc[grp.index[best.to_numpy()], "clear_best"] = clear
    return out


def _fmt(x: float) -> str:
    """Swedish number with precision by magnitude (decimal comma, space between thousands)."""
    from analysis.common.formatting import sv_number

    if not np.isfinite(x):
        return "–"
    if abs(x) >= 10 or float(x).is_integer():
        return sv_number(x, 0 if abs(x) >= 100 or float(round(x)) == round(x, 1) else 1)
    return sv_number(x, 2 if abs(x) < 1 else 1)


CLEAR_MARK = "★"
UNCLEAR_MARK = "☆"


def scorecard_table(card: pd.DataFrame) -> pd.DataFrame:
    """Display table: one row per metric, one column per option case; 'base (low–high)'.

    ★ marks the best value when the difference holds in every one-at-a-time scenario; ☆ marks the
    best base value when it does not (no clear difference). A range collapses to the base value when
    no assumption moves it; a metric equal for all rows says so in the column 'Jämförelse'.
    """

    def cell(r: pd.Series) -> str:
        text = _fmt(r["base"])
        if _fmt(r["low"]) != _fmt(r["high"]):
            text += f" ({_fmt(r['low'])}–{_fmt(r['high'])})"
        if r["best"]:
            text += " " + (CLEAR_MARK if r["clear_best"] else UNCLEAR_MARK)
        return text

    wide = card.assign(text=card.apply(cell, axis=1)).pivot(index="label_sv", columns="row", values="text")
    rows = list(dict.fromkeys(card["label_sv"]))
    cols = list(dict.fromkeys(card["row"]))
    out = wide.loc[rows, cols].reset_index().rename(columns={"label_sv": "Mått"})
    out.columns.name = None
    verdict = {}
    for label, grp in card.groupby("label_sv", sort=False):
        if (grp["direction"] == "none").all():
            verdict[label] = "sammanhang, rangordnas inte"
        elif grp["all_equal"].any():
            verdict[label] = "lika för alla"
        elif grp["clear_best"].any():
            verdict[label] = (
                "lägre" if grp["direction"].iloc[0] == "lower_is_better" else "högre"
            ) + " är bättre; tydlig skillnad"
        else:
            verdict[label] = (
                "lägre" if grp["direction"].iloc[0] == "lower_is_better" else "högre"
            ) + " är bättre; ingen tydlig skillnad"
    out["Jämförelse"] = [verdict[m] for m in out["Mått"]]
    return out


def tradeoffs(card: pd.DataFrame) -> list[str]:
    """Short Swedish sentences naming the best and worst rows per ranked metric (for the summary).

    Ties (within :func:`tie_tolerance` of the best or the worst base value) are all named; a metric
    equal for every row says 'lika för alla'; a best value whose lead vanishes within the
    assumptions' ranges (``clear_best`` False) is called 'ingen tydlig skillnad'.
    """
    lines = []
    for _, grp in card[card["direction"] != "none"].groupby("metric", sort=False):
        label = grp["label_sv"].iloc[0]
        sign = _better(str(grp["direction"].iloc[0]))
        values = grp["base"].astype(float) * sign
        tol = tie_tolerance(grp["base"])
        if "tolerance" in grp and grp["tolerance"].notna().any():
            tol = max(tol, float(grp["tolerance"].max()))
        if values.max() - values.min() <= tol:
            lines.append(f"{label}: lika för alla alternativ.")
            continue
        best = grp.loc[values.max() - values <= tol, "row"].tolist()
        worst = grp.loc[(values - values.min() <= tol) & (values.max() - values > tol), "row"].tolist()
        clear = bool(grp.loc[values.max() - values <= tol, "clear_best"].all()) if "clear_best" in grp else True
        if clear:
            lines.append(f"{label}: bäst {', '.join(best)}; sämst {', '.join(worst)}.")
        else:
            lines.append(
                f"{label}: bäst i basfallet {', '.join(best)}, men ingen tydlig skillnad (försprånget försvinner inom "
                f"antagandenas intervall); sämst i basfallet {', '.join(worst)}."
            )
    return lines


# --------------------------------------------------------------------------- results files


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()}
        for r in frame.to_dict("records")
    ]


def option_results(
    option: str, config: Config | None = None, model: str = "graph", results_dir: Path | None = None
) -> dict[str, Any]:
    """Key figures for ``_build/results/option_<x>.json`` (plain JSON types, deterministic)."""
    from analysis.common.results import plain as _plain

    cfg = config or load_config()
    opt = cfg.options[option]
    cases: dict[str, Any] = {}
    for c in opt.cases:
        figures = option_figures(option, c.key, config=cfg, model=model)
        ranges = {m: list(_envelope(cfg, option, c.key, m, model)) for m in cfg.metrics}
        sc = make_scenario(option, c.key, config=cfg)
        units = units_for_option(option, sc.values, c.key, cfg)
        acc = access(option, sc, cfg, model)
        cases[c.key] = {
            "label_sv": c.label_sv,
            "description_sv": c.description_sv,
            "figures": figures,
            "ranges": ranges,
            "units": _records(units),
            "vulnerability": _records(option_vulnerability(option, sc, cfg)),
            "municipalities": _records(acc.by_municipality),
            "tasks": _records(acc.tasks),
        }
    return _plain(
        {
            "option": option,
            "name_sv": opt.name_sv,
            "organisation_sv": opt.organisation_sv,
            "providers_sv": opt.providers_sv,
            "staffing": {"min": opt.staffing_min, "max": None if math.isinf(opt.staffing_max) else opt.staffing_max},
            "matrix_sv": {cfg.matrix_rows_sv[k]: opt.matrix_sv[k] for k in cfg.matrix_rows_sv},
            "main_case": opt.cases[0].key,
            "cases": cases,
            "evidence": evidence_links(option, results_dir, config=cfg),
            "modelled": True,
        }
    )


def comparison_results(config: Config | None = None, model: str = "graph") -> dict[str, Any]:
    """Key figures for ``comparison.json``: the scorecard and the best row per ranked metric."""
    from analysis.common.results import plain as _plain

    cfg = config or load_config()
    card = scorecard(config=cfg, model=model)
    best = {m: card.loc[(card["metric"] == m) & card["best"], "row"].tolist() for m in cfg.metrics}
    clear = {m: card.loc[(card["metric"] == m) & card["clear_best"], "row"].tolist() for m in cfg.metrics}
    return _plain({"scorecard": _records(card), "best": best, "clear_best": clear, "tradeoffs_sv": tradeoffs(card),
                   "modelled": True})  # fmt: skip


# --------------------------------------------------------------------------- page texts (Swedish)


def _n(x: float, decimals: int = 0) -> str:
    from analysis.common.formatting import sv_number

    return sv_number(x, decimals)


def _p(x: float, decimals: int = 0) -> str:
    from analysis.common.formatting import sv_pct

    return sv_pct(100.0 * x, decimals)


def _change_sv(value: float, unit: str, decimals: int = 0, tol: float = 0.5) -> str:
    """'ökar med 547 timmar' / 'minskar med …' / 'är i stort sett oförändrade' by the sign of ``value``."""
    if abs(value) < tol:
        return "är i stort sett oförändrade"
    return f"{'ökar' if value > 0 else 'minskar'} med {_n(abs(value), decimals)} {unit}"


def _source_sv(a: Assumption) -> str:
    """A Swedish source phrase for an assumption: 'uppskattning' or the cited source."""
    return "uppskattning" if a.source.strip().lower().startswith("estimate") else a.source


def case_prefix(option: Option, case: Case) -> str:
    """'' for a single-case option, else 'I bästa fallet ' style openers."""
    if len(option.cases) == 1:
        return ""
    word = case.label_sv.split(":")[0].strip().lower()
    return f"I {word.replace(' fall', ' fallet')}: "


def _lead(prefix: str, text: str) -> str:
    """'I bästa fallet: genomsnittlig …': the sentence after a case prefix starts in lower case."""
    return prefix + text[:1].lower() + text[1:] if prefix and text else text


def page_texts(option: str, config: Config | None = None, model: str = "graph") -> dict[str, str]:
    """Every computed sentence of the option page, keyed for glue (numbers formatted the Swedish way).

    Sentences with a sign or a possible 'no change' are worded by the value (ökar/minskar, förblir),
    and an option with several cases (D) gets one sentence per case, each naming its case.
    """
    cfg = config or load_config()
    opt = cfg.options[option]
    a = cfg.assumptions
    v = cfg.values()
    out: dict[str, str] = {}
    figs = {c.key: option_figures(option, c.key, config=cfg, model=model) for c in opt.cases}
    main = figs[opt.cases[0].key]

    if len(opt.cases) == 1:
        c = opt.cases[0]
        out["cases_intro"] = f"Alternativet räknas i ett fall – {c.label_sv}: {c.description_sv}"
    else:
        parts = [f"{c.label_sv.split(':')[0]} – {c.description_sv}" for c in opt.cases]
        out["cases_intro"] = (
            "Rapporten beskriver fri etablering utan att säga var vårdgivarna etablerar sig, så alternativet räknas i "
            f"{_n(len(opt.cases))} fall som redovisas sida vid sida: " + " ".join(parts)
        )

    access_parts, vuln_parts, cap_parts, vc_parts = [], [], [], []
    for c in opt.cases:
        f = figs[c.key]
        pre = case_prefix(opt, c)
        text = (
            f"Genomsnittlig restid till barnmorskemottagningen blir {_n(f['bmm_mean_minutes'], 1)} minuter "
            f"(i dag {_n(f['bmm_mean_minutes_today'], 1)}). "
        )
        if f["tasks_moved"] == 0 or f["visits_moved_from_kk"] + f["visits_moved_from_bmm"] == 0:
            text += (
                f"Inga närsjukvårdsuppdrag flyttas: de ges som i dag på Kvinnokliniken i Västerås, med i genomsnitt "
                f"{_n(f['nsv_mean_minutes'], 1)} minuters restid och {_n(f['nsv_worst_municipality_minutes'], 1)} minuter "
                f"för kvinnor i {f['nsv_worst_municipality']}, och inga restimmar sparas. "
            )
        else:
            text += (
                f"Till närsjukvårdsuppdragen blir restiden {_n(f['nsv_mean_minutes'], 1)} minuter (i dag "
                f"{_n(f['nsv_mean_minutes_today'], 1)}); sämst betjänad kommun är {f['nsv_worst_municipality']} med "
                f"{_n(f['nsv_worst_municipality_minutes'], 1)} minuter. De flyttade uppdragen sparar netto omkring "
                f"{_n(f['travel_hours_saved'])} restimmar och {_n(f['car_km_saved'])} bilkilometer per år "
                f"(utan digitala besök, se tabellen). "
            )
        text += f"Resorna till BMM i basprogrammet {_change_sv(f['bmm_travel_hours_change'], 'timmar per år')}. "
        g, l_ = f["municipalities_gaining"], f["municipalities_losing"]
        if g == 0 and l_ == 0:
            text += "Ingen kommun vinner eller förlorar enligt definitionen nedan (se tabellen med minuter per födsel)."
        else:
            won = f"{_n(g)} kommuner vinner ({', '.join(f['gaining'])})" if g else "Ingen kommun vinner"
            lost = f"{_n(l_)} förlorar ({', '.join(f['losing'])})" if l_ else "ingen förlorar"
            text += f"{won} och {lost}."
        access_parts.append(_lead(pre, text))

        vt = (
            f"Alternativet ger {_n(f['units'])} bemannade enheter"
            + (f" och {_n(f['branches'])} filialer" if f["branches"] else "")
            + f" med sammanlagt {_n(f['midwives_total'])} barnmorskor. "
        )
        if f["last_resort_units"]:
            vt += (
                f"{_n(f['last_resort_units'])} av enheterna är regionens sistahandsmottagningar; "
                f"{_n(f['units_below_min'])} enheter har färre barnmorskor än alternativets krav på minst "
                f"{_n(opt.staffing_min)}, och {_n(f['single_midwife_units'])} har bara en barnmorska. "
            )
        if f["units_over_max"]:
            vt += f"{_n(f['units_over_max'])} enheter behöver fler barnmorskor än alternativets högsta tillåtna. "
        vt += f"Det ger {_n(f['days_without_midwife'], 1)} förväntade mottagningsdagar per år utan barnmorska"
        if f["branches"]:
            vt += f", varav {_n(f['days_without_midwife_branches'], 1)} på filialerna"
        vt += (
            f", eller {_n(f['days_without_midwife_per_1000_births'])} kvinnodagar utan barnmorska per 1 000 födslar "
            "(varje enhets dagar vägda med de födslar den betjänar)"
        )
        vt += f". Mest utsatt är {f['worst_unit']} med {_n(f['worst_unit_days_without_midwife'], 1)} dagar per år."
        vuln_parts.append(_lead(pre, vt))

        if f["visits_moved_from_kk"] > 0:
            ct = f"Omkring {_n(f['visits_moved_from_kk'])} besök per år flyttas från Kvinnokliniken. "
        else:
            ct = "Inga besök flyttas från Kvinnokliniken. "
        if f["bed_days_freed"] > 0.5:
            ct += (
                f"Andelen som går hem inom 24 timmar antas då öka från {_p(v['share_24h_today'])} till "
                f"{_p(f['share_24h_option'])} (i proportion till den andel av eftervården som flyttas). Det frigör omkring "
                f"{_n(f['bed_days_freed'])} vårddygn per år, motsvarande {_n(f['beds_freed'], 1)} vårdplatser."
            )
        else:
            ct += (
                f"Eftervården flyttas inte ut, så andelen som går hem inom 24 timmar förblir {_p(v['share_24h_today'])} "
                "och inga vårddygn frigörs."
            )
        cap_parts.append(_lead(pre, ct))

        if f["vardcentraler_bmm_keep_min"] == f["vardcentraler_bmm_keep_max"]:
            keep, lose = f["vardcentraler_bmm_keep_min"], f["vardcentraler_bmm_lose_min"]
            kept = f"{_n(keep)} vårdcentraler behåller sin BMM" if keep else "Ingen vårdcentral behåller BMM"
            lost = f"{_n(lose)} förlorar den" if lose else "ingen förlorar den"
            vc = f"{kept} och {lost} (av dagens {_n(f['vardcentraler_bmm_lose_max'] + f['vardcentraler_bmm_keep_min'])})."
        else:
            vc = (
                f"Mellan {_n(f['vardcentraler_bmm_keep_min'])} och {_n(f['vardcentraler_bmm_keep_max'])} "
                f"vårdcentraler kan behålla BMM, beroende på om vårdcentraler ansöker om uppdraget; "
                f"{_n(f['vardcentraler_bmm_lose_min'])}–{_n(f['vardcentraler_bmm_lose_max'])} förlorar den."
            )
        vc_parts.append(_lead(pre, vc))

    out["access_text"] = " ".join(access_parts)
    out["vuln_text"] = " ".join(vuln_parts)
    out["capacity_text"] = " ".join(cap_parts)
    out["vc_text"] = " ".join(vc_parts)

    # the vulnerability model, as it applies to this option
    model_parts = []
    if any(c.cover == "samverkan" for c in opt.cases):
        k = int(v["a_cover_partners"])
        kept = int(v["midwives_kept_at_hub"])
        model_parts.append(
            "Alternativet bygger på samverkan mellan BMM: en mottagning utan barnmorska täcks av "
            + ("sin närmaste samverkansmottagning" if k == 1 else f"sina {_n(k)} närmaste samverkansmottagningar")
            + f" i samma närområde, men bara om en samverkansmottagning har minst {_n(kept + 1)} barnmorskor på plats den dagen, så att den kan behålla "
            f"{_n(kept)} själv och skicka en – samma regel som när en huvudmottagning bemannar en filial. En "
            "samverkansmottagning med en enda barnmorska kan alltså aldrig täcka upp. Antalet samverkansmottagningar "
            f"är ett antagande ({_n(a['a_cover_partners'].low)}–{_n(a['a_cover_partners'].high)}; "
            f"{_n(a['a_cover_partners'].low)} motsvarar dagens läge utan fungerande samverkan)."
        )
    if any(figs[c.key]["branches"] for c in opt.cases):
        model_parts.append(
            f"En filial är öppen {_n(v['branch_days_per_week'])} dagar per vecka (antagande, "
            f"{_n(a['branch_days_per_week'].low)}–{_n(a['branch_days_per_week'].high)}) och bemannas från "
            f"huvudmottagningen i sitt närområde. En filialdag blir obemannad när huvudmottagningen inte kan avvara "
            f"någon: den behåller först {_n(v['midwives_kept_at_hub'])} barnmorska (antagande) och skickar resten, en per "
            f"öppen filial; filialerna i ett närområde har öppet olika veckodagar så långt det går."
        )
    if any(c.last_resort for c in opt.cases):
        model_parts.append(
            "I sämsta fallet samverkar mottagningarna inte (olika vårdgivare), och regionens sistahandsmottagningar "
            f"bemannas med så många barnmorskor som volymen bär, minst {_n(v['d_last_resort_min_midwives'])} (antagande)."
        )
    if not model_parts:
        model_parts.append("Mottagningarna i alternativet har ingen uttalad samverkan som täcker upp frånvaro.")
    out["vuln_model"] = " ".join(model_parts)

    occ = a["bed_occupancy_target"]
    tgt = a["share_24h_target"]
    out["capacity_assumptions"] = (
        f"planerad beläggning {_p(occ.base)} (antagande, {_source_sv(occ)}; intervall {_p(occ.low)}–{_p(occ.high)})"
    )
    out["share_24h_target_text"] = (
        f"{_p(tgt.base)} när all eftervård flyttas ut (antagande: rikets nivå enligt regionens rapport, avsnitt 5.1.3; "
        f"intervall {_p(tgt.low)}–{_p(tgt.high)})"
    )
    out["cover_partners"] = _n(v["a_cover_partners"])
    out["main_label"] = opt.cases[0].label_sv.split(":")[0]
    out["n_cases"] = _n(len(opt.cases))
    out["report_effect"] = opt.matrix_sv["effekt"]
    out["report_conditions"] = opt.matrix_sv["forutsattningar"]
    out["bmm_units_today"] = _n(main["bmm_units_today"])
    out["vardcentraler"] = _n(main["vardcentraler"])
    out["bmm_mean_minutes_today"] = _n(main["bmm_mean_minutes_today"], 1)
    out["bmm_mean_minutes_all_vc"] = _n(main["bmm_mean_minutes_all_vc"], 1)
    gl = a["gain_loss_threshold_minutes"]
    out["tolerance"] = _n(v["gain_loss_threshold_minutes"])
    out["tolerance_range"] = f"{_n(gl.low)}–{_n(gl.high)}"
    out["split_towns"] = ", ".join(split_towns())
    out["bmm_model"] = bmm_model_sv()
    out["within_town_min_vc"] = _n(WITHIN_TOWN_MIN_VARDCENTRALER)
    out["digital_visits"] = _n(main["digital_visits_per_birth"])
    out["digital_hours"] = _n(main["digital_hours_saved"])
    out["p_absent"] = _p(v["p_absent"])
    out["open_days"] = _n(v["open_days_per_year"])
    out["share_24h_today"] = _p(v["share_24h_today"])
    out["bed_days_today"] = _n(main["bed_days_today"])
    out["beds_today"] = _n(main["beds_today"], 1)
    return out


def bmm_model_sv() -> str:
    """How BMM access is modelled (the same for today and every option), in Swedish for the page."""
    towns = split_towns()
    return (
        "Vägnätsmodellen låter alla resor börja och sluta i tätorternas mittpunkter och kan därför inte skilja på "
        "mottagningar inom samma tätort. För restiden till BMM fördelas därför kvinnorna i "
        f"{_sv_list(list(towns))} (tätorter med minst {_n(WITHIN_TOWN_MIN_VARDCENTRALER)} vårdcentraler) lika på "
        "tätortens vårdcentraler, och resan till en mottagning i samma tätort räknas som fågelvägen gånger en "
        "omvägsfaktor, med hastighetsprofil och tid för att ta sig ut på gatan i båda ändar (rak-linje-modellen i "
        "kapitlet om restider). Resor mellan orter räknas som förut i vägnätet. Samma modell används för dagens BMM "
        "och för alternativen, så skillnaderna går att jämföra. Flera enheter i en tätort placeras på de vårdcentraler "
        "som ger kortast genomsnittligt avstånd från tätortens alla vårdcentraler (varje vårdcentral antas stå för lika "
        "stor del av befolkningen; vid lika avstånd väljs den vårdcentral som i dag har BMM). Kvinnorna går till "
        "närmaste enhet i alternativet. Skillnader under en minut i medelrestid ligger under modellens upplösning och "
        "räknas som lika."
    )


def _sv_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1] if items else ""


def municipality_change_table(option: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Per municipality and case: BMM minutes today and in the option, net change in travel minutes per birth
    and year (moved tasks plus BMM visits) and whether the municipality gains or loses by the threshold."""
    cfg = config or load_config()
    opt = cfg.options[option]
    status_sv = {"gains": "vinner", "loses": "förlorar", "unchanged": "oförändrad"}
    frame: pd.DataFrame | None = None
    for c in opt.cases:
        by = access(option, c.key, cfg, model).by_municipality
        by = by[by["municipality_code"] != HOME_REGION]
        suffix = f" ({c.label_sv.split(':')[0].split()[0].lower()})" if len(opt.cases) > 1 else ""
        part = pd.DataFrame({
            "Kommun": by["municipality"].to_numpy(),
            "BMM i dag, min": [_n(x, 1) for x in by["bmm_minutes_today"]],
            f"BMM{suffix}, min": [_n(x, 1) for x in by["bmm_minutes_option"]],
            f"Netto per födsel{suffix}, min": [_n(x) for x in by["net_minutes_per_birth"]],
            f"Bedömning{suffix}": [status_sv[str(x)] for x in by["status"]],
        })  # fmt: skip
        frame = part if frame is None else frame.merge(part, on=["Kommun", "BMM i dag, min"])
    assert frame is not None
    return frame


def case_table(option: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Display table of the option's headline metrics, one column per case ('base (low–high)')."""
    cfg = config or load_config()
    opt = cfg.options[option]
    cols = {}
    for c in opt.cases:
        sv = scenario_values(option, c.key, cfg, model)
        cells = []
        for m in cfg.metrics:
            lo, base, hi = float(sv[m].min()), float(sv[m]["base"]), float(sv[m].max())
            text = _fmt(base)
            if _fmt(lo) != _fmt(hi):
                text += f" ({_fmt(lo)}–{_fmt(hi)})"
            cells.append(text)
        cols[c.label_sv if len(opt.cases) > 1 else f"Alternativ {option}"] = cells
    return pd.DataFrame({"Mått": [m.label_sv for m in cfg.metrics.values()], **cols})


def travel_split_table(option: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Saved travel hours and car-km per year by source: Kvinnokliniken tasks, BMM tasks, their net, and
    digital visits (report 5.4.3; the same for every option and not counted in the net)."""
    cfg = config or load_config()
    opt = cfg.options[option]
    rows = [
        ("Uppdrag som flyttas från Kvinnokliniken", "travel_hours_saved_kk_tasks", "car_km_saved_kk_tasks"),
        ("Uppdrag som flyttas från BMM till huvudmottagning (negativt = längre resor)", "travel_hours_saved_bmm_tasks",
         "car_km_saved_bmm_tasks"),
        ("Netto, flyttade uppdrag (rubriktalet)", "travel_hours_saved", "car_km_saved"),
        ("Digitala besök, avsnitt 5.4.3 (samma för alla alternativ, ingår inte i nettot)", "digital_hours_saved",
         "digital_km_saved"),
    ]  # fmt: skip
    out: dict[str, list[str]] = {"Källa": [r[0] for r in rows]}
    for c in opt.cases:
        f = option_figures(option, c.key, config=cfg, model=model)
        suffix = f" – {c.label_sv.split(':')[0].lower()}" if len(opt.cases) > 1 else ""
        out[f"Restimmar per år{suffix}"] = [_n(f[h]) for _, h, _ in rows]
        out[f"Bil-km per år{suffix}"] = [_n(f[k]) for _, _, k in rows]
    return pd.DataFrame(out)


def access_by_case(option: str, config: Config | None = None, model: str = "graph") -> tuple[pd.DataFrame, dict[str, str]]:
    """Per municipality: minutes today and under each case of the option (for the access charts).

    Returns the frame (municipality, bmm_minutes_today, nsv_minutes_today, bmm_<case>, nsv_<case>)
    and the legend label of each case ('Alternativet' for a single-case option).
    """
    cfg = config or load_config()
    opt = cfg.options[option]
    frame: pd.DataFrame | None = None
    labels: dict[str, str] = {}
    for c in opt.cases:
        by = access(option, c.key, cfg, model).by_municipality
        by = by[by["municipality_code"] != HOME_REGION].set_index("municipality_code")
        if frame is None:
            frame = by[["municipality", "bmm_minutes_today", "nsv_minutes_today"]].copy()
        frame[f"bmm_{c.key}"] = by["bmm_minutes_option"]
        frame[f"nsv_{c.key}"] = by["nsv_minutes_option"]
        labels[c.key] = "Alternativet" if len(opt.cases) == 1 else c.label_sv.split(":")[0]
    assert frame is not None
    return frame.reset_index(), labels
