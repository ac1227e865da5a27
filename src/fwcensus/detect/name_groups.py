"""Framework names that stand together in a sentence: a list of three or more ("TensorFlow,
PyTorch, MXNet and JAX") names the field, and two joined by "or" ("PyTorch or JAX") offer a
choice; neither says what the authors ran."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

from fwcensus.detect.mentions import Mention

# What may stand between two names of a list: separators, "and"/"or", a citation.
_LIST_GAP = re.compile(
    r"(?:\s|[,;/&]|\band\b|\bor\b|\bas well as\b|\([^()]{0,40}\)|\[[^\]]{0,20}\])*"
)
MIN_LIST = 3
# "PyTorch or JAX", "either TensorFlow or PyTorch", "PyTorch/TensorFlow": a choice, not a use.
_OR_GAP = re.compile(
    r"\s*(?:\[[^\]]{0,20}\]\s*|\([^()]{0,40}\)\s*)?,?\s*(?:or|and/or|nor|/)\s*(?:even\s+|other\s+)?"
)


def listed(text: str, group: Sequence[Mention]) -> set[Mention]:
    """Mentions in a run of at least MIN_LIST different frameworks named side by side."""
    result: set[Mention] = set()
    run: list[Mention] = []
    for mention in [*group, None]:
        joined = (
            mention is not None
            and run
            and _LIST_GAP.fullmatch(text, run[-1].end, mention.start) is not None
        )
        if mention is not None and (not run or joined):
            run.append(mention)
            continue
        if len({m.framework for m in run}) >= MIN_LIST:
            result.update(run)
        run = [mention] if mention is not None else []
    return result


def disjoined(text: str, group: Sequence[Mention], family: Callable[[str], str]) -> set[Mention]:
    """Mentions joined by "or" (or a slash) to a framework of another family."""
    result: set[Mention] = set()
    ordered = sorted(group, key=lambda m: m.start)
    for left, right in itertools.pairwise(ordered):
        if family(left.framework) == family(right.framework):
            continue
        if _OR_GAP.fullmatch(text, left.end, right.start):
            result.update((left, right))
    return result
