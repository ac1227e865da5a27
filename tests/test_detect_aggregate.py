from __future__ import annotations

import pytest

from fwcensus.aggregate.intervals import wilson
from fwcensus.aggregate.stage import share_row
from fwcensus.detect.substring2019 import METHOD, detect, snippet
from fwcensus.models import Role


def test_every_hit_is_kept_with_page_offsets_and_snippet() -> None:
    pages = [
        "Introduction. Unlike TensorFlow [3], our approach",
        "We implement it in\nPyTorch 1.1 and pytorch-lightning.",
        "References\n[3] M. Abadi. Tensorflow: large-scale machine learning.",
    ]
    verdicts = {v.framework: v for v in detect(pages)}
    pt, tf = verdicts["pytorch"], verdicts["tensorflow"]
    assert pt.role is Role.USED and [e.page for e in pt.evidence] == [2, 2]
    assert [e.page for e in tf.evidence] == [1, 3]  # the citation counts, as it did in 2019
    first = pt.evidence[0]
    assert pages[1][first.char_start : first.char_end] == "PyTorch"
    assert first.snippet == "We implement it in PyTorch 1.1 and pytorch-lightning."
    assert first.rule == f"{METHOD}:pytorch"


def test_lua_torch_and_tf_abbreviation_are_not_hits() -> None:
    assert detect(["We use Torch7 and TF 2.4 with tf.keras."]) == []


def test_snippet_is_one_line_and_bounded() -> None:
    text = "a " * 200 + "PyTorch" + "\n b" * 200
    start = text.index("PyTorch")
    out = snippet(text, start, start + 7, radius=10)
    assert "\n" not in out and "PyTorch" in out and len(out) <= 7 + 2 * 10 + 2


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [(5, 10, 0.236593, 0.763407), (0, 10, 0.0, 0.277533), (10, 10, 0.722467, 1.0)],
)
def test_wilson_matches_published_values(k: int, n: int, low: float, high: float) -> None:
    interval = wilson(k, n)
    assert interval is not None
    assert interval == pytest.approx((low, high), abs=1e-6)


def test_wilson_of_nothing_is_none() -> None:
    assert wilson(0, 0) is None
    with pytest.raises(ValueError):
        wilson(3, 2)


def test_share_counts_only_papers_naming_exactly_one() -> None:
    counts = {"venue": "CVPR", "year": 2019, "track": "main", "listed": 10, "fetched": 9,
              "with_text": 8, "pytorch": 5, "tensorflow": 4, "both": 2, "neither": 1}  # fmt: skip
    row = share_row(counts, METHOD)
    assert (row.pytorch_only, row.tensorflow_only) == (3, 2)
    assert row.share == pytest.approx(3 / 5)
    assert (row.ci_low, row.ci_high) == pytest.approx(wilson(3, 5))
    empty = share_row({**counts, "pytorch": 1, "tensorflow": 1, "both": 1}, METHOD)
    assert empty.share is None and empty.ci_low is None
