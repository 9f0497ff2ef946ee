"""Published figures shown beside the modelled ones: values, the region's rank, source URLs."""

from __future__ import annotations

import re

from analysis.chapters.nullipara.labels import labels
from analysis.common import published


def rank(indicator: str, region: str, year: str) -> int | None:
    """The region's rank when the published notes give it ('3rd highest' → 3), else None."""
    t = published.indicators()
    rows = t[(t["indicator"] == indicator) & (t["region_code"] == region) & (t["year"] == year)]
    if rows.empty:
        return None
    found = re.search(r"(\d+)(?:st|nd|rd|th) highest", str(rows["notes"].iloc[0]))
    return int(found.group(1)) if found else None


def source_urls() -> str:
    """Distinct source URLs of the published rows (for the source note under the table)."""
    urls: list[str] = []
    for row in labels().published:
        t = published.indicators()
        for src in t[(t["indicator"] == row.indicator) & (t["year"] == row.year)]["source"]:
            found = re.findall(r"https?://\S+", str(src))
            urls.extend(u.rstrip(".;,") for u in found)
    return ", ".join(dict.fromkeys(urls))


def value_or_none(indicator: str, region: str, year: str) -> float | None:
    try:
        return float(published.value(indicator, region, year))
    except KeyError:
        return None
