"""`fwcensus bulk arxiv` on bad input: a tar cut off, a member that is not a PDF's, a manifest
whose md5 disagrees, S3 answering 503 SlowDown or 403, no credentials, a scheduler that does not
answer, workers that cannot start the PDF sandbox; and --all with a LocalCluster."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from bulk_support import (
    DASK,
    DaskCluster,
    add_papers,
    bulk,
    environment,
    partition_rows,
    s3_log,
    store_paper,
    tar_of,
    wait_for_scheduler_file,
    wait_for_workers,
)
from fwcensus.models import Selection
from fwcensus.store import Store

from support.s3_server import s3_mirror
from support.sites.arxiv_bulk_site import manifest_xml, upload

SLOW = "census-slow"
BLOCK = 512  # a tar header, and the unit member data is padded to


def padded(size: int) -> int:
    return size + -size % BLOCK


@pytest.fixture(scope="module")
def faulty_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An S3 API answering 503 SlowDown to the first two reads of the manifest and of one tar
    of bucket ``census-slow``, and 403 to requests signed with the key ``refused``."""
    log = tmp_path_factory.mktemp("s3") / "requests.jsonl"
    slowdown = [f"{SLOW}/pdf/arXiv_pdf_manifest.xml=2", f"{SLOW}/pdf/arXiv_pdf_1801_001.tar=2"]
    with s3_mirror(deny_keys=["refused"], slowdown=slowdown, log=log) as endpoint:
        yield endpoint, log


def test_a_tar_cut_off_keeps_the_members_before_the_cut(
    tmp_path: Path, s3_endpoint: tuple[str, Path], dask_cluster: DaskCluster
) -> None:
    endpoint, _ = s3_endpoint
    inside = tar_of("1701", 1, ["1701.00001v1", "1701.00002v1"])
    second_header = BLOCK + padded(len(inside.members[0].data))
    inside.cut_at = second_header + BLOCK + len(inside.members[1].data) // 2
    between = tar_of("1701", 2, ["1701.00003v1", "1701.00004v1"])
    between.cut_at = BLOCK + padded(len(between.members[0].data)) + 100  # in the 2nd header
    upload(endpoint, [inside, between], bucket="census-cut")
    db = tmp_path / "fwcensus.db"
    add_papers(db, "1701.00001", "1701.00002", "1701.00003", "1701.00004")

    result = bulk(db, endpoint, "census-cut", "--scheduler", dask_cluster.address)

    assert result.returncode == 0, result.stderr  # the manifest's md5 is the cut tar's: done
    assert "2 tars processed, 0 failed" in result.stderr
    stderr = " ".join(result.stderr.split())
    assert "arXiv_pdf_1701_001.tar: the tar ends inside 1701/1701.00002v1.pdf" in stderr
    assert "arXiv_pdf_1701_002.tar: the tar holds 1 items, the manifest lists 2" in stderr
    rows = partition_rows(db)
    assert rows["1701.00001"]["text_status"] == "ok"
    assert rows["1701.00002"]["text_status"] == "failed"
    assert rows["1701.00002"]["error"].startswith("the tar ends inside this member:")
    assert rows["1701.00003"]["text_status"] == "ok"
    assert "1701.00004" not in rows
    assert "1 papers asked for were not in their tar" in stderr


def test_a_manifest_md5_that_disagrees_keeps_nothing_until_it_agrees(
    tmp_path: Path, s3_endpoint: tuple[str, Path], dask_cluster: DaskCluster
) -> None:
    endpoint, _ = s3_endpoint
    tar = tar_of("1702", 1, ["1702.00001v1"])
    wrong = hashlib.md5(b"another tar").hexdigest()
    upload(endpoint, [tar], manifest_xml([tar], {tar.key: wrong}), bucket="census-md5")
    db = tmp_path / "fwcensus.db"
    add_papers(db, "1702.00001")

    result = bulk(db, endpoint, "census-md5", "--scheduler", dask_cluster.address)

    assert result.returncode == 1
    stderr = " ".join(result.stderr.split())
    assert "0 tars processed, 1 failed" in stderr
    assert "failed: pdf/arXiv_pdf_1702_001.tar: the md5 of the bytes read is" in stderr
    assert f"the manifest says {wrong}" in stderr
    assert partition_rows(db) == {}
    with Store(db) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM verdicts").fetchone()[0] == 0

    upload(endpoint, [tar], bucket="census-md5")  # the manifest is fixed
    again = bulk(db, endpoint, "census-md5", "--scheduler", dask_cluster.address)
    assert again.returncode == 0, again.stderr
    assert "1 tars processed, 0 failed" in again.stderr
    assert list(partition_rows(db)) == ["1702.00001"]


def test_slowdown_is_retried_with_backoff(
    tmp_path: Path, faulty_s3: tuple[str, Path], dask_cluster: DaskCluster
) -> None:
    endpoint, log = faulty_s3
    upload(endpoint, [tar_of("1801", 1, ["1801.00001v1"])], bucket=SLOW)
    db = tmp_path / "fwcensus.db"
    add_papers(db, "1801.00001")

    result = bulk(db, endpoint, SLOW, "--scheduler", dask_cluster.address)

    assert result.returncode == 0, result.stderr
    assert "1 tars processed, 0 failed" in result.stderr
    for key in ("pdf/arXiv_pdf_manifest.xml", "pdf/arXiv_pdf_1801_001.tar"):
        answers = [r["refused"] for r in s3_log(log) if r["key"] == key and r["method"] == "GET"]
        assert answers == [503, 503, None], key


