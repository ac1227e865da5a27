"""Authors, affiliations and e-mail addresses read from a first page's front matter."""

from __future__ import annotations

from fwcensus.extract.front_matter import read_front_matter
from fwcensus.models import Section, SectionKind
from sectioned import Block, sectioned


def first_page(*blocks: Block) -> tuple[list[str], list[Section]]:
    return sectioned(list(blocks), [(SectionKind.BODY, "Second page.")])


ABSTRACT = (SectionKind.ABSTRACT, "Abstract\nWe study things.")


def test_names_separated_by_marks_with_numbered_affiliations_and_grouped_emails() -> None:
    pages, sections = first_page(
        (SectionKind.TITLE, "Sparse Attention Fields"),
        (
            SectionKind.FRONT,
            "Keji He1,2 Yan Huang1,2 Qi Wu3\nLiang Wang\u22171,2\n1Institute of Automation, "
            "Chinese Academy of Sciences\n2\nAcme Research, Shanghai 3University of Adelaide\n"
            "{keji.he, yhuang,\nwangliang}@cripac.ia.ac.cn qi.wu01@adelaide.edu.au",
        ),
        ABSTRACT,
    )
    front = read_front_matter(pages, sections)
    assert front.title == "Sparse Attention Fields"
    assert front.authors == ("Keji He", "Yan Huang", "Qi Wu", "Liang Wang")
    assert front.affiliations == (
        "Institute of Automation, Chinese Academy of Sciences",
        "Acme Research, Shanghai",
        "University of Adelaide",
    )
    assert front.emails == (
        "keji.he@cripac.ia.ac.cn",
        "yhuang@cripac.ia.ac.cn",
        "wangliang@cripac.ia.ac.cn",
        "qi.wu01@adelaide.edu.au",
    )
    assert front.reason is None


def test_commas_and_and_one_author_per_block_and_names_run_together() -> None:
    pages, sections = first_page(
        (SectionKind.TITLE, "A Title"),
        (
            SectionKind.FRONT,
            "Xun Liang1\n, Simin Niu1\n, Zhiyu Li2,*\nAlex Nichol and Joshua Achiam\n"
            "Jason Wei Xuezhi Wang Ed H. Chi Quoc V. Le\nTat-Seng Chua\nSchool of Computing\n"
            "National University of Singapore\nSingapore 117417\ndcscts@nus.edu.sg\nLandskape",
        ),
        ABSTRACT,
    )
    front = read_front_matter(pages, sections)
    assert front.authors == (
        "Xun Liang", "Simin Niu", "Zhiyu Li", "Alex Nichol", "Joshua Achiam", "Jason Wei",
        "Xuezhi Wang", "Ed H. Chi", "Quoc V. Le", "Tat-Seng Chua",
    )  # fmt: skip
    assert front.affiliations == (
        "School of Computing",
        "National University of Singapore",
        "Landskape",
    )


def test_acm_capitals_give_names_and_affiliations() -> None:
    pages, sections = first_page(
        (SectionKind.TITLE, "Paper Plain"),
        (
            SectionKind.FRONT,
            "TAL AUGUST, University of Washington, USA\n"
            "LUCY LU WANG, Allen Institute for Artificial Intelligence, USA",
        ),
    )
    front = read_front_matter(pages, sections)
    assert front.authors == ("Tal August", "Lucy Lu Wang")
    assert front.affiliations == (
        "University of Washington, USA",
        "Allen Institute for Artificial Intelligence, USA",
    )


def test_a_title_continued_below_and_places_are_not_authors() -> None:
    pages, sections = first_page(
        (SectionKind.TITLE, "BLIP: Bootstrapping Language-Image Pre-training for"),
        (
            SectionKind.FRONT,
            "Unified Vision-Language Understanding and Generation\nof Large Language Models\n"
            "Junnan Li Dongxu Li\nSalesforce Research\nMountain View, CA, USA",
        ),
        ABSTRACT,
    )
    front = read_front_matter(pages, sections)
    assert front.authors == ("Junnan Li", "Dongxu Li")
    assert front.affiliations == ("Salesforce Research",)


def test_authors_printed_where_the_title_was_expected_are_read() -> None:
    pages, sections = first_page(
        (SectionKind.TITLE, "Chengrun Yang* Xuezhi Wang"),
        (SectionKind.FRONT, "Google DeepMind"),
        ABSTRACT,
    )
    front = read_front_matter(pages, sections)
    assert front.authors == ("Chengrun Yang", "Xuezhi Wang")
    assert front.affiliations == ("Google DeepMind",)


def test_first_page_footnotes_give_affiliations() -> None:
    pages, sections = first_page(
        (SectionKind.TITLE, "Language Modeling Is Compression"),
        (SectionKind.FRONT, "Anian Ruoss\u22171 Elliot Catt1"),
        ABSTRACT,
        (SectionKind.BODY, "1 Introduction\nText."),
        (
            SectionKind.FOOTNOTE,
            "\u2217Equal contribution. 1Google DeepMind. 2Meta AI & Inria. Correspondence to "
            "{gdelt, anianr}@google.com.\n\u2020Work done during an internship at Acme Research.",
        ),
    )
    front = read_front_matter(pages, sections)
    assert front.authors == ("Anian Ruoss", "Elliot Catt")
    assert front.affiliations == ("Google DeepMind", "Meta AI & Inria", "Acme Research")
    assert front.emails == ("gdelt@google.com", "anianr@google.com")


def test_no_recognisable_authors_gives_none_with_a_reason() -> None:
    pages, sections = first_page(ABSTRACT, (SectionKind.BODY, "1 Introduction"))
    assert read_front_matter(pages, sections).reason == (
        "the first page has no title and authors' block (it opens with its abstract)"
    )
    pages, sections = first_page(
        (SectionKind.TITLE, "Deep Learning"),
        (SectionKind.FRONT, "for Sparse Predictive Analytics\n2024-03-01"),
        ABSTRACT,
    )
    front = read_front_matter(pages, sections)
    assert front.authors == ()
    assert front.reason == "no author names recognised in the first page's front matter"
    assert read_front_matter([], []).authors == ()
