"""What a paper calls its own system, so that "EasyEdit provides a pipeline built on PyTorch"
reads as the authors' own statement: the name before the title's colon ("EasyEdit: ...") and
the names the front matter coins ("we present X", "which we call X", "dubbed X")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from fwcensus.models import Section, SectionKind

# "We present X", "which we call X", "dubbed X": the paper coins its system's name.
_COINED = re.compile(
    r"\b(?:we\s+(?:present|propose|introduce|call|name|term|dub|develop|release)|(?:called|dubbed"
    r"|named|termed))\s+(?:it\s+|this\s+\w+\s+|the\s+\w+\s+)?([A-Z][\w-]*[A-Z0-9][\w-]*)\b"
)
_NOT_NAMES = frozenset({"the", "this", "our", "a", "an"})


def own_names(pages: Sequence[str], sections: Sequence[Section]) -> frozenset[str]:
    """What the paper calls its own system: the name before the title's colon ("EasyEdit:
    ...") and names the front matter coins ("we present X", "which we call X", "dubbed X")."""
    names = set()
    title = next((s.label for s in sections if s.kind is SectionKind.TITLE), "")
    head, colon, _ = title.partition(":")
    if colon and 1 <= len(head.split()) <= 2:
        names.add(head.strip())
    for s in sections:
        if s.kind in (SectionKind.ABSTRACT, SectionKind.TITLE, SectionKind.FRONT) or (
            s.page == 1 and s.kind is SectionKind.BODY
        ):
            names.update(_COINED.findall(pages[s.page - 1], s.start, s.end))
    return frozenset(n for n in names if len(n) >= 3 and n.casefold() not in _NOT_NAMES)
