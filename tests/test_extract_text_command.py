"""``fwcensus text``: the cleaned text with section markers, from the store or from a file, and
the store keeping text, sections and links so that nothing is extracted twice."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from fwcensus.cli import app
from fwcensus.demo.pdfgen import PaperStyle, render_paper_pdf
from fwcensus.extract.pdf_text import EXTRACTOR, extract_pages
from fwcensus.models import DocStatus, FetchResult, Paper, SectionKind, Selection
from fwcensus.store import Store
from fwcensus.store.schema import SCHEMA_VERSION
from test_sections import paper

runner = CliRunner()


def stored_paper(tmp_path: Path) -> tuple[Path, int]:
    db = tmp_path / "fw.db"
    pdf = render_paper_pdf(paper(), PaperStyle(references_heading="Bibliography"))
    with Store(db) as store:
        store.papers.upsert(
            [Paper("cvf", "A", "CVPR", 2019, "T", ("A",), "https://x.org/a.pdf")], "L"
        )
        (doc,) = store.documents.with_status(Selection())
        sha = store.blobs.put_bytes(pdf)
        store.documents.save_fetch(
            doc.id, FetchResult(ok=True, sha256=sha, size=len(pdf)), DocStatus.FETCHED
        )
        store.texts.save(sha, extract_pages(store.blobs.path(sha)), EXTRACTOR)
        return db, doc.paper_id


def test_store_keeps_sections_and_links_and_re_extracts_only_for_a_new_extractor(
    tmp_path: Path,
) -> None:
    db, paper_id = stored_paper(tmp_path)
    with Store(db) as store:
        assert store.schema_version == SCHEMA_VERSION
        text_sha, why_not = store.texts.for_paper(paper_id)
        assert text_sha and why_not is None
        text = store.texts.load(text_sha)
        assert store.texts.load(text_sha).pages == text.pages
        assert any(s.kind is SectionKind.REFERENCES for s in text.sections)
        assert any(link.code_host == "github.com" for link in text.links)
        assert store.texts.jobs(Selection(), EXTRACTOR) == []
        assert len(store.texts.jobs(Selection(), "fwcensus-extract-0")) == 1


def test_text_of_a_stored_paper_shows_section_markers(tmp_path: Path) -> None:
    db, paper_id = stored_paper(tmp_path)
    result = runner.invoke(app, ["text", str(paper_id), "--sections", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "=== [references] p." in result.output
    assert "Bibliography ===" in result.output
    assert "=== [acknowledgements] p." in result.output
    assert "github.com/moreau-lab/saf <text> (code: github.com)" in result.output


def test_text_of_a_file_is_extracted_through_the_pool(tmp_path: Path) -> None:
    path = tmp_path / "p.pdf"
    path.write_bytes(render_paper_pdf(paper(), PaperStyle()))
    result = runner.invoke(app, ["text", str(path)])
    assert result.exit_code == 0, result.output
    assert "=== p.1 ===" in result.output and "Sparse Attention Fields" in result.output


def test_text_explains_in_one_line_what_is_missing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"<html>nope</html>")
    result = runner.invoke(app, ["text", str(bad)])
    assert result.exit_code == 1 and "corrupt PDF" in result.output
    db, _ = stored_paper(tmp_path)
    result = runner.invoke(app, ["text", "99", "--db", str(db)])
    assert result.exit_code == 1 and "no paper with id 99" in result.output
