"""The `evidence` method on the project's own labelled cases and on generated papers."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path
from typing import Any

import pytest

from fwcensus.catalogue.frameworks import load_catalogue, parse_catalogue
from fwcensus.demo.papertext import Usage, make_paper, make_title, make_topic
from fwcensus.detect import evidence
from fwcensus.detect.stage import METHODS
from fwcensus.models import Role

CASES = tomllib.loads(
    (Path(__file__).parent / "fixtures" / "detect" / "cases.toml").read_text("utf-8")
)["case"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_labelled_case(case: dict[str, Any]) -> None:
    verdicts = evidence.detect(case["pages"])
    got = {v.framework: v.role.value for v in verdicts}
    assert got == case["expect"], [(v.framework, v.role, v.evidence[0].rule) for v in verdicts]


def test_every_verdict_carries_the_sentence_page_section_and_rule() -> None:
    pages = [
        "A Title\nWei Wang\nAbstract\nWe study things.\n1 Introduction\nThings matter.",
        "2 Experiments\nWe implement our model in PyTorch 1.7 [3]. It is fast.",
    ]
    (verdict,) = evidence.detect(pages)
    (e,) = verdict.evidence
    assert (e.page, e.section, e.rule) == (2, "body", "version")
    assert e.snippet.endswith("We implement our model in PyTorch 1.7 [3].")
    assert pages[1][e.char_start : e.char_end] == "PyTorch 1.7"
    assert 0.5 < verdict.confidence <= 0.99


def test_catalogue_has_the_required_frameworks_and_valid_libraries() -> None:
    catalogue = load_catalogue()
    required = {"pytorch", "tensorflow", "keras", "jax", "flax", "haiku", "mxnet", "paddlepaddle",
                "mindspore", "mlx", "caffe", "caffe2", "theano", "chainer", "cntk", "dynet",
                "lua-torch", "scikit-learn", "onnx"}  # fmt: skip
    assert required <= set(catalogue.ids)
    assert catalogue.family("keras") == "tensorflow"
    assert catalogue.family("flax") == catalogue.family("haiku") == "jax"
    assert catalogue.family("lasagne") == "theano"
    assert catalogue.family("matconvnet") == "matconvnet"


def test_catalogue_rejects_a_library_on_an_unknown_framework() -> None:
    broken = '[[library]]\nname = "X"\naliases = ["X"]\nframework = "nope"\n'
    with pytest.raises(ValueError, match="unknown framework"):
        parse_catalogue(broken)


def test_both_methods_are_registered_for_the_stage() -> None:
    assert {"substring-2019", "evidence"} <= set(METHODS)


def _page_texts(doc: Any) -> list[str]:
    """The generated paper as cleaned pages would read: body, footnotes, then references."""
    body = [doc.title, ", ".join(doc.authors), "Abstract", doc.abstract]
    for number, (heading, paragraphs) in enumerate(doc.sections, 1):
        body += [f"{number} {heading}", *paragraphs]
    body += doc.footnotes
    refs = ["References", *(f"[{i}] {entry}" for i, entry in enumerate(doc.references, 1))]
    return ["\n".join(body), "\n".join(refs)]


USAGES = [
    Usage(used=("pytorch",), mentioned=("tensorflow",)),
    Usage(used=("tensorflow",), cited=("pytorch",)),
    Usage(used=("caffe",), mentioned=("mxnet",)),
    Usage(used=("jax",), cited=("tensorflow",)),
    Usage(used=("mxnet",), mentioned=("pytorch",), cited=("caffe",)),
    Usage(used=("keras",), mentioned=("caffe",)),
    Usage(used=("pytorch", "tensorflow")),
    Usage(mentioned=("pytorch", "tensorflow")),
    Usage(cited=("pytorch", "jax")),
]


@pytest.mark.parametrize("seed", range(60))
def test_generated_papers_get_their_true_roles(seed: int) -> None:
    rng = random.Random(seed)
    usage = USAGES[seed % len(USAGES)]
    year = rng.choice((2016, 2019, 2021, 2023))
    topic = make_topic(rng, year)
    doc = make_paper(rng, usage, year, topic, make_title(rng, topic), ["Wei Wang", "Anna Smith"])
    catalogue = load_catalogue()
    got: dict[str, tuple[Role, str]] = {}
    for verdict in evidence.detect(_page_texts(doc)):
        family = catalogue.family(verdict.framework)  # "JAX with Flax" is jax
        if family not in got or verdict.role is Role.USED:
            got[family] = (verdict.role, verdict.evidence[0].rule)
    expected = {catalogue.family(fw): Role.CITED for fw in usage.cited}
    expected |= {catalogue.family(fw): Role.MENTIONED for fw in usage.mentioned}
    expected |= {catalogue.family(fw): Role.USED for fw in usage.used}
    # The generator's second framework only re-implements the baselines "from the authors'
    # released code", which the labels call baseline: used, or named as someone else's.
    for fw in usage.used[1:]:
        if got.get(fw, (None,))[0] is Role.MENTIONED:
            expected[fw] = Role.MENTIONED
    assert {fw: role for fw, (role, _) in got.items()} == expected, got
