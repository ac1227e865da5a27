"""Cleaning repairs what a PDF's fonts and reading order break: ligatures a private encoding
left as control characters, and words a footnote or caption splits in two."""

from __future__ import annotations

import pytest

from fwcensus.extract.clean import clean_pages


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("code at h\x1fps://github.com/a/b", "code at https://github.com/a/b"),
        ("we use tensor\ufffdow", "we use tensorflow"),
        ("the \ue001rst result", "the first result"),  # "first" is spelled out elsewhere
        ("an e\x0bcient method", "an efficient method"),  # so is "efficient"
        ("a matrix W\x0cM here", "a matrix W\x0cM here"),  # no word fits: left as it is
    ],
)
def test_private_encoding_ligatures_are_repaired_where_a_word_fits(raw: str, clean: str) -> None:
    other = "The first efficient model is described below in full detail."
    assert clean_pages([raw, other])[0] == clean


def test_a_word_split_by_footnotes_reads_whole() -> None:
    page = (
        "The encoder is described below.\n"
        "We train the en-\n"
        "2 https://example.org/first-footnote\n"
        "3 Another footnote here.\n"
        "coder with the optimiser provided by PyTorch.\n"
    )
    cleaned = clean_pages([page])[0]
    assert "We train the encoder with the optimiser provided by PyTorch." in cleaned
    assert "2 https://example.org/first-footnote\n3 Another footnote here." in cleaned


def test_lines_stay_put_when_no_word_is_completed() -> None:
    """Lines after a hyphenated one move only when a later line completes a word the paper
    uses: a heading is not a footnote, and its order is kept."""
    page = "a well-\n2 Related Work\nknown result follows here.\n"
    cleaned = clean_pages([page])[0]
    assert cleaned.index("Related Work") < cleaned.index("known result follows here.")


def _numbered(lines: list[str], number: str) -> list[str]:
    return [number.format(n=n, line=line) for n, line in enumerate(lines, 101)]


BODY = [f"Line {word} of the body text runs on here" for word in "abcdefghijkl"]


@pytest.mark.parametrize(
    ("page", "gone"),
    [
        # A margin's numbers on lines of their own, two to a line where both margins are read.
        (
            "\n".join(f"{BODY[n]}\n{2 * n + 101} {2 * n + 102}" for n in range(6)),
            ["101", "112"],
        ),
        ("\n".join(_numbered(BODY, "{n} {line}")), ["101 ", "112 "]),  # leading the lines
        ("\n".join(_numbered(BODY, "{line} {n}")), [" 101", " 112"]),  # trailing them
    ],
)
def test_review_line_numbers_go_however_they_are_printed(page: str, gone: list[str]) -> None:
    cleaned = clean_pages([page])[0]
    assert all(number not in cleaned for number in gone)
    assert all(line in cleaned for line in BODY[:6])


def test_a_few_numbers_are_not_line_numbers() -> None:
    """Below ten numbers in a row a page is not a numbered review copy: nothing is dropped."""
    page = "\n".join([*_numbered(BODY[:4], "{line} {n}"), "101 102", "103 104"])
    assert clean_pages([page])[0] == page
