"""`fwcensus bulk arxiv` as users run it: the CLI in a subprocess, against an S3 API on 127.0.0.1
(moto, requester pays enforced) holding a manifest and tars in arXiv's layout, on a Dask
cluster of `dask scheduler` and `dask worker` processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bulk_support import (
    PDF_SECONDS,
    DaskCluster,
    add_papers,
    bulk,
    busy_pdf,
    environment,
    fwcensus,
    paper_pdf,
    partition_rows,
    s3_log,
    tar_of,
    tar_reads,
    wait_for_workers,
)
from fwcensus.models import Selection
from fwcensus.store import Store

from support.sites.arxiv_bulk_site import BulkTar, Member, upload


def as_inspect_json(row: dict[str, Any]) -> list[dict[str, Any]]:
    """A partition row's evidence verdicts in the form of inspect --json's ``frameworks``."""
    return [
        {
            "framework": v["framework"],
            "role": v["role"],
            "confidence": v["confidence"],
            "evidence": [
                {
                    "page": e["page"],
                    "section": e["section"],
                    "text": e["snippet"],
                    "rule": e["rule"],
                    "via": e["via"],
                }
                for e in v["evidence"]
            ],
        }
        for v in row["verdicts"]
        if v["method"] == "evidence"
    ]


def inspect_json(folder: Path, pdfs: dict[str, bytes], db: Path) -> dict[str, dict[str, Any]]:
    folder.mkdir(exist_ok=True)
    paths = []
    for arxiv_id, data in pdfs.items():
        path = folder / (arxiv_id.replace("/", "_") + ".pdf")
        path.write_bytes(data)
        paths.append(path)
    result = fwcensus("inspect", "--json", "--pdf-seconds", PDF_SECONDS, "--db", db, *paths)
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    return {arxiv_id: report for arxiv_id, report in zip(pdfs, reports, strict=True)}


def stored_verdicts(db: Path) -> dict[str, list[tuple[str, str, str]]]:
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT p.source_id, v.method, v.framework, v.role FROM verdicts v"
            " JOIN papers p ON p.id = v.paper_id ORDER BY 1, 2, 3"
        ).fetchall()
    out: dict[str, list[tuple[str, str, str]]] = {}
    for source_id, method, framework, role in rows:
        out.setdefault(source_id, []).append((method, framework, role))
    return out


def test_bulk_run_judges_as_inspect_does_and_a_rerun_reads_nothing(
    tmp_path: Path, s3_endpoint: tuple[str, Path], dask_cluster: DaskCluster
) -> None:
    endpoint, log = s3_endpoint
    bucket = "census-a"
    first = tar_of("1501", 1, ["1501.00001v1", "1501.00002v1", "1501.00002v2", "1501.00003v1"])
    first.members.append(Member("1501/1501.00004v1.pdf", b"<html><body>Not found</body></html>"))
    second = BulkTar("1501", 2, [Member("1501/1501.00005v1.pdf", busy_pdf())])
    second.members.append(Member("1501/1501.00006v1.pdf", paper_pdf(5, "1501")))
    old_style = tar_of("0001", 1, ["astro-ph0001001v1", "hep-th0001002v2"], first=3)
    unwanted = tar_of("1502", 1, ["1502.00001v1"])
    tars = [old_style, first, second, unwanted]
    upload(endpoint, tars, bucket=bucket)
    db = tmp_path / "fwcensus.db"
    ids = ["1501.00001", "1501.00002", "1501.00004", "1501.00005", "1501.00006"]
    add_papers(db, *ids, "astro-ph/0001001", "hep-th/0001002")

    result = bulk(db, endpoint, bucket, "--scheduler", dask_cluster.address)
    assert result.returncode == 0, result.stderr
    assert "3 tars processed, 0 failed" in result.stderr
    assert f"Dask cluster at {dask_cluster.address}, 2 workers" in result.stderr
    assert "dashboard http://127.0.0.1:" in result.stderr
    # The tar holding none of the store's papers is never read; every read paid as requester.
    assert "pdf/arXiv_pdf_1502_001.tar" not in tar_reads(log, bucket)
    assert all(r["payer"] for r in s3_log(log) if r["bucket"] == bucket and r["method"] == "GET")

    rows = partition_rows(db)
    assert sorted(rows) == sorted([*ids, "astro-ph/0001001", "hep-th/0001002"])  # not .00003
    assert rows["1501.00002"]["version"] == 2  # the highest version wins
    assert rows["1501.00004"]["error"].startswith("not a PDF")
    assert rows["1501.00005"]["error"] == f"time limit exceeded ({PDF_SECONDS} s)"
    assert rows["1501.00006"]["text_status"] == "ok"  # the tar went on after the hung PDF
    judged = {
        "1501.00001": first.members[0].data,
        "1501.00002": first.members[2].data,
        "1501.00006": second.members[1].data,
        "astro-ph/0001001": old_style.members[0].data,
        "hep-th/0001002": old_style.members[1].data,
    }
    reports = inspect_json(tmp_path / "pdfs", judged, db)
    for arxiv_id, report in reports.items():
        assert report["status"] == "ok"
        assert as_inspect_json(rows[arxiv_id]) == report["frameworks"], arxiv_id
    used = {
        v[1] for v in stored_verdicts(db)["1501.00002"] if v[0] == "evidence" and v[2] == "used"
    }
    assert used == {"jax"}  # v2's paper, not v1's
    with Store(db) as store:
        papers = {row["source_id"]: row for row in store.papers.rows(Selection())}
    assert papers["1501.00001"]["doc_status"] == "fetched"
    assert papers["1501.00005"]["text_status"] == "failed"
    assert store_evidence_verdicts(db) == {
        arxiv_id: sorted((f["framework"], f["role"]) for f in report["frameworks"])
        for arxiv_id, report in reports.items()
    }

    reads_before = len(tar_reads(log, bucket))
    again = bulk(db, endpoint, bucket, "--scheduler", dask_cluster.address)
    assert again.returncode == 0, again.stderr
    assert "0 tars processed" in again.stderr
    assert len(tar_reads(log, bucket)) == reads_before
    verdicts_before = stored_verdicts(db)

    # arXiv repacks one tar: a new version of a paper, so a new md5. Only that tar is read.
    first.members.append(Member("1501/1501.00001v2.pdf", paper_pdf(2, "1501")))
    upload(endpoint, tars, bucket=bucket)
    third = bulk(db, endpoint, bucket, "--scheduler", dask_cluster.address)
    assert third.returncode == 0, third.stderr
    assert "1 tars processed" in third.stderr
    assert tar_reads(log, bucket)[reads_before:] == ["pdf/arXiv_pdf_1501_001.tar"]
    rows = partition_rows(db)  # still one row per paper
    assert rows["1501.00001"]["version"] == 2
    partitions = sorted(p.name for p in (tmp_path / "fwcensus.bulk").glob("arxiv/*/*.parquet"))
    assert len(partitions) == 3
    after = stored_verdicts(db)
    assert {k: v for k, v in after.items() if k != "1501.00001"} == {
        k: v for k, v in verdicts_before.items() if k != "1501.00001"
    }
    assert after["1501.00001"] != verdicts_before["1501.00001"]
    with Store(db) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0] == 7
        assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 7


def store_evidence_verdicts(db: Path) -> dict[str, list[tuple[str, str]]]:
    return {
        source_id: sorted((framework, role) for method, framework, role in verdicts
                          if method == "evidence")
        for source_id, verdicts in stored_verdicts(db).items()
        if source_id not in ("1501.00004", "1501.00005")
    }  # fmt: skip


def test_a_worker_killed_mid_tar_has_its_task_run_again_elsewhere(
    tmp_path: Path, s3_endpoint: tuple[str, Path], dask_cluster: DaskCluster
) -> None:
    from distributed import Client

    endpoint, _ = s3_endpoint
    bucket = "census-kill"
    slow = BulkTar("1601", 1, [Member("1601/1601.00001v1.pdf", paper_pdf(0, "1601"))])
    slow.members += [Member(f"1601/1601.0000{n}v1.pdf", busy_pdf()) for n in (2, 3)]
    quick = tar_of("1602", 1, ["1602.00001v1", "1602.00002v1"])
    upload(endpoint, [slow, quick], bucket=bucket)
    db = tmp_path / "fwcensus.db"
    add_papers(db, "1601.00001", "1601.00002", "1601.00003", "1602.00001", "1602.00002")
    command = [sys.executable, "-m", "fwcensus", "bulk", "arxiv", "--s3-endpoint", endpoint,
               "--bucket", bucket, "--db", str(db), "--pdf-seconds", PDF_SECONDS,
               "--scheduler", dask_cluster.address]  # fmt: skip
    run = subprocess.Popen(command, env=environment(), stderr=subprocess.PIPE, text=True)
    with Client(dask_cluster.address, timeout=30) as client:
        killed = _kill_worker_running(client, "arxiv-arXiv_pdf_1601_001-", run)
        elsewhere = _worker_running(client, "arxiv-arXiv_pdf_1601_001-", run, not_on=killed)
        _, stderr = run.communicate(timeout=180)
    assert run.returncode == 0, stderr
    assert elsewhere is not None, "the task was not seen running again"
    assert "2 tars processed, 0 failed" in stderr
    rows = partition_rows(db)
    assert sorted(rows) == ["1601.00001", "1601.00002", "1601.00003", "1602.00001", "1602.00002"]
    assert rows["1601.00002"]["error"] == f"time limit exceeded ({PDF_SECONDS} s)"
    with Store(db) as store:
        counts = store.conn.execute(
            "SELECT paper_id, method, framework, COUNT(*) FROM verdicts GROUP BY 1, 2, 3"
        ).fetchall()
        assert counts and all(row[3] == 1 for row in counts)
        assert store.conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 5
    wait_for_workers(dask_cluster.address, 2)  # the nanny restarted it: the cluster is whole again


def _kill_worker_running(client: Any, prefix: str, run: subprocess.Popen[str]) -> str:
    """kill -9 the worker process running the task named ``prefix...``; its address."""
    address = _worker_running(client, prefix, run)
    assert address is not None, "the task was never seen running"
    pid = client.run(os.getpid, workers=[address])[address]
    os.kill(pid, signal.SIGKILL)
    return address


def _worker_running(
    client: Any, prefix: str, run: subprocess.Popen[str], not_on: str | None = None
) -> str | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run.poll() is None:
        for address, keys in client.processing().items():
            if address != not_on and any(str(k).startswith(prefix) for k in keys):
                return address
        time.sleep(0.05)
    return None
