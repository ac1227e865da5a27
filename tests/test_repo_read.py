"""Code repositories: signals from files, the paper's own link, reading GitHub via the mirror."""

from __future__ import annotations

from pathlib import Path

import pytest

from fwcensus.demo.sites.github_site import API, write_repo
from fwcensus.mirror.urls import file_for_url
from fwcensus.models import ExtractedText, SectionKind, TextLink, TextStatus
from fwcensus.plugins import fetch_settings
from fwcensus.repos.evidence import evidence_from_file
from fwcensus.repos.github import Caps, GitHubReader, RepoUnavailable
from fwcensus.repos.links import parse_repo
from fwcensus.repos.own_link import own_link
from fwcensus.repos.verdict import combine, repo_verdicts

from conftest import Serve
from support.sites.github_site import (
    restore,
    set_rate_limited,
    write_not_found,
    write_unavailable_for_legal_reasons,
)

DANGEROUS_SETUP = """import os, shutil
shutil.rmtree(os.path.expanduser("~"))  # would delete files if executed
open(MARKER, "w").write("ran")
from setuptools import setup
setup(name="x", install_requires=["torch>=1.7", "numpy"])
"""

TORCH_REPO = {
    "requirements.txt": "numpy\ntorch==1.8.0  # training\n",
    "train.py": "import torch\nimport torch.nn as nn\n",
    "models/net.py": "from torch import nn\n",
    "tools/export_tf.py": "import tensorflow as tf\n",
    "README.md": "# code\n",
}


def reader(server_url: str, **caps: object) -> tuple[GitHubReader, list[float]]:
    waits: list[float] = []
    settings = fetch_settings(mirror=server_url, rate=0.0, attempts=2, backoff=0.01)
    return GitHubReader(settings, Caps(**caps), token="", sleep=waits.append,
                        clock=lambda: 1_000_000.0), waits  # fmt: skip


# -- signals ----------------------------------------------------------------------------------


def test_manifests_imports_docker_lua_prototxt_give_weighted_signals() -> None:
    got = evidence_from_file("requirements-dev.txt", b"# deps\ntensorflow-gpu==1.15\n")
    assert [(s.framework, s.kind, s.line) for s in got] == [("tensorflow", "requirement", 2)]
    got = evidence_from_file("pyproject.toml", b'[project]\nname="x"\ndependencies=["jax>=0.4"]\n')
    assert [(s.framework, s.line) for s in got] == [("jax", 3)]
    got = evidence_from_file("environment.yml", b"dependencies:\n  - pytorch::pytorch=1.7\n")
    assert got[0].framework == "pytorch" and got[0].line == 2
    got = evidence_from_file("docker/Dockerfile", b"FROM tensorflow/tensorflow:2.4.0-gpu\n")
    assert [(s.framework, s.kind) for s in got] == [("tensorflow", "docker")]
    got = evidence_from_file("main.lua", b"require 'nn'\nlocal t = require('torch')\n")
    assert got[0].framework == "lua-torch" and got[0].kind == "lua-require"
    got = evidence_from_file("models/deploy.prototxt", b'name: "x"\nlayer {\n  name: "conv1"\n')
    assert got[0].framework == "caffe"
    got = evidence_from_file("Pipfile", b'[packages]\n"torch" = "*"\n')
    assert got[0].framework == "pytorch"
    got = evidence_from_file("setup.cfg", b"[options]\ninstall_requires =\n    mxnet>=1.5\n")
    assert got[0].framework == "mxnet" and got[0].line == 3


def test_python2_file_that_does_not_parse_is_scanned_for_imports() -> None:
    got = evidence_from_file("old.py", b'print "hi"\nimport theano.tensor as T\n')
    assert [(s.framework, s.line) for s in got] == [("theano", 2)]


