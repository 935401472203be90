"""Whole-word search patterns for `__iregex` lookups on SQLite and PostgreSQL."""

import re

# PostgreSQL's regular expressions mark the start and end of a word with \m and \M.
# Django's SQLite REGEXP runs Python's re, which has no \m, so look-arounds do the job.
# Both only apply where the phrase starts or ends with a word character; elsewhere the
# look-arounds (which PostgreSQL also understands) keep the edge from splitting a word.
WORD_EDGES = {"postgresql": (r"\m", r"\M")}
LOOK_AROUND_EDGES = (r"(?<!\w)", r"(?!\w)")


def whole_words_pattern(text, *, vendor):
    """A pattern matching `text` as whole words (any spacing between them), for `vendor`."""
    words = text.split()
    if not words:
        raise ValueError("Nothing to search for.")
    body = r"\s+".join(re.escape(word) for word in words)
    start, end = WORD_EDGES.get(vendor, LOOK_AROUND_EDGES)
    if not re.match(r"\w", words[0]):
        start = LOOK_AROUND_EDGES[0]
    if not re.search(r"\w$", words[-1]):
        end = LOOK_AROUND_EDGES[1]
    return f"{start}{body}{end}"
