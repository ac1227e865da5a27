"""A paper's footnotes one by one, and the marks in its text that point at them.

The extract stage's sections mark footnote blocks (``SectionKind.FOOTNOTE``); a block may hold
several footnotes, even on one line ("2 https://mxnet.apache.org 3 https://pytorch.org"). A
footnote printed with its mark alone on a line and a URL on the next ("1" / "https://...") is
found wherever it stands, as section finding misses it.

A mark in the text is tied to a footnote only when nothing else could be meant: the footnote's
own mark, glued to a word or after punctuation ("publicly available.2", "PyTorch3", "code*"),
found once on the footnote's page (or, when none is there, on the page before or after). What
looks like a mark but is a name or a number ("ResNet50", "GPT2", "Fig.3", "1.2", "x2") is not
one, and a mark found twice ties to nothing: unknown rather than a wrong tie.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial

from fwcensus.models import Section, SectionKind

# Symbols LaTeX and Word use as footnote marks, and the forms PDFs give them in.
SYMBOLS = "*\u2217\u2020\u2021\u00a7\u00b6\u2016\u2663\u2666\u2660\u2665\u22c4\u25a1\u21e4"
_SAME_SYMBOL = str.maketrans({"\u2217": "*", "\u21e4": "*"})  # asterisk operator, old fonts
_ASTERISKS = "[*\u2217\u21e4]"
_CLOSING = ")\"'\u201d\u2019"
_MARK = rf"(?:\d{{1,2}}|[{SYMBOLS}])"
_URL_START = r"(?:https?://|www\.|(?:github|gitlab|bitbucket|codeberg|huggingface)\.)"
# A footnote's first line: its mark, then its text (a capital, a quote or a URL).
_HEAD = re.compile(rf"^\s*(?:(\d{{1,2}})\s?(?={_URL_START}|[A-Z\"'\u201c])|([{SYMBOLS}])\s?(?=\S))")
_MARK_ONLY = re.compile(rf"^\s*({_MARK})\s*$")
_URL_LINE = re.compile(rf"^\s*{_URL_START}", re.I)
# The next footnote starting inside a line: its number after a URL or a sentence end.
_INLINE_AFTER_URL = re.compile(r"(?<![\d\n])(\d{1,2})\s?(?=https?://|www\.)")
_INLINE_AFTER_SENTENCE = re.compile(rf"(?<=[.!?])\s+(\d{{1,2}})\s?(?=[A-Z][a-z]|{_URL_START})")
# Abbreviations a number follows without being a footnote: "Fig.3", "Eq.2", "Sec.4".
_NUMBERED_THINGS = frozenset(
    {"fig", "figs", "figure", "eq", "eqs", "eqn", "equation", "sec", "sect", "section", "tab",
     "table", "alg", "algorithm", "app", "appendix", "chap", "chapter", "thm", "theorem", "lem",
     "lemma", "def", "prop", "cor", "no", "nos", "vol", "pp", "p", "step", "line", "row", "col"}
)  # fmt: skip
# What may stand around a numbered mark besides letters before it and spaces after it.
_BEFORE_DIGIT_MARK = ".,;:!?" + _CLOSING
_AFTER_DIGIT_MARK = _CLOSING + ".,;:-\u2014\u2013"
_DIGIT_MARK_AFTER = rf"(?![^\s{re.escape(_AFTER_DIGIT_MARK)}])"
# A mark alone on its line, a URL opening the next: what _mark_then_url reads line by line.
_MARK_THEN_URL = re.compile(rf"^[^\S\n]*{_MARK}[^\S\n]*\n[^\S\n]*{_URL_START}", re.M | re.I)
_NOT_BODY = (SectionKind.FOOTNOTE, SectionKind.REFERENCES)
_FRONT = (SectionKind.TITLE, SectionKind.FRONT)


@dataclass(frozen=True)
class Footnote:
    page: int  # 1-based
    mark: str  # "2", "*", "†"
    start: int  # span of the footnote's own text (after its mark) in the cleaned page
    end: int


@dataclass(frozen=True)
class FootnoteRef:
    page: int
    mark: str
    start: int  # span of the mark in the body text
    end: int
    footnote: Footnote | None  # None: the mark was seen but could stand for more than one


def find_footnotes(pages: Sequence[str], sections: Sequence[Section]) -> list[Footnote]:
    """Every footnote, in page order: those in the footnote blocks sections found, split one
    by one, and the mark-alone-then-URL ones anywhere but the references."""
    found: list[Footnote] = []
    for section in sections:
        if section.kind is SectionKind.FOOTNOTE:
            found += _split_block(pages[section.page - 1], section.page, section.start, section.end)
    taken = {(f.page, f.start) for f in found}
    for section in sections:
        if section.kind not in _NOT_BODY:
            for note in _mark_then_url(pages[section.page - 1], section):
                if (note.page, note.start) not in taken:
                    found.append(note)
    return sorted(found, key=lambda f: (f.page, f.start))


def _lines(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    """``(offset, line)`` of every line of ``text[start:end]``."""
    offset = start
    for line in text[start:end].split("\n"):
        yield offset, line
        offset += len(line) + 1


def _split_block(text: str, page: int, start: int, end: int) -> list[Footnote]:
    """The footnotes of one block: a line opening with a mark starts one (a mark alone on its
    line starts one on the next line), other lines continue it, and a footnote splits where the
    next number follows a URL or a sentence ("...org/7https://...", "... end. 3 Next")."""
    heads: list[tuple[str, int, int]] = []  # (mark, where the mark starts, where the text does)
    pending: tuple[str, int] | None = None  # a mark alone on the line before
    for offset, line in _lines(text, start, end):
        if pending is not None and line.strip():
            heads.append((*pending, offset + len(line) - len(line.lstrip())))
            pending = None
            continue
        alone = _MARK_ONLY.match(line)
        head = _HEAD.match(line)
        if alone:
            pending = (_mark(alone.group(1)), offset + alone.start(1))
        elif head and line[head.end() :].strip():
            group = head.lastindex or 1
            mark_at = offset + head.start(group)
            heads.append((_mark(head.group(group)), mark_at, offset + head.end()))
    notes: list[Footnote] = []
    for index, (mark, _, begin) in enumerate(heads):
        stop = heads[index + 1][1] if index + 1 < len(heads) else end
        notes += _split_inline(text, page, mark, begin, _trim(text, begin, stop))
    return notes


def _trim(text: str, start: int, end: int) -> int:
    """``end`` moved back over trailing whitespace."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _split_inline(text: str, page: int, mark: str, start: int, end: int) -> list[Footnote]:
    """One footnote, or several when the following numbers start on its line."""
    notes = []
    while (following := _next_inline(text, mark, start, end)) is not None:
        mark_start, text_start, number = following
        notes.append(Footnote(page, mark, start, _trim(text, start, mark_start)))
        mark, start = number, text_start
    notes.append(Footnote(page, mark, start, end))
    return notes


