"""The book's interface is Swedish: the Sphinx catalogue is complete and the browser check finds English text."""

from __future__ import annotations

from pathlib import Path

import yaml

from analysis.pipeline.browser_check import ENGLISH_UI, english_ui

REPO = Path(__file__).resolve().parents[1]
LOCALE = REPO / "book" / "locale" / "sv" / "LC_MESSAGES"


def test_config_asks_for_swedish_and_the_catalogue() -> None:
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config["sphinx"]["config"]
    assert config["language"] == "sv" and sphinx["language"] == "sv"
    assert sphinx["locale_dirs"] == ["book/locale"] and sphinx["templates_path"] == ["book/_templates"]


def test_every_catalogue_entry_is_translated() -> None:
    from babel.messages.pofile import read_po

    with (LOCALE / "sphinx.po").open("rb") as fh:
        catalog = read_po(fh, locale="sv")
    missing = [m.id for m in catalog if m.id and not m.string]
    assert not missing, f"untranslated: {missing}"
    assert {"Skip to main content", "Back to top", "Color mode", "Link to this heading"} <= {m.id for m in catalog}


def test_template_overrides_carry_no_english() -> None:
    for template in (REPO / "book" / "_templates").glob("*.html"):
        body = "\n".join(line for line in template.read_text(encoding="utf-8").splitlines() if not line.startswith("{#"))
        assert not english_ui(body) and "Toggle" not in body, template.name


def test_english_ui_finds_theme_strings() -> None:
    page = '<a class="skip-link" href="#main">Skip to main content</a><button title="Toggle primary sidebar">'
    assert english_ui(page) == ["Skip to main content", "Toggle primary sidebar"]
    assert english_ui("<p>Hoppa till huvudinnehållet</p>") == []
    assert len(set(ENGLISH_UI)) == len(ENGLISH_UI)
