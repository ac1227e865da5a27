"""Clean raw page text into what detection reads: no running headers, footers, page numbers or
review line numbers; words hyphenated across lines joined; ligatures folded; URLs re-joined.

Every character offset stored for a paper (sections, links, evidence) indexes the pages this
module returns, so cleaning runs once, at extraction, and never again.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

from fwcensus.extract.links import CODE_HOSTS, CODE_HOSTS_PATTERN

# pdfium marks a hyphen it saw at a line end with U+FFFE and drops the line break itself.
PDFIUM_HYPHEN = "\ufffe"
# Lines looked at for running headers and footers at each end of a page.
EDGE_LINES = 3
# A line is running matter when (digits aside) it sits at a page edge on this share of pages;
# 0.4 catches headers that alternate between odd and even pages.
RUNNING_SHARE = 0.4
# Review copies number their lines; a page with fewer number-only lines has no line numbers.
MIN_LINE_NUMBERS = 10

_DIGITS = re.compile(r"\d+")
_NUMBERS_ONLY = re.compile(r"^\s*\d{1,4}(?:\s+\d{1,4})*\s*$")
# Review copies number lines in both margins: the left column's numbers lead its lines, the
# right column's trail them.
_EDGE_NUMBERS = (re.compile(r"^(\d{3,4}) (?=\S)"), re.compile(r"(?<=\S) (\d{3,4})$"))
_STAMP = re.compile(r"^\s*arXiv:\d{4}\.\d{4,5}(?:v\d+)?\s+\[[^\]]+\]\s+\d{1,2} \w{3} \d{4}\s*$")
# A line break inside a word: "implemen-\ntation" (hyphen then newline) or pdfium's marker;
# the words either side are read from there (anchored, so no scan of every character).
_BREAK = re.compile(r"\ufffe\n?|-\n")
_LEFT_WORD = re.compile(r"[\w.:/@-]*\Z")
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
# PyTorch, whereas "Low-\nRank" keeps its hyphen.
CAMEL_WORDS = frozenset(
    {
        "pytorch",
        "tensorflow",
        "paddlepaddle",
        "imagenet",
        "github",
        "gitlab",
        "huggingface",
        "mindspore",
        "deepmind",
        "openai",
        "mxnet",
        "jax",
    }
)


def clean_pages(raw_pages: Sequence[str]) -> tuple[str, ...]:
    """Cleaned text of every page; the number of pages never changes."""
    pages = [_normalise(page).split("\n") for page in raw_pages]
    running = _running_lines(pages)
    return tuple(_clean_lines(lines, running) for lines in pages)


def _normalise(text: str) -> str:
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
    filled = [index for index, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def _running_lines(pages: list[list[str]]) -> frozenset[str]:
    """Keys of lines that recur at the page edges: running headers, footers, page numbers."""
    if len(pages) < 3:
        return frozenset()
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_edge_key(lines[index]) for index in _edges(lines)})
    needed = max(2, RUNNING_SHARE * len(pages))
    return frozenset(key for key, count in seen.items() if count >= needed and key)


def _clean_lines(lines: list[str], running: frozenset[str]) -> str:
    drop = {
        index
        for index in _edges(lines)
        if _edge_key(lines[index]) in running or _STAMP.match(lines[index])
    }
    drop |= _line_number_lines(lines)
    kept = [line for index, line in enumerate(lines) if index not in drop]
    kept = _strip_edge_line_numbers(kept)
    text = "\n".join(kept)
    if PDFIUM_HYPHEN in text or "-\n" in text:
        text = _join_breaks(text)
    if "\n" in text and any(hint in text for hint in _URL_HINTS):
        text = _URL_AT_EOL.sub(_join_url, text)
    return text


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
    for pattern in _EDGE_NUMBERS:
        numbered = [pattern.search(line) for line in lines]
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
        left_match = _LEFT_WORD.search(text, max(done, start - WORD_REACH), start)
        left = left_match.group(0) if left_match else ""
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
        return (word + right).casefold() not in CAMEL_WORDS  # "Low-Rank", but "PyTorch"
    lowered = word.casefold()
    if lowered in KEEP_HYPHEN_AFTER:
        return True
    stems = KEEP_HYPHEN_STEMS.get(lowered)
    return bool(stems) and right.casefold().startswith(stems)


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