def _next_inline(text: str, mark: str, start: int, end: int) -> tuple[int, int, str] | None:
    """``(mark start, text start, mark)`` of footnote ``mark`` + 1 starting inside
    ``text[start:end]``, if it does."""
    if not mark.isdigit():
        return None
    wanted = str(int(mark) + 1)
    hits = [
        m
        for pattern in (_INLINE_AFTER_URL, _INLINE_AFTER_SENTENCE)
        for m in pattern.finditer(text, start, end)
        if m.group(1) == wanted and m.start(1) > start
    ]
    if not hits:
        return None
    first = min(hits, key=lambda m: m.start(1))
    return first.start(1), first.end(), wanted


def _mark_then_url(text: str, section: Section) -> Iterator[Footnote]:
    """Footnotes whose mark stands alone on its line, the next line opening with a URL."""
    if not _MARK_THEN_URL.search(text[section.start : section.end]):
        return
    lines = list(_lines(text, section.start, section.end))
    for (_, line), (offset, following) in itertools.pairwise(lines):
        alone = _MARK_ONLY.match(line)
        if alone and _URL_LINE.match(following):
            begin = offset + len(following) - len(following.lstrip())
            end = _trim(text, begin, offset + len(following))
            yield Footnote(section.page, _mark(alone.group(1)), begin, end)


def _mark(printed: str) -> str:
    """One spelling per mark: PDFs print the asterisk in several code points."""
    return printed.translate(_SAME_SYMBOL)


def footnote_refs(
    pages: Sequence[str], sections: Sequence[Section], footnotes: Sequence[Footnote]
) -> list[FootnoteRef]:
    """The marks in the text that point at ``footnotes``: each found on its footnote's page,
    else on the page before, else the page after; a mark found there more than once (or
    claimed by two footnotes) points at none of them."""
    body = _body_spans(sections, footnotes)
    glued = cache(partial(_glued_count, pages))  # needed only for marks glued to a word
    candidates: dict[tuple[int, str], list[tuple[int, int]]] = {}

    def marks_on(page: int, mark: str) -> list[tuple[int, int]]:
        key = (page, mark)
        if key not in candidates:
            text = pages[page - 1] if 0 < page <= len(pages) else ""
            candidates[key] = list(_marks(text, body.get(page, ()), mark, glued))
        return candidates[key]

    tied: dict[tuple[int, int], list[Footnote]] = {}
    found: set[tuple[int, int, str]] = set()
    for note in footnotes:
        for page in (note.page, note.page - 1, note.page + 1):
            spans = marks_on(page, note.mark)
            if spans:
                for start, _ in spans:
                    found.add((page, start, note.mark))
                if len(spans) == 1:
                    tied.setdefault((page, spans[0][0]), []).append(note)
                break
    refs = []
    for page, start, mark in sorted(found):
        owners = tied.get((page, start), [])
        owner = owners[0] if len(owners) == 1 else None
        refs.append(FootnoteRef(page, mark, start, start + len(mark), owner))
    return refs


def citing_ref(refs: Sequence[FootnoteRef], footnote: Footnote) -> FootnoteRef | None:
    """The one mark in the text that points at ``footnote``, if it is known."""
    citing = [ref for ref in refs if ref.footnote == footnote]
    return citing[0] if len(citing) == 1 else None


