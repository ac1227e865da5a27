from __future__ import annotations

from fwcensus.aggregate.stage import ALL_VENUES, aggregate_shares
from fwcensus.collect.identity import find_links, link_works, normalise_title, work_ids
from fwcensus.detect.substring2019 import METHOD
from fwcensus.models import IdentityRow, Link, Paper, Selection
from fwcensus.store import Store

TITLE = "Deep Residual Learning for Image Recognition"


def row(
    pid: int, source: str, title: str = TITLE, author: str = "Kaiming He", **keys
) -> IdentityRow:
    return IdentityRow(pid, source, keys.get("arxiv"), keys.get("doi"), title, author)


def test_titles_normalise_across_case_accents_and_punctuation() -> None:
    assert normalise_title("Déjà Vu: LEARNING—to  Rank!") == "deja vu learning to rank"


def test_each_rule_links_versions_of_one_work() -> None:
    rows = [
        row(1, "cvf", arxiv="1512.03385"),
        row(2, "arxiv", title="Deep residual learning for image recognition.", arxiv="1512.03385"),
        row(3, "acl-anthology", title="Other", doi="10.18653/v1/P19-1001"),
        row(4, "openreview", title="Other again", doi="10.18653/V1/P19-1001"),
        row(5, "pmlr", title=TITLE.upper(), author="He, Kaiming"),
    ]
    links = find_links(rows)
    assert {(link.paper_id, link.linked_id, link.rule) for link in links} == {
        (1, 2, "arxiv-id"),
        (1, 5, "title+first-author"),
        (3, 4, "doi"),
    }
    assert work_ids(range(1, 6), links) == {1: 1, 2: 1, 3: 3, 4: 3, 5: 1}


def test_same_source_short_titles_and_other_authors_are_not_linked() -> None:
    rows = [
        row(1, "cvf"),
        row(2, "cvf"),  # two listings of one source: different papers
        row(3, "arxiv", title="Introduction", author="A B"),
        row(4, "pmlr", title="Introduction", author="A B"),
        row(5, "arxiv", author="Someone Else"),
    ]
    assert find_links(rows) == []


def test_work_ids_follow_chains() -> None:
    assert work_ids([1, 2, 3], [Link(2, 3, "doi"), Link(1, 3, "arxiv-id")]) == {1: 1, 2: 1, 3: 1}


def test_a_venue_paper_and_its_preprint_count_once_over_all_venues(store: Store) -> None:
    venue = Paper("cvf", "He_CVPR_2016", "CVPR", 2016, TITLE, ("Kaiming He",), "https://a/p.pdf",
                  arxiv_id="1512.03385")  # fmt: skip
    preprint = Paper("arxiv", "1512.03385", "arXiv", 2015, TITLE, ("Kaiming He",),
                     "https://arxiv.org/pdf/1512.03385", arxiv_id="1512.03385")  # fmt: skip
    other = Paper("cvf", "X_CVPR_2016", "CVPR", 2016, "Something else entirely here", ("A B",),
                  "https://a/x.pdf")  # fmt: skip
    store.papers.upsert([venue, other], "L1")
    store.papers.upsert([preprint], "L2")
    summary = link_works(store)
    assert (summary.papers, summary.links, summary.works) == (3, 1, 2)
    assert link_works(store) == summary  # idempotent
    rows = aggregate_shares(store, METHOD)
    [all_2016] = [r for r in rows if r.venue == ALL_VENUES]
    assert (all_2016.year, all_2016.listed) == (2016, 2)  # the work sits in its venue's year
    assert {(r.venue, r.year, r.listed) for r in rows if r.venue != ALL_VENUES} == {
        ("CVPR", 2016, 2),
        ("arXiv", 2015, 1),
    }
    works = {r["source_id"]: r["work_id"] for r in store.papers.rows(Selection())}
    assert works["He_CVPR_2016"] == works["1512.03385"] != works["X_CVPR_2016"]
