"""The pieces the evidence rules stand on: clauses and their agents, governing words, names
inside library names and small capitals, and the bibliography a citation points at."""

from __future__ import annotations

import dataclasses

import pytest

from fwcensus.catalogue.frameworks import Library, load_catalogue
from fwcensus.detect import evidence
from fwcensus.detect.clauses import Agent, Cue, agent, clause_span, governor
from fwcensus.detect.mentions import Kind, Scanner, _version, build_scanner, scanner
from fwcensus.detect.prefixes import prefixes
from fwcensus.detect.references import bibliography, citations, resolve
from fwcensus.extract.sections import find_sections
from fwcensus.models import Role


def clause_of(sentence: str, name: str) -> str:
    at = sentence.index(name)
    first, last, _ = clause_span(sentence, 0, len(sentence), at)
    return sentence[first:last]


@pytest.mark.parametrize(
    ("sentence", "name", "clause"),
    [
        (
            "They trained in JAX on TPUs, while we used PyTorch on GPUs.",
            "PyTorch",
            "we used PyTorch on GPUs.",
        ),
        (
            "They trained in JAX on TPUs, while we used PyTorch on GPUs.",
            "JAX",
            "They trained in JAX on TPUs",
        ),
        ("We train with PyTorch; the baseline used Caffe.", "Caffe", " the baseline used Caffe."),
        (
            "Both call NCCL, which implements the all-reduce in MXNet.",
            "MXNet",
            " implements the all-reduce in MXNet.",
        ),
        # "but" before a capitalised name joins two objects of one verb, not two clauses
        (
            "We did not use TensorFlow but PyTorch.",
            "PyTorch",
            "We did not use TensorFlow but PyTorch.",
        ),
    ],
)
def test_a_sentence_splits_into_clauses(sentence: str, name: str, clause: str) -> None:
    assert clause_of(sentence, name) == clause


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        ("All experiments were run using ", Agent.NONE),
        ("We implement the model in ", Agent.OWN),
        ("Our code is based on ", Agent.OWN),
        ("Smith et al. implement their model in ", Agent.OTHER),
        ("The original authors trained it with ", Agent.OTHER),
        ("We modify their public code, which uses ", Agent.OWN),
        ("SnapEdit provides a pipeline built on ", Agent.OWN),
    ],
)
def test_who_acts_in_a_clause(lead: str, expected: Agent) -> None:
    assert agent(lead, frozenset({"SnapEdit"})) is expected


@pytest.mark.parametrize(
    ("lead", "cue"),
    [
        ("We use standard libraries such as ", Cue.USE),
        ("Unlike frameworks such as ", Cue.CONTRAST),
        ("our kernels run 3x faster than the ", Cue.CONTRAST),
        ("We train the encoder with the optimiser provided by ", Cue.USE),
        ("A model this size would fit in memory in ", Cue.HYPOTHETICAL),
        ("We did not train it with ", Cue.TRAIN),  # the rules see "not" before the verb
        ("We ported the original ", Cue.OTHERS),
        ("Models were implemented with the ", Cue.IMPLEMENT),
        ("OpenPCSeg is built upon the ", Cue.BUILD),
    ],
)
def test_the_nearest_governing_word_decides(lead: str, cue: Cue) -> None:
    found = governor(lead, 0, len(lead))
    assert found is not None and found.cue is cue, found


def test_nothing_governs_a_bare_name() -> None:
    assert governor("Modern frameworks such as ", 0, 26) is None


def names(text: str) -> list[tuple[str, str, str | None, Kind]]:
    return [(text[m.start : m.end], m.framework, m.via, m.kind) for m in scanner().scan(1, text)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("the Jaxsparse library", [("Jaxsparse", "jax", "Jaxsparse", Kind.NAME)]),
        (
            "mesh-transformer-jax",
            [("mesh-transformer-jax", "jax", "mesh-transformer-jax", Kind.NAME)],
        ),
        (
            "Acme®-Extension-for-PyTorch",
            [("Acme®-Extension-for-PyTorch", "pytorch", "Acme®-Extension-for-PyTorch", Kind.NAME)],
        ),
        (
            "GPyTorch and BoTorch",
            [
                ("GPyTorch", "pytorch", "GPyTorch", Kind.NAME),
                ("BoTorch", "pytorch", "BoTorch", Kind.NAME),
            ],
        ),
        ("caffeine, CaffeNet, JAX-RS and TF-IDF", []),
        (
            "PyTorch3 and TF2",
            [("PyTorch", "pytorch", None, Kind.NAME), ("TF2", "tensorflow", None, Kind.VERSION)],
        ),
        (
            "P Y T ORCH 2.1 and S CIKIT - LEARN",
            [
                ("P Y T ORCH 2.1", "pytorch", None, Kind.VERSION),
                ("S CIKIT - LEARN", "scikit-learn", None, Kind.NAME),
            ],
        ),
        (
            "data from https://www.tensorflow.org/datasets/catalog/mnist",
            [
                (
                    "https://www.tensorflow.org/datasets/catalog/mnist",
                    "tensorflow",
                    None,
                    Kind.RESOURCE,
                )
            ],
        ),
    ],
)
def test_names_in_library_names_small_capitals_and_resources(
    text: str, found: list[tuple[str, str, str | None, Kind]]
) -> None:
    assert names(text) == found