def footnote_at(footnotes: Sequence[Footnote], page: int, offset: int) -> Footnote | None:
    """The footnote whose text holds ``offset`` of ``page``."""
    return next((f for f in footnotes if f.page == page and f.start <= offset < f.end), None)


def _body_spans(
    sections: Sequence[Section], footnotes: Sequence[Footnote]
) -> dict[int, list[tuple[int, int, bool]]]:
    """Per page, the spans a mark may stand in, ``(start, end, front)``: everything but the
    footnotes and the references; ``front`` for the title and authors' block, where numbers
    are affiliation marks."""
    spans: dict[int, list[tuple[int, int, bool]]] = {}
    for section in sections:
        if section.kind not in _NOT_BODY:
            spans.setdefault(section.page, []).append(
                (section.start, section.end, section.kind in _FRONT)
            )
    for note in footnotes:
        spans[note.page] = [
            piece
            for start, end, front in spans.get(note.page, [])
            for piece in _cut((start, end, front), note.start - len(note.mark) - 1, note.end)
        ]
    return spans


def _cut(span: tuple[int, int, bool], start: int, end: int) -> Iterator[tuple[int, int, bool]]:
    low, high, front = span
    if end <= low or start >= high:
        yield span
        return
    if start > low:
        yield low, start, front
    if end < high:
        yield end, high, front


def _glued_count(pages: Sequence[str], word: str) -> int:
    """How often a word-with-a-number ("ResNet50", "PyTorch3") occurs in the paper as a word
    of its own: a footnote mark occurs once, a name more often."""
    printed = re.escape(word)
    alone = re.compile(rf"{printed}(?<![\w.]{printed})(?!\w)")  # the word first: C-speed search
    return sum(len(alone.findall(text)) for text in pages)


def _marks(
    text: str,
    spans: Sequence[tuple[int, int, bool]],
    mark: str,
    glued: Callable[[str], int],
) -> list[tuple[int, int]]:
    """Spans where ``mark`` is printed as a footnote mark in ``spans`` of ``text``."""
    symbol = not mark.isdigit()
    if symbol:
        printed = _ASTERISKS if mark == "*" else re.escape(mark)
        pattern = re.compile(rf"(?<![\d{SYMBOLS}]){printed}")
    else:
        # Only where _is_mark may take it: after a letter or punctuation, before a space,
        # punctuation or the end (most numbers on a page are neither).
        pattern = re.compile(rf"{mark}{_digit_mark_before(mark)}(?!\d){_DIGIT_MARK_AFTER}")
    found: dict[bool, list[tuple[int, int]]] = {True: [], False: []}
    for start, end, front in spans:
        for match in pattern.finditer(text, start, end):
            if _is_mark(text, match.start(), match.end(), symbol, glued):
                found[front].append(match.span())
    # Numbers by several authors' names are affiliation marks, not this footnote's.
    in_front = found[True] if symbol or len(found[True]) == 1 else []
    return sorted(found[False] + in_front)


def _digit_mark_before(mark: str) -> str:
    """What must precede ``mark`` (a number), said after it: a pattern opening with the mark
    itself is searched for at C speed, one opening with a look-behind tried at every
    character."""
    return (
        rf"(?<![\d{SYMBOLS}]{mark})"
        rf"(?<=(?:[^\W\d_]|[{re.escape(_BEFORE_DIGIT_MARK)}]){mark})"
    )


def _is_mark(text: str, start: int, end: int, symbol: bool, glued: Callable[[str], int]) -> bool:
    before = text[max(0, start - 40) : start]
    after = text[end : end + 1]
    if not before or _in_url(text, start):
        return False
    if symbol:
        # "code*", "Wang *", but not "x * y" (an operator between spaces)
        return not before[-1].isspace() or after in ("", "\n", ",")
    if after and not (after.isspace() or after in _AFTER_DIGIT_MARK):
        return False  # "2D", "3x"
    word = re.search(r"[^\W\d_]+\Z", before)
    if word:
        name = word.group(0)
        if len(name) < 2 or name.isupper() or name.casefold() in _NUMBERED_THINGS:
            return False  # "x2", "GPT2", "VGG16", "Table2"
        return glued(name + text[start:end]) <= 1  # a name recurs; a mark is printed once
    # After punctuation that follows a word: "available.2", "PyTorch,3", "(see [4])2"; not
    # "1.2", "[3],4", "Fig.3".
    if before[-1] not in _BEFORE_DIGIT_MARK:
        return False
    prior = re.search(rf"([^\W\d_]+|[{_CLOSING}])\Z", before[:-1])
    if prior is None or (len(prior.group(1)) == 1 and prior.group(1).isalpha()):
        return False  # "A.4" numbers a section
    return prior.group(1).casefold() not in _NUMBERED_THINGS


def _in_url(text: str, position: int) -> bool:
    """Whether ``position`` is inside a URL-like token ("libfm.org/7", "github.com/a1")."""
    token_start = max(text.rfind(" ", 0, position), text.rfind("\n", 0, position)) + 1
    token = text[token_start:position]
    return "/" in token or "www." in token or "@" in token
