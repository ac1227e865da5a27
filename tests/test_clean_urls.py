"""URLs broken over lines by the PDF's layout are re-joined by cleaning, and nothing else is."""

from __future__ import annotations

import pytest

from fwcensus.extract.clean import clean_pages


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # the scheme alone at a line end, the rest on the next line
        (
            "Code at: https:\n//github.com/acme/saf.\nNext",
            "Code at: https://github.com/acme/saf.\nNext",
        ),
        ("repo (https:\n//github.com/g/lra), and", "repo (https://github.com/g/lra), and"),
        # a scheme-less code-host link broken at a hyphen, an underscore or after a slash
        ("see github.com/owner/repo-\nname now", "see github.com/owner/repo-name now"),
        ("see github.com/owner/repo_\nname now", "see github.com/owner/repo_name now"),
        ("see github.com/owner/\nrepo now", "see github.com/owner/repo now"),
        ("https://github.com/\nowner/repo", "https://github.com/owner/repo"),
        ("https://gitlab.com/group\n/project", "https://gitlab.com/group/project"),
    ],
)
def test_broken_urls_are_joined(raw: str, cleaned: str) -> None:
    assert clean_pages([raw]) == (cleaned,)


@pytest.mark.parametrize(
    "raw",
    [
        "Visit https:\nWe then train",  # a scheme with no URL after it is left alone
        "Our code: github.com/o/r\nWe train the model",  # a URL that ends at the line end
        "See https://example.org\nfor details",
    ],
)
def test_urls_that_end_at_the_line_end_keep_their_line_break(raw: str) -> None:
    assert clean_pages([raw]) == (raw,)


def test_joining_never_changes_the_number_of_pages() -> None:
    pages = ["tail of https:\n", "//github.com/a/b on the next page", ""]
    assert len(clean_pages(pages)) == 3
