"""End to end: build the whole book on the embedded default data in a throw-away copy."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from .conftest import run_cli

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built_book(small_book: Path) -> Path:
    """The book built on the small fixed cohort (``make book`` in CI builds it on the full default cohort)."""
    return small_book


def _toc_files(toc: dict) -> list[str]:
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return files


def test_every_toc_entry_is_built(built_book: Path) -> None:
    toc = yaml.safe_load((built_book / "_toc.yml").read_text())
    for entry in _toc_files(toc):
        assert (built_book / "_build" / "html" / f"{entry}.html").exists(), entry


def test_no_executed_notebook_contains_an_error(built_book: Path) -> None:
    notebooks = list((built_book / "book" / "generated").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text())
        outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
        assert not [o for o in outputs if o.get("output_type") == "error"], path.name


def test_no_page_loads_anything_from_outside_the_book(built_book: Path) -> None:
    for page in (built_book / "_build" / "html").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for ref in re.findall(r'<(?:script|img)[^>]*\ssrc="([^"]+)"', text) + re.findall(r'<link[^>]*\shref="([^"]+)"', text):
            assert not re.match(r"^(https?:)?//", ref), f"{page.name} loads {ref}"
        assert "mathjax" not in text.lower(), f"{page.name} would load MathJax"
    assert (built_book / "_build" / "html" / "_static" / "vega-bundle.js").exists()


def test_map_page_has_a_chart_of_the_ten_municipalities(built_book: Path) -> None:
    html = (built_book / "_build" / "html" / "book" / "generated" / "lanet.html").read_text(encoding="utf-8")
    specs = re.findall(r"var spec=(\{.*?\});var opt=", html)
    assert specs
    found = False
    for raw in specs:
        spec = json.loads(raw.replace("<\\/", "</"))
        for layer in spec.get("layer", []):
            values = (layer.get("data") or {}).get("values") or []
            codes = {v.get("kommun_kod") for v in values if isinstance(v, dict)}
            if len(values) == 10 and codes == {"1904", "1907", "1960", "1961", "1962", "1980", "1981", "1982", "1983", "1984"}:
                found = True
    assert found, "no chart layer whose data is exactly the 10 municipalities"


def test_results_files_and_synthetic_notice(built_book: Path) -> None:
    results = built_book / "_build" / "results"
    lanet = json.loads((results / "lanet.json").read_text())
    assert lanet["municipalities"] == 10 and lanet["population_2024"] == 281158
    for page in ("riskmix", "calibration"):
        assert (results / f"{page}.json").exists()
        html = (built_book / "_build" / "html" / "book" / "generated" / f"{page}.html").read_text(encoding="utf-8")
        assert "Syntetiska data" in html
    calibration = json.loads((results / "calibration.json").read_text())
    # the small test cohort has wide sampling error; the full default cohort is checked by the synthetic-cohort tests
    assert calibration["checks"] > 0 and calibration["within_tolerance"] >= 0.7 * calibration["checks"]


def test_second_build_reuses_every_page(built_book: Path) -> None:
    result = run_cli(built_book, "build", "--no-html")
    assert result.returncode == 0, result.stderr
    assert "running" not in result.stdout and "unchanged, reused" in result.stdout


def test_every_planned_page_wrote_results_and_options_pull_from_chapters(built_book: Path) -> None:
    plan = yaml.safe_load((built_book / "book" / "runplan.yml").read_text())
    results = built_book / "_build" / "results"
    names = []
    for entry in plan["pages"]:
        if "foreach" in entry:
            key, values = next(iter(entry["foreach"].items()))
            names += [entry["name"].format(**{key: str(v).lower()}) for v in values]
        else:
            names.append(entry["name"])
    for name in names:
        assert (results / f"{name}.json").exists(), name
    travel = json.loads((results / "travel.json").read_text())
    option_b = json.loads((results / "option_b.json").read_text())
    # the options chapter takes access figures from the same travel model as the travel chapter
    figures = option_b["cases"][option_b["main_case"]]["figures"]
    assert figures["nsv_mean_minutes"] == pytest.approx(travel["four_hubs"]["mean_minutes"], abs=1e-6)
    assert figures["nsv_mean_minutes_today"] == pytest.approx(travel["vasteras_only"]["mean_minutes"], abs=1e-6)
    for chapter in ("riskmix", "nullipara"):
        assert option_b["evidence"][chapter].get("available") is not False, chapter
