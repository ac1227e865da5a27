"""Find a paper's sections in its cleaned page text, as character spans per page.

Papers are read line by line in the order pdfium gives (for LaTeX two-column papers: column by
column), and headings are recognised from the text alone: numbered ("3 Method", "3.1. Setup"),
Roman ("IV. EXPERIMENTS"), lettered appendix headings after the references ("A Proofs"), and
the unnumbered headings every paper shares ("Abstract", "Acknowledgments", "References",
"Bibliography", "Literature Cited", "Appendix", "Supplementary Material", ...). A bibliography
whose heading was missed is found by its entries ("[1] ...", "Author, A. (2019). ...").

The spans of one page cover its text exactly once, in order; what cannot be placed is kind
``unknown``, never a guess.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from fwcensus.models import Section, SectionKind

MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 12
# An abstract with no heading after it is cut here; what follows is unknown.
MAX_ABSTRACT_CHARS = 6000
MAX_FOOTNOTE_LINES = 4
# A bibliography without a heading: this many entries in a row, numbered from [1].
MIN_ENTRIES = 5
MAX_TITLE_LINES = 3
LABEL_CHARS = 80

_NUMBER = r"(?:\d{1,2}(?:\.\d{1,2}){0,3}|[IVX]{1,5}|[A-Z](?:\.\d{1,2}){0,3})"
# Headings whose words say what the section is, numbered or not, with run-in text allowed for
# the ones papers run in ("Abstract—We ...", "Acknowledgments. We thank ...").
_KIND_WORDS: tuple[tuple[SectionKind, str], ...] = (
    (SectionKind.ABSTRACT, r"abstract"),
    (SectionKind.REFERENCES, r"references?|bibliography|literature\s+cited|works\s+cited"),
    (SectionKind.ACKNOWLEDGEMENTS, r"acknowledge?ments?"),
    (
        SectionKind.APPENDIX,
        r"appendix(?:\s+[A-Z]\b)?|appendices|supplementary(?:\s+materials?)?"
        r"|supplemental(?:\s+materials?)?|supplementary\s+information",
    ),
)
# The words any of them opens with: one test that most lines fail, instead of one per kind.
_ANY_KIND_WORD = re.compile(
    rf"^(?:{_NUMBER}\.?\s+)?(?:abstract|reference|bibliography|literature|works|acknowledg"
    r"|appendi|supplement)",
    re.I,
)
_KIND_HEADING = [
    (
        kind,
        re.compile(rf"^(?:{_NUMBER}\.?\s+)?(?:{words})\s*(?:[:.]\s*)?(?P<rest>[^\n]*)$", re.I),
    )
    for kind, words in _KIND_WORDS
]
# Run-in text after a heading word must look like a sentence, so "References to prior work
# are ..." in running text is not a heading: a dash, colon or period, or nothing at all.
_RUN_IN = re.compile(r"^(?:[\u2014\u2013:.-]\s*)?[A-Z(]|^$")  # em/en dash, colon, period
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[A-Z][^\n]*)$")
_ROMAN = re.compile(r"^(?P<num>[IVX]{1,5})\.\s+(?P<title>[A-Z][^\n]*)$")
_LETTERED = re.compile(r"^(?P<num>[A-Z](?:\.\d{1,2}){0,3})\.?\s+(?P<title>[A-Z][^\n]*)$")
_COMMON_HEADINGS = re.compile(
    r"^(?:introduction|related\s+work|background|method(?:s|ology)?|approach|experiments?"
    r"|experimental\s+(?:setup|results)|evaluation|results|discussion|analysis"
    r"|conclusions?(?:\s+and\s+future\s+work)?|limitations|future\s+work|broader\s+impacts?"
    r"|ethics\s+statement|reproducibility\s+statement|preliminaries|keywords|index\s+terms"
    r"|ccs\s+concepts|checklist)\s*$",
    re.I,
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_FOOTNOTE = re.compile(
    r"^(?:\d{1,2}(?=[A-Z][a-z]|https?://|www\.)|[*\u2217\u2020\u2021\u00a7\u00b6]\s?(?=\w))"
)  # footnote marks: asterisks, daggers, section, pilcrow
_NUMBERED_ENTRY = re.compile(r"^\s*\[(\d{1,3})\]\s")
_AUTHOR_YEAR_ENTRY = re.compile(
    r"^[A-Z][\w'\u2019-]+,\s(?:[A-Z]\.\s?)+(?:,|and\b|&|\(\d{4}|\d{4})|^[A-Z][\w'\u2019-]+\s[A-Z][\w'\u2019-]+,"
    r".*\b(?:19|20)\d\d\b"
)
_SENTENCE_END = re.compile(r"[.!?:)\]]\s*$")
_AUTHOR_HINT = re.compile(r"@|\d|,.*,|\band\b|University|Institute|Inc\.|Lab\b")


class _Line(NamedTuple):  # a tuple: one per line of the paper, made quickly
    page: int  # 1-based
    start: int  # offset of the line in its page
    text: str


@dataclass(frozen=True)
class _Mark:
    """From this line on, text belongs to ``kind`` (until the next mark)."""

    index: int  # line index
    kind: SectionKind
    label: str


def find_sections(pages: Sequence[str], title_hint: str | None = None) -> tuple[Section, ...]:
    """Spans of every page, in order, covering each page's text once."""
    lines = _lines(pages)
    if not lines:
        return ()
    marks = _marks(lines, title_hint)
    return tuple(_spans(pages, lines, marks))


