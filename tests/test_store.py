from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from fwcensus.models import DocStatus, FetchResult, Paper, Selection
from fwcensus.store import Store, StoreError
from fwcensus.store.schema import SCHEMA_VERSION


def paper(n: int, pdf: str | None = None, year: int = 2019) -> Paper:
    return Paper(
        source="cvf",
        source_id=f"P{n}_CVPR_{year}_paper",
        venue="CVPR",
        year=year,
        title=f"Paper {n}",
        authors=("Ada Lovelace", "Alan Turing"),
        pdf_url=pdf or f"https://openaccess.thecvf.com/content_CVPR_{year}/papers/P{n}.pdf",
    )


def test_new_store_is_migrated_with_wal_and_foreign_keys(store: Store) -> None:
    assert store.schema_version == SCHEMA_VERSION
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.blobs.root == store.path.with_name("fwcensus.blobs")


def test_store_from_a_newer_fwcensus_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this fwcensus"):
        Store(db)


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as first:
        first.papers.upsert([paper(1)], "L")
    with Store(tmp_path / "x.db") as again:
        assert again.schema_version == SCHEMA_VERSION
        assert len(again.papers.rows(Selection())) == 1


def test_recollecting_never_duplicates(store: Store) -> None:
    first = store.papers.upsert([paper(1), paper(2)], "L")
    second = store.papers.upsert([paper(1), paper(2)], "L")
    assert (first.new, second.new, second.unchanged) == (2, 0, 2)
    assert len(store.papers.rows(Selection())) == 2
    assert len(store.documents.with_status(Selection())) == 2


def test_changed_pdf_url_resets_the_document(store: Store) -> None:
    store.papers.upsert([paper(1)], "L")
    [doc] = store.documents.with_status(Selection())
    sha = store.blobs.put_bytes(b"%PDF-1.4 x")
    store.documents.save_fetch(doc.id, FetchResult(ok=True, sha256=sha, size=10), DocStatus.FETCHED)
    store.papers.upsert([paper(1)], "L")
    # an unchanged paper keeps its file
    assert store.documents.with_status(Selection(), (DocStatus.FETCHED,))
    counts = store.papers.upsert([paper(1, pdf="https://openaccess.thecvf.com/new.pdf")], "L")
    assert counts.updated == 1
    [pending] = store.documents.with_status(Selection())
    assert pending.url == "https://openaccess.thecvf.com/new.pdf"
    assert pending.sha256 is None


def test_blobs_are_content_addressed_and_idempotent(store: Store) -> None:
    sha = store.blobs.put_bytes(b"hello")
    assert store.blobs.put_bytes(b"hello") == sha
    assert store.blobs.path(sha).name == sha
    assert store.blobs.read_bytes(sha) == b"hello"
    assert not list(store.blobs.tmp.iterdir())


def test_a_failed_blob_write_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.blobs.writer() as sink:
        sink.write(b"partial")
        raise RuntimeError("connection lost")
    assert not list(store.blobs.tmp.iterdir())
    assert not [p for p in store.blobs.root.rglob("*") if p.is_file()]


def test_fetched_document_whose_blob_vanished_is_pending_again(store: Store) -> None:
    store.papers.upsert([paper(1)], "L")
    [doc] = store.documents.with_status(Selection())
    sha = store.blobs.put_bytes(b"%PDF-1.4 y")
    store.documents.save_fetch(doc.id, FetchResult(ok=True, sha256=sha, size=10), DocStatus.FETCHED)
    store.blobs.path(sha).unlink()
    assert store.documents.reset_missing_blobs() == 1
    assert [d.id for d in store.documents.with_status(Selection())] == [doc.id]


def test_selection_filters_venue_and_year(store: Store) -> None:
    store.papers.upsert([paper(1, year=2019), paper(2, year=2020)], "L")
    assert [r["year"] for r in store.papers.rows(Selection(years=(2020,)))] == [2020]
    assert store.papers.rows(Selection(venues=("ICCV",))) == []


def test_writes_of_several_table_groups_in_one_transaction_roll_back_together(store: Store) -> None:
    store.papers.upsert([paper(1)], "L")
    [doc] = store.documents.with_status(Selection())
    with pytest.raises(RuntimeError), store.transaction():
        store.runs.start("collect", {})
        store.papers.record_listing("L", "cvf", "CVPR", 2019, "0" * 64, 1)
        store.documents.save_fetch(doc.id, FetchResult(ok=False, error="x"), DocStatus.FAILED)
        raise RuntimeError("stage failed")
    assert store.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
    assert store.conn.execute("SELECT COUNT(*) FROM listings").fetchone()[0] == 0
    assert store.documents.with_status(Selection()) == [doc]
