"""A paper's bibliography as entries, and the entry a citation in its text points at.

Detection reads it to learn what a cited tool is built on: "the fine-tuning script from the
GPT-J repository [Wang, 2021]" names no framework, but its entry does ("Mesh-Transformer-JAX:
Model-Parallel Implementation of Transformer Language Model with JAX"), and "using the Foo
library [41]" names one when [41] is "Foo: a PyTorch library for ...".

Entries of a numbered bibliography start at "[n]"; an author-year bibliography starts an
entry on a line that opens with an author ("Wang, B.", "B. Wang,", "Lightning-AI (2023).")
after a line that closed the previous one. A citation is resolved only when exactly one entry
fits it: a wrong entry would credit the wrong framework, a missing one credits none.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from fwcensus.models import Section, SectionKind


@dataclass(frozen=True)
class Entry:
    page: int
    start: int  # offsets into the page's text
    end: int
    number: int | None  # n of "[n]" in a numbered bibliography
    text: str

    @cached_property
    def first_surname(self) -> str | None:
        text = _HEADING.sub("", self.text).lstrip()
        for pattern in _FIRST_SURNAME:
            match = pattern.match(text)
            if match:
                return match.group(1)
        return None


@dataclass(frozen=True)
class Citation:
    start: int  # offsets of the whole citation ("[12, 14]", "(Wang et al., 2021)")
    end: int
    numbers: tuple[int, ...]
    authors: tuple[tuple[str, str], ...]  # (surname, year) per author-year reference


_NUMBERED = re.compile(r"^[ \t]*\[(\d{1,3})\][ \t]", re.M)
_NAME = r"[A-Z][\w'\u2019-]+"
_AUTHOR_START = re.compile(
    rf"^(?:{_NAME}(?:,\s|\s+(?:[A-Z]\.|and\b|et\s+al)|\s+\(\d{{4}})"  # "Wang, B." "Wang (2021)"
    rf"|(?:[A-Z]\.\s?(?:-?[A-Z]\.\s?)*){_NAME}[,.\s]"  # "B. Wang,"
    rf"|{_NAME}\s+(?:[A-Z]\.\s+)?{_NAME}(?:,|\.\s|\s+and\b))"  # "Ben Wang," "Song A. Han and"
)
_HEADING = re.compile(r"^\s*(?:references?|bibliography)\s*\n", re.I)
# The first author's surname as an entry opens: "Wang, B.", "B. Wang", "Ben Wang", "Wang (2021)".
_FIRST_SURNAME = (
    re.compile(rf"^({_NAME})(?:,|\s+\(\d{{4}})"),
    re.compile(rf"^(?:[A-Z]\.\s?(?:-?[A-Z]\.\s?)*)({_NAME})"),
    re.compile(rf"^{_NAME}\s+(?:[A-Z]\.\s+)?({_NAME})"),
)
_ENTRY_END = re.compile(r"(?:[.)]|\d{4}[a-z]?\.?|\S+://\S+)\s*$")
_NUMERIC_CITE = re.compile(r"\[(\d{1,3}(?:\s*[,\u2013-]\s*\d{1,3})*)\]")
_AUTHOR_CITE = re.compile(r"[(\[]([A-Z][^()\[\]]{0,160}?(?:19|20)\d\d[a-z]?)[)\]]")
_NARRATIVE_CITE = re.compile(
    r"\b([A-Z][\w'\u2019-]++)(?:\s+et\s+al\.?|\s+(?:and|&)\s+[A-Z][\w'\u2019-]++)?\s*\(((?:19|20)\d\d[a-z]?)\)"
)
_ONE_AUTHOR_YEAR = re.compile(r"([A-Z][\w'\u2019-]+)[^;]*?((?:19|20)\d\d[a-z]?)")


def bibliography(pages: Sequence[str], sections: Sequence[Section]) -> tuple[Entry, ...]:
    entries: list[Entry] = []
    for section in sections:
        if section.kind is SectionKind.REFERENCES:
            entries += _entries(pages[section.page - 1], section)
    return tuple(entries)


def _entries(page: str, section: Section) -> Iterator[Entry]:
    text = page[section.start : section.end]
    marks = list(_NUMBERED.finditer(text))
    if len(marks) >= 2:
        bounds = [(m.start(), int(m.group(1))) for m in marks] + [(len(text), None)]
        for (start, number), (end, _) in itertools.pairwise(bounds):
            yield Entry(section.page, section.start + start, section.start + end, number,
                        text[start:end])  # fmt: skip
        return
    starts = [0]
    offset = 0
    lines = text.split("\n")
    for previous, line in itertools.pairwise(lines):
        offset += len(previous) + 1
        if _ENTRY_END.search(previous) and _AUTHOR_START.match(line.strip()):
            starts.append(offset)
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        if text[start:end].strip():
            yield Entry(section.page, section.start + start, section.start + end, None,
                        text[start:end])  # fmt: skip


def citations(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    numbered: bool = True,
    surnames: Collection[str] | None = None,
) -> Iterator[Citation]:
    """Every citation in ``text[start:end]``: "[12]", "[3, 5-7]", "(Wang et al., 2021; Lee,
    2020)", "Wang (2021)". A reader that can only use some of them says which: no numbered
    ones (``numbered``), and author-year ones only in a span that holds one of ``surnames``
    (reading those is most of the cost)."""
    end = len(text) if end is None else end
    if numbered:
        for match in _NUMERIC_CITE.finditer(text, start, end):
            yield Citation(match.start(), match.end(), _numbers(match.group(1)), ())
    if surnames is not None:
        span = text[start:end]
        if not any(surname in span for surname in surnames):
            return
    for match in _AUTHOR_CITE.finditer(text, start, end):
        pairs = tuple(
            (found.group(1), found.group(2))
            for part in match.group(1).split(";")
            if (found := _ONE_AUTHOR_YEAR.search(part))
        )
        if pairs:
            yield Citation(match.start(), match.end(), (), pairs)
    for match in _NARRATIVE_CITE.finditer(text, start, end):
        yield Citation(match.start(), match.end(), (), ((match.group(1), match.group(2)),))


def _numbers(group: str) -> tuple[int, ...]:
    found: list[int] = []
    for part in re.split(r"\s*,\s*", group):
        bounds = re.split(r"\s*[\u2013-]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            found += range(low, high + 1) if 0 < high - low <= 20 else [low, high]
        elif part.isdigit():
            found.append(int(part))
    return tuple(found)


def resolve(citation: Citation, entries: Sequence[Entry]) -> list[Entry]:
    """The entries a citation points at, each only where exactly one entry fits. A numbered
    citation is one only when every number is an entry: "dilation rates [1, 2, 4, 8, 16, 32,
    64]" in a paper of forty references is a list of values."""
    found: list[Entry] = []
    for number in citation.numbers:
        fitting = [e for e in entries if e.number == number]
        if len(fitting) != 1:
            return []
        found.append(fitting[0])
    for surname, year in citation.authors:
        fitting = [e for e in entries if e.first_surname == surname and year in e.text]
        if len(fitting) == 1:
            found.append(fitting[0])
    return found
