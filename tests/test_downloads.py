"""Issue 15 item 3: every chart and table has its data as a CSV download and a text alternative."""

from __future__ import annotations

import re
from urllib.parse import unquote

import altair as alt
import pandas as pd

from analysis.common import disclosure
from analysis.render import charts, download
from analysis.render.page import Table


def _csv(html: str) -> tuple[str, str]:
    m = re.search(r'href="data:text/csv;charset=utf-8,([^"]*)" download="([^"]+)"', html)
    assert m, html[-500:]
    return unquote(m.group(1)), m.group(2)


def test_table_has_a_swedish_excel_csv_of_what_it_shows() -> None:
    download.set_page("riskmix")
    frame = pd.DataFrame({"Kommun": ["Sala; norra", "Köping"], "Andel": ["12,5\u00a0%", "<5"], "Antal": ["1\u00a0234", "<5"]})
    html = Table(frame, "Rubrik").to_html()
    text, name = _csv(html)
    assert name == "riskmix-1.csv" and "Ladda ner data (CSV)" in html
    assert text.startswith("\ufeffKommun;Andel;Antal\r\n")
    assert '"Sala; norra";12,5\u00a0%;1234\r\n' in text and "Köping;<5;<5" in text
    assert _csv(Table(frame).to_html())[1] == "riskmix-2.csv"


def test_chart_has_csv_of_its_approved_aggregate_and_a_text_alternative() -> None:
    download.set_page("nullipara")
    data = disclosure.chart_data(pd.DataFrame({"Utfall": ["A", "B"], "n": [120, 40], "andel": [12.5, 0.25]}))
    rule = disclosure.non_person(pd.DataFrame({"y": [1.0]}), "reference line")
    chart = alt.layer(alt.Chart(data).mark_bar().encode(x="Utfall", y="andel"), alt.Chart(rule).mark_rule().encode(y="y"))
    html = charts._chart_html(chart.properties(title="Andel per utfall").to_dict())
    text, name = _csv(html)
    assert name == "nullipara-1.csv"
    assert text.splitlines()[0] == "\ufeffUtfall;n;andel" and "A;120;12,5" in text and "B;40;0,25" in text
    assert 'role="img" aria-label="Andel per utfall"' in html and "<figcaption" not in html
    described = chart.properties(title="T", description="Stapeldiagram: andel per utfall.").to_dict()
    shown = charts._chart_html(described)
    assert 'aria-label="Stapeldiagram: andel per utfall."' in shown and "<figcaption" in shown


def test_geo_features_give_their_properties_not_their_geometry() -> None:
    rows = [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {"kommun": "Sala", "pct": 1.5}}]
    assert download.records_csv(rows) == "\ufeffkommun;pct\r\nSala;1,5\r\n"


def test_palette_is_okabe_ito() -> None:
    assert charts.ACCENT_COLOURS[:3] == ["#0072b2", "#d55e00", "#009e73"]
