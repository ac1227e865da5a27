"""Reading the definition-list listings that CVF and ECVA share (``dt.ptitle`` + ``dd``s)."""

from __future__ import annotations

from bs4 import Tag


def element_text(tag: Tag) -> str:
    """The tag's text on one line, whitespace collapsed."""
    return " ".join(tag.get_text(" ").split())


def next_dd(tag: Tag) -> Tag | None:
    """The ``dd`` that follows ``tag`` before the next entry's ``dt``, if any."""
    sibling = tag.find_next_sibling()
    while isinstance(sibling, Tag) and sibling.name != "dd":
        if sibling.name == "dt":
            return None
        sibling = sibling.find_next_sibling()
    return sibling if isinstance(sibling, Tag) else None