def test_notebook_code_cells_and_a_notebook_that_is_not_json() -> None:
    nb = (
        b'{"cells": [{"cell_type": "markdown", "source": ["import tensorflow"]},'
        b' {"cell_type": "code", "source": ["!pip install x\\n", "import torch\\n"]}]}'
    )
    got = evidence_from_file("demo.ipynb", nb)
    assert [(s.framework, s.line) for s in got] == [("pytorch", 2)]
    broken = b'{"cells": [{"cell_type": "code", "source": ["import jax.numpy as jnp\\n"'
    got = evidence_from_file("broken.ipynb", broken)
    assert [s.framework for s in got] == ["jax"]


def test_setup_py_is_parsed_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = DANGEROUS_SETUP.replace("MARKER", repr(str(marker)))
    got = evidence_from_file("setup.py", source.encode())
    assert ("pytorch", "requirement", 5) in [(s.framework, s.kind, s.line) for s in got]
    assert not marker.exists()


def test_repo_verdict_used_and_minor() -> None:
    signals = [
        s for path, data in TORCH_REPO.items() for s in evidence_from_file(path, data.encode())
    ]
    verdicts = {v.framework: v for v in repo_verdicts(signals)}
    assert verdicts["pytorch"].role == "used"
    assert verdicts["tensorflow"].role == "minor"
    rows, conflict = combine(
        {"tensorflow": "mentioned"}, {"pytorch": "used", "tensorflow": "minor"}
    )
    assert {r.framework: r.agreement for r in rows} == {
        "pytorch": "code-only",
        "tensorflow": "neither",
    }
    assert not conflict
    rows, conflict = combine({"tensorflow": "used"}, {"pytorch": "used"})
    assert conflict
    rows, _ = combine({"pytorch": "used"}, None)
    assert rows[0].agreement == "text-only-no-repo"


# -- the paper's own link -----------------------------------------------------------------------


def _text(page1: str, refs: str) -> ExtractedText:
    links = []
    for number, page in ((1, page1), (2, refs)):
        start = page.find("github.com")
        while start >= 0:
            end = page.find(" ", start)
            end = len(page) if end < 0 else end
            url = page[start:end].rstrip(".")
            section = SectionKind.FOOTNOTE if number == 1 else SectionKind.REFERENCES
            links.append(TextLink(url, number, "text", section, start, start + len(url),
                                  "github.com"))  # fmt: skip
            start = page.find("github.com", end)
    return ExtractedText(TextStatus.OK, (page1, refs), links=tuple(links))


def test_own_repository_told_from_framework_and_cited_repos() -> None:
    page1 = ("We implement our model in PyTorch (github.com/pytorch/pytorch). "
             "Our code is available at github.com/alice-smith/fastseg. "
             "We build on the official implementation of DeepLab,"
             " github.com/bob/deeplab.")  # fmt: skip
    refs = "[3] C. Doe. Baselines. github.com/doe/baselines 2019."
    decision = own_link((), _text(page1, refs), authors=("Alice Smith",), title="FastSeg")
    roles = {link.repo.name: link.role for link in decision.links}
    assert roles == {"fastseg": "own", "pytorch": "framework", "deeplab": "third-party",
                     "baselines": "third-party"}  # fmt: skip
    own = decision.taken
    assert own is not None and own.repo.owner == "alice-smith"
    assert any("wording" in r for r in own.reasons) and any("author" in r for r in own.reasons)


def test_metadata_link_is_taken_and_urls_are_normalised() -> None:
    assert parse_repo("https://github.com/o/r.git") == parse_repo("github.com/o/r/tree/main")
    assert parse_repo("https://github.com/orgs/x") is None
    assert own_link(("https://github.com/DS3Lab/ner-at-first-sight",), None).taken is not None


# -- reading GitHub through the mirror --------------------------------------------------------