def section_at(sections: Sequence[Section], page: int, offset: int) -> Section | None:
    """The section holding character ``offset`` of ``page`` (1-based), if any."""
    starts = [(s.page, s.start) for s in sections]
    index = bisect.bisect_right(starts, (page, offset)) - 1
    if index >= 0 and sections[index].page == page and offset < sections[index].end:
        return sections[index]
    return None


def _lines(pages: Sequence[str]) -> list[_Line]:
    lines: list[_Line] = []
    make = tuple.__new__  # what _Line(...) calls, without its Python-level wrapper: per line
    for number, text in enumerate(pages, 1):
        start = 0
        for line in text.split("\n"):
            lines.append(make(_Line, (number, start, line)))
            start += len(line) + 1
    return lines


def _marks(lines: list[_Line], title_hint: str | None) -> list[_Mark]:
    marks = _front_marks(lines, title_hint)
    # The walk starts on the front matter's first line: a heading there replaces it.
    body_from = marks[-1].index if marks else 0
    state = _Walk()
    for index in range(body_from, len(lines)):
        text = lines[index].text.strip()
        # Every heading starts with a capital or its number, and only the kinds that run in
        # text ("Abstract—", "Supplementary ...") are long: most lines need no call.
        if (
            text
            and (text[0].isupper() or text[0].isdigit())
            and (len(text) <= MAX_HEADING_CHARS or text[0] in "AS")
        ):
            mark = state.heading(index, text)
            if mark:
                marks.append(mark)
    marks = _bibliography_without_heading(lines, marks)
    marks = _cap_abstract(lines, marks)
    return _with_footnotes(lines, marks)


def _front_marks(lines: list[_Line], title_hint: str | None) -> list[_Mark]:
    """Title lines first, then the authors' block (front matter) up to the abstract."""
    first = next((i for i, line in enumerate(lines) if line.text.strip()), None)
    if first is None or lines[first].page != 1 or _kind_heading(lines[first].text.strip()):
        return []  # a paper opening on its abstract: its title is elsewhere in the stream
    last = _title_end(lines, first, title_hint)
    title = " ".join(line.text.strip() for line in lines[first : last + 1])
    marks = [_Mark(first, SectionKind.TITLE, title[:LABEL_CHARS])]
    if last + 1 < len(lines):
        marks.append(_Mark(last + 1, SectionKind.FRONT, ""))
    return marks


def _title_end(lines: list[_Line], first: int, title_hint: str | None) -> int:
    """Index of the title's last line: the PDF's own title where it matches, else the first
    line and the lines that visibly continue it."""
    hint = _squash(title_hint or "")
    if len(hint) >= 8:
        joined = ""
        for index in range(first, min(first + MAX_TITLE_LINES, len(lines))):
            joined += _squash(lines[index].text)
            if joined == hint:
                return index
            if not hint.startswith(joined):
                break
    last = first
    while last + 1 < min(first + MAX_TITLE_LINES, len(lines)) and lines[last + 1].page == 1:
        current, following = lines[last].text.strip(), lines[last + 1].text.strip()
        continues = current.endswith((":", "-", ",")) or current.split()[-1].casefold() in {
            "for", "of", "and", "with", "in", "to", "the", "a", "an", "via", "from", "on", "by",
        }  # fmt: skip
        if not continues or not following or _AUTHOR_HINT.search(following):
            break
        last += 1
    return last


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _kind_heading(text: str) -> SectionKind | None:
    """The kind a heading's own words name, numbered or not, with run-in text where papers run
    it in ("Abstract—We ...", "Acknowledgments. We thank ...", "Appendix A: Proofs")."""
    if not (text[:1].isupper() or text[:1].isdigit()):
        return None  # "abstract. She ..." wrapped from running text
    if len(text) > MAX_HEADING_CHARS and text[:1] not in "AS":
        return None  # only abstracts, acknowledgements and supplements run in long text
    if not _ANY_KIND_WORD.match(text):
        return None
    for kind, pattern in _KIND_HEADING:
        match = pattern.match(text)
        if not match:
            continue
        rest = match.group("rest")
        if kind is SectionKind.REFERENCES and rest:
            continue  # never run in: "References [1] ..." is not a heading
        if kind is SectionKind.APPENDIX and rest:
            if rest[0].isupper() and _looks_like_title(rest) and len(rest.split()) <= 10:
                return kind
            continue
        if _RUN_IN.match(rest):
            return kind
    return None


