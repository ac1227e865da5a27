"""The 2019 study's method, kept as a named baseline: ``substring-2019``.

A paper "uses" PyTorch when the lowercased text of its PDF contains "pytorch" anywhere, and
TensorFlow likewise; citations, related work and acknowledgements all count. fwcensus keeps
every hit (page, offsets, snippet) so each count can be checked against the page it came from.
"""

from __future__ import annotations

import re

from fwcensus.detect.methods import SUBSTRING_2019 as METHOD
from fwcensus.models import Evidence, Role, Verdict

TERMS = {"pytorch": "pytorch", "tensorflow": "tensorflow"}
SNIPPET_RADIUS = 80


def detect(pages: list[str]) -> list[Verdict]:
    verdicts = []
    for framework, term in TERMS.items():
        pattern = re.compile(re.escape(term), re.IGNORECASE)
        evidence = tuple(
            Evidence(
                page=number,
                char_start=match.start(),
                char_end=match.end(),
                snippet=snippet(text, match.start(), match.end()),
                rule=f"{METHOD}:{term}",
            )
            for number, text in enumerate(pages, 1)
            for match in pattern.finditer(text)
        )
        if evidence:
            verdicts.append(Verdict(framework, Role.USED, confidence=1.0, evidence=evidence))
    return verdicts


def snippet(text: str, start: int, end: int, radius: int = SNIPPET_RADIUS) -> str:
    """The hit with ``radius`` characters either side, on one line."""
    left = " ".join(text[max(0, start - radius) : start].split())
    hit = text[start:end]
    right = " ".join(text[end : end + radius].split())
    return f"{left} {hit} {right}".strip()
