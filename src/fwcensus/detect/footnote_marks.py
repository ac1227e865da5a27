"""A paper's footnotes as detection reads them: a footnote is its own sentence (several on one
line are several sentences), and a footnote with a known mark in the text is also judged where
the mark stands ("we implement our model in MXNet2" -> "2 https://mxnet.apache.org")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fwcensus.detect.mentions import Mention
from fwcensus.extract.footnotes import (
    Footnote,
    FootnoteRef,
    citing_ref,
    find_footnotes,
    footnote_at,
    footnote_refs,
)
from fwcensus.models import Section


@dataclass(frozen=True)
class Footnotes:
    notes: tuple[Footnote, ...]
    refs: tuple[FootnoteRef, ...]

    @classmethod
    def of(cls, pages: Sequence[str], sections: Sequence[Section]) -> Footnotes:
        notes = find_footnotes(pages, sections)
        refs = footnote_refs(pages, sections, notes) if notes else []
        return cls(tuple(notes), tuple(refs))

    def at(self, page: int, offset: int) -> Footnote | None:
        return footnote_at(self.notes, page, offset)

    def mark_of(self, mention: Mention) -> FootnoteRef | None:
        """The mark in the text that points at the footnote holding ``mention``, if known."""
        note = self.at(mention.page, mention.start)
        return citing_ref(self.refs, note) if note is not None else None

    def clamp(self, page: int, offset: int, span: tuple[int, int]) -> tuple[int, int]:
        """A sentence inside a footnote ends with the footnote: the next one on the same line
        is another sentence."""
        note = self.at(page, offset)
        if note is None:
            return span
        return max(span[0], note.start), min(span[1], note.end)