class _Walk:
    """Reads headings in order, keeping the numbering seen so far to reject look-alikes."""

    def __init__(self) -> None:
        self.top = 0  # last top-level section number ("3" of "3.2")
        self.roman = 0
        self.kind = SectionKind.FRONT
        self.next_letter = "A"  # next appendix letter expected after the references

    def heading(self, index: int, text: str) -> _Mark | None:
        """The mark ``text`` (a stripped line opening with a capital or a digit) sets."""
        kind = _kind_heading(text)
        if kind is SectionKind.ABSTRACT and self.kind not in (SectionKind.FRONT, SectionKind.TITLE):
            kind = None  # the abstract comes first; "Abstract ..." later is running text
        if kind:
            return self._enter(index, kind, text)
        if len(text) > MAX_HEADING_CHARS:
            return None
        # A common heading is a few words; the others count theirs once their pattern fits.
        common = _COMMON_HEADINGS.match(text)
        if self.kind is SectionKind.REFERENCES and common:
            # "Checklist" after the bibliography: not references, and not known to be more.
            self.kind = SectionKind.UNKNOWN
            return _Mark(index, SectionKind.UNKNOWN, text[:LABEL_CHARS])
        if self.kind in (SectionKind.REFERENCES, SectionKind.APPENDIX, SectionKind.UNKNOWN):
            return self._back_matter_heading(index, text) or (
                _Mark(index, self.kind, text[:LABEL_CHARS]) if common else None
            )
        if common:
            return self._enter(index, SectionKind.BODY, text)
        return self._numbered(index, text) or self._roman(index, text)

    def _enter(self, index: int, kind: SectionKind, label: str) -> _Mark:
        self.kind = kind
        return _Mark(index, kind, label[:LABEL_CHARS])

    def _numbered(self, index: int, text: str) -> _Mark | None:
        match = _NUMBERED.match(text)
        if not match or not _few_words(text) or not _looks_like_title(match.group("title")):
            return None
        parts = [int(p) for p in match.group("num").split(".")]
        # Sections count up by one from 1: "2 Google Research" in the affiliations and
        # "6. Finally ..." in a wrapped list are not headings.
        if len(parts) == 1 and parts[0] == self.top + 1:
            self.top = parts[0]
        elif not (len(parts) > 1 and parts[0] == self.top):
            return None
        return self._enter(index, SectionKind.BODY, text)

    def _roman(self, index: int, text: str) -> _Mark | None:
        match = _ROMAN.match(text)
        if not match or not _few_words(text) or not _looks_like_title(match.group("title")):
            return None
        value = _roman_value(match.group("num"))
        if value != self.roman + 1:
            return None
        self.roman = value
        return self._enter(index, SectionKind.BODY, text)

    def _back_matter_heading(self, index: int, text: str) -> _Mark | None:
        """After the references only appendix headings count: "A Proofs", "B.1 Setup"."""
        match = _LETTERED.match(text)
        if not match or not _few_words(text) or not _looks_like_title(match.group("title")):
            return None
        letter = match.group("num")[0]
        if "." not in match.group("num") and letter == self.next_letter:
            self.next_letter = chr(ord(letter) + 1)
        elif not ("." in match.group("num") and letter < self.next_letter):
            return None
        self.kind = SectionKind.APPENDIX
        return _Mark(index, SectionKind.APPENDIX, text[:LABEL_CHARS])


def _few_words(text: str) -> bool:
    return len(text.split()) <= MAX_HEADING_WORDS


def _looks_like_title(title: str) -> bool:
    """A heading's words, not a sentence, an author list or a formula."""
    words = title.split()
    letters = sum(ch.isalpha() for ch in title)
    if letters < 3 or letters < 0.6 * len(title.replace(" ", "")):
        return False
    if title.rstrip().endswith((".", ",", ";")) or title.count(",") > 1:
        return False
    # "A. Krizhevsky", "J. Smith and" in a bibliography: initials, not a title.
    return not (len(words) > 1 and re.fullmatch(r"[A-Z]\.", words[0]))


