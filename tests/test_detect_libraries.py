"""Tools a paper names that the catalogue does not know: found in the text, resolved to their
backend by what they publish about themselves (PyPI here), and judged by their sentence."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from fwcensus import pipeline
from fwcensus.detect import evidence
from fwcensus.detect.library_names import _AFTER_VERB, _after_verb, library_names
from fwcensus.extract.sections import find_sections
from fwcensus.models import (
    DocStatus,
    ExtractedText,
    FetchResult,
    Paper,
    Role,
    Selection,
    TextStatus,
)
from fwcensus.plugins import fetch_settings
from fwcensus.repos.stage import read_repos
from fwcensus.store import Store

from conftest import Serve
from support.sites.pypi_json_site import write_not_found, write_project


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("We build our model on the quokka-lm library [3].", ["quokka-lm"]),
        ("Training uses FooBar (Lee et al., 2024) on eight GPUs.", ["FooBar"]),
        ("All runs are based on t5x, with default settings.", ["t5x"]),
        ("We use the nimbus toolkit for decoding.", ["nimbus"]),
        # ordinary words are no tools, whatever follows them
        ("We use the standard library and a deep learning framework.", []),
        ("We trained with Adam [12] on the data [3].", []),
    ],
)
def test_names_that_stand_where_a_tool_is_named(sentence: str, names: list[str]) -> None:
    assert [n.name for n in library_names(sentence)] == names


VERB_PHRASES = [
    "based on", "built on", "built upon", "builds upon", "on top of", "using", "uses", "use",
    "used", "via", "with", "adopts", "leveraging", "employed", "utilizes", "utilise", "relies on",
    "rely on", "relied on", "through", "extends", "forked of", "implemented in", "written in",
    "USING", "With", "Based  on",
]  # fmt: skip


@pytest.mark.parametrize("odd", ["", "\u017f"])  # long s: IGNORECASE reads it as "s"
def test_verbs_are_found_where_the_whole_pattern_finds_them(odd: str) -> None:
    """The verb pattern is tried only where a verb begins: the same matches as trying it at
    every character, for every verb and its forms, glued to other words or not."""
    rng = random.Random(3)
    words = [*VERB_PHRASES, "the", "Foo-Bar", "t5x", "[4]", ",", "library", "xon", "reuse"]
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(30)) + odd
        start, end = rng.randint(0, 20), rng.randint(len(text) - 20, len(text))
        whole = [m.span() for m in _AFTER_VERB.finditer(text, start, end)]
        assert [m.span() for m in _after_verb(text, start, end)] == whole


def pages(sentence: str) -> list[str]:
    return [f"4 Setup\n{sentence}", "References\n[3] A. Author. Something. 2023."]


def test_a_resolved_tool_is_judged_like_a_name_and_says_how_it_was_known() -> None:
    asked: list[str] = []

    def resolve(name: str) -> tuple[str | None, str]:
        asked.append(name)
        return ("pytorch", "pypi requires_dist: torch>=2") if name == "quokka-lm" else (None, "")

    used = evidence.detect(pages("We build our model on the quokka-lm library [3]."), None, resolve)
    assert [(v.framework, v.role) for v in used] == [("pytorch", Role.USED)]
    assert used[0].evidence[0].via == "quokka-lm -> pytorch (pypi requires_dist: torch>=2)"
    compared = evidence.detect(
        pages("Unlike the quokka-lm library [3], we avoid it."), None, resolve
    )
    assert [(v.framework, v.role) for v in compared] == [("pytorch", Role.MENTIONED)]
    # A name the catalogue knows is a mention already and is not asked about.
    asked.clear()
    evidence.detect(pages("We build our model on the DeepSpeed library [3]."), None, resolve)
    assert asked == []


def test_the_repos_stage_learns_a_tool_that_the_offline_detect_stage_then_knows(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    site = tmp_path / "site"
    write_project(site, "quokka-lm", ["torch>=2.1", "numpy"], summary="Language models")
    write_not_found(site, "quokka")
    text = pages("We build our model on the quokka-lm library [3] and train it on 8 GPUs.")
    paper = Paper("pmlr", "q", "ICML", 2024, "Quokka", ("Ada Lovelace",), "https://x/q.pdf")
    store.papers.upsert([paper], "L")
    [doc] = store.documents.with_status(Selection())
    sha = store.blobs.put_bytes(b"%PDF-1.4 q")
    store.documents.save_fetch(doc.id, FetchResult(ok=True, sha256=sha, size=10), DocStatus.FETCHED)
    extracted = ExtractedText(TextStatus.OK, pages=tuple(text), sections=find_sections(text))
    store.texts.save(sha, extracted, "test")

    # Before the repos stage asked PyPI, the offline stage knows nothing of quokka-lm.
    pipeline.detect_selection(store, Selection(), evidence.METHOD, lambda _: None)
    assert store.verdicts.rows(Selection(), evidence.METHOD) == []

    server = serve(site)
    settings = fetch_settings(mirror=server.url, rate=0, attempts=2, backoff=0.01,
                             cache_dir=str(store.cache_dir))  # fmt: skip
    read_repos(store, settings, Selection())
    assert server.requests.count("pypi.org/pypi/quokka-lm/json") == 1

    # What the paper's tool runs on is known now: the paper is judged again.
    pipeline.detect_selection(store, Selection(), evidence.METHOD, lambda _: None)
    [verdict] = store.verdicts.rows(Selection(), evidence.METHOD)
    assert (verdict["framework"], verdict["role"]) == ("pytorch", "used")
    assert verdict["evidence"][0]["via"] == ("quokka-lm -> pytorch (requires_dist: torch>=2.1)")
    assert server.requests.count("pypi.org/pypi/quokka-lm/json") == 1  # detect never asks
