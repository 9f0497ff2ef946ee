"""Display tables of the page "Förstföderskor": Swedish frames with captions, numbers via ``formatting``."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis.chapters.nullipara import robson, sources, text
from analysis.chapters.nullipara.charts import NATION_LABEL
from analysis.chapters.nullipara.labels import covariate_label, labels, level_label, outcome_label, short_label
from analysis.chapters.nullipara.outcomes import load_outcome_config
from analysis.chapters.nullipara.page import NulliparaPage
from analysis.common import published
from analysis.common.disclosure import threshold
from analysis.common.formatting import sv_number, sv_pct
from analysis.common.home import home
from analysis.common.regions import region_name
from analysis.render.page import Table, stable_styler


def _short_source(source: str) -> str:
    if source.startswith("Socialstyrelsen"):
        table = re.search(r"tabell\s+([\d.]+)", source)
        return text.texts("source.mfr_table", table=table.group(1)) if table else text.texts("source.mfr")
    if source.startswith(home().region_name):
        return text.texts("source.region_report")
    return source.split(";")[0]


def published_table(region: str) -> pd.DataFrame:
    """Real published figures for the region and Riket beside the page's outcomes (Swedish display frame).

    Each row carries its own denominator, year and source, and is shown at the precision
    the source publishes (the regional report's whole percent stays whole percent).
    """
    rows = []
    quality = labels().quality
    for row in labels().published:
        reg = sources.value_or_none(row.indicator, region, row.year)
        if reg is None:
            continue
        nat = published.value(row.indicator, published.RIKET, row.year)
        meta = published.indicators()
        meta = meta[(meta["indicator"] == row.indicator) & (meta["region_code"] == region) & (meta["year"] == row.year)].iloc[0]
        rank = text.rank_phrase(sources.rank(row.indicator, region, row.year))
        measured = text.texts("published_rank_note", population=row.population, rank=rank) if rank else row.population
        rows.append(
            {
                "Utfall": outcome_label(row.outcome),
                "Vad som mäts (nämnare)": measured,
                region_name(region): sv_pct(reg, row.decimals),
                NATION_LABEL: sv_pct(nat, row.decimals),
                "År": row.year_sv,
                "Källa": _short_source(str(meta["source"])),
                "Kvalitet": quality.get(str(meta["quality"]), str(meta["quality"])),
            }
        )
    return pd.DataFrame(rows)


def robson_frame(table: pd.DataFrame, region: str) -> pd.DataFrame:
    """WHO report table with region and nation in one cell ('region / riket'), Swedish headings, strings."""
    mark = text.suppressed_mark()
    order = [*robson.GROUPS, robson.UNCLASSIFIED, "total"]
    t_reg = table[table["area"] == region].set_index("group").reindex(order)
    t_nat = table[table["area"] == "nation"].set_index("group").reindex(order)

    def cell(value: Any, suppressed: Any, fmt: Any) -> str:
        # NaN in a suppressed row hides a small count; NaN in a shown row is undefined (an empty group's rate).
        if pd.isna(value):
            return mark if (pd.isna(suppressed) or bool(suppressed)) else "–"
        return str(fmt(value))

    def pair(col: str, fmt: Any) -> list[str]:
        sup_reg = t_reg["suppressed"] if "suppressed" in t_reg else pd.Series(np.nan, index=t_reg.index)
        sup_nat = t_nat["suppressed"] if "suppressed" in t_nat else pd.Series(np.nan, index=t_nat.index)
        return [
            f"{cell(a, sa, fmt)} / {cell(b, sb, fmt)}"
            for a, sa, b, sb in zip(t_reg[col], sup_reg, t_nat[col], sup_nat, strict=True)
        ]

    both = f"{region_name(region)} / {NATION_LABEL}"
    names = labels().robson_names
    return pd.DataFrame(
        {
            "Grupp": [names.get(g, g) for g in order],
            "Beskrivning": [labels().robson_descriptions[g] for g in order],
            f"Antal ({both})": pair("n", sv_number),
            "Gruppens andel av alla förlossningar": pair("relative_size_pct", sv_pct),
            "Kejsarsnitt i gruppen": pair("cs_rate_pct", sv_pct),
            "Absolut bidrag": pair("absolute_contribution_pct", sv_pct),
            "Relativt bidrag": pair("relative_contribution_pct", sv_pct),
        }
    )


def robson_html(table: pd.DataFrame, region: str, caption: str) -> str:
    """The Robson table as HTML with groups 1, 2a and 2b highlighted (first-time mothers at term)."""
    frame = robson_frame(table, region)
    highlight = frame["Grupp"].isin(sorted(robson.HIGHLIGHT)).to_numpy()
    total = (frame["Grupp"] == "Totalt").to_numpy()

    def style(row: pd.Series) -> list[str]:
        i = row.name
        if highlight[i]:
            return ["background-color:#fbe3e4;font-weight:600"] * len(row)
        if total[i]:
            return ["border-top:2px solid #1b1b1b;font-weight:600"] * len(row)
        return [""] * len(row)

    styler = stable_styler(frame, caption).apply(style, axis=1).hide(axis="index").set_caption(html.escape(caption))
    return styler.to_html()


def oe_table(nb: NulliparaPage) -> pd.DataFrame:
    """The home region's case-mix adjusted results per outcome (Swedish display frame)."""
    rows = []
    mark = text.suppressed_mark()
    for key in nb.fitted:
        entry = nb.results["outcomes"][key]
        home = entry["regions"][nb.region]
        if home["suppressed"]:
            rows.append({"Utfall": outcome_label(key), "Kvinnor": sv_number(home["n"]) if home["n"] else mark})
            continue
        oe = nb.analyses[key].oe.set_index("region").loc[nb.region]
        v = nb.verdict(key)
        rows.append(
            {
                "Utfall": outcome_label(key),
                "Kvinnor": sv_number(home["n"]),
                "Observerat / förväntat": f"{sv_number(home['observed'])} / {sv_number(home['expected'], 1)}",
                "O/E (95 % KI)": f"{sv_number(home['oe'], 2)} ({sv_number(home['oe_low'], 2)}–{sv_number(home['oe_high'], 2)})",
                "Rå andel (riket)": f"{sv_pct(100 * oe['crude_rate'])} ({sv_pct(100 * entry['national']['rate'])})",
                "Justerad andel (95 % KI)": (
                    f"{sv_pct(100 * oe['adjusted_rate'])} "
                    f"({sv_number(100 * oe['adjusted_low'], 1)}–{sv_number(100 * oe['adjusted_high'], 1)})"
                ),
                "Bedömning": text.verdict_short(v),
                "Läge i trattdiagrammet": text.position_text(v.position if v else None, v.adjusted if v else False),
            }
        )
    return pd.DataFrame(rows).fillna("")


def dispersion_table(nb: NulliparaPage) -> pd.DataFrame:
    """Spiegelhalter overdispersion check per outcome."""
    rows = []
    for key in nb.fitted:
        d = nb.results["outcomes"][key]["overdispersion"]
        rows.append(
            {
                "Utfall": outcome_label(key),
                "Regioner": sv_number(d["n_units"]),
                "φ (spridningsfaktor)": sv_number(d["phi"], 2),
                "χ² (fg)": f"{sv_number(d['statistic'], 1)} ({sv_number(d['df'])})",
                "p-värde": text.p_value(d["p_value"]),
                "τ² (mellan regioner)": sv_number(d["tau2"], 4),
                "Överspridning": "ja" if d["overdispersed"] else "nej",
            }
        )
    return pd.DataFrame(rows)


def indirect_table(nb: NulliparaPage) -> pd.DataFrame:
    """Model O/E vs stratified O/E computed two ways (national microdata; rate table + own data).

    Outcomes left out by disclosure control keep a row that shows only the mark.
    """
    rows = []
    shown = {r.outcome: r for r in nb.indirect.itertuples(index=False)}
    for key in nb.fitted:
        if key not in shown:
            rows.append({"Utfall": outcome_label(key), "Observerat": text.suppressed_mark()})
            continue
        r = shown[key]
        rows.append(
            {
                "Utfall": outcome_label(r.outcome),
                "Observerat": sv_number(r.observed),
                "Förväntat: individdata / tabell": f"{sv_number(r.expected_full, 1)} / {sv_number(r.expected_table, 1)}",
                "O/E: individdata / tabell (95 % KI)": (
                    f"{sv_number(r.oe_full, 3)} / {sv_number(r.oe_table, 3)} "
                    f"({sv_number(r.oe_table_low, 2)}–{sv_number(r.oe_table_high, 2)})"
                ),
                "O/E, fallmixmodell": sv_number(r.oe_model, 3),
                "Utan matchning vid småcellsskydd": text.count_or_mark(r.n_unmatched_published, r.n),
            }
        )
    return pd.DataFrame(rows).fillna("")


def model_statistics_table(nb: NulliparaPage) -> pd.DataFrame:
    """Reviewer table: n, events, patterns, AUC, Hosmer–Lemeshow, convergence per model."""
    rows = []
    for key in nb.fitted:
        s = nb.analyses[key].summary.statistics
        rows.append(
            {
                "Utfall": outcome_label(key),
                "Kvinnor": sv_number(s["n"]),
                "Händelser": sv_number(s["events"]),
                "Mönster / parametrar": f"{sv_number(s['n_patterns'])} / {sv_number(s['n_parameters'])}",
                "AUC": sv_number(s["auc"], 3),
                "Hosmer–Lemeshow χ² (fg), p": (
                    f"{sv_number(s['hosmer_lemeshow'], 1)} ({sv_number(s['hosmer_lemeshow_df'])}), {text.p_value(s['hosmer_lemeshow_p'])}"
                ),
                "Konvergerad": "ja" if s["converged"] else "nej",
                "Faktorer som saknas i data": ", ".join(covariate_label(c) for c in s["absent_covariates"]) or "inga",
            }
        )
    return pd.DataFrame(rows)


def coefficient_table(nb: NulliparaPage, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Odds ratios with 95 % CI, one column per outcome; levels resting on small cells show the mark."""
    mark = text.suppressed_mark()
    keys = [k for k in (outcomes or nb.fitted) if k in nb.analyses]
    columns: dict[str, dict[tuple[str, str], str]] = {}
    order: list[tuple[str, str]] = []
    for key in keys:
        coefs = nb.analyses[key].summary.coefficients
        col: dict[tuple[str, str], str] = {}
        for r in coefs.itertuples(index=False):
            if r.covariate == "(intercept)":
                continue
            ident = (str(r.covariate), str(r.level))
            if ident not in order:
                order.append(ident)
            col[ident] = (
                mark if r.suppressed else f"{sv_number(r.odds_ratio, 2)} ({sv_number(r.or_low, 2)}–{sv_number(r.or_high, 2)})"
            )
        columns[short_label(key)] = col
    cfg = load_outcome_config()
    refs = {name: spec.reference for name, spec in cfg.covariates.items()}
    rows = []
    for cov, level in order:
        row = {
            "Faktor: nivå (referens)": (f"{covariate_label(cov)}: {level_label(level)} ({level_label(refs[cov])})"),
        }
        for label, col in columns.items():
            row[label] = col.get((cov, level), "ingår ej")
        rows.append(row)
    return pd.DataFrame(rows)


def calibration_compact(nb: NulliparaPage) -> pd.DataFrame:
    """Observed vs expected rate per decile of predicted risk ('obs / förv' in %), one column per outcome."""
    mark = text.suppressed_mark()
    out: dict[str, list[str]] = {}
    groups: list[int] = []
    for key in nb.fitted:
        cal = nb.analyses[key].summary.calibration
        groups = cal["group"].astype(int).tolist() if len(cal) > len(groups) else groups
        out[short_label(key)] = [
            mark if r.suppressed else f"{sv_number(100 * r.observed_rate, 1)} / {sv_number(100 * r.expected_rate, 1)}"
            for r in cal.itertuples(index=False)
        ]
    width = len(groups)
    frame = pd.DataFrame({"Riskdecil": [str(g) for g in groups]})
    for label, values in out.items():
        frame[label] = values + [""] * (width - len(values))
    return frame


def missing_table(nb: NulliparaPage) -> pd.DataFrame:
    """Women coded 'saknas' per factor and outcome model (kept in the model as their own level)."""
    limit = threshold()
    factors: list[str] = []
    for key in nb.fitted:
        for c in nb.results["outcomes"][key]["missing_category"]:
            if c not in factors:
                factors.append(c)
    rows = []
    for c in factors:
        row = {"Faktor": covariate_label(c)}
        for key in nb.fitted:
            v = nb.results["outcomes"][key]["missing_category"].get(c)
            row[short_label(key)] = "ingår ej" if v is None else (f"<{limit}" if 0 < v < limit else sv_number(v))
        rows.append(row)
    return pd.DataFrame(rows)


def indicator_cards_table(nb: NulliparaPage) -> pd.DataFrame:
    """One row per outcome from ``outcomes.yml``: numerator, denominator, and the women left out (nation)."""
    rows = []
    mark = text.suppressed_mark()
    for key in nb.outcomes:
        lab = labels().outcomes[key]
        entry = nb.results["outcomes"].get(key)
        row = {"Utfall": outcome_label(key), "Täljare": lab.numerator, "Nämnare": lab.denominator}
        for column, field_ in (("Saknad uppgift i nämnarens villkor", "excluded_missing_denominator_rule"),
                               ("Saknat utfall", "excluded_missing_outcome")):  # fmt: skip
            v = None if entry is None else entry.get(field_)
            row[column] = "–" if v is None else (mark if 0 < v < threshold() else sv_number(v))
        row["Kvinnor i nämnaren (riket)"] = "–" if entry is None else sv_number(entry["national"]["n"])
        rows.append(row)
    return pd.DataFrame(rows)


def monte_carlo_table(nb: NulliparaPage) -> pd.DataFrame:
    """Bootstrap draws and the Monte Carlo standard error (pp) of each printed decomposition limit."""
    rows = []
    for key in nb.fitted:
        home = nb.home(key)
        errors = home.get("mc_error") or {}
        row = {"Utfall": outcome_label(key), "Dragningar": sv_number(nb.results["outcomes"][key]["n_boot"])}
        for part, label in (("gap", "Skillnad"), ("casemix_part", "Fallmix"), ("practice_part", "Praxis")):
            for suffix, end in (("_low", "nedre"), ("_high", "övre")):
                value = errors.get(part + suffix)
                row[f"{label}, {end}"] = "–" if value is None else sv_number(value, 3)
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- what the template shows


@dataclass(frozen=True)
class RobsonTable(Table):
    """The Robson table with groups 1, 2a and 2b highlighted; ``table`` is the displayable Robson frame."""

    table: pd.DataFrame | None = None
    region: str = ""

    def to_html(self) -> str:
        assert self.table is not None
        return robson_html(self.table, self.region, self.caption) + self.download_link()


@dataclass(frozen=True)
class Tables:
    """Several tables shown by one cell, one after the other."""

    parts: tuple[Table, ...]

    def _repr_html_(self) -> str:
        return "\n".join(t.to_html() for t in self.parts)


def published_figures(nb: NulliparaPage) -> Table:
    return Table(published_table(nb.region), text.published_caption(nb.synthetic))


def robson_groups(nb: NulliparaPage) -> RobsonTable:
    frame = robson_frame(nb.robson, nb.region)
    return RobsonTable(frame, text.caption("robson", nb.synthetic), table=nb.robson, region=nb.region)


def oe(nb: NulliparaPage) -> Table:
    return Table(oe_table(nb), text.caption("oe", nb.synthetic))


def dispersion(nb: NulliparaPage) -> Table:
    return Table(dispersion_table(nb), text.caption("dispersion", nb.synthetic))


def indirect(nb: NulliparaPage) -> Table:
    return Table(indirect_table(nb), text.caption("indirect", nb.synthetic))


def model_statistics(nb: NulliparaPage) -> Table:
    return Table(model_statistics_table(nb), text.caption("model", nb.synthetic))


def coefficients(nb: NulliparaPage, per_table: int = 3) -> Tables:
    """Odds ratios, ``per_table`` outcomes side by side in each table."""
    chunks = [nb.fitted[i : i + per_table] for i in range(0, len(nb.fitted), per_table)]
    return Tables(tuple(Table(coefficient_table(nb, c), text.caption("coefficients", nb.synthetic)) for c in chunks))


def calibration(nb: NulliparaPage) -> Table:
    return Table(calibration_compact(nb), text.caption("calibration", nb.synthetic))


def missing(nb: NulliparaPage) -> Table:
    return Table(missing_table(nb), text.caption("missing", nb.synthetic))


def monte_carlo(nb: NulliparaPage) -> Table:
    return Table(monte_carlo_table(nb), text.caption("monte_carlo", nb.synthetic))


def indicator_cards(nb: NulliparaPage) -> Table:
    return Table(indicator_cards_table(nb), text.caption("indicators", nb.synthetic))
