"""Offline Altair charts with Swedish number formatting.

Altair's default HTML output loads Vega from a CDN at view time, which fails for
a book that must open with no network. Instead the book ships the Vega bundle
that ``vl-convert-python`` carries (``_static/vega-bundle.js``) and this module's
renderer emits a ``<div>`` plus a call to the already-loaded ``vegaEmbed``.
The renderer also refuses datasets that look individual-level, because Altair
embeds chart data verbatim in the published page.
"""

from __future__ import annotations

import hashlib
import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import altair as alt

RENDERER_NAME = "book"
BUNDLE_NAME = "vega-bundle.js"
# A chart over more rows than this is almost certainly not aggregated.
MAX_ROWS_PER_DATASET = 3000
# Column names that identify a person or a delivery must never reach a page.
FORBIDDEN_COLUMNS = frozenset({"delivery_id", "personnummer", "person_id", "patient_id"})

HOME_COLOUR = "#b2182b"
OTHER_COLOUR = "#8c96a6"
NATION_COLOUR = "#1b1b1b"
# Categorical colours: the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies):
# blue, vermillion, bluish green, orange, reddish purple, sky blue.
ACCENT_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#e69f00", "#cc79a7", "#56b4e9"]


class IndividualDataError(ValueError):
    """A chart would embed what looks like individual-level data in the page."""


@lru_cache(maxsize=1)
def sv_format_locale() -> dict[str, Any]:
    """d3 number locale for Swedish: decimal comma, no-break space between thousands."""
    import vl_convert as vlc

    return dict(vlc.get_format_locale("sv-SE"))


@lru_cache(maxsize=1)
def sv_time_format_locale() -> dict[str, Any]:
    import vl_convert as vlc

    return dict(vlc.get_time_format_locale("sv-SE"))


def write_vega_bundle(static_dir: Path) -> Path:
    """Write the Vega/Vega-Lite/Vega-Embed bundle into the book's ``_static``.

    The bundle is wrapped in a function scope: its top-level ``const _`` would
    otherwise collide with Sphinx's global ``_`` and stop every chart.
    """
    import vl_convert as vlc

    static_dir.mkdir(parents=True, exist_ok=True)
    target = static_dir / BUNDLE_NAME
    version = f"vega {vlc.get_vega_version()} / vega-lite {alt.SCHEMA_VERSION} / vega-embed {vlc.get_vega_embed_version()}"
    header = f"/* {version}; generated from vl-convert-python, do not edit */\n"
    if target.exists() and target.read_text(encoding="utf-8").startswith(header):
        return target
    bundle = vlc.javascript_bundle(
        # type: ignore[call-arg]
        vl_version=alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    )
    target.write_text(header + "(function(){\n" + bundle + "\n})();\n", encoding="utf-8")
    return target


def inline_datasets(spec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every dataset a Vega-Lite spec embeds (top-level ``datasets`` and inline ``data.values``)."""
    datasets: dict[str, list[dict[str, Any]]] = dict(spec.get("datasets", {}))

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                datasets[f"inline-{len(datasets)}"] = data["values"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in spec.items() if k != "datasets"})
    return datasets


def chart_name(spec: dict[str, Any]) -> str:
    """The chart's title (or its description) for error messages."""
    title = spec.get("title") or spec.get("description") or ""
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title) or "(untitled chart)"


def check_approved(spec: dict[str, Any]) -> None:
    """Raise unless every inline dataset was approved by ``analysis.common.disclosure`` (positive guard)."""
    from analysis.common import disclosure

    for name, rows in inline_datasets(spec).items():
        if disclosure.approval(rows) is None:
            columns = sorted(rows[0]) if rows and isinstance(rows[0], dict) else []
            raise IndividualDataError(
                f"chart {chart_name(spec)!r}: dataset {name!r} ({len(rows)} rows, columns {columns[:8]}) did not come "
                "from the disclosure helper; wrap it in analysis.common.disclosure.chart_data(...) (an aggregate of "
                "people, counts checked) or non_person(..., what) (boundaries, sites, grids, published statistics)"
            )


