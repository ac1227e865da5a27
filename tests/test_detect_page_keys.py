"""The one pass over a page's keys finds, per role, the longest key at every offset, and the
offsets a pattern's ``finditer`` would match (what the scans it replaced read)."""

from __future__ import annotations

import random
import re

from fwcensus.detect.page_keys import KeySet, Role
from fwcensus.detect.prefixes import trie_pattern


def test_a_key_plays_every_role_it_was_given() -> None:
    keys = KeySet({Role.NAME: {"jax", "tensor"}, Role.MODULE: {"jax", "tensorflow"}})
    found = keys.find("we use jax and tensorflow")
    assert found.starts[Role.NAME] == {7: 3, 15: 6}
    assert found.starts[Role.MODULE] == {7: 3, 15: 10}  # the longest key at an offset


def test_leftmost_offsets_are_those_of_the_alternation() -> None:
    stems = {"torch", "pytorch", "jax", "ax", "caffe", "caffe2", "affe"}
    keys = KeySet({Role.STEM: stems})
    pattern = re.compile(trie_pattern(stems))
    rng = random.Random(7)
    pieces = [*stems, " ", "-", "py", "x", "c", "e2"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        expected = [match.start() for match in pattern.finditer(text)]
        assert list(keys.find(text).leftmost(Role.STEM)) == expected, text


def test_nothing_to_find() -> None:
    assert not KeySet({}).any_in("anything")
    assert KeySet({Role.NAME: {"P Y"}}).any_in("in P Y T ORCH")
    assert not KeySet({Role.NAME: {"P Y"}}).any_in("in PyTorch")
