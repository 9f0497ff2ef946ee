"""Every number a reader sees in prose must come from a computation (glue), never typed by hand."""

from __future__ import annotations

import re

import pytest

from analysis.pipeline.params import read_template

from .conftest import REPO

# Digits that are not figures: years in citations, section numbers of the report ("5.4.2"),
# Robson group names, the age band "15–44", and glue keys / markup.
ALLOWED = [
    r"\{glue:[a-z]*\}`[^`]*`",  # glued values
    r"`[^`]*`",  # inline code (file names, column names)
    r"\b(19|20)\d\d\b",  # years
    r"\b\d+(\.\d+)+\b",  # section numbers such as 5.4.2
    r"15–44",
    r"\b[Gg]rupp(?:erna)? \d+[ab]?(?:(?:,| och| och \d+[ab]?| –)\s*\d+[ab]?)*",
    r"\{\{[a-z_]+\}\}",
    r"A–D",
    # definitions, not figures: dates, thresholds and standards that name what is measured
    r"\b\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)\b",
    r"BMI \d+(–\d+(,\d+)?)?( eller mer)?",
    r"\(0, 1, 2\+\)",
    r"\b\d+\+",
    r"\b\d+ år( eller (mer|äldre))?",
    r"\b\d+ timmar",
    r"\b(95|99,8) ?%",
    r"SWEREF 99( TM)?|EPSG:\d+|UTF-8|Latin-1",
    r"(?m)^\s*\d+\. ",
    r"\b\d+[ab]\b",
    r"Σp\(1−p\)",  # a variance formula, not a figure
]


def _prose_digits(text: str) -> list[str]:
    for pattern in ALLOWED:
        text = re.sub(pattern, " ", text)
    return re.findall(r"[^\s]*\d[^\s]*", text)


@pytest.mark.parametrize("template", sorted(p.name for p in (REPO / "notebooks").glob("*.md")))
def test_no_hand_typed_numbers_in_prose(template: str) -> None:
    nb = read_template(REPO / "notebooks" / template)
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            found += _prose_digits("".join(cell["source"]))
    assert not found, f"{template}: numbers typed in prose (glue them): {found}"


def test_hand_written_pages_have_no_figures() -> None:
    for page in (REPO / "book").glob("*.md"):
        found = _prose_digits(page.read_text(encoding="utf-8"))
        assert not found, f"{page.name}: numbers typed in prose: {found}"
