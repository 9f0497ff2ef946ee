"""Charts for the options chapter: tornado, municipal access, unit staffing, scorecard small multiples."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from analysis.chapters.options.config import load_config
from analysis.common import disclosure
from analysis.render.charts import ACCENT_COLOURS, HOME_COLOUR, NATION_COLOUR

if TYPE_CHECKING:
    from analysis.chapters.options.page import ComparisonPage, OptionPage


# The comparison rule's tiers, colour-blind-safe: blue best, orange worst, light blue between, greys for no order.
TIER_COLOURS = {"best": "#2166ac", "middle": "#92c5de", "worst": "#e08214", "equal": "#bdbdbd", "unclear": "#f0f0f0"}


def wrap_label(text: str, width: int = 40) -> list[str]:
    """Split a long Swedish label over lines of at most ``width`` characters (whole words)."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines


# Swings below this share of the largest swing would be drawn as no bar at all; they are left out (stated on the page).
VISIBLE_SHARE = 0.01


def moving_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The tornado rows whose swing is not zero (larger than 1e-9 relative to the base result: floating-point
    noise from recomputation is not an effect) and at least ``VISIBLE_SHARE`` of the largest swing."""
    if not len(table):
        return table
    scale = max(1.0, float(abs(table["result_base"].iloc[0])))
    moving = table[table["swing"] > 1e-9 * scale]
    if not len(moving):
        return moving
    return moving[moving["swing"] >= VISIBLE_SHARE * float(moving["swing"].max())]


def tornado_has_bars(table: pd.DataFrame) -> bool:
    """True when at least one assumption moves the metric (otherwise show a sentence, not a chart)."""
    return bool(len(moving_rows(table)))


def tornado_chart(table: pd.DataFrame, metric_label: str, top: int = 10) -> alt.LayerChart | alt.FacetChart:
    """Result at each assumption's low and high value around the base result (largest swing on top).

    Only assumptions that move the result are drawn; long labels wrap over lines (never truncated).
    Callers check :func:`tornado_has_bars` first: a metric no assumption moves has no chart.
    """
    t = moving_rows(table).nlargest(top, "swing")
    if t.empty:
        raise ValueError(f"no assumption moves {metric_label!r}: say so in prose instead of drawing an empty chart")
    base = float(table["result_base"].iloc[0])
    rows = []
    for r in t.itertuples():
        key = "|".join(wrap_label(r.label_sv, 44))
        rows.append({"Antagande": key, "Namn": r.label_sv, "Nivå": "Lågt värde", "start": base, "slut": r.result_low})
        rows.append({"Antagande": key, "Namn": r.label_sv, "Nivå": "Högt värde", "start": base, "slut": r.result_high})
    data = pd.DataFrame(rows)
    order = list(dict.fromkeys(data["Antagande"]))
    bars = alt.Chart(disclosure.chart_data(data)).mark_bar(height=12).encode(
        y=alt.Y("Antagande:N", sort=order, title=None,
                axis=alt.Axis(labelExpr="split(datum.label, '|')", labelLimit=0, labelFontSize=11)),
        x=alt.X("start:Q", title=metric_label, scale=alt.Scale(zero=False)),
        x2="slut:Q",
        color=alt.Color("Nivå:N", scale=alt.Scale(domain=["Lågt värde", "Högt värde"], range=[ACCENT_COLOURS[0], HOME_COLOUR]), legend=alt.Legend(orient="bottom", title="Antagandet satt till")),
        tooltip=[alt.Tooltip("Namn:N", title="Antagande"), alt.Tooltip("Nivå:N"), alt.Tooltip("slut:Q", title="Resultat", format=",.1f")],
    )  # fmt: skip
    rule = (
        alt.Chart(disclosure.non_person(pd.DataFrame({"bas": [base]}), "base value line"))
        .mark_rule(color=NATION_COLOUR)
        .encode(x="bas:Q")
    )
    return alt.layer(bars, rule).properties(width=300, height=alt.Step(46), title=f"Känslighet: {metric_label}")


def access_chart(
    by_municipality: pd.DataFrame, name_col: str, today_col: str, option_cols: dict[str, str] | str, title: str
) -> alt.LayerChart | alt.FacetChart:
    """Minutes today and under the option (or each of its cases), per municipality (a dumbbell chart).

    ``option_cols`` maps a legend label to a column ('Bästa fall': 'col_best'); a plain column name
    is labelled 'Alternativet'.
    """
    cols = {"Alternativet": option_cols} if isinstance(option_cols, str) else dict(option_cols)
    data = by_municipality[[name_col, today_col, *cols.values()]].rename(
        columns={name_col: "Kommun", today_col: "I dag", **{c: lab for lab, c in cols.items()}}
    )
    long = data.melt("Kommun", var_name="Läge", value_name="minuter")
    order = data.sort_values("I dag", ascending=False)["Kommun"].tolist()
    data["min"] = data[["I dag", *cols]].min(axis=1)
    data["max"] = data[["I dag", *cols]].max(axis=1)
    domain = ["I dag", *cols]
    colours = [NATION_COLOUR, HOME_COLOUR, ACCENT_COLOURS[0], ACCENT_COLOURS[1]][: len(domain)]
    line = (
        alt.Chart(disclosure.chart_data(data))
        .mark_rule(color="#bbbbbb")
        .encode(y=alt.Y("Kommun:N", sort=order, title=None), x="min:Q", x2="max:Q")
    )
    points = (
        alt.Chart(disclosure.chart_data(long))
        .mark_point(filled=True, size=80, opacity=0.85)
        .encode(
            y=alt.Y("Kommun:N", sort=order),
            x=alt.X("minuter:Q", title="Genomsnittlig restid, minuter (modellerad)"),
            color=alt.Color(
                "Läge:N", scale=alt.Scale(domain=domain, range=colours), legend=alt.Legend(orient="bottom", title=None)
            ),
            shape=alt.Shape("Läge:N", scale=alt.Scale(domain=domain), legend=None),
            tooltip=["Kommun:N", "Läge:N", alt.Tooltip("minuter:Q", format=",.1f")],
        )
    )
    return alt.layer(line, points).properties(width=380, title=title)


ROLE_TITLE_SV = {"bmm": "BMM", "hub": "Huvudmottagning", "branch": "Filial", "last_resort": "Sistahandsmottagning"}


def units_chart(vuln: pd.DataFrame, title: str = "Sårbarhet per enhet och filial") -> alt.Chart:
    """Expected days a year without a midwife per unit and branch, coloured by role (Swedish labels)."""
    data = vuln[["label_sv", "role", "midwives", "days_no_midwife", "open_days"]].copy()
    data["Enhet"] = data["label_sv"].astype(str)
    data["Roll"] = data["role"].map(ROLE_TITLE_SV).fillna(data["role"])
    data["Barnmorskor"] = data["midwives"].map(lambda m: "från huvudmottagningen" if pd.isna(m) else f"{int(m)}")
    roles = list(ROLE_TITLE_SV.values())  # one fixed colour per role on every chart of the page
    return (
        alt.Chart(disclosure.chart_data(data))
        .mark_bar()
        .encode(
            y=alt.Y("Enhet:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            x=alt.X("days_no_midwife:Q", title="Förväntade dagar per år utan barnmorska"),
            color=alt.Color(
                "Roll:N",
                scale=alt.Scale(domain=roles, range=[ACCENT_COLOURS[0], ACCENT_COLOURS[2], ACCENT_COLOURS[3], ACCENT_COLOURS[4]]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("Enhet:N"),
                alt.Tooltip("Roll:N"),
                alt.Tooltip("Barnmorskor:N"),
                alt.Tooltip("open_days:Q", title="Öppetdagar per år", format=",.0f"),
                alt.Tooltip("days_no_midwife:Q", title="Dagar utan barnmorska", format=",.2f"),
            ],
        )
        .properties(width=320, height=alt.Step(14), title=title)
    )


def scorecard_multiples(card: pd.DataFrame, metrics: list[str], tier_sv: Mapping[str, str] | None = None) -> alt.ConcatChart:
    """One chart per metric: base value with the low–high range for every option (and case), the point
    coloured by the comparison rule's tier.

    The title names the metric and its direction ('lägre är bättre' / 'högre är bättre').
    """
    tier_sv = tier_sv or load_config().tier_sv
    charts = []
    for metric in metrics:
        d = card[card["metric"] == metric].copy()
        if d.empty:
            continue
        d["Alternativ"] = d["row"].astype(str)
        label = str(d["label_sv"].iloc[0])
        direction = load_config().direction_sv.get(str(d["direction"].iloc[0]), "")
        d["Nivå"] = [tier_sv.get(str(t), "") for t in d["tier"]] if "tier" in d else ""
        ranked = bool(d["Nivå"].astype(bool).any()) if "tier" in d else False
        base = alt.Chart(disclosure.chart_data(d)).encode(
            y=alt.Y("Alternativ:N", title=None, sort=list(dict.fromkeys(d["Alternativ"])))
        )
        rule = base.mark_rule(strokeWidth=3, color="#999999").encode(x=alt.X("low:Q", title=None), x2="high:Q")
        colour = (
            alt.Color("Nivå:N", scale=alt.Scale(domain=[tier_sv[t] for t in TIER_COLOURS], range=list(TIER_COLOURS.values())),
                      legend=alt.Legend(title="Nivå", orient="right"))
            if ranked else alt.value(HOME_COLOUR)
        )  # fmt: skip
        point = base.mark_point(filled=True, size=110, stroke="#333333", strokeWidth=0.5).encode(
            x="base:Q",
            color=colour,
            tooltip=[
                "Alternativ:N",
                alt.Tooltip("base:Q", title="Bas", format=",.1f"),
                alt.Tooltip("low:Q", title="Lågt", format=",.1f"),
                alt.Tooltip("high:Q", title="Högt", format=",.1f"),
            ],
        )
        lines = [*wrap_label(label, 70), f"({direction})"]
        charts.append(
            alt.layer(rule, point).properties(width=460, height=alt.Step(26), title=alt.TitleParams(lines, fontSize=13))
        )
    return alt.concat(*charts, columns=1)


# --------------------------------------------------------------------------- what the templates show

SCORECARD_METRICS = (
    "net_travel_hours_change",
    "nsv_mean_minutes",
    "bmm_mean_minutes",
    "travel_hours_saved",
    "days_without_midwife_per_1000_births",
    "worst_unit_days_without_midwife",
    "beds_freed",
)


def access(data: OptionPage) -> alt.VConcatChart:
    """Minutes to the närsjukvård tasks and to BMM per municipality, today and per case."""
    from analysis.chapters.options.tables import access_by_case

    by_case, labels = access_by_case(data.option.key, data.config, data.model)
    return alt.vconcat(
        access_chart(by_case, "municipality", "nsv_minutes_today", {lab: f"nsv_{k}" for k, lab in labels.items()},
                     "Restid till närsjukvårdsuppdragen"),
        access_chart(by_case, "municipality", "bmm_minutes_today", {lab: f"bmm_{k}" for k, lab in labels.items()},
                     "Restid till barnmorskemottagning"),
    )  # fmt: skip


def units(data: OptionPage) -> alt.VConcatChart:
    """Vulnerability per unit and branch, one chart per case."""
    from analysis.chapters.options import text

    title = text.caption("units_chart")
    return alt.vconcat(
        *[units_chart(data.vulnerability[c.key], title + text.case_suffix(data.option, c)) for c in data.option.cases]
    )


def tornados(data: OptionPage) -> alt.VConcatChart:
    return alt.vconcat(*[tornado_chart(table, title) for title, table in data.tornados])


def scorecard(data: ComparisonPage) -> alt.ConcatChart:
    return scorecard_multiples(data.card, list(SCORECARD_METRICS), data.config.tier_sv)


# --------------------------------------------------------------------------- the option map
# Hubs, BMM units, branches and last-resort units of each case, the delivery unit, and what happens to every
# vårdcentral's BMM, over the named municipalities. Markers: Okabe-Ito colours and one shape per kind.

UNIT_MARKERS = (  # (key, colour, shape, size); drawn in this order (the last on top)
    ("hub", "#0072B2", "square", 260),
    ("bmm", "#56B4E9", "square", 150),
    ("last_resort", "#CC79A7", "triangle-up", 200),
    ("branch", "#E69F00", "triangle-down", 180),
)
DELIVERY_MARKER = ("delivery", "#000000", "cross", 260)  # its own layer on top of the vårdcentraler
VC_MARKERS = (  # status keys of options.vardcentraler, colour, shape, size
    ("keeps", "#009E73", "circle", 60),
    ("hub", "#009E73", "circle", 60),
    ("may_run", "#009E73", "circle", 60),
    ("keeps_if_today", "#8c8c8c", "circle", 40),
    ("loses", "#D55E00", "diamond", 70),
    ("loses_if_today", "#8c8c8c", "diamond", 45),
)
OPTION_MAP_WIDTH = 520


def option_map_points(data: OptionPage, case: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(unit points, vårdcentral points) of one case, labelled for the legend."""
    from analysis.chapters.options import decision_text as dt
    from analysis.chapters.options.config import make_scenario
    from analysis.chapters.options.geography import town_xy
    from analysis.chapters.options.units import case_units
    from analysis.common import geodata

    opt, cfg = data.option, data.config
    c = opt.case(case)
    vc = dt.vardcentraler_of(opt.key, cfg, data.model)[case].vardcentraler
    units = case_units(opt, c, make_scenario(opt.key, case, config=cfg).values, cfg)
    sites = geodata.sites().set_index("site_id")
    rows = []
    for _, u in units.iterrows():
        site = str(u["site_id"])
        x, y = (
            (float(sites.loc[site, "sweref99tm_x"]), float(sites.loc[site, "sweref99tm_y"]))
            if site in sites.index
            else town_xy(site)[:2]
        )
        rows.append({"kind": dt.label(f"map.role.{u['role']}"), "name": str(u["label_sv"]), "x": x, "y": y})
    vcp = pd.DataFrame({"kind": [dt.label(f"map.status.{s}") for s in vc["status"]], "name": vc["name"].to_numpy(),
                        "x": vc["sweref99tm_x"].to_numpy(float), "y": vc["sweref99tm_y"].to_numpy(float)})  # fmt: skip
    return pd.DataFrame(rows), vcp


