"""Repository archives read in memory (never extracted), and GitLab read through its archive."""

from __future__ import annotations

import gzip
import io
import os
import tempfile
from pathlib import Path

import pytest

from fwcensus.fetch.policy import FetchSettings
from fwcensus.models import Paper, Selection
from fwcensus.plugins import fetch_settings
from fwcensus.repos.archive import ArchiveError, read_tar_gz, safe_path
from fwcensus.repos.evidence import evidence_from_file
from fwcensus.repos.github import Caps, RepoUnavailable
from fwcensus.repos.gitlab import GitLabReader
from fwcensus.repos.links import RepoRef
from fwcensus.repos.stage import read_repos
from fwcensus.repos.verdict import repo_verdicts
from fwcensus.store import Store

from conftest import Serve
from support.sites.archive_site import HOSTILE_REFUSED, HOSTILE_SAFE_FILES, hostile_tar_gz, tar_gz
from support.sites.gitlab_site import write_gitlab_not_found, write_gitlab_repo

TOP = "code-main"


def test_hostile_archive_only_safe_files_read_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, temp = tmp_path / "cwd", tmp_path / "temp"
    work.mkdir()
    temp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    before_tmp = set(os.listdir("/tmp"))
    data = hostile_tar_gz(TOP, "c0ffee")
    chunks = [data[i : i + 97] for i in range(0, len(data), 97)]  # as an HTTP body arrives
    got = read_tar_gz(chunks, Caps(max_file_bytes=1024))
    assert got.files == HOSTILE_SAFE_FILES
    assert got.refused == HOSTILE_REFUSED  # symlink, hard link, device, three unsafe paths
    assert got.skipped == 1  # big.py, over the per-file cap
    assert got.files_total == 4  # big.py, README.md, requirements.txt, src/train.py
    assert not got.truncated and got.commit == "c0ffee"
    assert list(work.iterdir()) == [] and list(temp.iterdir()) == []
    assert not {"x.py", "evil.py"} & (set(os.listdir("/tmp")) - before_tmp)
    assert not (tmp_path.parent / "evil.py").exists()
    signals = [s for p, d in got.files.items() for s in evidence_from_file(p, d)]
    verdicts = {v.framework: v.role for v in repo_verdicts(signals)}
    assert verdicts == {"pytorch": "used"}


def test_unsafe_paths_are_refused() -> None:
    for name in ("/etc/passwd", "a/../../b.py", "..", "C:/x.py", "\\x.py", ""):
        assert safe_path(name) is None, name
    assert safe_path("./top/a.py") == "top/a.py"


def test_caps_keep_manifests_first_and_stop_walking_at_the_member_cap() -> None:
    files = {f"pkg/m{i:02d}.py": "import tensorflow\n" for i in range(6)}
    files["zz/requirements.txt"] = "torch\n"  # last in the archive, still kept
    got = read_tar_gz(tar_gz(files, TOP), Caps(max_files=2))
    assert len(got.files) == 2 and "zz/requirements.txt" in got.files
    assert got.skipped == 5 and got.files_total == 7
    walked = read_tar_gz(tar_gz(files, TOP), Caps(), max_members=3)
    assert walked.truncated and walked.files_total == 2  # the top folder is a member too


def test_a_gzip_bomb_stops_at_the_unpacked_cap() -> None:
    bomb = tar_gz({"zeros.bin": b"\0" * (8 << 20), "requirements.txt": "torch\n"}, TOP)
    assert len(bomb) < 64 * 1024
    got = read_tar_gz(io.BytesIO(bomb), max_unpacked=1 << 20)  # a file object works too
    assert got.truncated and got.files == {"requirements.txt": b"torch\n"}  # read before
    whole = read_tar_gz(io.BytesIO(bomb))
    assert not whole.truncated and whole.files_total == 2


@pytest.mark.parametrize(
    "data",
    [b"this is not an archive", hostile_tar_gz(TOP)[:200], gzip.compress(b"not a tar" * 100)],
)
def test_corrupt_archive_gives_one_line_error(data: bytes) -> None:
    with pytest.raises(ArchiveError) as info:
        read_tar_gz(data)
    message = str(info.value)
    assert message.startswith("corrupt archive") and "\n" not in message


def _settings(url: str) -> FetchSettings:
    return fetch_settings(mirror=url, rate=0, attempts=2, backoff=0.01)


def test_gitlab_reader_reads_the_archive_at_the_head_commit(tmp_path: Path, serve: Serve) -> None:
    files = {"requirements.txt": "torch==1.8.0\n", "train.py": "import torch\n", "README.md": "x"}
    commit = write_gitlab_repo(tmp_path, "ada", "gl-code", files)
    write_gitlab_repo(tmp_path, "ada", "broken", {}, archive=b"\x1f\x8b garbage")
    write_gitlab_not_found(tmp_path, "ada", "gone")
    server = serve(tmp_path)
    with GitLabReader(_settings(server.url)) as reader:
        snap = reader.read(RepoRef("gitlab.com", "ada", "gl-code"))
        assert (snap.commit, snap.repo_id, snap.default_branch) == (commit, 2000, "main")
        assert sorted(snap.files) == ["requirements.txt", "train.py"]
        assert snap.files_total == 3 and not snap.tree_truncated
        with pytest.raises(RepoUnavailable, match="corrupt archive") as broken:
            reader.read(RepoRef("gitlab.com", "ada", "broken"))
        assert "\n" not in str(broken.value)
        with pytest.raises(RepoUnavailable, match="not found") as gone:
            reader.read(RepoRef("gitlab.com", "ada", "gone"))
        assert gone.value.status == 404
    assert f"gitlab.com/api/v4/projects/ada%2Fgl-code/repository/archive.tar.gz?sha={commit}" in (
        server.requests
    )


def test_gitlab_repository_read_end_to_end_by_the_stage(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    files = {"requirements.txt": "numpy\ntorch==1.8.0\n", "model.py": "import torch.nn as nn\n"}
    commit = write_gitlab_repo(tmp_path, "ada", "gl-code", files)
    store.papers.upsert([Paper(
        "pmlr", "g", "ICML", 2019, "Learning gitlab things", ("Ada Lovelace",),
        "https://proceedings.mlr.press/v97/g/g.pdf", code_urls=("https://gitlab.com/ada/gl-code",),
    )], "L")  # fmt: skip
    summary = read_repos(store, _settings(serve(tmp_path).url), Selection())
    got = (summary.with_own_repo, summary.read, summary.failed, summary.unsupported)
    assert got == (1, 1, 0, 0)
    paper_id = store.papers.rows(Selection())[0]["paper_id"]
    verdicts = store.repos.verdict_rows().get(paper_id, [])
    assert {(v["framework"], v["role"]) for v in verdicts} == {("pytorch", "used")}
    assert {v["commit_sha"] for v in verdicts} == {commit}
    assert any(v["file"] == "requirements.txt" and v["line"] == 2 for v in verdicts)
