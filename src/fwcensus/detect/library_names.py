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
_SOFTWARE = (
    r"(?:library|libraries|framework|toolkit|toolbox|codebase|code\s+base|package|platform"
    r"|engine|suite|repository|repo|tool)\b"
)
_CITE = r"(?:\s*(?:\[[\d,\s\u2013-]{1,20}\]|\([^()]{0,80}\d{4}[a-z]?\)))"
# "the NAME library", "NAME toolkit [12]"
_BEFORE_NOUN = re.compile(rf"(?<![\w.@/-])(?P<name>{_NAME})\s+{_SOFTWARE}")
# "based on NAME [12]", "using NAME (Bar et al., 2024)", "built on top of the NAME,"
_AFTER_VERB = re.compile(
    r"\b(?:based\s+on|built\s+(?:up)?on|builds?\s+(?:up)?on|on\s+top\s+of|using|uses?|used|via"
    r"|with|adopt(?:s|ed)?|leverag(?:e|es|ed|ing)|employ(?:s|ed)?|utili[sz](?:e|es|ed)|relies\s+on"
    r"|rel(?:y|ied)\s+on|through|extend(?:s|ed)?|fork(?:s|ed)?\s+of|implemented\s+in|written\s+in)"
    rf"\s+(?:the\s+)?(?P<name>{_NAME})(?={_CITE}|\s*[,.;:]|\s+{_SOFTWARE})",
    re.IGNORECASE,
)
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
    for pattern, needs_shape in ((_BEFORE_NOUN, False), (_AFTER_VERB, True)):
        for match in pattern.finditer(text, start, end):
            name = match.group("name")
            at = match.start("name")
            if at in seen or not _qualifies(name, needs_shape):
                continue
            seen.add(at)
            yield LibraryName(name, at, match.end("name"))


def _qualifies(name: str, needs_shape: bool) -> bool:
    if name.casefold() in _COMMON or len(name) < 3:
        return False
    shaped = (
        any(ch.isupper() for ch in name[1:])
        or any(ch.isdigit() for ch in name)
        or any(ch in "-_." for ch in name)
    )
    return shaped or not needs_shape