def check_aggregated(spec: dict[str, Any]) -> None:
    """Raise if any inline dataset was not approved, is too large or carries an identifying column."""
    check_approved(spec)
    for name, rows in inline_datasets(spec).items():
        if len(rows) > MAX_ROWS_PER_DATASET and not str(approval_of(rows)).startswith("non-person"):
            raise IndividualDataError(
                f"chart dataset {name!r} has {len(rows)} rows (limit {MAX_ROWS_PER_DATASET}); aggregate before charting"
            )
        if rows and isinstance(rows[0], dict):
            bad = FORBIDDEN_COLUMNS.intersection(rows[0])
            if bad:
                raise IndividualDataError(f"chart dataset {name!r} has identifying column(s) {sorted(bad)}")


def chart_description(spec: dict[str, Any]) -> str:
    """One sentence saying what the chart shows: its ``description`` when given, else its title."""
    described = spec.get("description")
    if isinstance(described, str) and described.strip() and described != "(untitled chart)":
        return described.strip()
    return chart_name({k: v for k, v in spec.items() if k != "description"})


def _download(spec: dict[str, Any]) -> str:
    """The chart's 'Ladda ner data (CSV)' link: the approved datasets it shows (no link above download.MAX_ROWS)."""
    from analysis.render import download

    datasets = inline_datasets(spec)
    records = download.chart_records(datasets, {n: approval_of(r) for n, r in datasets.items()})
    if not records or len(records) > download.MAX_ROWS:
        return ""
    return download.link(download.records_csv(records))


def approval_of(rows: list[Any]) -> str | None:
    from analysis.common import disclosure

    return disclosure.approval(rows)


def _chart_html(spec: dict[str, Any]) -> str:
    payload = json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # Deterministic element ids keep rebuilt pages byte-identical for reviewers' diffs.
    chart_id = "vega-" + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
    options = json.dumps(
        {"actions": False, "renderer": "svg", "formatLocale": sv_format_locale(), "timeFormatLocale": sv_time_format_locale()},
        ensure_ascii=False,
    )
    safe_payload = payload.replace("</", "<\\/")
    described = chart_description(spec)
    label = html.escape(described, quote=True)
    # A description the chart passed is shown under it; a title alone is already drawn in the chart.
    caption = f'<figcaption class="chart-description">{label}</figcaption>' if described != chart_name(spec) else ""
    return (
        f'<figure class="vega-figure"><div class="vega-chart" id="{chart_id}" role="img" aria-label="{label}"></div>'
        f"{caption}{_download(spec)}</figure>\n"
        "<script>(function(){"
        f"var spec={safe_payload};var opt={options};"
        f'function draw(){{var el=document.getElementById("{chart_id}");'
        'if(!window.vegaEmbed){el.textContent="Diagrammet kunde inte ritas: vega-bundle.js saknas.";return;}'
        'window.vegaEmbed(el,spec,opt).catch(function(e){el.textContent="Diagrammet kunde inte ritas: "+e;});}'
        'if(document.readyState==="loading"){document.addEventListener("DOMContentLoaded",draw);}else{draw();}'
        "})();</script>"
    )


def _renderer(spec: dict[str, Any], **_: Any) -> dict[str, str]:
    check_aggregated(spec)
    return {"text/html": _chart_html(spec), "text/plain": "<Altair-diagram>"}


def enable() -> None:
    """Register and switch on the offline renderer and the book theme (call once per notebook)."""
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, _renderer)
    alt.renderers.enable(RENDERER_NAME)
    alt.data_transformers.disable_max_rows()
    if "book" not in alt.theme.names():
        alt.theme.register("book", enable=False)(_theme)
    alt.theme.enable("book")


def _theme() -> Any:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "title": {"fontSize": 14, "anchor": "start"},
            "range": {"category": ACCENT_COLOURS},
        }
    }


def to_svg(chart: alt.TopLevelMixin) -> str:
    """Static SVG with Swedish formatting (for tests and image export)."""
    import vl_convert as vlc

    spec = chart.to_dict()
    check_aggregated(spec)
    return vlc.vegalite_to_svg(spec, format_locale=sv_format_locale(), time_format_locale=sv_time_format_locale())
