"""Where a URL can begin in a text, found by string search instead of by a pattern.

A pattern that opens with an alternation ("https?://|www\\.|github\\.com/") and ignores case is
tried at every character; ``str.find`` on the lower-cased text finds the same openings in C.
Cleaning and link finding then try their patterns only there.
"""

from __future__ import annotations

from fwcensus.catalogue.code_hosts import CODE_HOSTS

# Every URL pattern of the extract stage opens with one of these, in any case.
OPENINGS = ("http", "www.", *(f"{host}/" for host in CODE_HOSTS))


def url_openings(text: str) -> list[int] | None:
    """Sorted offsets where one of ``OPENINGS`` begins, in any case; None when lower-casing
    changes the text's length (a few rare letters lengthen), so offsets would not hold."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    found: set[int] = set()
    for opening in OPENINGS:
        at = lowered.find(opening)
        while at >= 0:
            found.add(at)
            at = lowered.find(opening, at + 1)
    return sorted(found)