def _one_map(data: OptionPage, case: str, title: str) -> alt.LayerChart:
    from analysis.chapters.options import decision_text as dt
    from analysis.common import geodata
    from analysis.render import maps

    units, vcs = option_map_points(data, case)
    d = geodata.sites().query("site_type == 'hospital_delivery'")
    delivery = pd.DataFrame({"kind": dt.label("map.role.delivery"), "name": d["name"].to_numpy(),
                             "x": d["sweref99tm_x"].to_numpy(float), "y": d["sweref99tm_y"].to_numpy(float)})  # fmt: skip
    legend, order = dt.map_markers(UNIT_MARKERS, VC_MARKERS, DELIVERY_MARKER)
    tips = [("name", dt.label("map.name")), ("kind", dt.label("map.kind"))]
    boundaries = geodata.municipality_boundaries()
    points = pd.concat([units, vcs, delivery], ignore_index=True)
    return maps.compose(
        maps.outline_layer(boundaries),
        maps.municipality_names(boundaries, font_size=13, dy=22),  # under the markers: a name never hides one
        maps.marker_layer(points, "kind", legend, dt.label("map.legend"), tips, x="x", y="y", draw_order=order, font_size=15),
        title=title,
        width=OPTION_MAP_WIDTH,
        height=OPTION_MAP_WIDTH,
    )


def option_map(data: OptionPage) -> alt.LayerChart | alt.VConcatChart:
    """The option's map; an option with several cases (D) gets one map per case, stacked (phones read them one
    under the other), each with its own legend listing only what it draws."""
    from analysis.chapters.options import decision_text as dt

    opt = data.option
    title = str(dt.TEXTS("decision.map.title", option=opt.key))
    if len(opt.cases) == 1:
        return _one_map(data, opt.cases[0].key, title)
    maps_ = [_one_map(data, c.key, f"{title} – {c.label_sv.split(':')[0].lower()}") for c in opt.cases]
    return alt.vconcat(*maps_).resolve_scale(color="independent", shape="independent", size="independent")
