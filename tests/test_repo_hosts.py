"""Repository hosts beyond GitHub: the registry, Bitbucket, Gitea/Codeberg, self-hosted GitLab
and Hugging Face read through the mirror in their real answer shapes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fwcensus.catalogue.code_hosts import HUGGING_FACE
from fwcensus.fetch.api import RateLimited
from fwcensus.fetch.policy import FetchSettings
from fwcensus.hosts import HostTable
from fwcensus.models import Paper, Selection
from fwcensus.plugins import fetch_settings
from fwcensus.repos.github import Caps, GitHubReader, HostNotRead, RepoUnavailable
from fwcensus.repos.hosts import RepoReaders
from fwcensus.repos.inspect_code import read_own_code
from fwcensus.repos.links import CodeLink, RepoRef, forges
from fwcensus.repos.links import parse_repo as parse
from fwcensus.repos.own_link import decide, own_link
from fwcensus.repos.ownership import Authorship
from fwcensus.repos.stage import read_repos
from fwcensus.repos.verdict import repo_verdicts
from fwcensus.store import Store

from conftest import Serve
from support.sites.archive_site import (
    HOSTILE_SAFE_FILES,
    hostile_tar_gz,
    write_bitbucket_not_found,
    write_bitbucket_repo,
    write_gitea_not_found,
    write_gitea_repo,
)
from support.sites.gitlab_site import write_gitlab_not_found, write_gitlab_repo
from support.sites.hf_repo_site import write_hf_not_found, write_hf_repo

LAB, FORGE = "git.lab.example", "code.example.org"  # self-hosted GitLab and Gitea, listed
KNOWN = forges({"FWCENSUS_GITLAB_HOSTS": LAB, "FWCENSUS_GITEA_HOSTS": FORGE})
TORCH = {"requirements.txt": "numpy\ntorch==1.8.0\n", "train.py": "import torch\n",
         "README.md": "x"}  # fmt: skip
TF = {"setup.py": "from setuptools import setup\nsetup(install_requires=['tensorflow>=2'])\n",
      "model.py": "import tensorflow as tf\n"}  # fmt: skip
CONFIG = '{"architectures": ["ResNetForImageClassification"], "model_type": "resnet"}\n'


def settings(url: str) -> FetchSettings:
    return fetch_settings(mirror=url, rate=0, attempts=2, backoff=0.01)


def paper(key: str, url: str) -> Paper:
    pdf = f"https://proceedings.mlr.press/v162/{key}/{key}.pdf"
    return Paper("pmlr", key, "ICML", 2022, f"Learning {key} things", ("Ada Lovelace",), pdf,
                 code_urls=(url,))  # fmt: skip


# -- links: which hosts, which paths --------------------------------------------------------------


def test_forges_and_paths_per_host() -> None:
    env = {"FWCENSUS_GITLAB_HOSTS": " Git.A.org , ", "FWCENSUS_GITEA_HOSTS": "code.b.org"}
    listed = forges(env)
    assert (listed["git.a.org"], listed["code.b.org"], listed["codeberg.org"]) == (
        "gitlab", "gitea", "gitea")  # fmt: skip
    hf = "huggingface.co"
    cases = {
        "https://gitlab.com/group/sub/proj/-/tree/main/x": ("gitlab.com", "group/sub", "proj"),
        "gitlab.com/group/project/blob/master/x.py": ("gitlab.com", "group", "project"),
        "https://huggingface.co/spaces/ada/demo": (hf, "spaces/ada", "demo"),
        "huggingface.co/datasets/ada/things/tree/main": (hf, "datasets/ada", "things"),
        "https://huggingface.co/ada/resnet-x/blob/main/config.json": (hf, "ada", "resnet-x"),
        "https://codeberg.org/ada/code.git": ("codeberg.org", "ada", "code"),
        "bitbucket.org/ada/code/src/master/": ("bitbucket.org", "ada", "code"),
        "https://gitlab.inria.fr/team/sub/proj).": ("gitlab.inria.fr", "team/sub", "proj"),
        f"https://{FORGE}/ada/x": (FORGE, "ada", "x"),
    }  # fmt: skip
    for url, want in cases.items():
        assert parse(url, KNOWN) == RepoRef(*want), url
    assert parse("https://huggingface.co/spaces/ada/demo", KNOWN).url == (  # type: ignore[union-attr]
        "https://huggingface.co/spaces/ada/demo")  # fmt: skip
    for url in ("https://gitlab.com/users/sign_in", "huggingface.co/papers/2101.00001",
                "https://huggingface.co/datasets/squad", "https://example.org/a/b",
                "https://git.io/abc", "https://gist.github.com/ada/123",
                "https://gitlab.com/spaces/x/y"):  # fmt: skip
        assert parse(url, KNOWN) is None, url
    assert parse(f"https://{FORGE}/ada/x", forges({})) is None  # not listed, no forge look


def _own(url: str, score: float) -> CodeLink:
    repo = parse(url, KNOWN)
    assert repo is not None
    return CodeLink(url, repo, "own", score, (), "metadata")


def test_own_repository_prefers_readable_hosts_and_code_over_models() -> None:
    unread = _own("https://gitlab.inria.fr/team/proj", 9)
    codeberg = _own("https://codeberg.org/ada/code", 5)
    model = _own("https://huggingface.co/ada/model", 8)
    github = _own("https://github.com/ada/code", 4)

    def own(*links: CodeLink) -> CodeLink | None:
        return decide(links, Authorship((), (), (), "none"), KNOWN).taken

    assert own(unread, codeberg) is codeberg
    assert own(model, github) is github
    assert own(unread, model) is model
    assert own(unread) is unread  # known to be theirs, though unreadable


# -- each host read by the stage ------------------------------------------------------------------


def test_each_host_round_trip_verdict_and_commit_stored(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    site = tmp_path / "site"
    repos = {  # url -> (commit, frameworks the repository uses)
        "https://bitbucket.org/ada/bb-code": (
            write_bitbucket_repo(site, "ada", "bb-code", TORCH), {"pytorch"}),
        "https://codeberg.org/ada/cb-code": (write_gitea_repo(site, "ada", "cb-code", TF),
                                             {"tensorflow"}),
        f"https://{LAB}/lab/vision/seg/-/tree/main": (
            write_gitlab_repo(site, "lab/vision", "seg", TORCH, host=LAB), {"pytorch"}),
        f"https://{FORGE}/ada/fx": (write_gitea_repo(site, "ada", "fx", TF, host=FORGE),
                                    {"tensorflow"}),
        "https://huggingface.co/ada/resnet-x": (write_hf_repo(
            site, "ada/resnet-x", {"config.json": CONFIG, "README.md": "# ResNet\n"},
            weights={"pytorch_model.bin": 94_000_000, "model.safetensors": 94_000_000},
            library_name="timm", tags=["timm", "pytorch", "safetensors", "license:mit"]),
            {"pytorch"}),
        "https://huggingface.co/spaces/ada/demo": (write_hf_repo(
            site, "ada/demo", {"app.py": "import gradio as gr\nimport tensorflow as tf\n",
                               "requirements.txt": "gradio\ntensorflow==2.12\n"},
            kind="spaces", tags=["gradio", "region:us"]), {"tensorflow"}),
    }  # fmt: skip
    keys = {f"p{i}": url for i, url in enumerate(repos)}
    store.papers.upsert([paper(key, url) for key, url in keys.items()], "L")
    server = serve(site)
    summary = read_repos(store, settings(server.url), Selection(), known=KNOWN)
    got = (summary.with_own_repo, summary.read, summary.failed, summary.unsupported)
    assert got == (len(repos), len(repos), 0, 0)
    ids = {r["source_id"]: r["paper_id"] for r in store.papers.rows(Selection())}
    for key, url in keys.items():
        commit, used = repos[url]
        rows = store.repos.verdict_rows().get(ids[key], [])
        assert {v["framework"] for v in rows if v["role"] == "used"} == used, url
        assert {v["commit_sha"] for v in rows} == {commit}, url
    model = store.repos.verdict_rows().get(ids["p4"], [])
    evidence = {(v["kind"], v["file"], v["line"]) for v in model}
    assert ("weights", "pytorch_model.bin", 0) in evidence
    assert ("hub-library", "api/models/ada/resnet-x", 0) in evidence
    assert any(r.endswith("/api/models/ada/resnet-x?blobs=true") for r in server.requests)
    assert not [r for r in server.requests if "/resolve/" in r and r.endswith(
        (".bin", ".safetensors", "config.json"))]  # fmt: skip
    lab = [r for r in server.requests if r.startswith(LAB)]
    assert f"{LAB}/api/v4/projects/lab%2Fvision%2Fseg" in lab


@pytest.mark.parametrize("host", ["bitbucket.org", "codeberg.org", LAB])
def test_hostile_archive_on_every_archive_host_reads_only_safe_files(
    tmp_path: Path, serve: Serve, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    top = "ada-code-c0ffee"
    archive = hostile_tar_gz(top)
    if host == "bitbucket.org":
        commit = write_bitbucket_repo(tmp_path, "ada", "code", TORCH, archive=archive)
    elif host == LAB:
        commit = write_gitlab_repo(tmp_path, "ada", "code", TORCH, archive=archive, host=LAB)
    else:
        commit = write_gitea_repo(tmp_path, "ada", "code", TORCH, archive=archive)
    with RepoReaders(settings(serve(tmp_path).url), Caps(max_file_bytes=1024), KNOWN) as readers:
        snapshot = readers.read(RepoRef(host, "ada", "code"))
    assert snapshot.commit == commit
    assert snapshot.files == HOSTILE_SAFE_FILES
    assert snapshot.skipped == 1  # big.py, over the per-file cap
    assert list(work.iterdir()) == [] and not (tmp_path.parent / "evil.py").exists()
    assert [(v.framework, v.role) for v in repo_verdicts(snapshot.evidence())] == [
        ("pytorch", "used")
    ]


def test_hf_model_with_only_weights_and_config(tmp_path: Path, serve: Serve) -> None:
    weights = {"pytorch_model.bin": 440_000_000, "flax_model.msgpack": 440_000_000}
    files = {"config.json": CONFIG, ".gitattributes": "*.bin filter=lfs\n"}
    only_weights = write_hf_repo(tmp_path, "ada/bert-x", files, weights=weights)
    write_hf_repo(tmp_path, "ada/st-only", {"config.json": CONFIG},
                  weights={"model.safetensors": 440_000_000})  # fmt: skip
    server = serve(tmp_path)
    with RepoReaders(settings(server.url), known=KNOWN) as readers:
        snapshot = readers.read(RepoRef("huggingface.co", "ada", "bert-x"))
        bare = readers.read(RepoRef("huggingface.co", "ada", "st-only"))
    assert (snapshot.commit, snapshot.files, snapshot.files_total) == (only_weights, {}, 4)
    verdicts = {v.framework: v for v in repo_verdicts(snapshot.evidence())}
    assert {fw: v.role for fw, v in verdicts.items()} == {
        "pytorch": "used", "flax": "used", "jax": "used"}  # fmt: skip
    [torch] = verdicts["pytorch"].evidence
    assert (torch.kind, torch.file, torch.line) == ("weights", "pytorch_model.bin", 0)
    assert repo_verdicts(bare.evidence()) == []  # safetensors names no framework
    assert not [r for r in server.requests if "/resolve/" in r]  # nothing worth downloading


def test_gated_hf_model_is_judged_by_its_listing(tmp_path: Path, serve: Serve) -> None:
    write_hf_repo(tmp_path, "ada/gated", {"train.py": "import jax\n"}, gated=True,
                  weights={"tf_model.h5": 1000}, tags=["tf"])  # fmt: skip
    with RepoReaders(settings(serve(tmp_path).url), known=KNOWN) as readers:
        snapshot = readers.read(RepoRef("huggingface.co", "ada", "gated"))
    assert snapshot.files == {} and snapshot.skipped == 1  # train.py answered 401 GatedRepo
    assert {(v.framework, v.role) for v in repo_verdicts(snapshot.evidence())} == {
        ("tensorflow", "used")}  # fmt: skip


# -- failures -------------------------------------------------------------------------------------

NOT_FOUND: dict[str, tuple[Callable[[Path], object], RepoRef, int]] = {
    "bitbucket": (lambda root: write_bitbucket_not_found(root, "ada", "gone"),
                  RepoRef("bitbucket.org", "ada", "gone"), 404),
    "codeberg": (lambda root: write_gitea_not_found(root, "ada", "gone"),
                 RepoRef("codeberg.org", "ada", "gone"), 404),
    "self-hosted gitlab": (lambda root: write_gitlab_not_found(root, "lab/sub", "gone", LAB),
                           RepoRef(LAB, "lab/sub", "gone"), 404),
    "hugging face": (lambda root: write_hf_not_found(root, "ada/gone", "spaces"),
                     RepoRef("huggingface.co", "spaces/ada", "gone"), 401),
}  # fmt: skip


@pytest.mark.parametrize("host", list(NOT_FOUND))
def test_missing_repository_per_host_fails_with_its_reason(
    tmp_path: Path, serve: Serve, host: str
) -> None:
    write, repo, status = NOT_FOUND[host]
    write(tmp_path)
    readers = RepoReaders(settings(serve(tmp_path).url), known=KNOWN)
    with readers, pytest.raises(RepoUnavailable) as info:
        readers.read(repo)
    assert info.value.status == status
    assert "not found" in info.value.reason and "\n" not in str(info.value)


def test_empty_repositories_say_so(tmp_path: Path, serve: Serve) -> None:
    write_bitbucket_repo(tmp_path, "ada", "empty", {}, main_branch=None)
    write_gitea_repo(tmp_path, "ada", "empty", {})
    with RepoReaders(settings(serve(tmp_path).url), known=KNOWN) as readers:
        for host in ("bitbucket.org", "codeberg.org"):
            with pytest.raises(RepoUnavailable, match="empty repository"):
                readers.read(RepoRef(host, "ada", "empty"))


def test_bitbucket_rate_limit_waits_retry_after_then_resumes(tmp_path: Path, serve: Serve) -> None:
    commit = write_bitbucket_repo(tmp_path, "ada", "bb-code", TORCH)
    server = serve(tmp_path, faults="429:30*2@api.bitbucket.org/2.0/repositories/ada/bb-code")
    waits: list[float] = []
    with RepoReaders(settings(server.url), known=KNOWN, sleep=waits.append) as readers:
        snapshot = readers.read(RepoRef("bitbucket.org", "ada", "bb-code"))
        assert readers.rate_waits == 1  # the client's retry, then the API limit's wait
    assert waits == [30.0, 30.0]
    assert snapshot.commit == commit and "train.py" in snapshot.files


def test_bitbucket_limit_too_long_postpones_the_paper(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_bitbucket_repo(tmp_path, "ada", "bb-code", TORCH)
    server = serve(tmp_path, faults="429:5000@api.bitbucket.org/*")
    store.papers.upsert([paper("a", "https://bitbucket.org/ada/bb-code")], "L")
    readers = RepoReaders(settings(server.url), known=KNOWN, sleep=lambda s: None)
    with readers, pytest.raises(RateLimited):
        readers.read(RepoRef("bitbucket.org", "ada", "bb-code"))
    summary = read_repos(store, settings(server.url), Selection(), known=KNOWN)
    assert (summary.postponed, summary.read) == (1, 0)
    assert len(store.repos.jobs(Selection())) == 1  # taken again by the next run


def test_unknown_host_is_unreadable_with_its_reason_until_listed(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    url = "https://gitlab.inria.fr/team/proj"
    commit = write_gitlab_repo(tmp_path, "team", "proj", TORCH, host="gitlab.inria.fr")
    server = serve(tmp_path)
    store.papers.upsert([paper("a", url)], "L")
    summary = read_repos(store, settings(server.url), Selection(), known=KNOWN)
    assert (summary.with_own_repo, summary.read, summary.unsupported) == (1, 0, 1)
    assert not [r for r in server.requests if r.startswith("gitlab.inria.fr")]
    [(status, error)] = store.conn.execute("SELECT status, error FROM repos").fetchall()
    assert status == "failed" and "gitlab.inria.fr is not a host fwcensus reads" in error
    assert "FWCENSUS_GITLAB_HOSTS" in error

    with Store(tmp_path / "listed.db") as listed:
        listed.papers.upsert([paper("a", url)], "L")
        known = forges({"FWCENSUS_GITLAB_HOSTS": "gitlab.inria.fr"})
        summary = read_repos(listed, settings(server.url), Selection(), known=known)
        assert (summary.read, summary.unsupported) == (1, 0)
        paper_id = listed.papers.rows(Selection())[0]["paper_id"]
        assert {v["commit_sha"] for v in listed.repos.verdict_rows().get(paper_id, [])} == {commit}


# -- inspect and tokens ---------------------------------------------------------------------------


def test_inspect_reads_every_host_through_the_registry(tmp_path: Path, serve: Serve) -> None:
    commit = write_gitea_repo(tmp_path, "ada", "cb-code", TF)
    server = serve(tmp_path)
    links = own_link(("https://codeberg.org/ada/cb-code",), None, known=KNOWN)
    with RepoReaders(settings(server.url), known=KNOWN) as readers:
        view = read_own_code(readers, links)
    assert (view.repo, view.commit, view.error) == ("https://codeberg.org/ada/cb-code", commit,
                                                    None)  # fmt: skip
    assert [(v.framework, v.role) for v in view.verdicts] == [("tensorflow", "used")]
    with GitHubReader(settings(server.url), token="") as github:
        view = read_own_code(github, links)
    assert view.commit is None and "not read by the github.com reader" in (view.error or "")
    with RepoReaders(settings(server.url), known=KNOWN) as readers, pytest.raises(HostNotRead):
        readers.read(RepoRef("gitlab.inria.fr", "a", "b"))


def test_hf_token_goes_to_huggingface_only() -> None:
    headers = HostTable((HUGGING_FACE,)).headers_for({"HF_TOKEN": "hf_secret"})
    assert headers("huggingface.co") == {"Authorization": "Bearer hf_secret"}
    assert headers("api.github.com") == {} and headers("bitbucket.org") == {}
    assert HostTable((HUGGING_FACE,)).headers_for({})("huggingface.co") == {}
