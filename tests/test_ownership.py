"""A code link's owner told to be an author, their organisation, or no one of theirs."""

from __future__ import annotations

import pytest

from fwcensus.extract.front_matter import FrontMatter
from fwcensus.repos.ownership import Authorship, owner_words, ownership

WHO = Authorship(
    authors=("Wei Liu", "San Zhang", "Keji He", "Kai Chen", "Tat-Seng Chua", "Grégoire Delétang"),
    affiliations=(
        "Institute for Advanced Algorithms Research, Shanghai, China",
        "Google DeepMind",
        "Allen Institute for AI",
    ),
    emails=("luwei@sutd.edu.sg", "bob@cs.acme.com", "someone@gmail.com"),
    source="first page",
)


@pytest.mark.parametrize(
    ("owner", "author"),
    [
        ("liuwei-lab", "Wei Liu"),  # reordered, glued, a lab suffix
        ("weiliu", "Wei Liu"),
        ("WeiLiu", "Wei Liu"),
        ("wei-liu", "Wei Liu"),
        ("wliu", "Wei Liu"),  # an initial before the surname
        ("liuw", "Wei Liu"),  # and after it
        ("zhangsan2020", "San Zhang"),  # a year
        ("hekj", "Keji He"),  # the given name's first letters
        ("chenkai", "Kai Chen"),  # "kai" is not an affix to strip
        ("chuatatseng", "Tat-Seng Chua"),
        ("gdeletang", "Grégoire Delétang"),  # accents folded
    ],
)
def test_owner_written_as_an_author_name_in_any_order(owner: str, author: str) -> None:
    assert ownership(owner, "repo", WHO) == (2.0, f"owner {owner!r} is author {author}")


def test_a_surname_or_given_name_alone_is_a_weaker_tie_and_short_ones_none() -> None:
    assert ownership("zhang", "repo", WHO) == (
        1.0,
        "owner 'zhang' holds a name of author San Zhang",
    )
    assert ownership("liu", "repo", WHO) is None  # three letters: shared by millions
    assert ownership("weil", "repo", WHO) is None
    assert ownership("randomcoder", "repo", WHO) is None


def test_an_authors_email_name_owns_the_link() -> None:
    assert ownership("luwei", "tool", WHO) == (
        2.0,
        "owner 'luwei' is the e-mail name of luwei@sutd.edu.sg",
    )


@pytest.mark.parametrize(
    ("owner", "why"),
    [
        ("acme-research", "e-mail domain cs.acme.com"),
        ("AcmeResearch", "e-mail domain cs.acme.com"),
        ("acmeresearch", "e-mail domain cs.acme.com"),
        ("IAAR-Shanghai", "Institute for Advanced Algorithms Research"),  # the acronym
        ("google-deepmind", "Google DeepMind"),
        ("allenai", "Allen Institute for AI"),
    ],
)
def test_an_organisation_owner_is_the_authors_by_email_domain_or_affiliation(
    owner: str, why: str
) -> None:
    assert ownership(owner, "repo", WHO) == (
        1.0,
        f"owner {owner!r} is the authors' organisation ({why})",
    )


def test_mail_providers_places_and_strangers_are_not_the_authors_organisation() -> None:
    assert ownership("gmail", "repo", WHO) is None
    assert ownership("shanghai-ai", "repo", WHO) is None  # a place after the first comma
    assert ownership("facebookresearch", "repo", WHO) is None


def test_the_repository_name_may_name_the_author() -> None:
    assert ownership("some-org", "weiliu-thesis", WHO) == (
        2.0,
        "name 'weiliu-thesis' is author Wei Liu",
    )


def test_owner_words_drop_affixes_digits_and_split_capitals() -> None:
    assert owner_words("liuwei-lab") == ["liuwei"]
    assert owner_words("HazyResearch") == ["hazy"]
    assert owner_words("zhangsan2020") == ["zhangsan"]
    assert owner_words("spaces/IAAR-Shanghai") == ["iaar", "shanghai"]


def test_authorship_comes_from_the_listing_else_the_first_page_else_none() -> None:
    front = FrontMatter("T", ("Ada Moreau",), ("Acme Research",), ("ada@acme.com",))
    listing = Authorship.of(["Ada Lovelace"], front)
    assert (listing.authors, listing.source, listing.affiliations) == (
        ("Ada Lovelace",), "listing", ("Acme Research",))  # fmt: skip
    assert Authorship.of([], front).source == "first page"
    empty = FrontMatter(
        "", (), (), (), "no author names recognised in the first page's front matter"
    )
    none = Authorship.of([], empty)
    assert (none.source, none.reason) == ("none", empty.reason)
    assert ownership("adamoreau", "repo", none) is None
