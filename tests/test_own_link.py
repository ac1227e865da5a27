"""The own-link decision on papers built block by block: which link is the authors' own and why,
and why every other one is not."""

from __future__ import annotations

import pytest

from fwcensus.extract.links import find_links
from fwcensus.models import ExtractedText, Section, SectionKind, TextStatus
from fwcensus.repos.own_link import OwnDecision, own_link
from sectioned import Block, sectioned

K = SectionKind
FRONT = [(K.TITLE, "Sparse Attention Fields"), (K.FRONT, "Wei Liu1 Anna Smith2\n"
         "1Acme Research 2University of Lyon\n{wliu, asmith}@acme.com")]  # fmt: skip


def paper(*pages: list[Block]) -> ExtractedText:
    """A paper whose pages are made of ``(section, text)`` blocks, with its links found as the
    extract stage finds them."""
    texts, sections = sectioned(*pages)
    links = find_links(texts, sections, [[] for _ in texts])
    return ExtractedText(TextStatus.OK, tuple(texts), None, tuple(sections), links)


def decided(decision: OwnDecision) -> dict[str, str]:
    return {link.repo.url.removeprefix("https://github.com/"): decision.why_of(link)
            for link in decision.links}  # fmt: skip


def test_ten_code_links_the_own_one_taken_and_each_other_rejected_with_its_reason() -> None:
    cited = "\n".join(f"[{n}] A. Author. Work {n}. github.com/others/work{n}, 2019." for n in
                      range(1, 8))  # fmt: skip
    text = paper(
        [
            *FRONT,
            (
                K.ABSTRACT,
                "Abstract\nWe study fields. Our code is available at "
                "https://github.com/acme-research/saf.",
            ),
        ],
        [
            (
                K.BODY,
                "We build on the official implementation of DeepLab, github.com/bob/deeplab. "
                "Our model is written in PyTorch (github.com/pytorch/pytorch).",
            )
        ],
        [(K.REFERENCES, "References\n" + cited)],
    )
    decision = own_link((), text)
    assert decision.taken is not None
    assert decision.taken.repo.url == "https://github.com/acme-research/saf"
    assert decision.why.startswith("taken as the authors' own: score 7 (in the abstract (+2); ")
    assert "owner 'acme-research' is the authors' organisation (e-mail domain acme.com)" in (
        decision.why
    )
    why = decided(decision)
    assert len(why) == 10
    assert why["bob/deeplab"] == "score -2 is below 2"
    assert why["pytorch/pytorch"] == "a framework's or library's own repository"
    assert all(why[f"others/work{n}"] == "score -5 is below 2" for n in range(1, 8))
    assert decision.authorship.source == "first page"
    assert decision.authorship.authors == ("Wei Liu", "Anna Smith")


def test_two_links_equally_convincing_are_a_tie_and_none_is_taken() -> None:
    text = paper([*FRONT, (K.ABSTRACT, "Abstract\nCode: https://github.com/one/alpha and "
                           "https://github.com/two/beta.")])  # fmt: skip
    decision = own_link((), text)
    assert decision.taken is None
    tie = (
        "tie: https://github.com/one/alpha, https://github.com/two/beta all score 5; no link taken"
    )
    assert decision.why == tie
    assert decided(decision) == {"one/alpha": tie, "two/beta": tie}


def test_nothing_convincing_gives_no_own_repository_with_the_reason() -> None:
    text = paper([*FRONT], [(K.BODY, "We compare with github.com/bob/deeplab.")])
    decision = own_link((), text)
    assert decision.taken is None
    assert decision.why == (
        "no link convincing: the best, https://github.com/bob/deeplab, scores 0 (the authors' "
        "own needs 2)"
    )
    assert own_link((), paper([*FRONT])).why == "no code link in the paper"


def test_a_first_page_without_authors_scores_no_ownership_and_says_why() -> None:
    text = paper([(K.ABSTRACT, "Abstract\nWe study fields.")],
                 [(K.BODY, "See github.com/wliu/saf for details.")])  # fmt: skip
    decision = own_link((), text)
    [link] = decision.links
    assert link.reasons == ("authors unknown, owner not compared (+0)",)
    assert decision.taken is None and decision.authorship.source == "none"
    assert decision.authorship.reason == (
        "the first page has no title and authors' block (it opens with its abstract)"
    )
    # The same link with the authors known is theirs.
    known = own_link((), text, authors=("Wei Liu",))
    assert known.taken is not None and "owner 'wliu' is author Wei Liu (+2)" in known.why


