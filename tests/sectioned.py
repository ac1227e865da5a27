"""Pages written block by block with the sections the extract stage would mark on them."""

from __future__ import annotations

from fwcensus.models import Section, SectionKind

Block = tuple[SectionKind, str]


def sectioned(*pages: list[Block]) -> tuple[list[str], list[Section]]:
    """Each page's text (its blocks, a newline after each) and every block's section span."""
    texts: list[str] = []
    sections: list[Section] = []
    for number, blocks in enumerate(pages, 1):
        text = ""
        for kind, block in blocks:
            start = len(text)
            text += block + "\n"
            sections.append(Section(kind, "", number, start, len(text)))
        texts.append(text)
    return texts, sections
