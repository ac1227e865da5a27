"""`fwcensus collect --venue all --year 2019` over a mirror holding every 2019 venue."""

from __future__ import annotations

import json
from pathlib import Path

from fwcensus.demo.sites.cvf_site import CvfEntry, make_slug, write_cvf_year
from fwcensus.sources.registry import venue_years
from test_end_to_end import fwcensus

from conftest import Serve
from support.sites.acl_site import AclPaper, write_acl_year
from support.sites.neurips_site import NeuripsEntry, paper_hash, write_neurips_year
from support.sites.openreview_site import make_submissions, write_openreview_year
from support.sites.pmlr_site import PmlrEntry, write_pmlr_volume

AUTHORS = ("Grace Hopper", "Alan Turing")


def titles(venue: str, n: int) -> list[str]:
    return [f"{venue} study number {i} of learning" for i in range(n)]


def build_2019(root: Path) -> dict[str, int]:
    """Every venue of 2019 in its source's real structure; returns the accepted count of each."""
    expected: dict[str, int] = {}
    for venue, n in (("CVPR", 5), ("ICCV", 4)):
        entries = [
            CvfEntry(t, AUTHORS, make_slug(venue, 2019, "Hopper", t)) for t in titles(venue, n)
        ]
        write_cvf_year(root, venue, 2019, entries)
        expected[venue] = n
    for venue, n in (("ICML", 6), ("AISTATS", 3), ("COLT", 2), ("CoRL", 3)):
        entries = [
            PmlrEntry(f"{venue.lower()}{i}19a", t, AUTHORS) for i, t in enumerate(titles(venue, n))
        ]
        write_pmlr_volume(root, venue, 2019, entries)
        expected[venue] = n
    neurips = [
        NeuripsEntry(t, AUTHORS, paper_hash(i + 1)) for i, t in enumerate(titles("NeurIPS", 7))
    ]
    write_neurips_year(root, 2019, neurips)
    expected["NeurIPS"] = 7
    iclr = make_submissions("ICLR", 2019, {"Accept (Oral)": 1, "Accept (Poster)": 4, "Reject": 6})
    write_openreview_year(root, "ICLR", 2019, iclr)
    expected["ICLR"] = 5  # accepted only: the rejected six are listed but not counted
    for venue, n in (("ACL", 6), ("NAACL", 4), ("EMNLP", 5)):
        write_acl_year(root, venue, 2019, [AclPaper(t, AUTHORS) for t in titles(venue, n)])
        expected[venue] = n
    return expected


def test_collect_all_venues_of_a_year(tmp_path: Path, serve: Serve) -> None:
    root = tmp_path / "mirror"
    expected = build_2019(root)
    # The mirror holds every venue the registry takes by default for 2019, and nothing else.
    assert set(expected) == {t.venue for t in venue_years(("all",), (2019,))}
    server = serve(root)
    db = tmp_path / "fwcensus.db"
    result = fwcensus("collect", "--venue", "all", "--year", "2019", "--db", db,
                      "--mirror", server.url, "--rate", "0")  # fmt: skip
    assert "collect ICLR 2019: 5 papers" in result.stderr
    papers = json.loads(fwcensus("export", "papers", "--format", "json", "--db", db).stdout)
    counts: dict[str, int] = {}
    for paper in papers:
        counts[paper["venue"]] = counts.get(paper["venue"], 0) + 1
    assert counts == expected
    assert all(p["pdf_url"].startswith("https://") for p in papers)
    assert not any(r.startswith(("arxiv.org", "oaipmh.arxiv.org")) for r in server.requests)
    listed = fwcensus("venues", "--year", "2019", "--json", "--db", db).stdout
    venues = [json.loads(line) for line in listed.splitlines()]
    assert {v["venue"]: v["papers"] for v in venues} == {**expected, "arXiv": None}
