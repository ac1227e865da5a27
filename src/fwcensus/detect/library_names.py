"""Names a paper gives its tools that the catalogue does not know: "we build on the Foo library",
"implemented using FooBar [12]", "based on foo-lm (Bar et al., 2024)". Such a name is asked of
a library resolver (the catalogue, what earlier runs learned from PyPI and the library's own
repository: ``fwcensus.libraries``), and when it names one framework the name counts as a
mention of that framework, judged by its sentence like any other.

A candidate must look like a software name (a capital inside it, a digit, a hyphen: "FooBar",
"foo-lm", "t5x"), or stand before a word that says it is one ("the foo library"), and stand where
a tool is named: after a verb of use or before a citation or such a word. Ordinary words never
qualify, so a resolver is asked about few names per paper.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# (framework or None, what decided it): a resolver's answer for one library name.
Resolve = Callable[[str], tuple[str | None, str]]

_NAME = r"[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)*"
# The same name read without backtracking, where only the whole name can be followed by what
# the pattern needs (a space): the same matches, without trying every shorter name first.
_WHOLE_NAME = r"[A-Za-z][A-Za-z0-9]*+(?:[-_.][A-Za-z0-9]++)*+"
_SOFTWARE = (
    r"(?:library|libraries|framework|toolkit|toolbox|codebase|code\s+base|package|platform"
    r"|engine|suite|repository|repo|tool)\b"
)
_CITE = r"(?:\s*(?:\[[\d,\s\u2013-]{1,20}\]|\([^()]{0,80}\d{4}[a-z]?\)))"
# "the NAME library", "NAME toolkit [12]"
_BEFORE_NOUN = re.compile(rf"(?<![\w.@/-])(?P<name>{_WHOLE_NAME})\s+{_SOFTWARE}")
# "based on NAME [12]", "using NAME (Bar et al., 2024)", "built on top of the NAME,"
_AFTER_VERB = re.compile(
    r"\b(?:based\s+on|built\s+(?:up)?on|builds?\s+(?:up)?on|on\s+top\s+of|using|uses?|used|via"
    r"|with|adopt(?:s|ed)?|leverag(?:e|es|ed|ing)|employ(?:s|ed)?|utili[sz](?:e|es|ed)|relies\s+on"
    r"|rel(?:y|ied)\s+on|through|extend(?:s|ed)?|fork(?:s|ed)?\s+of|implemented\s+in|written\s+in)"
    rf"\s+(?:the\s+)?(?P<name>{_NAME})(?={_CITE}|\s*[,.;:]|\s+{_SOFTWARE})",
    re.IGNORECASE,
)
# How each verb of _AFTER_VERB begins, lower-cased: the pattern is tried only where one does.
_VERB_OPENINGS = (
    "based", "buil", "on", "us", "via", "with", "adopt", "leverag", "employ", "utili", "rel",
    "through", "extend", "fork", "implemented", "written",
)  # fmt: skip
# Letters IGNORECASE matches that lower-casing does not give (U+017F, long s, is "s" to it).
_CASE_ODD = "\u0130\u0131\u017f\u212a"
# Words that take a software word or follow a verb without being a tool's name.
_COMMON = frozenset(
    """a an the this that these those our their its his her it we they which what same new
    open source standard public popular existing official original default following above
    proposed pretrained pre-trained whole entire full deep neural learning machine python
    data training model models code software custom simple small large base main""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class LibraryName:
    name: str
    start: int  # offsets into the page's text
    end: int


def library_names(text: str, start: int = 0, end: int | None = None) -> Iterator[LibraryName]:
    """Candidate tool names in ``text[start:end]``, each span once."""
    end = len(text) if end is None else end
    seen: set[int] = set()
    found = (
        (_BEFORE_NOUN.finditer(text, start, end), False),
        (_after_verb(text, start, end), True),
    )
    for matches, needs_shape in found:
        for match in matches:
            name = match.group("name")
            at = match.start("name")
            if at in seen or not _qualifies(name, needs_shape):
                continue
            seen.add(at)
            yield LibraryName(name, at, match.end("name"))


def _after_verb(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """``_AFTER_VERB.finditer(text, start, end)``, tried only where a verb can begin: an
    alternation that ignores case is otherwise tried at every character."""
    window = text[start:end]
    if any(letter in window for letter in _CASE_ODD):
        yield from _AFTER_VERB.finditer(text, start, end)
        return
    lowered = window.lower()
    openings = set()
    for verb in _VERB_OPENINGS:
        at = lowered.find(verb)
        while at >= 0:
            if not at or not (lowered[at - 1].isalnum() or lowered[at - 1] == "_"):
                openings.add(start + at)
            at = lowered.find(verb, at + 1)
    taken = start
    for at in sorted(openings):
        match = _AFTER_VERB.match(text, at, end) if at >= taken else None
        if match:
            taken = match.end()
            yield match


def _qualifies(name: str, needs_shape: bool) -> bool:
    if name.casefold() in _COMMON or len(name) < 3:
        return False
    shaped = (
        any(ch.isupper() for ch in name[1:])
        or any(ch.isdigit() for ch in name)
        or any(ch in "-_." for ch in name)
    )
    return shaped or not needs_shape