def test_refused_credentials_end_in_one_line_naming_what_to_set(
    tmp_path: Path, faulty_s3: tuple[str, Path]
) -> None:
    endpoint, _ = faulty_s3
    result = bulk(tmp_path / "f.db", endpoint, SLOW, "--all", AWS_ACCESS_KEY_ID="refused")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "403 AccessDenied" in lines[0]
    assert "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)" in lines[0]


def test_a_read_without_the_payer_header_is_refused(faulty_s3: tuple[str, Path]) -> None:
    # What the bulk runs pass through shows the header is sent: the mirror refuses reads
    # without it, as a requester-pays bucket does.
    endpoint, _ = faulty_s3
    upload(endpoint, [], bucket="census-plain")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="k", aws_secret_access_key="s")  # fmt: skip
    with pytest.raises(ClientError) as refused:
        client.get_object(Bucket="census-plain", Key="pdf/arXiv_pdf_manifest.xml")
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    paid = client.get_object(
        Bucket="census-plain", Key="pdf/arXiv_pdf_manifest.xml", RequestPayer="requester"
    )
    assert paid["Body"].read().startswith(b"<?xml")


def test_no_credentials_end_in_one_line_naming_what_to_set(
    tmp_path: Path, s3_endpoint: tuple[str, Path]
) -> None:
    endpoint, _ = s3_endpoint
    result = bulk(
        tmp_path / "f.db", endpoint, "census-a", "--all",
        AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in lines[0]


def test_an_unreachable_scheduler_ends_in_one_line(
    tmp_path: Path, s3_endpoint: tuple[str, Path]
) -> None:
    endpoint, _ = s3_endpoint
    upload(endpoint, [tar_of("1703", 1, ["1703.00001v1"])], bucket="census-nowhere")
    result = bulk(
        tmp_path / "f.db", endpoint, "census-nowhere", "--all", "--scheduler", "tcp://127.0.0.1:9"
    )
    assert result.returncode == 1
    error = [line for line in result.stderr.splitlines() if "error" in line]
    assert error == [
        "error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 within 10 s (OSError): is"
        " `dask scheduler` running there, and the address right?"
    ], result.stderr


def test_workers_that_cannot_start_processes_are_named(
    tmp_path: Path, s3_endpoint: tuple[str, Path]
) -> None:
    endpoint, _ = s3_endpoint
    upload(endpoint, [tar_of("1704", 1, ["1704.00001v1"])], bucket="census-daemon")
    scheduler_file = tmp_path / "scheduler.json"
    env = environment(DASK_DISTRIBUTED__WORKER__DAEMON=None)  # dask's default: daemons
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(scheduler_file)], **quiet,
    )  # fmt: skip
    worker = None
    try:
        address = wait_for_scheduler_file(scheduler_file, scheduler)
        worker = subprocess.Popen(
            [DASK, "worker", address, "--nthreads", "1", "--no-dashboard"], **quiet
        )
        wait_for_workers(address, 1)
        result = bulk(tmp_path / "f.db", endpoint, "census-daemon", "--all", "--scheduler", address)
    finally:
        for process in filter(None, (worker, scheduler)):
            process.terminate()
            process.wait(timeout=20)
    assert result.returncode == 1
    assert (
        "cannot start processes: start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False"
        in (" ".join(result.stderr.split()))
    )


def test_all_pdfs_on_a_local_cluster_key_papers_by_arxiv_id(
    tmp_path: Path, s3_endpoint: tuple[str, Path]
) -> None:
    endpoint, _ = s3_endpoint
    tars = [
        tar_of("1705", 1, ["1705.00001v1", "1705.00002v3"]),
        tar_of("0104", 1, ["math0104001v1"]),
    ]
    upload(endpoint, tars, bucket="census-all")
    db = tmp_path / "fwcensus.db"
    add_papers(db, "1705.00001")  # collected before; the others are new to the store

    result = bulk(db, endpoint, "census-all", "--all", "--workers", "1", "--months", "1705,0104")

    assert result.returncode == 0, result.stderr
    assert "LocalCluster at tcp://127.0.0.1:" in result.stderr
    assert "2 tars processed, 0 failed; 3 papers judged" in " ".join(result.stderr.split())
    with Store(db) as store:
        papers = {p["source_id"]: p for p in store.papers.rows(Selection())}
        assert set(papers) == {"1705.00001", "1705.00002", "math/0104001"}
        assert papers["1705.00001"]["title"] == "A paper numbered 1705.00001"  # kept
        assert papers["math/0104001"]["year"] == 2001
        assert papers["1705.00002"]["track"] == "unknown"
        # collect --venue arXiv later fills the metadata in; the bulk read stays.
        store.papers.upsert([store_paper("1705.00002", "cs.CV")], "https://oaipmh.arxiv.org/oai")
        filled = {p["source_id"]: p for p in store.papers.rows(Selection())}["1705.00002"]
        assert (filled["track"], filled["doc_status"], filled["text_status"]) == (
            "cs.CV",
            "fetched",
            "ok",
        )
        assert store.texts.for_paper(filled["paper_id"])[1].startswith(
            f"paper {filled['paper_id']}'s PDF was read inside s3://census-all/pdf/arXiv_pdf_1705_001.tar#1705/1705.00002v3.pdf"
        )
