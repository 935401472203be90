"""Code of Practice paragraphs are cited for what they say."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    path
    for folder in ("templates", "docs", "sendhub", "pupils", "provision", "reviews", "reports")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in {".html", ".md", ".py", ".txt"}
]


def citations(number):
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(re.escape(number), text):
            yield path, text[max(match.start() - 300, 0) : match.end() + 100]


@pytest.mark.parametrize("path_and_context", list(citations("6.52")), ids=str)
def test_6_52_is_cited_for_the_do_stage_not_for_termly_reviews(path_and_context):
    """Code of Practice 6.52 is "Do": the class teacher stays responsible."""
    path, context = path_and_context
    assert "termly" not in context, path
    assert "responsible" in context, path


def test_parent_meetings_cite_6_65():
    tile = (ROOT / "templates/reports/home_senco.html").read_text(encoding="utf-8")
    assert "Code of Practice 6.65" in tile
