"""Code-only papers keep their framework: ``fwcensus inspect --repos`` finds the authors' own
repository from the PDF alone, in the five ways real papers hid it, and reads it (served in
GitHub's API shape by the mirror) without running anything.

Each generated paper names no framework in its text; only its repository says what it used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from fwcensus.cli import app
from fwcensus.demo.pdfgen import PaperDoc, PaperStyle, render_paper_pdf
from fwcensus.demo.sites.github_site import write_repo
from fwcensus.mirror.server import MirrorServer

from conftest import Serve

runner = CliRunner()

FILLER = (
    "Dense prediction needs context at every pixel, and attention gives it at a cost that "
    "grows with the square of the image size. We trade a little accuracy for a large saving by "
    "attending to a sparse set of anchors chosen per frame, which keeps memory flat. "
)
REFERENCES = [f"A. Author{n}, B. Writer. A study of matting number {n}. In CVPR, 2019."
              for n in range(1, 9)]  # fmt: skip
REPOS = {
    "pytorch": {"requirements.txt": "numpy\ntorch==1.13\n", "train.py": "import torch\n",
                "model.py": "import torch.nn as nn\n"},
    "tensorflow": {"requirements.txt": "tensorflow==2.11\n", "train.py": "import tensorflow\n"},
    "jax": {"requirements.txt": "jax\njaxlib\n", "train.py": "import jax\n"},
    "mxnet": {"requirements.txt": "mxnet==1.9\n", "train.py": "import mxnet as mx\n"},
}  # fmt: skip


def doc(
    title: str,
    authors: list[str],
    affiliations: list[str],
    abstract: str,
    introduction: str = "",
    method: str = "",
    footnotes: list[str] | None = None,
) -> PaperDoc:
    return PaperDoc(
        title=title,
        authors=authors,
        affiliations=affiliations,
        abstract=abstract,
        sections=[
            ("Introduction", [introduction + FILLER, FILLER * 2]),
            ("Related Work", [FILLER * 3]),
            ("Method", [FILLER * 2, method + FILLER]),
            ("Experiments", [FILLER * 3, FILLER * 2]),
            ("Conclusion", [FILLER]),
        ],
        references=REFERENCES,
        footnotes=footnotes or [],
    )


ABSTRACT = "We present a way to matte video at full resolution with sparse attention. " * 2

# (file, paper, the repository its authors released, its framework)
CASES: dict[str, tuple[PaperDoc, str, str]] = {
    # The only code URL, broken after its scheme by the line break: "https:" / "//github...".
    "url-over-two-lines": (
        doc(
            "Sparse Flow Matching",
            ["Ada Moreau", "Kenji Watanabe"],
            ["University of Lyon"],
            ABSTRACT + "Code is available at https:\n//github.com/vislab-kit/flowmatch.",
        ),
        "vislab-kit/flowmatch",
        "pytorch",
    ),
    # A URL alone in a first-page footnote (its mark alone on the line above it), the mark on
    # "publicly available.2" in the introduction.
    "footnote-mark": (
        doc(
            "Sequence Nets for Tides",
            ["Maria Rossi", "Tom Becker"],
            ["University of Bonn"],
            ABSTRACT,
            introduction="Our code is publicly available.2 ",
            footnotes=[
                "Work done while visiting the University of Lyon.",
                "\nhttps://github.com/mlgroup-zeta/seqnet",
            ],
        ),
        "mlgroup-zeta/seqnet",
        "tensorflow",
    ),
    # The owner is an author's name, reordered and glued with a year.
    "owner-is-an-author": (
        doc(
            "Mesh Flow for Cloth",
            ["San Zhang", "Maria Rossi"],
            ["University of Bonn"],
            ABSTRACT,
            method="The implementation is at https://github.com/zhangsan2020/meshflow and runs "
            "on one GPU. ",
        ),
        "zhangsan2020/meshflow",
        "jax",
    ),
    # The owner is the "-research" organisation of the company in the authors' e-mails.
    "owner-is-the-company": (
        doc(
            "Tide Nets",
            ["Ada Moreau", "Kenji Watanabe"],
            ["Acme Corporation", "{amoreau, kwatanabe}@acme.com"],
            ABSTRACT,
            introduction="The repository is https://github.com/acme-research/tidenet . ",
        ),
        "acme-research/tidenet",
        "mxnet",
    ),
    # A single code URL in the abstract, a baseline's repository in the body.
    "single-url-in-abstract": (
        doc(
            "Wave Kits",
            ["Ada Moreau", "Kenji Watanabe"],
            ["University of Lyon"],
            ABSTRACT + "See https://github.com/tidal-io/wavekit for details.",
            method="We compare with the baseline of Smith et al., github.com/other-lab/baseline . ",
        ),
        "tidal-io/wavekit",
        "pytorch",
    ),
}


@pytest.fixture(scope="module")
def inspected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``inspect --repos --json`` over the five papers, their repositories on the mirror; the
    marker file a repository would write if anything in it ran."""
    root = tmp_path_factory.mktemp("own-link")
    mirror = root / "mirror"
    pdfs = []
    for name, (paper, repo, framework) in CASES.items():
        owner, repo_name = repo.split("/")
        files = dict(REPOS[framework])
        files["setup.py"] = f"open({str(root / 'ran')!r}, 'w').write('ran')\n"
        write_repo(mirror, owner, repo_name, files)
        pdf = root / f"{name}.pdf"
        pdf.write_bytes(render_paper_pdf(paper, PaperStyle(columns=2)))
        pdfs.append(str(pdf))
    write_repo(mirror, "other-lab", "baseline", REPOS["tensorflow"])
    server = MirrorServer(mirror).start()
    try:
        args = ["inspect", *pdfs, "--workers", "1", "--repos", "--json", "--mirror", server.url,
                "--rate", "0"]  # fmt: skip
        result = runner.invoke(app, args)
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    reports = {Path(r["file"]).stem: r for r in map(json.loads, result.stdout.splitlines())}
    return {"reports": reports, "ran": (root / "ran").exists(), "requests": server.requests}


