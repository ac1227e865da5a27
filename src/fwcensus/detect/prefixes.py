"""The lower-case beginnings a regular expression can match, so that a page is scanned once for
cheap candidates and the catalogue's patterns are tried only where one begins.

A catalogue alias ("[Pp]y[Tt]orch", "Deep[Ss]peed(?:-Chat)?", "(?<!3 )Haiku") starts with
literals, character sets, groups, alternatives and optional parts; from those the set of its
possible first ``PREFIX`` characters, lower-cased, is enumerated. A pattern whose start cannot
be enumerated that way (a wildcard, a class like ``\\w``, too many combinations) gives None:
it is then tried at every word start, which is slower but never misses.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from typing import Any

from fwcensus.errors import FwcensusError

PREFIX = 6  # characters compared; shorter aliases ("PGL", "JAX") are their own prefix
MAX_PREFIXES = 256  # beyond this many combinations a pattern is tried everywhere


class _Open(FwcensusError):
    """The pattern's start cannot be enumerated."""


def prefixes(pattern: str, length: int = PREFIX) -> frozenset[str] | None:
    """Every lower-case string of up to ``length`` characters that a match of ``pattern``
    begins with (shorter ones where a match is shorter), or None when that cannot be said."""
    try:
        found = _starts(list(sre_parse.parse(pattern)), {""}, length)
    except _Open:
        return None
    return frozenset(found)


def _starts(items: list[Any], heads: set[str], length: int) -> set[str]:
    """Extend each head by what ``items`` can match next, until every head is ``length``
    long or the items end."""
    for index, (op, arg) in enumerate(items):
        open_heads = {h for h in heads if len(h) < length}
        if not open_heads:
            return heads
        done = heads - open_heads
        if op is sre.LITERAL:
            heads = done | {h + chr(arg).lower() for h in open_heads}
        elif op is sre.IN:
            chars = _class(arg)
            heads = done | {h + c for h in open_heads for c in chars}
        elif op is sre.SUBPATTERN:
            heads = done | _starts(list(arg[3]), open_heads, length)
        elif op is sre.BRANCH:
            heads = done | {
                h for branch in arg[1] for h in _starts(list(branch), open_heads, length)
            }
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, _high, body = arg
            if low == 0:
                rest = items[index + 1 :]
                skipped = _starts(rest, open_heads, length)
                taken = _starts([*body, *rest], open_heads, length)
                return done | skipped | taken
            heads = done | _starts(list(body), open_heads, length)
        elif op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
            continue  # zero width
        else:
            raise _Open(op)
        if len(heads) > MAX_PREFIXES:
            raise _Open("too many")
    return heads


def _class(items: list[Any]) -> set[str]:
    chars: set[str] = set()
    for op, arg in items:
        if op is sre.LITERAL:
            chars.add(chr(arg).lower())
        elif op is sre.RANGE and arg[1] - arg[0] < 64:
            chars.update(chr(c).lower() for c in range(arg[0], arg[1] + 1))
        else:
            raise _Open(op)
    return chars


def trie_pattern(words: frozenset[str] | set[str]) -> str:
    """One regular expression matching any of ``words``, their common beginnings factored out
    ("pyt(?:orch|hon)"): Python's engine then decides each position in a few steps instead of
    trying every word in turn."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _pattern(trie)


def _pattern(node: dict[str, dict]) -> str:
    ends = "" in node
    branches = [re.escape(ch) + _pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return f"(?:{body})?"
    return body
