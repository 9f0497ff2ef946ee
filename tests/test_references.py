"""The bibliography: every cited key exists in book/references.bib and every source in sources.yml names its entries."""

from __future__ import annotations

import re

import yaml

from .conftest import REPO

BIB = REPO / "book" / "references.bib"
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def _bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(encoding="utf-8"), re.M))


def _cited() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    pages = [*(REPO / "book").glob("*.md"), *(REPO / "notebooks").glob("*.md"), *(REPO / "book" / "text").glob("*.yml")]
    for page in pages:
        for group in CITE.findall(page.read_text(encoding="utf-8")):
            for key in group.split(","):
                found.setdefault(key.strip(), set()).add(page.name)
    return found


def test_every_cited_key_is_in_the_bibliography() -> None:
    missing = {k: sorted(v) for k, v in _cited().items() if k not in _bib_keys()}
    assert not missing, f"cited but not in {BIB.name}: {missing}"


def test_sources_name_existing_entries_and_every_entry_has_a_source() -> None:
    sources = yaml.safe_load((REPO / "src" / "analysis" / "data" / "sources.yml").read_text(encoding="utf-8"))["sources"]
    keys = _bib_keys()
    named = {k for s in sources for k in s.get("bib", [])}
    assert named <= keys, f"sources.yml names unknown entries: {sorted(named - keys)}"
    assert keys <= named, f"entries no source in sources.yml names: {sorted(keys - named)}"


def test_entries_have_a_title_and_no_duplicate_keys() -> None:
    text = BIB.read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,\s]+),", text, re.M)
    assert len(keys) == len(set(keys))
    for block in re.split(r"\n(?=@)", text)[1:]:
        assert re.search(r"^\s*title\s*=", block, re.M), block.splitlines()[0]


def test_the_bibliography_page_lists_all_entries_and_is_in_the_toc() -> None:
    assert ":all:" in (REPO / "book" / "referenser.md").read_text(encoding="utf-8")
    assert "book/referenser" in (REPO / "_toc.yml").read_text(encoding="utf-8")
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    assert config["bibtex_bibfiles"] == ["book/references.bib"]


SV_ALPHABET = "abcdefghijklmnopqrstuvwxyzåäö"


def test_glossary_terms_in_swedish_order_and_the_books_key_words_present() -> None:
    text = (REPO / "book" / "ordlista.md").read_text(encoding="utf-8")
    body = text[text.index("```{glossary}") :]
    terms = [line for line in body.splitlines()[1:] if line and not line.startswith((" ", "```"))]

    def order(term: str) -> list[int]:
        return [SV_ALPHABET.index(c) if c in SV_ALPHABET else -1 for c in term.lower()]

    assert terms == sorted(terms, key=order)
    needed = ["BMM", "Närsjukvårdsnivå", "Förstföderska", "Robsongrupp", "O/E", "Indirekt standardisering", "Trattdiagram"]
    needed += ["Konfidensintervall (KI)", "Syntetisk kohort", "DeSO", "Tätort", "Huvudmottagning", "Filial", "Sistahandsansvar"]
    needed += ["Vårdplats", "Födsel", "Förlossning"]
    assert set(needed) <= set(terms), set(needed) - set(terms)
    assert "book/ordlista" in (REPO / "_toc.yml").read_text(encoding="utf-8")
