"""Footnotes one by one, and the marks in the text tied to them (or to none when unsure)."""

from __future__ import annotations

from fwcensus.extract.footnotes import (
    Footnote,
    citing_ref,
    find_footnotes,
    footnote_at,
    footnote_refs,
)
from fwcensus.models import Section, SectionKind
from sectioned import Block, sectioned


def page_of(*blocks: Block) -> tuple[str, list[Section]]:
    """One page made of ``blocks`` and its sections."""
    [text], sections = sectioned(list(blocks))
    return text, sections


def texts(page: str, notes: list[Footnote]) -> list[tuple[str, str]]:
    return [(note.mark, page[note.start : note.end]) for note in notes]


def test_a_block_splits_into_footnotes_even_several_on_one_line() -> None:
    page, sections = page_of(
        (SectionKind.BODY, "We compare with MXNet and PyTorch."),
        (SectionKind.FOOTNOTE, "1 Our code is at https://github.com/a/b and\nruns anywhere."),
        (SectionKind.FOOTNOTE, "2 https://mxnet.apache.org 3 https://pytorch.org"),
        (SectionKind.FOOTNOTE, "6http://www.libfm.org/7https://github.com/geffy/tffm"),
        (SectionKind.FOOTNOTE, "8See the appendix. 9 We use Adam.\n\u2217Equal contribution."),
    )
    assert texts(page, find_footnotes([page], sections)) == [
        ("1", "Our code is at https://github.com/a/b and\nruns anywhere."),
        ("2", "https://mxnet.apache.org"),
        ("3", "https://pytorch.org"),
        ("6", "http://www.libfm.org/"),
        ("7", "https://github.com/geffy/tffm"),
        ("8", "See the appendix."),
        ("9", "We use Adam."),
        ("*", "Equal contribution."),
    ]


def test_numbers_that_do_not_count_up_do_not_split_a_footnote() -> None:
    page, sections = page_of(
        (SectionKind.FOOTNOTE, "4 Ratings were 0 (bad). 1 (fair) or 2 (good). 5 Next note."),
    )
    assert texts(page, find_footnotes([page], sections)) == [
        ("4", "Ratings were 0 (bad). 1 (fair) or 2 (good)."),
        ("5", "Next note."),
    ]


def test_a_mark_alone_on_its_line_above_a_url_is_a_footnote_anywhere() -> None:
    page, sections = page_of(
        (
            SectionKind.BODY,
            "Our code is publicly available.1 We train on 8 GPUs.\n1\n"
            "https://github.com/r-three/t-few\nMore body text.",
        ),
    )
    notes = find_footnotes([page], sections)
    assert texts(page, notes) == [("1", "https://github.com/r-three/t-few")]
    ref = citing_ref(footnote_refs([page], sections, notes), notes[0])
    assert ref is not None
    assert page[ref.start - 10 : ref.end] == "available.1"


def test_marks_glued_to_words_or_after_punctuation_are_tied_to_their_footnote() -> None:
    page, sections = page_of(
        (SectionKind.FRONT, "Ada Moreau\u2217 Ken Watanabe"),
        (
            SectionKind.BODY,
            "We build on PyTorch3 and our code is publicly available.2 See\n"
            "Fig.4 and Table 1 for ResNet50 on 4 GPUs.",
        ),
        (
            SectionKind.FOOTNOTE,
            "\u2217Work done at Acme.\n2https://github.com/ada/saf\n"
            "3https://pytorch.org\n4A fourth note nobody cites.",
        ),
    )
    notes = find_footnotes([page], sections)
    refs = footnote_refs([page], sections, notes)
    cited = {n.mark: page[r.start - 9 : r.end] for n in notes if (r := citing_ref(refs, n))}
    assert cited == {"*": "da Moreau\u2217", "2": "vailable.2", "3": "n PyTorch3"}
    url_note = footnote_at(notes, 1, page.index("github.com/ada"))
    assert url_note is not None and url_note.mark == "2"


def test_names_numbers_and_equations_are_not_marks() -> None:
    body = (
        "ResNet50 beats VGG16 and GPT2 in 2019, see Fig.3, Eq.3, Sec.3 and Appendix A.3; "
        "version 1.3 of x3 runs on Llama3. We also tried Llama3 and (3) with [3],3 items."
    )
    page, sections = page_of(
        (SectionKind.BODY, body), (SectionKind.FOOTNOTE, "3https://github.com/o/r")
    )
    notes = find_footnotes([page], sections)
    assert footnote_refs([page], sections, notes) == []


def test_a_mark_seen_twice_is_tied_to_nothing() -> None:
    page, sections = page_of(
        (SectionKind.BODY, "We use Caffe.2 and also the code of others.2 Then more."),
        (SectionKind.FOOTNOTE, "2https://github.com/o/r"),
    )
    notes = find_footnotes([page], sections)
    refs = footnote_refs([page], sections, notes)
    assert len(refs) == 2 and all(ref.footnote is None for ref in refs)
    assert citing_ref(refs, notes[0]) is None


def test_affiliation_numbers_by_several_authors_are_not_footnote_marks() -> None:
    page, sections = page_of(
        (SectionKind.FRONT, "Xun Liang1, Simin Niu1, Zhiyu Li2\n1Renmin University"),
        (SectionKind.BODY, "Models such as Perplexity.ai1 retrieve."),
        (SectionKind.FOOTNOTE, "1https://www.perplexity.ai/"),
    )
    notes = find_footnotes([page], sections)
    ref = citing_ref(footnote_refs([page], sections, notes), notes[0])
    assert ref is not None and page[ref.start - 3 : ref.end] == ".ai1"


def test_a_footnote_on_the_next_page_is_tied_to_its_mark_on_the_page_before() -> None:
    first, first_sections = page_of((SectionKind.BODY, "Our code is publicly available.5"))
    second, second_sections = page_of(
        (SectionKind.BODY, "Text of page two."), (SectionKind.FOOTNOTE, "5https://github.com/o/r")
    )
    sections = first_sections + [
        Section(s.kind, s.label, 2, s.start, s.end) for s in second_sections
    ]
    notes = find_footnotes([first, second], sections)
    ref = citing_ref(footnote_refs([first, second], sections, notes), notes[0])
    assert ref is not None and (ref.page, ref.mark) == (1, "5")
