"""The repos stage over the store: each paper's own repository read once, verdicts stored."""

from __future__ import annotations

from pathlib import Path

from fwcensus.demo.sites.github_site import write_repo
from fwcensus.models import Paper, Selection
from fwcensus.plugins import fetch_settings
from fwcensus.repos.stage import read_repos
from fwcensus.store import Store

from conftest import Serve
from support.sites.github_site import write_not_found

REPO = {
    "requirements.txt": "numpy\ntorch==1.8.0\n",
    "train.py": "import torch\nimport torch.nn as nn\n",
}


def paper(key: str, code: tuple[str, ...]) -> Paper:
    return Paper("pmlr", key, "ICML", 2019, f"Learning {key} things", ("Ada Lovelace",),
                 f"https://proceedings.mlr.press/v97/{key}/{key}.pdf", code_urls=code)  # fmt: skip


def test_each_repository_is_read_once_and_its_verdicts_kept(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    commit = write_repo(tmp_path, "ada", "shared-code", REPO)
    write_not_found(tmp_path, "ada", "gone")
    shared = "https://github.com/ada/shared-code"
    store.papers.upsert(
        [paper("a", (shared,)), paper("b", (shared + ".git",)),
         paper("c", ("https://github.com/ada/gone",)), paper("d", ())],
        "L",
    )  # fmt: skip
    server = serve(tmp_path)
    settings = fetch_settings(mirror=server.url, rate=0, attempts=2, backoff=0.01)
    summary = read_repos(store, settings, Selection())
    assert (summary.papers, summary.with_own_repo, summary.read, summary.reused) == (4, 3, 1, 1)
    assert summary.failed == 1  # the one paper linking the deleted repository
    metadata = [r for r in server.requests if r == "api.github.com/repos/ada/shared-code"]
    assert len(metadata) == 1  # two papers, one read
    rows = {r["source_id"]: r["paper_id"] for r in store.papers.rows(Selection())}
    for key in ("a", "b"):
        verdicts = store.repos.verdict_rows().get(rows[key], [])
        assert {(v["framework"], v["role"]) for v in verdicts} == {("pytorch", "used")}
        assert {v["commit_sha"] for v in verdicts} == {commit}
        assert any(v["file"] == "requirements.txt" and v["line"] == 2 for v in verdicts)
    assert store.repos.verdict_rows().get(rows["c"], []) == []
    [link] = store.repos.link_rows()[rows["a"]]
    assert (link["chosen"], link["role"]) == (1, "own")
    assert link["decision"] == (
        "taken as the authors' own: score 4 (given by the source's metadata (+4))"
    )
    again = read_repos(store, settings, Selection())
    assert (again.papers, again.read) == (1, 0)  # only the paper without any link is looked at