@pytest.mark.parametrize("case", CASES)
def test_the_authors_repository_is_found_read_and_its_framework_kept(
    inspected: dict[str, Any], case: str
) -> None:
    _, repo, framework = CASES[case]
    report = inspected["reports"][case]
    assert report["frameworks"] == []  # the text names no framework
    assert report["own_link"]["repo"] == f"https://github.com/{repo}"
    assert report["own_link"]["why"].startswith("taken as the authors' own: score")
    code = report["code"]
    assert (code["repo"], code["error"]) == (f"https://github.com/{repo}", None)
    combined = {row["framework"]: (row["role"], row["agreement"]) for row in code["combined"]}
    assert combined == {framework: ("used", "code-only")}
    assert not inspected["ran"]  # nothing in a repository ran


def test_each_paper_says_why_its_link_was_taken(inspected: dict[str, Any]) -> None:
    def why(case: str) -> str:
        return str(inspected["reports"][case]["own_link"]["why"])

    assert "in the abstract (+2); wording: 'Code is available' (+3)" in why("url-over-two-lines")
    assert "footnote mark in wording: 'Our code is publicly available' (+3)" in why("footnote-mark")
    assert "owner 'zhangsan2020' is author San Zhang (+2)" in why("owner-is-an-author")
    assert "owner 'acme-research' is the authors' organisation (e-mail domain acme.com)" in why(
        "owner-is-the-company"
    )
    single = inspected["reports"]["single-url-in-abstract"]
    assert "the only code link in the abstract" in single["own_link"]["why"]
    [rejected] = [link for link in single["code_links"] if not link["own"]]
    assert rejected["repo"] == "https://github.com/other-lab/baseline"
    assert rejected["decision"].startswith("score ")
    assert single["authorship"]["source"] == "first page"
    assert single["authorship"]["authors"] == ["Ada Moreau", "Kenji Watanabe"]
    # Only the papers' own repositories were asked for, never the baseline's.
    assert not any("other-lab" in r for r in inspected["requests"])


def test_the_readable_form_shows_the_taken_and_rejected_links(tmp_path: Path, serve: Serve) -> None:
    paper, repo, framework = CASES["single-url-in-abstract"]
    owner, name = repo.split("/")
    write_repo(tmp_path / "mirror", owner, name, REPOS[framework])
    server = serve(tmp_path / "mirror")
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(render_paper_pdf(paper, PaperStyle(columns=2)))
    args = ["inspect", str(pdf), "--workers", "1", "--repos", "--mirror", server.url, "--rate",
            "0"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  authors (first page): Ada Moreau, Kenji Watanabe" in lines
    [taken] = [line for line in lines if " TAKEN: " in line]
    assert taken.startswith(f"  code: https://github.com/{repo} (own, score 3.0) TAKEN: in the")
    [rejected] = [line for line in lines if " rejected: " in line]
    assert rejected == (
        "  code: github.com/other-lab/baseline (third-party, score -1.0) rejected: score -1 is "
        "below 2 [on the first page (+1); wording: 'baseline' (-2)]"
    )
    assert f"  code: https://github.com/{repo} @ " in result.stdout