def test_reads_repo_at_its_commit_without_executing(tmp_path: Path, serve: Serve) -> None:
    marker = tmp_path / "ran"
    files = {**TORCH_REPO, "setup.py": DANGEROUS_SETUP.replace("MARKER", repr(str(marker)))}
    commit = write_repo(tmp_path / "m", "alice", "fastseg", files, repo_id=77,
                        symlinks={"secret": "/etc/passwd"})  # fmt: skip
    server = serve(tmp_path / "m")
    gh, waits = reader(server.url)
    with gh:
        snap = gh.read(parse_repo("https://github.com/alice/fastseg"))  # type: ignore[arg-type]
    assert snap.commit == commit and snap.repo_id == 77 and snap.default_branch == "main"
    assert "secret" not in snap.files and "README.md" not in snap.files
    assert set(snap.files) == {"requirements.txt", "setup.py", "train.py", "models/net.py",
                               "tools/export_tf.py"}  # fmt: skip
    assert not marker.exists() and waits == []


@pytest.mark.parametrize(
    ("writer", "status"), [(write_not_found, 404), (write_unavailable_for_legal_reasons, 451)]
)
def test_deleted_private_or_blocked_repo_fails_with_reason(
    tmp_path: Path, serve: Serve, writer: object, status: int
) -> None:
    writer(tmp_path, "gone", "repo")  # type: ignore[operator]
    gh, _ = reader(serve(tmp_path).url)
    with gh, pytest.raises(RepoUnavailable) as info:
        gh.read(parse_repo("github.com/gone/repo"))  # type: ignore[arg-type]
    assert info.value.status == status
    assert ("not found" if status == 404 else "legal") in info.value.reason


def test_rate_limit_mid_run_waits_until_reset_then_resumes(tmp_path: Path, serve: Serve) -> None:
    write_repo(tmp_path, "alice", "fastseg", TORCH_REPO)
    tree = file_for_url(tmp_path, f"{API}/repos/alice/fastseg/commits/main")
    set_rate_limited(tree, reset=1_000_002)  # two seconds after the reader's clock
    server = serve(tmp_path)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        restore(tree)  # the window has reset

    settings = fetch_settings(mirror=server.url, rate=0.0, attempts=2, backoff=0.01)
    with GitHubReader(settings, token="", sleep=sleep, clock=lambda: 1_000_000.0) as gh:
        snap = gh.read(parse_repo("github.com/alice/fastseg"))  # type: ignore[arg-type]
    assert waits == [3.0]  # reset - now, plus a second of margin
    assert "train.py" in snap.files


def test_secondary_limit_403_with_retry_after_waits(tmp_path: Path, serve: Serve) -> None:
    write_repo(tmp_path, "alice", "fastseg", TORCH_REPO)
    meta = Path(str(file_for_url(tmp_path, f"{API}/repos/alice/fastseg")) + ".meta.json")
    saved = meta.read_text()
    meta.write_text('{"status": 403, "headers": {"Retry-After": "5"}}')
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        meta.write_text(saved)

    settings = fetch_settings(mirror=serve(tmp_path).url, rate=0.0, attempts=2, backoff=0.01)
    with GitHubReader(settings, token="", sleep=sleep) as gh:
        gh.read(parse_repo("github.com/alice/fastseg"))  # type: ignore[arg-type]
    assert waits == [5.0]


def test_huge_tree_is_capped_and_manifests_still_decide(tmp_path: Path, serve: Serve) -> None:
    files = {"requirements.txt": "tensorflow==2.4\n"}
    files |= {f"src/m{i:03d}.py": "import numpy\n" for i in range(50)}
    write_repo(tmp_path, "big", "data", files, extra_blobs=200_000)
    gh, _ = reader(serve(tmp_path).url, max_files=10)
    with gh:
        snap = gh.read(parse_repo("github.com/big/data"))  # type: ignore[arg-type]
    assert snap.files_total == 200_051
    assert len(snap.files) == 10 and "requirements.txt" in snap.files and snap.skipped == 41
    signals = [s for p, d in snap.files.items() for s in evidence_from_file(p, d)]
    assert [(v.framework, v.role) for v in repo_verdicts(signals)] == [("tensorflow", "used")]
