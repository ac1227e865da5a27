"""Small pieces every mirror builder writes the same way as the real sites do."""

from __future__ import annotations

import html


def escape_text(value: str) -> str:
    """Text between tags: titles with "&" and "<" are escaped as the real pages escape them."""
    return html.escape(value, quote=False)


def escape_attr(value: str) -> str:
    return html.escape(value, quote=True)


def bibtex_name(author: str) -> str:
    """ "First Last" as BibTeX writes it: "Last, First"."""
    first, _, last = author.strip().rpartition(" ")
    return f"{last}, {first}" if first else last
