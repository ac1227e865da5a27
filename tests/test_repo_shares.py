"""Shares by paper text, by code and combined, from a store holding repository snapshots read
from the mirror's GitHub site; the expected counts are worked out here from the papers' facts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fwcensus.aggregate import frameworks as fw
from fwcensus.aggregate.stage import aggregate_shares
from fwcensus.demo.sites.github_site import write_repo
from fwcensus.detect.stage import DETECTORS
from fwcensus.models import (
    DocStatus,
    Evidence,
    ExtractedText,
    FetchResult,
    Paper,
    Role,
    Selection,
    TextStatus,
    Verdict,
)
from fwcensus.plugins import fetch_settings
from fwcensus.report.export import FRAMEWORK_COLUMNS, export
from fwcensus.report.stage import write_report
from fwcensus.repos.stage import read_repos
from fwcensus.store import Store

from conftest import Serve
from support.sites.github_site import write_not_found

METHOD = "evidence"
TORCH = {"requirements.txt": "numpy\ntorch==1.8.0\n", "train.py": "import torch\n"}
TF = {"requirements.txt": "tensorflow-gpu==1.15\n", "model.py": "import tensorflow as tf\n"}
HOSTILE_LINE = "import torch  # <script>alert(1)</script>\n"
# key -> (text uses, repository linked in the metadata, fetched with text)
PAPERS = {
    "a": ({"pytorch"}, "ada/torch-code", True),
    "b": ({"tensorflow"}, "ada/tf-code", True),
    "c": (set(), "bob/torch-two", True),  # code only
    "d": ({"pytorch"}, None, True),  # no code
    "e": ({"pytorch"}, "ada/gone", True),  # the repository is gone: no code read
    "f": (set(), "ada/torch-code", False),  # no text, code read (shared repository)
}
CODE = {"ada/torch-code": {"pytorch"}, "ada/tf-code": {"tensorflow"}, "bob/torch-two": {"pytorch"}}


def build(tmp_path: Path, serve: Serve, store: Store) -> None:
    site = tmp_path / "site"
    write_repo(site, "ada", "torch-code", TORCH, repo_id=1)
    write_repo(site, "ada", "tf-code", TF, repo_id=2)
    write_repo(site, "bob", "torch-two", {"setup.py": "install_requires=['torch']\n",
                                          "a.py": HOSTILE_LINE}, repo_id=3)  # fmt: skip
    write_not_found(site, "ada", "gone")
    papers = [
        Paper("pmlr", key, "ICML", 2019, f"Learning {key}", ("Ada Lovelace",),
              f"https://proceedings.mlr.press/v97/{key}/{key}.pdf",
              code_urls=(f"https://github.com/{repo}",) if repo else ())
        for key, (_, repo, _) in PAPERS.items()
    ]  # fmt: skip
    store.papers.upsert(papers, "L")
    ids = {r["paper_id"]: r["source_id"] for r in store.papers.rows(Selection())}
    for doc in store.documents.with_status(Selection()):
        if not PAPERS[ids[doc.paper_id]][2]:
            continue
        sha = store.blobs.put_bytes(b"%PDF-1.4 " + str(doc.id).encode())
        store.documents.save_fetch(
            doc.id, FetchResult(ok=True, sha256=sha, size=10), DocStatus.FETCHED
        )
        store.texts.save(sha, ExtractedText(TextStatus.OK, pages=("x",)), "test")
    for job in store.verdicts.jobs(Selection(), METHOD, DETECTORS[METHOD]):
        verdicts = [
            Verdict(f, Role.USED, 0.9, (Evidence(2, 0, 5, f"We use {f}.", "version"),))
            for f in sorted(PAPERS[ids[job.paper_id]][0])
        ]
        store.verdicts.save(job.paper_id, METHOD, job.text_sha256, verdicts, DETECTORS[METHOD])
    aggregate_shares(store, METHOD)
    server = serve(site)
    settings = fetch_settings(mirror=server.url, rate=0, attempts=2, backoff=0.01)
    summary = read_repos(store, settings, Selection())
    assert (summary.read, summary.failed) == (3, 1)


def expected() -> dict[tuple[str, str, str], tuple[int, int]]:
    """(source, definition, family) -> (papers, base), from PAPERS and CODE alone."""
    text = {k: (uses if has_text else set()) for k, (uses, _, has_text) in PAPERS.items()}
    code = {k: CODE[repo] for k, (_, repo, _) in PAPERS.items() if repo in CODE}
    with_text = {k for k, (_, _, has_text) in PAPERS.items() if has_text}
    combined = {k: text[k] | code.get(k, set()) for k in PAPERS}
    out = {}
    for family in ("pytorch", "tensorflow"):
        for source, used, seen in (
            ("text", text, with_text),
            ("code", code, set(code)),
            ("combined", combined, with_text | set(code)),
        ):
            coded = [k for k in seen if k in code]
            out[(source, fw.OF_PAPERS_WITH_CODE, family)] = (
                sum(family in used[k] for k in coded),
                len(code),
            )
            out[(source, fw.OF_FRAMEWORK_PAPERS, family)] = (
                sum(family in used[k] for k in seen),
                sum(bool(used[k]) for k in seen),
            )
            if source != "code":
                out[(source, fw.OF_ALL_PAPERS, family)] = (
                    sum(family in used[k] for k in seen), len(seen))  # fmt: skip
    return out


def test_shares_by_text_code_and_combined(tmp_path: Path, serve: Serve, store: Store) -> None:
    build(tmp_path, serve, store)
    facts = fw.paper_facts(store)
    assert fw.with_code_papers(facts) == 4  # a, b, c, f: e's repository is gone, d has none
    rows = fw.framework_rows(facts, [METHOD], ["pytorch", "tensorflow"])
    got = {(r.source, r.definition, r.framework): (r.papers, r.base) for r in rows}
    assert got == expected()
    assert got[("code", fw.OF_PAPERS_WITH_CODE, "pytorch")] == (3, 4)
    assert got[("combined", fw.OF_ALL_PAPERS, "pytorch")] == (5, 6)
    assert got[("text", fw.OF_ALL_PAPERS, "pytorch")] == (3, 5)  # as before the repos stage
    # Exports: the source column comes last; JSON rows carry it too.
    out = io.StringIO()
    export(store, "frameworks", "csv", out, Selection())
    header, *body = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(header) == FRAMEWORK_COLUMNS and header[-1] == "source"
    assert {r[-1] for r in body} == {"text", "code", "combined"}
    out = io.StringIO()
    export(store, "frameworks", "json", out, Selection())
    assert {r["source"] for r in json.loads(out.getvalue())} == {"text", "code", "combined"}


def test_report_shows_sources_and_repo_evidence(tmp_path: Path, serve: Serve, store: Store) -> None:
    build(tmp_path, serve, store)
    html = write_report(store, tmp_path / "report", METHOD).index.read_text()
    assert 'id="source-table"' in html and 'data-source="combined"' in html
    assert "of-papers-with-code" in html and "no rows until a store holds it" in html
    assert "requirements.txt" in html and "https://github.com/ada/torch-code" in html
    assert "<script>alert(1)" not in html and "\\u003cscript\\u003ealert(1)" in html


def test_without_repository_data_only_text_rows(store: Store, tmp_path: Path) -> None:
    store.papers.upsert([Paper("pmlr", "z", "ICML", 2019, "Z", ("A",), "https://x/z.pdf")], "L")
    facts = fw.paper_facts(store)
    assert fw.with_code_papers(facts) is None
    rows = fw.framework_rows(facts, [METHOD], ["pytorch"])
    assert {r.source for r in rows} == {"text"}
    assert not any(r.definition == fw.OF_PAPERS_WITH_CODE for r in rows)
    html = write_report(store, tmp_path / "r", METHOD).index.read_text()
    assert 'id="source-table-empty"' in html


def test_headline_share_counts_text_or_own_code(tmp_path: Path, serve: Serve, store: Store) -> None:
    """Under evidence the 2019 share counts a paper when its text or its own code says used."""
    build(tmp_path, serve, store)
    [row] = aggregate_shares(store, METHOD)
    text = {k: (uses if has_text else set()) for k, (uses, _, has_text) in PAPERS.items()}
    code = {k: CODE.get(repo or "", set()) for k, (_, repo, _) in PAPERS.items()}
    combined = {k: text[k] | code[k] for k in PAPERS}
    judged = [k for k, (_, repo, has_text) in PAPERS.items() if has_text or repo in CODE]
    assert row.source == "combined"
    assert row.pytorch == sum("pytorch" in combined[k] for k in PAPERS) == 5
    assert row.tensorflow == sum("tensorflow" in combined[k] for k in PAPERS) == 1
    assert row.neither == sum(not combined[k] for k in judged) == 0
    assert row.share == 5 / 6
    out = io.StringIO()
    export(store, "shares", "csv", out, Selection())
    header, *body = list(csv.reader(io.StringIO(out.getvalue())))
    assert header[-1] == "source" and body[0][-1] == "combined"
