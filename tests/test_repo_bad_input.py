"""Repositories that are not where or what the link says: renamed (301), deleted (404), a
folder or a file of a monorepo, a tree too big for one answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fwcensus.demo.sites.github_site import write_repo
from fwcensus.fetch.policy import FetchSettings
from fwcensus.models import Paper, Selection
from fwcensus.plugins import fetch_settings
from fwcensus.repos.github import Caps, GitHubReader, RepoUnavailable
from fwcensus.repos.inspect_code import code_json, read_own_code
from fwcensus.repos.links import RepoRef, parse_repo
from fwcensus.repos.own_link import own_link
from fwcensus.repos.stage import read_repos
from fwcensus.store import Store

from conftest import Serve
from support.sites.github_site import write_not_found, write_renamed

MONOREPO = {
    "README.md": "# research\n",
    "projects/seg/requirements.txt": "torch==2.1\n",
    "projects/seg/train.py": "import torch\n",
    "projects/flows/train.py": "import jax\nimport flax.linen as nn\n",
    "projects/flows/model.py": "import jax.numpy as jnp\nfrom flax import struct\n",
    "tools/tf_export.py": "import tensorflow as tf\n",
}


def settings(url: str) -> FetchSettings:
    return fetch_settings(mirror=url, rate=0, attempts=2, backoff=0.01)


def code(url: str, server_url: str, **caps: int) -> dict[str, Any]:
    with GitHubReader(settings(server_url), Caps(**caps), token="") as reader:
        return code_json(read_own_code(reader, own_link((url,), None)), {})


def used(view: dict[str, Any]) -> set[str]:
    return {f["framework"] for f in view["frameworks"] if f["role"] == "used"}


def test_links_into_a_repository_keep_the_folder() -> None:
    base = "https://github.com/gr/mono"
    seg = RepoRef("github.com", "gr", "mono", "projects/seg")
    assert parse_repo(f"{base}/tree/master/projects/seg") == seg
    assert seg.url == f"{base}/tree/HEAD/projects/seg"
    folders = {
        f"{base}/blob/main/projects/flows/train.py": "projects/flows",  # a file: its folder
        f"{base}/tree/main/projects/seg.": "projects/seg",  # a link ending a sentence
        f"{base}/blob/main/setup.py": "",
        f"{base}/tree/main/../../etc": "",
        "https://gitlab.com/g/p/-/tree/main/sub": "",  # GitHub only, for now
    }
    for url, folder in folders.items():
        repo = parse_repo(url)
        assert repo is not None and repo.path == folder, url


def test_a_folder_of_a_monorepo_is_read_alone(tmp_path: Path, serve: Serve) -> None:
    write_repo(tmp_path, "gr", "mono", MONOREPO, default_branch="master")
    server = serve(tmp_path)
    seg = code("https://github.com/gr/mono/tree/master/projects/seg", server.url)
    assert used(seg) == {"pytorch"}
    assert seg["read"] == {"folder": "projects/seg", "files_total": 2, "files_read": 2,
                           "bytes_read": 24, "files_skipped": 0,
                           "tree_truncated": False}  # fmt: skip
    flows = code("https://github.com/gr/mono/blob/master/projects/flows/train.py", server.url)
    assert used(flows) == {"jax", "flax"}
    raw = [r for r in server.requests if r.startswith("raw.githubusercontent.com")]
    assert not [r for r in raw if "tools/" in r or r.endswith("README.md")]


def test_a_folder_of_a_monorepo_too_big_to_list_is_walked_to(tmp_path: Path, serve: Serve) -> None:
    # data/ fills GitHub's answer: projects/ is cut from the whole tree
    commit = write_repo(tmp_path, "gr", "mono", MONOREPO, extra_blobs=1000, listed=1000)
    server = serve(tmp_path)
    seg = code("https://github.com/gr/mono/tree/main/projects/seg", server.url)
    assert used(seg) == {"pytorch"} and seg["read"]["files_read"] == 2
    assert seg["read"]["tree_truncated"] is False  # the folder's own tree was whole
    trees = [r.rpartition("/")[2] for r in server.requests if "/git/trees/" in r]
    assert trees[:2] == [f"{commit}?recursive=1", commit]  # the cut tree, then the root
    assert len(trees) == 4  # then projects/, then projects/seg recursively


def test_a_file_link_reads_its_folder_and_the_manifests_above(tmp_path: Path, serve: Serve) -> None:
    files = {"requirements.txt": "tensorflow==2.9\n", "src/model.py": "import numpy\n",
             "src/nets/resnet.py": "import tensorflow as tf\n",
             "scripts/x.py": "import torch\n"}  # fmt: skip
    write_repo(tmp_path, "ada", "net", files)
    view = code("https://github.com/ada/net/blob/main/src/model.py", serve(tmp_path).url)
    assert [(f["framework"], f["role"]) for f in view["frameworks"]] == [("tensorflow", "used")]
    assert view["read"]["files_read"] == 3  # requirements.txt and src/


def test_a_folder_that_is_not_there_is_unknown_with_its_reason(
    tmp_path: Path, serve: Serve
) -> None:
    write_repo(tmp_path, "gr", "mono", MONOREPO)
    server = serve(tmp_path)
    with (
        GitHubReader(settings(server.url), token="") as reader,
        pytest.raises(RepoUnavailable) as info,
    ):
        reader.read(RepoRef("github.com", "gr", "mono", "projects/gone"))
    assert "no folder projects/gone" in info.value.reason
    view = code("https://github.com/gr/mono/tree/dev/projects/gone", server.url)
    assert view["commit"] is None and view["frameworks"] == []
    assert "no folder projects/gone" in str(view["error"])


def test_a_renamed_repository_is_followed_and_its_new_name_kept(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    commit = write_repo(tmp_path, "new-lab", "fastseg", {"requirements.txt": "torch\n"},
                        repo_id=4242)  # fmt: skip
    write_renamed(tmp_path, "ada/fastseg", 4242)
    server = serve(tmp_path)
    with GitHubReader(settings(server.url), token="") as reader:
        snapshot = reader.read(RepoRef("github.com", "ada", "fastseg"))
    assert snapshot.repo == RepoRef("github.com", "new-lab", "fastseg")
    assert snapshot.linked == RepoRef("github.com", "ada", "fastseg")
    assert snapshot.commit == commit and "requirements.txt" in snapshot.files
    view = code("https://github.com/ada/fastseg", server.url)
    assert (view["repo"], view["moved_to"]) == ("https://github.com/ada/fastseg",
                                                "https://github.com/new-lab/fastseg")  # fmt: skip
    assert used(view) == {"pytorch"}

    pdf = "https://proceedings.mlr.press/v1/a/a.pdf"
    store.papers.upsert([Paper("pmlr", "a", "ICML", 2022, "FastSeg", ("Ada Lovelace",), pdf,
                               code_urls=("https://github.com/ada/fastseg",))], "L")  # fmt: skip
    summary = read_repos(store, settings(server.url), Selection())
    assert (summary.read, summary.failed) == (1, 0)
    [row] = store.repos.verdict_rows().values()
    assert {(r["owner"], r["name"], r["framework"]) for r in row} == {
        ("new-lab", "fastseg", "pytorch")}  # fmt: skip
    links = store.conn.execute("SELECT url, owner, chosen FROM paper_repos").fetchall()
    assert [tuple(link) for link in links] == [("https://github.com/ada/fastseg", "ada", 1)]


def test_a_deleted_repository_is_unknown_with_its_reason(tmp_path: Path, serve: Serve) -> None:
    write_not_found(tmp_path, "ada", "gone")
    view = code("https://github.com/ada/gone", serve(tmp_path).url)
    assert (view["commit"], view["frameworks"], view["read"]) == (None, [], None)
    assert "not found (deleted, renamed away or private)" in str(view["error"])


def test_two_folders_of_one_monorepo_are_two_snapshots(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_repo(tmp_path, "gr", "mono", MONOREPO)
    base = "https://github.com/gr/mono/tree/main/projects"
    papers = [Paper("pmlr", key, "ICML", 2022, f"Paper {key}", ("Ada Lovelace",),
                    f"https://proceedings.mlr.press/v1/{key}/{key}.pdf", code_urls=(url,))
              for key, url in (("a", f"{base}/seg"), ("b", f"{base}/flows"))]  # fmt: skip
    store.papers.upsert(papers, "L")
    summary = read_repos(store, settings(serve(tmp_path).url), Selection())
    assert summary.read == 2
    ids = {r["source_id"]: r["paper_id"] for r in store.papers.rows(Selection())}
    rows = store.repos.verdict_rows()
    assert {(r["name"], r["framework"], r["role"]) for r in rows[ids["a"]]} == {
        ("mono/tree/HEAD/projects/seg", "pytorch", "used")}  # fmt: skip
    assert {r["framework"] for r in rows[ids["b"]]} == {"jax", "flax"}


def test_a_tree_too_big_for_one_answer_still_reads_the_root_manifests(
    tmp_path: Path, serve: Serve
) -> None:
    files = {"requirements.txt": "tensorflow==2.4\n", "lib/train.py": "import tensorflow\n"}
    files |= {f"lib/util{i:02d}.py": "import numpy\n" for i in range(30)}
    # GitHub lists depth first, each level by name, and stops at its limit: data/ and lib/ (a
    # folder entry and 31 files) fill the 100,000 entries; requirements.txt comes after them.
    write_repo(tmp_path, "big", "data", files, extra_blobs=99_968, listed=100_000)
    view = code("https://github.com/big/data", serve(tmp_path).url, max_files=10)
    assert [(f["framework"], f["role"]) for f in view["frameworks"]] == [("tensorflow", "used")]
    assert any(e["file"] == "requirements.txt" for e in view["frameworks"][0]["evidence"])
    read = view["read"]
    assert read["tree_truncated"] is True and read["files_read"] == 10
    assert read["files_total"] == 100_000 and read["files_skipped"] == 22
