"""Whole-word search patterns: one meaning on SQLite (Python re) and PostgreSQL."""

import re

import pytest

from sendhub.search import whole_words_pattern


@pytest.mark.parametrize(
    ("text", "found", "not_found"),
    [
        ("reading", ["Reading ruler", "paired reading", "reading."], ["threading", "readings"]),
        ("paired reading", ["Paired  Reading daily"], ["paired work, reading"]),
        ("1:1", ["1:1 support", "daily 1:1"], ["11:15"]),
        ("C++", ["Learn C++ now"], ["ABC++"]),
    ],
)
def test_the_python_pattern_finds_whole_words_only(text, found, not_found):
    pattern = re.compile(whole_words_pattern(text, vendor="sqlite"), re.IGNORECASE)
    assert all(pattern.search(value) for value in found)
    assert not any(pattern.search(value) for value in not_found)


def test_postgresql_uses_its_word_edges_where_the_phrase_has_word_ends():
    assert whole_words_pattern("paired reading", vendor="postgresql") == r"\mpaired\s+reading\M"
    assert whole_words_pattern("1:1", vendor="postgresql") == r"\m1:1\M"
    assert whole_words_pattern("(reading", vendor="postgresql") == r"(?<!\w)\(reading\M"


def test_an_empty_search_is_refused():
    with pytest.raises(ValueError, match="Nothing to search for"):
        whole_words_pattern("   ", vendor="sqlite")
