"""Clean raw page text into what detection reads: no running headers, footers, page numbers or
review line numbers; words hyphenated across lines joined; ligatures folded, including the ones
a font with a private encoding turns into a control or private-use character ("h\x1fps",
"tensor\ufffdow"); a sentence that a footnote or a caption interrupts put back together; URLs
re-joined.

Every character offset stored for a paper (sections, links, evidence) indexes the pages this
module returns, so cleaning runs once, at extraction, and never again.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache, partial

from fwcensus.catalogue.code_hosts import CODE_HOSTS, CODE_HOSTS_PATTERN
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.extract.url_openings import url_openings

# pdfium marks a hyphen it saw at a line end with U+FFFE and drops the line break itself.
PDFIUM_HYPHEN = "\ufffe"
# Lines looked at for running headers and footers at each end of a page.
EDGE_LINES = 3
# A line is running matter when (digits aside) it sits at a page edge on this share of pages;
# 0.4 catches headers that alternate between odd and even pages.
RUNNING_SHARE = 0.4
# Review copies number their lines; a page with fewer number-only lines has no line numbers.
MIN_LINE_NUMBERS = 10

# A glyph a font's private encoding left without its letters: a control character, a
# private-use one or the replacement character, standing where "ff", "fl", "tt" were printed.
_ODD_GLYPH = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000-\uf8ff\ufffd]")
# A word holding such a glyph, read from the word's start (or right after the last such word)
# without backtracking; a glyph with no letter either side is left alone by the repair.
_ODD_WORD = re.compile(
    rf"(?<![A-Za-z])[A-Za-z]*+{_ODD_GLYPH.pattern}[A-Za-z]*+|{_ODD_GLYPH.pattern}[A-Za-z]++"
)
_PLAIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
# Most common first: a word that two candidates would make is rare, and then the common wins.
LIGATURES = ("fi", "ff", "fl", "tt", "ffi", "ffl", "ti", "ft", "st", "ct", "th")
LINK_WORDS = frozenset({"https", "http", "github", "gitlab", "software", "official"})
# A line that opens a footnote ("2 https://...", "3We thank", "* Equal contribution") or a
# caption, which a PDF's reading order may put in the middle of a sentence.
_INTERRUPTION = re.compile(
    r"^\s*(?:\d{1,2}\s?(?:[A-Z][a-z]|https?://|www\.)|[*\u2217\u2020\u2021\u00a7\u00b6]\s?\w"
    r"|(?:Figure|Fig\.|Table)\s+\d+[.:])"
)
MAX_INTERRUPTION_LINES = 6
_HYPHENATED_END = re.compile(r"([A-Za-z]{2,})(?:-|\ufffe)\s*$")
_DIGITS = re.compile(r"\d+")
_NUMBERS_ONLY = re.compile(r"^\s*\d{1,4}(?:\s+\d{1,4})*\s*$")
# Review copies number lines in both margins: the left column's numbers lead its lines, the
# right column's trail them.
_EDGE_NUMBERS = (
    (re.compile(r"^(\d{3,4}) (?=\S)"), 0),  # (pattern, the line's end it reads)
    (re.compile(r"(?<=\S) (\d{3,4})$"), -1),
)
# The lines those read, found in the whole page at once (a search for a line break runs in
# C, a loop over the lines in Python): number-only lines, lines opening or closing with one.
_NUMBER_LINE = re.compile(r"\n[^\S\n]*\d{1,4}(?:[^\S\n]+\d{1,4})*[^\S\n]*(?=\n)")
_NUMBERED_EDGES = (
    re.compile(r"\n\d{3,4} (?=\S)"),
    re.compile(r"\n(?:(?<=\S \d{3}\n)|(?<=\S \d{4}\n))"),
)
# A line ending in a hyphenated word, the next line opening like a footnote or a caption:
# what _restore_interrupted looks for line by line (its patterns, read from the hyphen).
_INTERRUPTED_WORD = re.compile(
    r"[-\ufffe](?<=[A-Za-z]{2}[-\ufffe])[^\S\n]*\n"
    r"[^\S\n]*(?:\d{1,2}\s?(?:[A-Z][a-z]|https?://|www\.)|[*\u2217\u2020\u2021\u00a7\u00b6]\s?\w"
    r"|(?:Figure|Fig\.|Table)\s+\d+[.:])"
)
_STAMP = re.compile(r"^\s*arXiv:\d{4}\.\d{4,5}(?:v\d+)?\s+\[[^\]]+\]\s+\d{1,2} \w{3} \d{4}\s*$")
# A line break inside a word: "implemen-\ntation" (hyphen then newline) or pdfium's marker;
# the words either side are read from there (anchored, so no scan of every character).
_BREAK = re.compile(r"\ufffe\n?|-\n")
_LEFT_WORD_SIGNS = "_.:/@-"  # besides letters and digits
_RIGHT_WORD = re.compile(r"\w[\w-]*")
WORD_REACH = 64  # characters looked at either side of a break
# A URL that ends a line, and the character that starts the next one. A line may end right
# after the scheme ("https:" / "//github.com/o/r"), and code-host links often have none.
_URL_AT_EOL = re.compile(
    rf"((?:https?:(?://)?|www\.|(?:{CODE_HOSTS_PATTERN})/)\S*)\n(?=(\S))", re.I
)
_URL_HINTS = ("http", "www.", *(host.split(".")[0] for host in CODE_HOSTS))
_URL_SEPARATORS = frozenset("/-_=?&#~%.")

# First halves after which a line-end hyphen is a real one: "self-\nattention".
KEEP_HYPHEN_AFTER = frozenset(
    {"self", "cross", "semi", "non", "well", "state", "end", "zero", "few", "one", "two"}
)
# Prefixes that are hyphenated only before some stems: "pre-trained" but "pre-sented".
KEEP_HYPHEN_STEMS: dict[str, tuple[str, ...]] = {
    "pre": ("train", "process", "comput", "defin", "select", "activation", "norm"),
    "multi": ("scale", "task", "head", "modal", "layer", "view", "class", "label", "agent"),
    "co": ("train", "occur", "author", "attention"),
    "fine": ("tun", "grain"),
}
# CamelCase names split at a line end whose halves both start upper case: "Py-\nTorch" is
# PyTorch, whereas "Low-\nRank" keeps its hyphen. The frameworks' own come from the catalogue
# (``camel_words``); these are the other names papers split so.
OTHER_CAMEL_WORDS = frozenset({"imagenet", "github", "gitlab", "huggingface", "deepmind", "openai"})


@cache
def camel_words() -> frozenset[str]:
    """The lower-cased names of the catalogue's CamelCase frameworks (``camel_case``) and the
    other CamelCase names papers split."""
    frameworks = load_catalogue().frameworks
    return frozenset({fw.name.casefold() for fw in frameworks if fw.camel_case} | OTHER_CAMEL_WORDS)


def clean_pages(raw_pages: Sequence[str]) -> tuple[str, ...]:
    """Cleaned text of every page; the number of pages never changes."""
    normalised = [_normalise(page) for page in raw_pages]
    # Most papers never need the words they spell, so they are read when first asked for.
    known = cache(partial(_known_words, tuple(normalised)))
    normalised = [
        _repair_ligatures(page, known) if _ODD_GLYPH.search(page) else page for page in normalised
    ]
    pages = [page.split("\n") for page in normalised]
    edges = [{index: _edge_key(lines[index]) for index in _edges(lines)} for lines in pages]
    running = _running_lines(edges)
    return tuple(
        _clean_lines(page, lines, edge_keys, running, known)
        for page, lines, edge_keys in zip(normalised, pages, edges, strict=True)
    )


Known = Callable[[], frozenset[str]]


def _known_words(pages: Sequence[str]) -> frozenset[str]:
    """Words the paper spells in full somewhere, and words every paper's links need."""
    spelled: set[str] = set()
    for page in pages:
        spelled.update(_PLAIN_WORD.findall(page))
    return frozenset({word.casefold() for word in spelled} | camel_words() | LINK_WORDS)


