"""Cross-source identity: the versions of one work (venue paper, arXiv preprint) are linked.

Two papers are the same work when they share an arXiv id, a DOI, or a normalised title with the
same first-author surname. Links are stored with the rule that made them, and every paper gets
the ``work_id`` of its group (the smallest paper id in it), so an aggregate over several
sources counts each work once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from fwcensus.models import IdentityRow, Link
from fwcensus.store import Store

# Short titles ("Introduction", "Erratum") are shared by unrelated papers.
MIN_TITLE_WORDS = 4


def normalise_title(title: str) -> str:
    folded = unicodedata.normalize("NFKD", title)
    ascii_only = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_only.lower()).split())


def surname(author: str) -> str:
    """The family name of "First Last" or "Last, First", normalised like titles."""
    name = author.split(",")[0] if "," in author else (author.split() or [""])[-1]
    return normalise_title(name)


def _keys(row: IdentityRow) -> Iterable[tuple[str, str]]:
    if row.arxiv_id:
        yield "arxiv-id", row.arxiv_id.lower()
    if row.doi:
        yield "doi", row.doi.lower()
    title = normalise_title(row.title)
    if row.first_author and len(title.split()) >= MIN_TITLE_WORDS:
        yield "title+first-author", f"{title}|{surname(row.first_author)}"


def find_links(rows: Iterable[IdentityRow]) -> list[Link]:
    """Links between papers of different sources that share a key; same-source pairs are
    different papers of one listing, never versions of each other."""
    first_by_key: dict[tuple[str, str], list[IdentityRow]] = {}
    for row in rows:
        for key in _keys(row):
            first_by_key.setdefault(key, []).append(row)
    links: dict[tuple[int, int], Link] = {}
    for (rule, _), group in first_by_key.items():
        anchor = group[0]
        for other in group[1:]:
            if other.source == anchor.source:
                continue
            pair = (min(anchor.paper_id, other.paper_id), max(anchor.paper_id, other.paper_id))
            links.setdefault(pair, Link(pair[0], pair[1], rule))
    return sorted(links.values(), key=lambda link: (link.paper_id, link.linked_id))


def work_ids(paper_ids: Iterable[int], links: Iterable[Link]) -> dict[int, int]:
    """Each paper's work: the smallest paper id among everything linked to it (union-find)."""
    parent = {pid: pid for pid in paper_ids}

    def root(pid: int) -> int:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    for link in links:
        a, b = root(link.paper_id), root(link.linked_id)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {pid: root(pid) for pid in parent}


@dataclass(frozen=True)
class LinkSummary:
    papers: int
    links: int
    works: int


def link_works(store: Store) -> LinkSummary:
    """Recompute every link and work id from the papers now in the store (idempotent)."""
    rows = store.identity.rows()
    links = find_links(rows)
    works = work_ids((row.paper_id for row in rows), links)
    store.identity.replace_links(links, works)
    return LinkSummary(papers=len(rows), links=len(links), works=len(set(works.values())))