def _roman_value(numeral: str) -> int:
    total = 0
    for ch, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN_VALUES[ch]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def _bibliography_without_heading(lines: list[_Line], marks: list[_Mark]) -> list[_Mark]:
    """No references heading found: start the references at the first of a run of entries."""
    if any(mark.kind is SectionKind.REFERENCES for mark in marks):
        return marks
    start = _first_entry_run(lines)
    if start is None:
        return marks
    end = next((m.index for m in marks if m.index > start and m.kind is SectionKind.APPENDIX), None)
    kept = [m for m in marks if m.index < start or (end is not None and m.index >= end)]
    kept.append(_Mark(start, SectionKind.REFERENCES, "(bibliography entries, no heading)"))
    return sorted(kept, key=lambda m: m.index)


def _first_entry_run(lines: list[_Line]) -> int | None:
    expected, start = 1, None
    for index, line in enumerate(lines):
        match = _NUMBERED_ENTRY.match(line.text)
        if match and int(match.group(1)) == expected:
            start = index if expected == 1 else start
            expected += 1
            if expected > MIN_ENTRIES:
                return start
        elif match and int(match.group(1)) == 1:
            expected, start = 2, index
    run, start = 0, None
    for index, line in enumerate(lines):
        if _AUTHOR_YEAR_ENTRY.match(line.text):
            start = index if run == 0 else start
            run += 1
            if run >= MIN_ENTRIES:
                return start
        elif _SENTENCE_END.search(line.text) is None and run:
            continue  # an entry's continuation line
        else:
            run = 0
    return None


def _cap_abstract(lines: list[_Line], marks: list[_Mark]) -> list[_Mark]:
    """An abstract runs to the next heading; with none near, the rest is unknown."""
    result = []
    for position, mark in enumerate(marks):
        result.append(mark)
        if mark.kind is not SectionKind.ABSTRACT:
            continue
        stop = marks[position + 1].index if position + 1 < len(marks) else len(lines)
        size = 0
        for index in range(mark.index, stop):
            size += len(lines[index].text) + 1
            if size > MAX_ABSTRACT_CHARS:
                result.append(_Mark(index, SectionKind.UNKNOWN, "(no heading after abstract)"))
                break
    return result


def _with_footnotes(lines: list[_Line], marks: list[_Mark]) -> list[_Mark]:
    """Footnotes inside the body, acknowledgements and appendix become spans of their own,
    after which the enclosing section resumes."""
    result: list[_Mark] = []
    bounds = [m.index for m in marks[1:]] + [len(lines)]
    for mark, stop in zip(marks, bounds, strict=True):
        result.append(mark)
        if mark.kind not in (SectionKind.BODY, SectionKind.ACKNOWLEDGEMENTS, SectionKind.APPENDIX):
            continue
        index = mark.index + 1
        while index < stop:
            if not _FOOTNOTE.match(lines[index].text):
                index += 1
                continue
            end = _footnote_end(lines, index, stop)
            result.append(_Mark(index, SectionKind.FOOTNOTE, lines[index].text[:LABEL_CHARS]))
            if end < stop:
                result.append(_Mark(end, mark.kind, mark.label))
            index = end
    return result


def _footnote_end(lines: list[_Line], index: int, stop: int) -> int:
    """Index after a footnote's last line: footnotes are short and end a sentence or a URL;
    another footnote right below joins the block."""
    count = 0
    while index < stop:
        text = lines[index].text.rstrip()
        index += 1
        count += 1
        if index < stop and _FOOTNOTE.match(lines[index].text):
            count = 0
            continue
        last_word = text.split()[-1] if text.split() else ""
        ends = bool(_SENTENCE_END.search(text)) or "://" in last_word
        if ends or count >= MAX_FOOTNOTE_LINES:
            break
        if index < stop and lines[index].page != lines[index - 1].page:
            break
    return index


def _spans(pages: Sequence[str], lines: list[_Line], marks: list[_Mark]) -> Iterator[Section]:
    """Turn marks (line indices) into per-page character spans covering every page once."""
    starts = [(lines[m.index].page, lines[m.index].start) for m in marks]
    current = (SectionKind.UNKNOWN, "")
    position = 0
    for number, text in enumerate(pages, 1):
        cursor = 0
        while position < len(marks) and starts[position][0] == number:
            offset = starts[position][1]
            if offset > cursor:
                yield Section(current[0], current[1], number, cursor, offset)
            current = (marks[position].kind, marks[position].label)
            cursor = max(cursor, offset)
            position += 1
        if cursor < len(text) or not text:
            yield Section(current[0], current[1], number, cursor, len(text))
