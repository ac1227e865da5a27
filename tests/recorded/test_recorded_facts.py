"""The fixture facts the default suite reads are what the shared material gives now."""

from __future__ import annotations

from recorded.material import shared_dir
from regenerate_facts import FIXTURES, REPO, facts


def test_the_committed_facts_are_current() -> None:
    expected = facts(shared_dir())
    stale = [
        str(path.relative_to(REPO))
        for path, content in expected.items()
        if not path.is_file() or path.read_text(encoding="utf-8") != content
    ]
    assert stale == [], "run `python tests/regenerate_facts.py` and commit what it writes"
    kept = {*FIXTURES.glob("*/structure/*.json"), *FIXTURES.glob("study2019/*.*")} - {
        FIXTURES / "study2019" / "README.md"
    }
    assert kept == set(expected), "a facts file no longer written by regenerate_facts.py"