def test_torch_stems_count_only_from_2018() -> None:
    """Before PyTorch, "torch..." names were Lua Torch's (torchnet)."""
    old = ["4 Setup\nWe build on torchnet for data loading.", "References\n[1] A. B. X. 2016."]
    new = ["4 Setup\nWe build on torchmeta for data loading.", "References\n[1] A. B. X. 2021."]
    assert evidence.detect(old) == []
    assert [(v.framework, v.role) for v in evidence.detect(new)] == [("pytorch", Role.USED)]


NUMBERED = [
    "4 Setup\nWe use the script of [3] and the models of [1-2].",
    "References\n[1] A. Author. One. 2020.\n[2] B. Author. Two. 2021.\n[3] C. Author. Foo: "
    "a JAX library. 2022.\n",
]
AUTHOR_YEAR = [
    "4 Setup\nWe build on Quokka (Smith et al., 2021; Lee, 2020) and on Wang (2019).",
    "References\nLee, K. (2020). Something. In ICML.\nSmith, J., Lee, K., and Chen, M. (2021). "
    "Quokka: reinforcement learning in JAX.\nBen Wang. Other work, 2019.\nWang, Z. and Li, Y. "
    "Yet another, 2019.\n",
]


def test_numbered_bibliography_and_citations() -> None:
    entries = bibliography(NUMBERED, find_sections(NUMBERED))
    assert [e.number for e in entries] == [1, 2, 3]
    cited = list(citations(NUMBERED[0]))
    assert [c.numbers for c in cited] == [(3,), (1, 2)]
    assert [e.number for e in resolve(cited[1], entries)] == [1, 2]


def test_author_year_citations_resolve_only_to_a_single_entry() -> None:
    entries = bibliography(AUTHOR_YEAR, find_sections(AUTHOR_YEAR))
    assert [e.first_surname for e in entries] == ["Lee", "Smith", "Wang", "Wang"]
    cited = list(citations(AUTHOR_YEAR[0]))
    by_authors = {c.authors: [e.first_surname for e in resolve(c, entries)] for c in cited}
    assert by_authors[(("Smith", "2021"), ("Lee", "2020"))] == ["Smith", "Lee"]
    assert by_authors[(("Wang", "2019"),)] == []  # two entries fit: neither is taken
    assert [(v.framework, v.role) for v in evidence.detect(AUTHOR_YEAR)] == [("jax", Role.USED)]


def _full_alternation(scan: Scanner, text: str) -> list[tuple[int, str]]:
    """The scan without the prefilter: every alias tried at every character."""
    found = []
    for match in scan.names.finditer(text):
        target = scan.name_targets[int(match.lastgroup[1:])]  # type: ignore[index]
        if not target.versioned or _version(text, match.start(), match.end()):
            found.append((match.start(), target.framework))
    return found


@pytest.mark.parametrize("vague_alias", [False, True])
def test_the_prefilter_finds_what_the_full_alternation_finds(vague_alias: bool) -> None:
    """Aliases are tried only where their first letters stand, each from the few aliases that
    can begin there; the hits must be exactly those of the whole pattern scanned over the
    text. An alias whose beginning cannot be enumerated (".ai") puts every word start back
    among the candidates."""
    catalogue = load_catalogue()
    if vague_alias:
        vague = Library("Anything AI", (r"\w+\.ai",), (), (), "pytorch")
        catalogue = dataclasses.replace(catalogue, libraries=(*catalogue.libraries, vague))
    names = [f.name for f in catalogue.frameworks] + [lib.name for lib in catalogue.libraries]
    text = " ".join(
        f"We use {n} 2.1 and ({n}), {n.upper()}, {n.lower()}-based, the {n}3 footnote, fast.ai."
        for n in names
    )
    scan = build_scanner(catalogue)
    full = _full_alternation(scan, text)
    assert [(m.start, m.framework) for m in scan.names_in(1, text)] == full
    assert len(full) > 2 * len(names)


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        ("[Pp]y[Tt]orch", {"pyto"}),
        ("(?<!3 )Haiku", {"haik"}),
        ("Gluon(?:CV|NLP)?", {"gluo"}),
        ("x?abcd", {"abcd", "xabc"}),
        ("JAX", {"jax"}),
        (".ai", None),
    ],
)
def test_the_beginnings_an_alias_can_match(pattern: str, starts: set[str] | None) -> None:
    assert prefixes(pattern, 4) == (None if starts is None else frozenset(starts))