def test_a_footnote_url_is_credited_with_the_sentence_carrying_its_mark() -> None:
    body = "3 Method\nOur code is publicly available.4 We train on one GPU."
    text = paper(
        [*FRONT, (K.ABSTRACT, "Abstract\nWe study fields.")],
        [(K.BODY, "2 Related work\nNothing.")],
        [(K.BODY, body), (K.FOOTNOTE, "4https://github.com/zeta/flowkit")],
    )
    decision = own_link((), text)
    assert decision.taken is not None and decision.taken.repo.owner == "zeta"
    assert decision.taken.reasons[0] == (
        "footnote mark in wording: 'Our code is publicly available' (+3)"
    )


def test_the_wording_nearest_the_link_decides() -> None:
    text = paper(
        [*FRONT, (K.ABSTRACT, "Abstract\nWe study fields.")],
        [
            (
                K.ACKNOWLEDGEMENTS,
                "Acknowledgments\nOur implementation uses Fmhax's FMHA code "
                "(https://github.com/nvidia/fmhax) as a starting point.",
            )
        ],
    )
    [fmhax] = own_link((), text).links
    assert fmhax.role == "third-party"
    assert fmhax.reasons == ('wording: "Fmhax\'s FMHA code" (-2)',)


def test_a_single_link_in_the_first_page_footnotes_is_the_papers_own() -> None:
    text = paper(
        [*FRONT, (K.ABSTRACT, "Abstract\nWe study fields."),
         (K.BODY, "1 Introduction\nText."), (K.FOOTNOTE, "1https://github.com/zeta/flowkit")],
        [(K.BODY, "We use github.com/bob/deeplab as a baseline.")],
    )  # fmt: skip
    decision = own_link((), text)
    assert decision.taken is not None and decision.taken.repo.owner == "zeta"
    assert decision.taken.reasons == (
        "footnote on the first pages (+2)",
        "the only code link in the abstract, first-page footnotes and 'code is available' "
        "sentences (+1)",
    )


def test_a_printed_url_cut_by_the_line_is_read_as_its_annotation_says() -> None:
    page = "Details in Appendix B and code at https://github.com/deepmind/language_model\n"
    page += "ing_is_compression).\n"
    full = "https://github.com/deepmind/language_modeling_is_compression"
    links = find_links([page], [Section(K.BODY, "", 1, 0, len(page))], [[full]])
    decision = own_link((), ExtractedText(TextStatus.OK, (page,), None, (), links))
    [link] = decision.links
    assert (link.url, link.repo.name, link.source) == (full, "language_modeling_is_compression",
                                                       "both")  # fmt: skip
    assert "wording: 'code at' (+3)" in link.reasons


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("Implementation: https://github.com/zeta/flowkit", "own"),
        ("Code and data: https://github.com/zeta/flowkit", "own"),
        ("The code is at https://github.com/zeta/flowkit .", "own"),
        ("The codes can be found https://github.com/zeta/flowkit .", "own"),
        ("Our model is based on https://github.com/zeta/flowkit .", "third-party"),
        ("We use the baseline of https://github.com/zeta/flowkit .", "third-party"),
        ("The toolkit of Doe et al. is available at https://github.com/zeta/flowkit .",
         "third-party"),  # a point for "available at", but not the two it takes
    ],
)  # fmt: skip
def test_the_wording_around_a_link_in_the_body_decides_its_role(sentence: str, role: str) -> None:
    text = paper([*FRONT, (K.ABSTRACT, "Abstract\nWe study fields.")], [(K.BODY, sentence)])
    [link] = own_link((), text).links
    assert link.role == role


def test_an_annotated_link_printed_in_a_form_the_url_reader_missed_is_read_where_printed() -> None:
    # The "tt" ligature lost from the scheme, underscores printed as spaces.
    page = "3 Method\nOur implementation is available at:\nhps://github.com/zeta/neural flow kit.\n"
    full = "https://github.com/zeta/neural_flow_kit"
    sections = [Section(K.BODY, "", 1, 0, len(page))]
    links = find_links(["Front page.", page], sections, [[], [full]])
    [link] = own_link(
        (), ExtractedText(TextStatus.OK, ("Front page.", page), None, (), links)
    ).links
    assert (link.url, link.source, link.role) == (full, "annotation", "own")
    assert link.reasons[0] == "wording: 'Our implementation is available' (+3)"


def test_the_own_code_of_a_framework_team_lives_in_its_organisation() -> None:
    """A project inside a framework's organisation can be the paper's own; the framework's own
    repository never is."""
    text = paper(
        [
            *FRONT,
            (
                K.ABSTRACT,
                "Abstract\nWe study fields. The code can be found at "
                "https://github.com/PaddlePaddle/PaddleFields.",
            ),
            (K.BODY, "1 Introduction\nWe use https://github.com/PaddlePaddle/Paddle as is."),
        ]
    )
    decision = own_link((), text)
    assert decision.taken is not None and decision.taken.repo.name == "PaddleFields"
    assert "in the organisation of paddlepaddle (-2)" in decision.taken.reasons
    [paddle] = [link for link in decision.links if link.repo.name == "Paddle"]
    assert paddle.role == "framework"
