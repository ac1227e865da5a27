"""fwcensus inspect --repos: the paper's own repository read now, beside the paper's text."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fwcensus.cli import app
from fwcensus.demo.papertext import Usage, make_paper, make_title, make_topic
from fwcensus.demo.pdfgen import render_paper_pdf
from fwcensus.demo.sites.github_site import write_repo

from conftest import Serve
from support.sites.pypi_json_site import write_project

runner = CliRunner()


@pytest.fixture(autouse=True)
def store_beside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """inspect --repos keeps library answers beside the store: the test's own folder."""
    monkeypatch.setenv("FWCENSUS_DB", str(tmp_path / "fwcensus.db"))


def paper_pdf(folder: Path, name: str, used: str, repo: str) -> Path:
    rng = random.Random(11)
    topic = make_topic(rng, 2021)
    doc = make_paper(rng, Usage(used=(used,)), 2021, topic, make_title(rng, topic),
                     ["Wei Wang", "Anna Smith"])  # fmt: skip
    doc.footnotes = [f"Our code is available at https://github.com/{repo}."]
    path = folder / name
    path.write_bytes(render_paper_pdf(doc))
    return path


def inspect(pdf: Path, server_url: str, *extra: str) -> str:
    args = ["inspect", str(pdf), "--workers", "1", "--repos", "--mirror", server_url, "--rate", "0"]
    result = runner.invoke(app, [*args, *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_code_evidence_agrees_or_conflicts_with_the_text(tmp_path: Path, serve: Serve) -> None:
    mirror = tmp_path / "mirror"
    files = {"requirements.txt": "numpy\ntorch==1.8.0\n", "train.py": "import torch\n"}
    commit = write_repo(mirror, "wwang", "deep-things", files)
    server = serve(mirror)
    agreeing = paper_pdf(tmp_path, "a.pdf", "pytorch", "wwang/deep-things")
    code = json.loads(inspect(agreeing, server.url, "--json"))["code"]
    assert (code["repo"], code["commit"], code["error"]) == (
        "https://github.com/wwang/deep-things", commit, None)  # fmt: skip
    [pytorch] = code["frameworks"]
    assert (pytorch["framework"], pytorch["role"]) == ("pytorch", "used")
    assert {"file": "requirements.txt", "line": 2, "kind": "requirement",
            "text": "torch==1.8.0"} in pytorch["evidence"]  # fmt: skip
    assert [(r["framework"], r["agreement"]) for r in code["combined"]] == [("pytorch", "both")]
    assert code["conflict"] is False

    conflicting = paper_pdf(tmp_path, "b.pdf", "tensorflow", "wwang/deep-things")
    code = json.loads(inspect(conflicting, server.url, "--json"))["code"]
    agreement = {r["framework"]: r["agreement"] for r in code["combined"]}
    assert agreement == {"pytorch": "code-only", "tensorflow": "text-only"}
    assert code["conflict"] is True
    assert "text and code disagree" in inspect(conflicting, server.url)


def test_an_unreadable_repository_is_said_so(tmp_path: Path, serve: Serve) -> None:
    (tmp_path / "empty-mirror").mkdir()
    server = serve(tmp_path / "empty-mirror")
    pdf = paper_pdf(tmp_path, "a.pdf", "pytorch", "wwang/gone")
    code = json.loads(inspect(pdf, server.url, "--json"))["code"]
    assert code["commit"] is None and "not found" in code["error"]
    assert [(r["framework"], r["agreement"]) for r in code["combined"]] == [
        ("pytorch", "text-only-no-repo")
    ]


def test_libraries_the_code_depends_on_are_resolved_and_kept_beside_the_store(
    tmp_path: Path, serve: Serve
) -> None:
    mirror = tmp_path / "mirror"
    write_repo(mirror, "wwang", "tuned", {"requirements.txt": "quokkagpt==0.4.3\n"})
    write_project(mirror, "quokkagpt", ["torch>=2.2", "lightning==2.4.0"])
    server = serve(mirror)
    pdf = paper_pdf(tmp_path, "a.pdf", "pytorch", "wwang/tuned")
    code = json.loads(inspect(pdf, server.url, "--json"))["code"]
    [pytorch] = code["frameworks"]
    why = "quokkagpt -> pytorch (pypi requires_dist: torch>=2.2)"
    assert pytorch["evidence"] == [
        {"file": "requirements.txt", "line": 1, "kind": "dependency", "text": why}]  # fmt: skip
    assert (tmp_path / "fwcensus.cache" / "libraries.sqlite").exists()
    inspect(pdf, server.url, "--json")
    assert server.requests.count("pypi.org/pypi/quokkagpt/json") == 1  # the second run kept it
