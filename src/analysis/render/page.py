"""Small helpers every notebook page uses: setup, glued prose values, banners, tables.

Notebooks stay thin: they call the analysis modules and hand the results to
these helpers, so the look of numbers and notices is the same on every page.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.common import formatting
from analysis.render import charts


class Text(str):
    """A string that glues as plain text (``str`` itself would paste with quotes)."""

    def __repr__(self) -> str:  # what myst-nb pastes for text/plain
        return str(self)


def setup() -> None:
    """Offline charts and display defaults; call at the top of every page."""
    import warnings

    from tqdm import TqdmWarning

    # Some geo libraries import tqdm.auto, which warns in a kernel without ipywidgets (the book has none on purpose).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)
        import tqdm.auto  # noqa: F401
    charts.enable()
    pd.set_option("display.max_columns", 30)
    pd.set_option("display.width", 200)


def reset_page_state() -> None:
    """Forget what the previous page in this kernel left in module state: its approved chart data and its
    download numbering. The build calls this between pages when it reuses a kernel."""
    from analysis.common import disclosure
    from analysis.render import download

    disclosure.forget_approvals()
    download.set_page("")


def glue(key: str, value: Any) -> None:
    """Glue a value for ``{glue:}`key``` in prose without showing it where it is computed."""
    from myst_nb import glue as _glue

    if isinstance(value, str):
        value = Text(value)
    _glue(key, value, display=False)


def glue_number(key: str, value: float | int, decimals: int = 0) -> None:
    """Glue a number formatted the Swedish way (``12 345,6``)."""
    glue(key, formatting.sv_number(value, decimals))


def glue_pct(key: str, value: float, decimals: int = 1) -> None:
    """Glue a percentage (0–100 scale) formatted the Swedish way (``12,3 %``)."""
    glue(key, formatting.sv_pct(value, decimals))


def notice(title: str, body: str, kind: str = "warning") -> None:
    """An admonition box emitted as HTML (text/markdown output is not parsed as MyST)."""
    from IPython.display import HTML, display

    display(
        HTML(
            f'<div class="admonition {html.escape(kind)}"><p class="admonition-title">{html.escape(title)}</p><p>{body}</p></div>'
        )
    )


def synthetic_banner(synthetic: bool) -> None:
    """The visible notice on every page whose figures come from the synthetic cohort."""
    if not synthetic:
        return
    from analysis.common.text import Texts

    texts = Texts("common")
    notice(texts("synthetic_banner.title"), texts("synthetic_banner.body"), kind="warning synthetic-data")


def stable_styler(frame: pd.DataFrame, caption: str = "") -> Any:
    """``frame.style`` with element ids from the table's content instead of a random one, so that an unchanged
    table gives byte-identical HTML in every build (and an unchanged page is not reprinted in the PDF)."""
    import hashlib

    payload = caption + "\n" + frame.to_json(orient="split", date_format="iso", default_handler=str)
    return frame.style.set_uuid(hashlib.sha256(payload.encode("utf-8")).hexdigest()[:10])


def show_table(df: pd.DataFrame, caption: str | None = None) -> None:
    """A plain HTML table (index hidden), for already formatted display frames."""
    from IPython.display import HTML, display

    styler = stable_styler(df, caption or "").hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    display(HTML(styler.to_html()))


@dataclass(frozen=True)
class Table:
    """A display table and its caption; a code cell that ends with one shows it (index hidden).

    Chapters' ``tables.py`` return these so that a template cell is a single call.
    """

    frame: pd.DataFrame
    caption: str = ""

    def to_html(self) -> str:
        styler = stable_styler(self.frame, self.caption).hide(axis="index")
        if self.caption:
            styler = styler.set_caption(self.caption)
        return str(styler.to_html()) + self.download_link()

    def download_link(self) -> str:
        """'Ladda ner data (CSV)': the cells the table shows (suppressed and formatted as on the page)."""
        from analysis.render import download

        return download.link(download.frame_csv(self.frame))

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:  # the notebook's text/plain twin stays short
        return f"Table({len(self.frame)} rows{': ' + self.caption if self.caption else ''})"


def build(
    page_name: str,
    chapter: str,
    compute: Callable[..., Any],
    glue_values: Callable[[Any], Mapping[str, Any]],
    results: Callable[[Any], Mapping[str, Any]],
    **params: Any,
) -> Any:
    """The setup cell of every page: check parameters, set up charts, compute, glue prose values, save results.

    ``compute(**params)`` returns the chapter's page data; ``glue_values(data)`` the values the
    template's prose refers to with ``{glue:}`key```; ``results(data)`` the page's key figures.
    """
    from analysis.pipeline.params import check_in_notebook
    from analysis.render import download

    check_in_notebook(page_name, params, chapter=chapter)
    setup()
    download.set_page(page_name)
    data = compute(**params)
    for key, value in glue_values(data).items():
        glue(key, value)
    save_results(page_name, dict(results(data)))
    return data


def save_results(page_name: str, figures: dict[str, Any]) -> None:
    """Write the page's key figures to ``<results>/<page>.json`` (nothing is displayed)."""
    from analysis.common import results

    results.write(page_name, figures)


def is_synthetic(births_path: str | Path) -> bool:
    """A cohort is synthetic when the generator's truth file sits beside it."""
    path = Path(births_path)
    return Path(str(path) + ".truth.json").exists()
