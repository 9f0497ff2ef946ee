"""The summary page's tables and message lists."""

from __future__ import annotations

import html
from dataclasses import replace

import pandas as pd

from analysis.chapters.summary import text
from analysis.chapters.summary.messages import municipality_net_minutes
from analysis.chapters.summary.page import SummaryPage, sentence
from analysis.common.formatting import sv_number
from analysis.render.page import Table


class Html:
    """Raw HTML a cell shows (a key-message list)."""

    def __init__(self, body: str) -> None:
        self.body = body

    def _repr_html_(self) -> str:
        return self.body

    def __repr__(self) -> str:
        return "<nyckelbudskap>"


def key_messages(data: SummaryPage, option: str) -> Html:
    """The option's key messages as a list, each with its certainty tag; one list per case for D."""
    labels = data.config.certainty_sv
    messages = data.messages[option]
    cases = messages[0].cases if messages else ()
    blocks = []
    for c in cases:
        items = "".join(text.list_item(sentence(data, replace(m, cases=(c,))), labels[m.certainty]) for m in messages)
        heading = f"<p><strong>{html.escape(str(text.case_heading(c)))}</strong></p>" if len(cases) > 1 else ""
        blocks.append(f'{heading}<ul class="key-messages">{items}</ul>')
    return Html("".join(blocks))


def baseline(data: SummaryPage) -> Html:
    """Today's situation: published figures, each tagged as such."""
    tag = data.config.certainty_sv["published"]
    items = "".join(text.list_item(str(s), tag) for s in text.baseline(data.baseline))
    return Html(f'<ul class="key-messages">{items}</ul>')


def glance_table(data: SummaryPage) -> pd.DataFrame:
    """One row per option: the report's organisation and providers, service points and staffing rule."""
    cfg = data.options_config
    return pd.DataFrame([
        {"Alternativ": key, "Organisation och utförare": f"{o.organisation_sv}. {o.providers_sv}.",
         "Mottagningar och bemanning": f"{o.matrix_sv['tillganglighet']} {o.matrix_sv['bemanningskrav']}"}
        for key, o in cfg.options.items()
    ])  # fmt: skip


def municipality_table(data: SummaryPage) -> pd.DataFrame:
    """Municipalities × option rows: net change in travel minutes per birth and year."""
    net = municipality_net_minutes(list(data.options.values()), data.comparison)
    rows = list(next(iter(net.values())))
    return pd.DataFrame({"Kommun": rows, **{row: [sv_number(v[m]) for m in rows] for row, v in net.items()}})


def glance(data: SummaryPage) -> Table:
    return Table(glance_table(data), str(text.TEXTS("captions.glance")))


def municipalities(data: SummaryPage) -> Table:
    return Table(municipality_table(data), str(text.TEXTS("captions.municipalities")))
