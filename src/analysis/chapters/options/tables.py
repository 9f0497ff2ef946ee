"""Display tables of the option pages and the comparison page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from analysis.chapters.options import text
from analysis.chapters.options.access import access
from analysis.chapters.options.config import ASSUMPTION_FIELDS, Config, load_config
from analysis.chapters.options.evidence import evidence_links, evidence_synthetic
from analysis.chapters.options.figures import OptionFigures, option_figures
from analysis.chapters.options.scorecard import scenario_values
from analysis.common.formatting import EN_DASH, MINUS, sv_number, sv_pct, sv_range
from analysis.common.home import HOME_REGION
from analysis.render.page import Table

if TYPE_CHECKING:
    from analysis.chapters.options.page import ComparisonPage, OptionPage


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


def evidence_tables(
    option: str, results_dir: Path | None = None, config: Config | None = None
) -> list[tuple[str, pd.DataFrame, str]]:
    """Display tables of :func:`evidence_links` for the page: (kind, table, caption), the risk table per case.

    Captions say "(syntetiska data)" when the chapter's results come from a synthetic cohort. The births are
    the municipal estimates of children born (summed; not deliveries); the share with a risk factor is the
    cohort's (the published share without risk factors is given in the caption as context).
    """
    from analysis.common import geodata, published

    cfg = config or load_config()
    opt = cfg.options[option]
    out: list[tuple[str, pd.DataFrame, str]] = []

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
        synthetic = bool(risk.get("synthetic"))
        cap = text.caption(
            "riskmix",
            case=text.case_suffix(opt, c),
            synthetic=text.synthetic_mark(synthetic),
            source=text.caption("riskmix_source", "synthetic" if synthetic else "real"),
            no_risk=sv_pct(no_risk, 0),
            births=sv_number(sum(float(r.get("births_per_year") or 0) for r in risk.get("by_narsjukvard_town", []))),
            county_births=sv_number(county["births_per_year"]),
            county_year=county["births_year"],
        )
        out.append(("riskmix", pd.DataFrame(rows), cap))
    nulli = evidence_links(option, results_dir, config=cfg).get("nullipara", {})
    if nulli.get("available") is not False:
        table = pd.DataFrame([{"Utfall (förstföderskor)": r["label_sv"], "Observerat": sv_number(r["observed"]),
                               "Förväntat": sv_number(r["expected"], 1), "O/E": sv_number(r["oe"], 2),
                               "Praxisdel, procentenheter": sv_number(r.get("practice_part"), 1),
                               "Bedömning i kapitlet": r.get("verdict_sv") or "–"} for r in nulli["ranked"]])  # fmt: skip
        syn = text.synthetic_mark(bool(nulli.get("synthetic")))
        out.append(("nullipara", table, text.caption("nullipara", synthetic=syn)))
    return out


def _fmt(x: float) -> str:
    """Swedish number with precision by magnitude (decimal comma, space between thousands)."""
    if not np.isfinite(x):
        return "–"
    if abs(x) >= 10 or float(x).is_integer():
        return sv_number(x, 0 if abs(x) >= 100 or float(round(x)) == round(x, 1) else 1)
    return sv_number(x, 2 if abs(x) < 1 else 1)


def _span(low: float, high: float) -> str:
    """'low–high', or 'low till high' when a bound is negative (a dash would read as a minus)."""
    lo, hi = _fmt(low), _fmt(high)
    return f"{lo} till {hi}" if MINUS in lo + hi else f"{lo}{EN_DASH}{hi}"


def scorecard_table(card: pd.DataFrame, config: Config | None = None) -> pd.DataFrame:
    """Display table: one row per metric, one column per option case; 'base (low–high) – tier'.

    The tier word (bäst, mellan, sämst, lika, oklar ordning) follows the comparison rule of
    :mod:`analysis.chapters.options.tiers`; context metrics carry none. A range collapses to the base
    value when no assumption moves it. The column 'Jämförelse' says whether lower or higher is better.
    """
    cfg = config or load_config()

    def cell(r: pd.Series) -> str:
        text = _fmt(r["base"])
        if _fmt(r["low"]) != _fmt(r["high"]):
            text += f" ({_span(r['low'], r['high'])})"
        if r["tier"]:
            text += f" – {cfg.tier_sv[str(r['tier'])]}"
        return text

    wide = card.assign(text=card.apply(cell, axis=1)).pivot(index="label_sv", columns="row", values="text")
    rows = list(dict.fromkeys(card["label_sv"]))
    cols = list(dict.fromkeys(card["row"]))
    out = wide.loc[rows, cols].reset_index().rename(columns={"label_sv": "Mått"})
    out.columns.name = None
    direction = card.groupby("label_sv", sort=False)["direction"].first()
    out["Jämförelse"] = [cfg.direction_sv[str(direction[m])] for m in out["Mått"]]
    return out


def municipality_change_table(option: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Per municipality and case: BMM minutes today and in the option, net change in travel minutes per birth
    and year (moved tasks plus BMM visits) and whether the municipality gains or loses by the threshold."""
    cfg = config or load_config()
    opt = cfg.options[option]
    status_sv = cfg.status_sv
    frame: pd.DataFrame | None = None
    for c in opt.cases:
        by = access(option, c.key, cfg, model).by_municipality
        by = by[by["municipality_code"] != HOME_REGION]
        suffix = f" ({c.label_sv.split(':')[0].split()[0].lower()})" if len(opt.cases) > 1 else ""
        part = pd.DataFrame({
            "Kommun": by["municipality"].to_numpy(),
            "BMM i dag, min": [sv_number(x, 1) for x in by["bmm_minutes_today"]],
            f"BMM{suffix}, min": [sv_number(x, 1) for x in by["bmm_minutes_option"]],
            f"Netto per födsel{suffix}, min": [sv_number(x) for x in by["net_minutes_per_birth"]],
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
                text += f" ({_span(lo, hi)})"
            cells.append(text)
        cols[c.label_sv if len(opt.cases) > 1 else f"Alternativ {option}"] = cells
    return pd.DataFrame({"Mått": [m.label_sv for m in cfg.metrics.values()], **cols})


def travel_split_table(option: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Saved travel hours and car-km per year by source: Kvinnokliniken tasks, BMM tasks, their net, and
    digital visits (report 5.4.3; the same for every option and not counted in the net)."""
    cfg = config or load_config()
    opt = cfg.options[option]
    rows = [
        (text.travel_split_row("kk_tasks"), "travel_hours_saved_kk_tasks", "car_km_saved_kk_tasks"),
        (text.travel_split_row("bmm_tasks"), "travel_hours_saved_bmm_tasks", "car_km_saved_bmm_tasks"),
        (text.travel_split_row("net"), "travel_hours_saved", "car_km_saved"),
        (text.travel_split_row("digital"), "digital_hours_saved", "digital_km_saved"),
    ]
    out: dict[str, list[str]] = {"Källa": [r[0] for r in rows]}
    for c in opt.cases:
        f = option_figures(option, c.key, config=cfg, model=model)
        suffix = f" – {c.label_sv.split(':')[0].lower()}" if len(opt.cases) > 1 else ""
        out[f"Restimmar per år{suffix}"] = [sv_number(f.metric(h)) for _, h, _ in rows]
        out[f"Bil-km per år{suffix}"] = [sv_number(f.metric(k)) for _, _, k in rows]
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


def moved_tasks_table(option: str, case: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """The tasks the case moves: visits per year and where each is given today.

    Where the tasks go and the share moved (with its source) are the same for every task of a case and are
    said once, in the sentence above the table (:func:`analysis.chapters.options.text.moved_tasks_text`).
    The visits column sums to the option's headline figure (``visits_moved_from_kk`` plus
    ``visits_moved_from_bmm``); the last row is that sum. Empty when nothing moves.
    """
    cfg = config or load_config()
    tasks = access(option, case, cfg, model).tasks
    rows = [
        {"Uppdrag": cfg.tasks[str(t.task)].name_sv, "Besök per år som flyttas": sv_number(t.visits_moved),
         "Ges i dag": cfg.level_sv[str(t.level_today)]}
        for t in tasks.itertuples()
    ]  # fmt: skip
    if rows:
        rows.append({"Uppdrag": text.TEXTS("label.sum_visits"), "Besök per år som flyttas": sv_number(tasks["visits_moved"].sum()),
                     "Ges i dag": ""})  # fmt: skip
    return pd.DataFrame(rows)


def net_travel_table(option: str, case: str, config: Config | None = None, model: str = "graph") -> pd.DataFrame:
    """Change in women's travel per year by municipality and for the county: the moved tasks, the basprogram's
    BMM visits, their sum (hours, round trips; negative = less travel) and the sum per birth (minutes)."""
    cfg = config or load_config()
    by = access(option, case, cfg, model).by_municipality
    total = by["moved_tasks_hours_change"] + by["bmm_hours_change"]
    return pd.DataFrame({
        "Kommun": by["municipality"].to_numpy(),
        "Flyttade uppdrag, timmar": [sv_number(x) for x in by["moved_tasks_hours_change"]],
        "BMM-besök i basprogrammet, timmar": [sv_number(x) for x in by["bmm_hours_change"]],
        "Totalt, timmar per år": [sv_number(x) for x in total],
        "Totalt per födsel, minuter": [sv_number(x) for x in by["net_minutes_per_birth"]],
    })  # fmt: skip


def net_travel_comparison_table(rows: Sequence[tuple[str, str, str, OptionFigures]]) -> pd.DataFrame:
    """Per option case, for the county: moved tasks, basprogram BMM visits and total change in travel hours."""
    return pd.DataFrame([
        {"Alternativ": label, "Flyttade uppdrag, timmar": sv_number(-f.travel_hours_saved),
         "BMM-besök i basprogrammet, timmar": sv_number(f.bmm_travel_hours_change),
         "Totalt, timmar per år": sv_number(f.net_travel_hours_change)}
        for _, _, label, f in rows
    ])  # fmt: skip


# --------------------------------------------------------------------------- what the templates show


def matrix(data: OptionPage) -> Table:
    """The report's description of this option (its column of the qualitative matrix)."""
    key = data.option.key
    frame = matrix_table(data.config)[[key]].rename(columns={key: "Alternativ " + key}).reset_index()
    return Table(frame)


def cases(data: OptionPage) -> Table:
    return Table(case_table(data.option.key, data.config, data.model), text.caption("case_table", text.several(data.option)))


def travel_split(data: OptionPage) -> Table:
    return Table(travel_split_table(data.option.key, data.config, data.model), text.caption("travel_split"))


def municipality_change(data: OptionPage) -> Table:
    frame = municipality_change_table(data.option.key, data.config, data.model)
    return Table(frame, text.caption("municipality_change", text.several(data.option)))


def moved_tasks(data: OptionPage) -> None:
    """The moved-tasks table of each case that moves tasks (captioned by case for a several-case option)."""
    from IPython.display import display

    for c in data.option.cases:
        frame = moved_tasks_table(data.option.key, c.key, data.config, data.model)
        if len(frame):
            display(Table(frame, text.caption("moved_tasks", case=text.case_suffix(data.option, c))))


def net_travel(data: OptionPage) -> None:
    """The change in travel by municipality and for the county, per case."""
    from IPython.display import display

    for c in data.option.cases:
        frame = net_travel_table(data.option.key, c.key, data.config, data.model)
        display(Table(frame, text.caption("net_travel", case=text.case_suffix(data.option, c))))


def staffing_note(data: OptionPage) -> None:
    """A warning for every case whose units fall below the option's own staffing requirement."""
    from analysis.render.page import notice

    for c in data.option.cases:
        if data.figures[c.key].units_below_min > 0:
            notice(text.TEXTS("staffing_note.title") + text.case_suffix(data.option, c), c.staffing_note_sv, kind="warning")


def net_travel_comparison(data: ComparisonPage) -> Table:
    return Table(net_travel_comparison_table(data.rows), text.caption("net_travel_comparison"))


def evidence_comparison(data: ComparisonPage) -> None:
    """Women with risk factors each närsjukvård town would serve (the same närområden in every option that
    moves tasks; shown once, with the synthetic or missing notice)."""
    from IPython.display import display

    from analysis.render.page import notice

    option = next(o for o, c, _, f in data.rows if f.tasks_moved > 0 and len(data.config.options[o].cases) == 1)
    shown = [t for t in evidence_tables(option, config=data.config) if t[0] == "riskmix"]
    if not shown:
        notice(text.TEXTS("notice.evidence_missing.title"), text.TEXTS("notice.evidence_missing.body"), kind="note")
    elif evidence_synthetic(option):
        notice(
            text.TEXTS("notice.evidence_synthetic.title"),
            text.TEXTS("notice.evidence_synthetic.body"),
            kind="warning synthetic-data",
        )
    for _, frame, caption in shown:
        display(Table(frame, caption))


def scorecard(data: ComparisonPage) -> Table:
    return Table(scorecard_table(data.card, data.config), text.caption("scorecard"))


def tradeoffs(data: ComparisonPage) -> Any:
    """The trade-off sentences as a Markdown list."""
    from IPython.display import Markdown

    return Markdown("\n".join(f"- {text.tradeoff(t)}" for t in data.tradeoffs))


def vardcentraler(data: ComparisonPage) -> Table:
    """Vårdcentraler keeping a BMM (a range for D) and the report's own assessments, per row."""
    rows = []
    for option, _, label, f in data.rows:
        opt = data.config.options[option]
        lo, hi = f.vardcentraler_bmm_keep_min, f.vardcentraler_bmm_keep_max
        rows.append({"Alternativ": label, "Vårdcentraler som behåller BMM (beräknat)": sv_number(lo) if lo == hi else sv_range(lo, hi),
                     "Rapportens bedömning av effekten": opt.matrix_sv["effekt"],
                     "Förutsättningar för uppdragsförflyttning": opt.matrix_sv["forutsattningar"]})  # fmt: skip
    return Table(pd.DataFrame(rows), text.caption("vardcentraler"))


# --------------------------------------------------------------------------- vårdcentraler, midwives and equity
# (the option pages' sections after "Vad alternativet betyder för vårdcentralerna"; wording in options.sv.yml, decision)


def _keep_cell(pair: tuple[int, int]) -> str:
    lo, hi = pair
    return sv_number(lo) if lo == hi else sv_range(lo, hi)


def vardcentral_status_table(data: OptionPage) -> Table:
    """Every vårdcentral by municipality: owner, BMM today and what each case of the option means for it."""
    from analysis.chapters.options import decision_text as dt
    from analysis.common import geodata

    opt, cfg = data.option, data.config
    vcs = dt.vardcentraler_of(opt.key, cfg, data.model)
    names = geodata.municipalities().set_index("scb_code")["name"].to_dict()
    first = vcs[opt.cases[0].key].vardcentraler
    frame = pd.DataFrame(
        {
            dt.label("table.municipality"): [names.get(c, c) for c in first["municipality_code"]],
            dt.label("table.vardcentral"): first["name"].to_numpy(),
            dt.label("table.operator"): [dt.label(f"operator.{o}") for o in first["operator"]],
            dt.label("table.today"): [dt.label(f"bmm_today.{t}") for t in first["bmm_today"]],
        }
    )
    for c in opt.cases:
        frame[dt.column(opt, c)] = [dt.label(f"table_status.{s}") for s in vcs[c.key].vardcentraler["status"]]
    frame = frame.sort_values([dt.label("table.municipality"), dt.label("table.vardcentral")], kind="stable")
    note = f" ({', '.join(dt.column(opt, c) for c in opt.cases)})" if len(opt.cases) > 1 else ""
    return Table(frame.reset_index(drop=True), text.TEXTS("decision.caption.vardcentraler", case_note=note))


def _midwives_cell(vc: Any) -> str:
    lo, hi = vc.midwives_range
    return f"{sv_number(vc.midwives)} ({sv_range(lo, hi)})"


def vardcentral_summary(data: OptionPage) -> Table:
    """Vårdcentraler with BMM by owner (a range for D) and midwives needed, today and per case."""
    from analysis.chapters.options import decision_text as dt
    from analysis.chapters.options.vardcentraler import midwives_today

    opt, cfg = data.option, data.config
    vcs = dt.vardcentraler_of(opt.key, cfg, data.model)
    today = int(cfg.values()[cfg.today_units_count])
    regional_today = vcs[opt.cases[0].key].keep["regional"][1] if opt.cases[0].vardcentral_bmm == "all" else None
    rows = [dt.label(f"table.{k}") for k in ("regional", "private", "total", "midwives")]
    first = next(iter(vcs.values())).vardcentraler
    reg = (
        regional_today
        if regional_today is not None
        else int(((first["operator"] == "regional") & (first["bmm_today"] == "yes")).sum())
    )
    frame = pd.DataFrame({dt.label("table.today_column"): [sv_number(reg), sv_number(today - reg), sv_number(today), sv_number(midwives_today())]},
                         index=pd.Index(rows, name=dt.label("table.what")))  # fmt: skip
    for c in opt.cases:
        vc = vcs[c.key]
        frame[dt.column(opt, c)] = [
            _keep_cell(vc.keep["regional"]),
            _keep_cell(vc.keep["private"]),
            _keep_cell(vc.keep["total"]),
            _midwives_cell(vc),
        ]
    cap = text.TEXTS("decision.caption.summary", today=sv_number(today), regional=sv_number(reg), private=sv_number(today - reg))
    return Table(frame.reset_index(), cap)


def vardcentral_comparison(config: Config | None = None, model: str = "graph") -> Table:
    """For the comparison page: per option case the vårdcentraler with BMM by owner and the midwives needed."""
    from analysis.chapters.options import decision_text as dt
    from analysis.chapters.options.vardcentraler import midwives_today

    cfg = config or load_config()
    rows = []
    for opt in cfg.options.values():
        vcs = dt.vardcentraler_of(opt.key, cfg, model)
        for c in opt.cases:
            vc = vcs[c.key]
            rows.append({dt.label("table.option"): dt.column(opt, c), dt.label("table.regional"): _keep_cell(vc.keep["regional"]),
                         dt.label("table.private"): _keep_cell(vc.keep["private"]), dt.label("table.total"): _keep_cell(vc.keep["total"]),
                         dt.label("table.midwives"): _midwives_cell(vc), dt.label("table.midwives_today"): sv_number(midwives_today())})  # fmt: skip
    return Table(pd.DataFrame(rows), text.TEXTS("decision.caption.comparison"))


def equity_table(data: OptionPage | None = None, config: Config | None = None, model: str = "graph") -> Table:
    """Net travel change per birth and year for the low-income groups and everyone: the option's cases (the page),
    or every option case (``data=None``: the comparison page)."""
    from analysis.chapters.options import decision_text as dt

    cfg = data.config if data is not None else (config or load_config())
    eq = dt.equity_of(cfg, data.model if data is not None else model)
    options = [data.option] if data is not None else list(cfg.options.values())
    frame = pd.DataFrame(index=pd.Index([dt.label(f"group.{g}") for g in eq.table.index], name=dt.label("table.group")))
    for opt in options:
        for c in opt.cases:
            frame[dt.column(opt, c)] = [sv_number(x, 1) for x in eq.table[dt.equity_key(opt, c)]]
    return Table(frame.reset_index(), text.TEXTS("decision.caption.equity", deso_year=str(dt.DESO_PUBLISHED)))