def _repair_ligatures(page: str, known: Known) -> str:
    """A control or private-use character inside a word stands for the ligature that makes the
    word one the paper (or a link) uses; where no candidate does, the character stays."""

    def repair(match: re.Match[str]) -> str:
        word = match.group()
        glyph = _ODD_GLYPH.search(word)
        assert glyph is not None
        if len(word) == 1:
            return word
        for ligature in LIGATURES:
            candidate = word[: glyph.start()] + ligature + word[glyph.end() :]
            if candidate.casefold() in known():
                return candidate
        return word

    return _ODD_WORD.sub(repair, page)


def _normalise(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # NFKC folds ligatures (the "fi" of "fine-tune" is one glyph in most papers) and full-width
    # forms, so a search for a word finds it however the PDF encoded it.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


def _edge_key(line: str) -> str:
    return _DIGITS.sub("#", " ".join(line.split())).casefold()


def _edges(lines: list[str]) -> list[int]:
    """Indices of the first and last few non-blank lines of a page."""
    first = list(itertools.islice(_filled(range(len(lines)), lines), EDGE_LINES))
    last = list(itertools.islice(_filled(range(len(lines) - 1, -1, -1), lines), EDGE_LINES))
    return sorted(set(first + last))


def _filled(indices: Iterable[int], lines: list[str]) -> Iterator[int]:
    return (index for index in indices if lines[index].strip())


def _running_lines(edges: list[dict[int, str]]) -> frozenset[str]:
    """Keys of lines that recur at the page edges (``edges``: per page, each edge line's
    key): running headers, footers, page numbers."""
    if len(edges) < 3:
        return frozenset()
    seen: Counter[str] = Counter()
    for keys in edges:
        seen.update(set(keys.values()))
    needed = max(2, RUNNING_SHARE * len(edges))
    return frozenset(key for key, count in seen.items() if count >= needed and key)


def _clean_lines(
    page: str, lines: list[str], edge_keys: dict[int, str], running: frozenset[str], known: Known
) -> str:
    """The cleaned ``page``, split into ``lines``, whose edge lines have ``edge_keys``. The
    line-by-line steps run only on pages a search of the whole text says they can change:
    most pages have no line numbers and no sentence broken by a footnote."""
    drop = {
        index for index, key in edge_keys.items() if key in running or _STAMP.match(lines[index])
    }
    if sum(len(line.split()) for line in _lines_of(_NUMBER_LINE, page)) >= MIN_LINE_NUMBERS:
        drop |= _line_number_lines(lines)
    kept = list(lines)
    for index in sorted(drop, reverse=True):
        del kept[index]  # a few lines: cheaper than a comprehension over all of them
    text = "\n".join(kept)
    if any(len(_lines_of(edge, text)) >= MIN_LINE_NUMBERS for edge in _NUMBERED_EDGES):
        kept = _strip_edge_line_numbers(kept)
        text = "\n".join(kept)
    if _INTERRUPTED_WORD.search(text):
        text = "\n".join(_restore_interrupted(kept, known))
    if PDFIUM_HYPHEN in text or "-\n" in text:
        text = _join_breaks(text)
    if "\n" in text and any(hint in text for hint in _URL_HINTS):
        text = _join_urls(text)
    return text


def _lines_of(pattern: re.Pattern[str], text: str) -> list[str]:
    """Matches of a pattern that reads a line from the break before it to the one after (the
    text's first and last lines are given theirs)."""
    return pattern.findall("\n" + text + "\n")


def _restore_interrupted(lines: list[str], known: Known) -> list[str]:
    """Put back a word hyphenated across a footnote or a caption: when a line ends in "en-"
    and, a few lines on, a line starts with "coder" that completes a word the paper uses
    ("encoder"), the lines between (footnotes, a caption, the other column's stray lines)
    move after that line, so the word and its sentence read whole."""
    index = 0
    while index < len(lines) - 2:
        ends_hyphenated = lines[index].rstrip().endswith(("-", PDFIUM_HYPHEN))
        left = ends_hyphenated and _HYPHENATED_END.search(lines[index])
        if not left or not _INTERRUPTION.match(lines[index + 1]):
            index += 1
            continue
        for end in range(index + 2, min(len(lines), index + 2 + MAX_INTERRUPTION_LINES)):
            right = _RIGHT_WORD.match(lines[end].lstrip())
            if right and (left.group(1) + right.group()).casefold() in known():
                lines = [
                    *lines[: index + 1],
                    lines[end],
                    *lines[index + 1 : end],
                    *lines[end + 1 :],
                ]
                break
        index += 1
    return lines


def _line_number_lines(lines: list[str]) -> set[int]:
    """Number-only lines of a review copy's margin: many per page, counting up by one."""
    candidates = [(i, line) for i, line in enumerate(lines) if _NUMBERS_ONLY.match(line)]
    values = [int(v) for _, line in candidates for v in line.split()]
    if len(values) < MIN_LINE_NUMBERS:
        return set()
    ordered = sorted(values)
    steps = sum(1 for a, b in itertools.pairwise(ordered) if b - a == 1)
    if steps < 0.8 * (len(ordered) - 1):
        return set()
    return {index for index, _ in candidates}


def _strip_edge_line_numbers(lines: list[str]) -> list[str]:
    """Line numbers printed at the start or end of text lines ("012 We train ...")."""
    for pattern, edge in _EDGE_NUMBERS:
        numbered = [pattern.search(line) if line[edge:][:1].isdigit() else None for line in lines]
        values = [int(m.group(1)) for m in numbered if m]
        if len(values) < MIN_LINE_NUMBERS:
            continue
        steps = sum(1 for a, b in itertools.pairwise(values) if b - a == 1)
        if steps < 0.8 * (len(values) - 1):
            continue
        lines = [
            line[: m.start()] + line[m.end() :] if m else line
            for line, m in zip(lines, numbered, strict=True)
        ]
    return lines


def _join_breaks(text: str) -> str:
    parts: list[str] = []
    done = 0  # text[:done] is in parts
    for match in _BREAK.finditer(text):
        start, end = match.span()
        if start < done:
            continue  # inside the right-hand word of the previous break
        left = _left_word(text, max(done, start - WORD_REACH), start)
        right_match = _RIGHT_WORD.match(text, end, end + WORD_REACH)
        right = right_match.group(0) if right_match else ""
        mark = match.group(0)
        parts.append(text[done : start - len(left)])
        if not left or not right:
            # Nothing to join (a table cell, a minus sign): pdfium's marker is still a hyphen.
            parts.append(left + ("-" + mark[1:] if mark[0] == PDFIUM_HYPHEN else mark) + right)
        else:
            parts.append(left + ("-" if keeps_hyphen(left, right) else "") + right)
        done = end + len(right)
    parts.append(text[done:])
    return "".join(parts)


def _left_word(text: str, low: int, end: int) -> str:
    """The word (letters, digits and ``_LEFT_WORD_SIGNS``) that ends at ``end``, from no
    earlier than ``low``: read backwards, a step per letter, where a pattern searched for
    would be tried from every position of the reach."""
    start = end
    while start > low and (text[start - 1].isalnum() or text[start - 1] in _LEFT_WORD_SIGNS):
        start -= 1
    return text[start:end]


def keeps_hyphen(left: str, right: str) -> bool:
    """Whether the hyphen between ``left`` and ``right`` (split at a line end) is real."""
    word = left.rsplit("-", 1)[-1]
    if "-" in left or "-" in right or any(c in left for c in "./:@"):
        return True  # a compound ("state-of-the-art") or a URL/path already hyphenated
    if left[-1].isdigit() or right[0].isdigit():
        return True  # "32-dimensional", "VGG-16", page ranges
    if len(word) >= 2 and word.isupper():
        return True  # "CNN-based", "RGB-D"
    if right[0].isupper():
        return (word + right).casefold() not in camel_words()  # "Low-Rank", but "PyTorch"
    lowered = word.casefold()
    if lowered in KEEP_HYPHEN_AFTER:
        return True
    return right.casefold().startswith(KEEP_HYPHEN_STEMS.get(lowered, ()))


def _join_urls(text: str) -> str:
    """``_URL_AT_EOL.sub(_join_url, text)``, the pattern tried only where a URL opens."""
    starts = url_openings(text)
    if starts is None:
        return _URL_AT_EOL.sub(_join_url, text)
    parts: list[str] = []
    done = 0
    for start in starts:
        match = _URL_AT_EOL.match(text, start) if start >= done else None
        if match:
            parts += (text[done:start], _join_url(match))
            done = match.end()
    parts.append(text[done:])
    return "".join(parts)


def _join_url(match: re.Match[str]) -> str:
    url, following = match.group(1), match.group(2)
    if url.endswith(":"):
        # Only the scheme on this line: the rest of the URL must start the next one.
        return url if following == "/" else url + "\n"
    if url[-1] in _URL_SEPARATORS and not (url[-1] == "." and not following.islower()):
        return url
    if following in "/-_.?=&#":
        return url
    return url + "\n"
