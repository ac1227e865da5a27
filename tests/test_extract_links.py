"""URLs printed in a page: footnotes run together on one line, footnote marks glued to a URL."""

from __future__ import annotations

from fwcensus.extract.links import completing_annotation, find_links, text_urls


def test_footnotes_on_one_line_give_one_url_each() -> None:
    line = "6http://www.libfm.org/7https://github.com/geffy/tffm"
    assert [url for url, _, _ in text_urls(line)] == [
        "http://www.libfm.org/",
        "https://github.com/geffy/tffm",
    ]
    spaced = "2 https://mxnet.apache.org 3 https://pytorch.org"
    assert [url for url, _, _ in text_urls(spaced)] == [
        "https://mxnet.apache.org",
        "https://pytorch.org",
    ]


def test_a_url_given_as_a_query_value_stays_inside_its_url() -> None:
    assert [u for u, _, _ in text_urls("see http://x.org/?u=https://y.org now")] == [
        "http://x.org/?u=https://y.org"
    ]


def test_a_footnote_mark_glued_to_a_url_is_cut_where_the_annotation_says() -> None:
    page = "§ github.com/allenai/papermage1\nIntroduction"
    [link] = find_links([page], [], [["https://github.com/allenai/papermage"]])
    assert (link.url, link.source) == ("github.com/allenai/papermage", "both")
    assert page[link.start : link.end] == link.url
    # Without an annotation saying so, trailing digits belong to the URL ("repo2" is a name).
    [bare] = find_links([page], [], [[]])
    assert bare.url == "github.com/allenai/papermage1"


def test_a_url_broken_by_the_line_where_nothing_says_so_is_completed_by_its_annotation() -> None:
    page = "and code at https://github.com/deepmind/language_model\ning_is_compression).\nNext"
    annotation = "https://github.com/deepmind/language_modeling_is_compression"
    printed, annotated = find_links([page], [], [[annotation]])
    assert page[printed.start : printed.end] == printed.url  # printed links index the page
    assert completing_annotation(printed, [printed, annotated]) is annotated
    # Two annotations the printed start fits: which one is unknown, so neither completes it.
    links = find_links([page], [], [[annotation, annotation + "_v2"]])
    assert completing_annotation(links[0], links) is None
