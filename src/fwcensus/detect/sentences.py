"""The sentence around a character offset of a cleaned page.

Detection reads sentences only where a framework is named, so instead of splitting whole pages
this finds the boundaries either side of one hit. A boundary is a sentence end (". " before a
capital, a bracket or a quote, not after "et al.", "e.g.", "Fig." and the like), a blank line,
or a list bullet: survey papers list frameworks one bullet each.
"""

from __future__ import annotations

import re

# Longest stretch looked at either side of a hit; a "sentence" longer than this is a table or
# a reference list, and the window is as much context as a rule needs.
MAX_REACH = 400

_ABBREVIATIONS = frozenset(
    [
        "al",
        "e.g",
        "i.e",
        "fig",
        "figs",
        "eq",
        "eqs",
        "sec",
        "secs",
        "tab",
        "vs",
        "cf",
        "etc",
        "resp",
        "approx",
        "no",
        "ref",
        "refs",
        "ch",
        "app",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "mr",
        "ms",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "proc",
        "conf",
        "vol",
        "pp",
        "ed",
        "eds",
        "et",
    ]
)
# Closing quotes (straight and curly), then space, then what opens a sentence; or a blank line
# or a bullet.
_END = re.compile(
    "[.!?](?=[\\s\"'\u201d\u2019)\\]]*\\s+[\"'\u201c(\\[]?[A-Z0-9\u2022\u25aa])"
    "|\\n\\s*\\n|[\u2022\u25aa\u25cf\u25e6\u25a0\u25a1]"
)


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``(first, after_last)`` of the sentence holding ``text[start:end]``."""
    left_edge = max(0, start - MAX_REACH)
    first = left_edge
    for match in _END.finditer(text, left_edge, start):
        if _is_boundary(text, match):
            first = match.end()
    stop = min(len(text), end + MAX_REACH)
    last = stop
    for match in _END.finditer(text, end, stop):
        if _is_boundary(text, match):
            last = match.end() if match.group() in ".!?" else match.start()
            break
    while first < start and text[first].isspace():
        first += 1
    return first, max(last, end)


def one_line(text: str) -> str:
    return " ".join(text.split())


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    if match.group() != ".":
        return True
    word = re.search(r"([A-Za-z.]+)$", text[max(0, match.start() - 12) : match.start()])
    if word is None:
        return True
    token = word.group(1).lower().strip(".")
    # "A. Krizhevsky": a single capital before the dot is an initial, not a sentence end.
    return token not in _ABBREVIATIONS and not (len(token) == 1 and word.group(1)[-1].isupper())
