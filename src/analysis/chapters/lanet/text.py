"""The chapter's sentences from ``book/text/lanet.sv.yml``."""

from __future__ import annotations

from analysis.common.home import COUNTY_NAME
from analysis.common.text import Sentence, Texts

TEXTS = Texts("lanet")


def map_title(county: str = COUNTY_NAME) -> Sentence:
    return TEXTS("map_title", county=county)


def municipality_table_caption() -> Sentence:
    return TEXTS("municipality_table_caption")
