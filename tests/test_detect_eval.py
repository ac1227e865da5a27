"""`fwcensus inspect` and `fwcensus eval` on PDFs the tests generate."""

from __future__ import annotations

import json
import random
from pathlib import Path

from typer.testing import CliRunner

from fwcensus.cli import app
from fwcensus.demo.papertext import Usage, make_paper, make_title, make_topic
from fwcensus.demo.pdfgen import render_paper_pdf
from fwcensus.evaluation import Counts, read_labels, score
from fwcensus.inspection import FileReport
from fwcensus.models import Evidence, Role, Verdict

runner = CliRunner()


def _pdf(folder: Path, name: str, usage: Usage, seed: int) -> Path:
    rng = random.Random(seed)
    topic = make_topic(rng, 2021)
    doc = make_paper(rng, usage, 2021, topic, make_title(rng, topic), ["Wei Wang", "Anna Smith"])
    path = folder / name
    path.write_bytes(render_paper_pdf(doc))
    return path


def test_inspect_json_is_one_object_per_file_as_documented(tmp_path: Path) -> None:
    good = _pdf(tmp_path, "a.pdf", Usage(used=("pytorch",), cited=("tensorflow",)), seed=3)
    bad = tmp_path / "b.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    result = runner.invoke(app, ["inspect", str(good), str(bad), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    # Keys are only ever added, never renamed or removed.
    assert set(first) == {"file", "status", "error", "frameworks", "substring_2019", "code_links",
                          "own_link", "authorship"}  # fmt: skip
    assert (first["file"], first["status"], first["error"]) == (str(good), "ok", None)
    roles = {f["framework"]: f["role"] for f in first["frameworks"]}
    assert roles == {"pytorch": "used", "tensorflow": "cited"}
    evidence = first["frameworks"][0]["evidence"][0]
    assert set(evidence) == {"page", "section", "text", "rule", "via"}
    assert first["substring_2019"] == {"pytorch": True, "tensorflow": True}
    assert second["status"] == "failed" and second["error"] and second["frameworks"] == []


def test_inspect_lists_the_code_links_of_the_text_without_network(tmp_path: Path) -> None:
    rng = random.Random(7)
    topic = make_topic(rng, 2021)
    doc = make_paper(rng, Usage(used=("pytorch",)), 2021, topic, make_title(rng, topic),
                     ["Wei Wang", "Anna Smith"])  # fmt: skip
    doc.footnotes = [
        "Our code is available at https://github.com/wwang/deep-things.",
        "We build on https://github.com/pytorch/fairseq.",
    ]
    pdf = tmp_path / "code.pdf"
    pdf.write_bytes(render_paper_pdf(doc))
    result = runner.invoke(app, ["inspect", str(pdf), "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    links = {link["url"]: link for link in json.loads(result.stdout)["code_links"]}
    own = links["https://github.com/wwang/deep-things"]
    assert (own["role"], own["own"], own["page"]) == ("own", True, 1)
    assert own["score"] > 0 and any("available" in reason for reason in own["reasons"])
    assert set(own) == {"url", "repo", "role", "own", "score", "reasons", "page", "section",
                        "decision"}  # fmt: skip
    assert own["decision"].startswith("taken as the authors' own: score")
    framework = links["https://github.com/pytorch/fairseq"]
    assert (framework["role"], framework["own"]) == ("framework", False)
    table = runner.invoke(app, ["inspect", str(pdf), "--workers", "1"]).stdout
    assert "code: https://github.com/wwang/deep-things (own" in table


def test_inspect_table_names_role_rule_and_substring(tmp_path: Path) -> None:
    pdf = _pdf(tmp_path, "a.pdf", Usage(used=("caffe",), mentioned=("pytorch",)), seed=5)
    result = runner.invoke(app, ["inspect", str(pdf), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "caffe" in result.stdout and "used" in result.stdout
    assert "substring-2019: pytorch" in result.stdout


def test_labels_merge_families_and_leave_uncertain_and_baseline_out(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "file,framework,role,via\n"
        "a.pdf,keras,used,\n"
        "a.pdf,flax,mentioned,\n"
        "b.pdf,keras,baseline,\n"
        "b.pdf,tensorflow,mentioned,\n"
        "c.pdf,pytorch,uncertain,HF transformers\n"
        "d.pdf,,none,\n"
    )
    truths = read_labels(labels)
    assert truths["a.pdf"].used == {"tensorflow"} and truths["a.pdf"].named == {"tensorflow", "jax"}
    assert truths["b.pdf"].unscored == {"tensorflow"} and not truths["b.pdf"].named
    assert truths["c.pdf"].unscored == {"pytorch"}
    assert not truths["d.pdf"].used and not truths["d.pdf"].named


def test_score_counts_per_framework_and_lists_disagreements(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("file,framework,role,via\na.pdf,pytorch,used,\nb.pdf,,none,\n")
    said = Evidence(1, 0, 7, "We use PyTorch.", "we-use", "body")
    reports = [
        FileReport("x/a.pdf", True, None, (Verdict("pytorch", Role.USED, 0.9, (said,)),),
                   {"pytorch": True, "tensorflow": False}),
        FileReport("x/b.pdf", True, None, (Verdict("tensorflow", Role.USED, 0.9, (said,)),),
                   {"pytorch": False, "tensorflow": True}),
    ]  # fmt: skip
    result = score(read_labels(labels), reports)
    overall = result.overall("evidence", "used")
    assert (overall.tp, overall.fp, overall.fn) == (1, 1, 0)
    assert overall.precision == 0.5 and overall.recall == 1.0
    (false,) = [d for d in result.disagreements if d.method == "evidence" and d.question == "used"]
    assert (false.file, false.framework, false.expected) == ("b.pdf", "tensorflow", False)
    assert "We use PyTorch." in false.evidence[0]
    assert Counts().precision is None


def test_eval_command_prints_both_methods(tmp_path: Path) -> None:
    _pdf(tmp_path, "a.pdf", Usage(used=("pytorch",), mentioned=("tensorflow",)), seed=11)
    _pdf(tmp_path, "b.pdf", Usage(used=("tensorflow",), cited=("pytorch",)), seed=12)
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "file,framework,role,via\na.pdf,pytorch,used,\na.pdf,tensorflow,mentioned,\n"
        "b.pdf,tensorflow,used,\nb.pdf,pytorch,mentioned,\n"
    )
    result = runner.invoke(app, ["eval", str(labels), "--pdfs", str(tmp_path), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    overall = [line for line in lines if line.startswith("OVERALL")]
    assert overall[0].split()[1].startswith("1.00/1.00")  # evidence, used
    assert overall[0].split()[5].startswith("0.50/1.00")  # substring-2019, used


def test_eval_command_names_a_missing_pdf(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("file,framework,role,via\nmissing.pdf,pytorch,used,\n")
    result = runner.invoke(app, ["eval", str(labels), "--pdfs", str(tmp_path)])
    assert result.exit_code == 1 and "missing.pdf" in result.output
