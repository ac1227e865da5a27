"""Where a page holds any of the name scanner's literal keys, found in one pass.

The name, code, compound and URL scans each start from their own set of literal keys (an
alias's first letters, a module's name, a library stem, how an address opens). One
Aho-Corasick automaton over the lower-cased page finds every key of every set in C, where a
regular expression per set, tried at every character, was most of detection's time. Each scan
reads the longest key at each offset; ``leftmost`` gives the offsets such an expression's
``finditer`` matched, none inside the one before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import IntFlag

import ahocorasick


class Role(IntFlag):
    NAME = 1  # a lower-case beginning of an alias
    MODULE = 2  # a module's name, lower-cased
    STEM = 4  # a stem of library names ("torch" in "torchvision")
    URL = 8  # how a URL begins ("https://", "www.", "github.com/")


@dataclass(frozen=True)
class PageKeys:
    """Per role, the longest key starting at each offset of the page."""

    starts: dict[int, dict[int, int]]  # role -> {offset: length}

    def leftmost(self, role: Role) -> Iterator[int]:
        """Offsets of the role's keys as ``finditer`` of their alternation would match them:
        in order, the longest key at an offset, none starting inside the one before."""
        found = self.starts[role]
        taken = 0
        for start in sorted(found):
            if start >= taken:
                taken = start + found[start]
                yield start


class KeySet:
    """Keys of several roles in one automaton; a key may play several roles."""

    def __init__(self, keys: Mapping[Role, Iterable[str]]) -> None:
        roles: dict[str, Role] = {}
        for role, words in keys.items():
            for word in words:
                roles[word] = roles.get(word, Role(0)) | role
        self._roles = tuple(int(role) for role in keys)
        self._automaton = ahocorasick.Automaton()
        for word, role in roles.items():
            # Plain ints: flag arithmetic per hit would cost more than the automaton.
            self._automaton.add_word(word, (len(word), tuple(int(r) for r in Role if r & role)))
        self._empty = not roles
        if roles:
            self._automaton.make_automaton()

    def find(self, text: str) -> PageKeys:
        starts: dict[int, dict[int, int]] = {role: {} for role in self._roles}
        if self._empty:
            return PageKeys(starts)
        for end, (length, roles) in self._automaton.iter(text):
            start = end - length + 1
            for role in roles:
                held = starts[role]
                if held.get(start, 0) < length:
                    held[start] = length
        return PageKeys(starts)

    def any_in(self, text: str) -> bool:
        return not self._empty and next(self._automaton.iter(text), None) is not None
