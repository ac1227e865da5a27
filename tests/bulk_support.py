"""What the bulk tests share: the AWS environment they run in, a Dask cluster of `dask
scheduler` and `dask worker` subprocesses, generated tars, and the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from fwcensus.bulk.judge import JudgedPdf
from fwcensus.bulk.partitions import PaperRow, partition_table, write_partition
from fwcensus.demo.papertext import Usage
from fwcensus.models import Paper, Role, TextStatus, Verdict
from fwcensus.sources.arxiv_bulk import TarEntry, member_id
from fwcensus.store import Store
from fwcensus.store.texts import TextSummary
from fwcensus.store.verdicts import MethodVerdicts

from support.sites.arxiv_bulk_site import BulkTar, Member, generated_pdf

DASK = str(Path(sys.executable).with_name("dask"))
READY_SECONDS = 60.0
# Credentials moto accepts; no profile, no instance metadata (never a request off 127.0.0.1).
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "fwcensus-test",
    "AWS_SECRET_ACCESS_KEY": "fwcensus-test",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
# Workers start the PDF sandbox's processes: dask's nanny must not make them daemons.
WORKER_ENV = {"DASK_DISTRIBUTED__WORKER__DAEMON": "False"}


def environment(**changes: str | None) -> dict[str, str]:
    """This process's environment with the AWS test settings, changed as given (None drops)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ENV, **WORKER_ENV)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def fwcensus(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fwcensus", *map(str, args)],
        capture_output=True, text=True, env=env or environment(), timeout=300,
    )  # fmt: skip


@dataclass
class DaskCluster:
    address: str
    workers: list[subprocess.Popen[bytes]]


def wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    with Client(address, timeout=READY_SECONDS) as client:
        client.wait_for_workers(count, timeout=READY_SECONDS)


def wait_for_scheduler_file(path: Path, scheduler: subprocess.Popen[bytes]) -> str:
    """The scheduler's address, once it has written its file."""
    deadline = time.monotonic() + READY_SECONDS
    while not path.is_file() or not path.read_text().strip():
        assert scheduler.poll() is None, "dask scheduler exited"
        assert time.monotonic() < deadline, "dask scheduler did not start"
        time.sleep(0.05)
    return json.loads(path.read_text())["address"]


@contextmanager
def dask_processes(folder: Path, workers: int) -> Iterator[DaskCluster]:
    """`dask scheduler` and ``workers`` `dask worker` processes (one thread each) on
    127.0.0.1, ready when the scheduler knows them all."""
    folder.mkdir(parents=True, exist_ok=True)
    scheduler_file = folder / "scheduler.json"
    env = environment()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen(
        [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
         "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(scheduler_file)],
        **quiet,
    )  # fmt: skip
    started: list[subprocess.Popen[bytes]] = []
    try:
        address = wait_for_scheduler_file(scheduler_file, scheduler)
        for number in range(workers):
            started.append(
                subprocess.Popen(
                    [
                        DASK,
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                        "--name",
                        f"worker-{number}",
                    ],
                    **quiet,
                )
            )
        wait_for_workers(address, workers)
        yield DaskCluster(address, started)
    finally:
        for process in [*started, scheduler]:
            process.terminate()
        for process in [*started, scheduler]:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


USES = (
    Usage(used=("pytorch",), mentioned=("tensorflow",)),
    Usage(used=("tensorflow",), cited=("pytorch",)),
    Usage(used=("jax",), mentioned=("pytorch",)),
    Usage(used=("keras", "tensorflow")),
    Usage(mentioned=("caffe",)),
    Usage(used=("mxnet",), cited=("tensorflow",)),
)


def paper_pdf(number: int, yymm: str) -> bytes:
    return generated_pdf(number, USES[number % len(USES)], yymm)


def tar_of(yymm: str, seq: int, names: Sequence[str], first: int = 0) -> BulkTar:
    """A tar of generated papers named ``YYMM/NAME.pdf``, the n-th using USES[first + n]."""
    return BulkTar(
        yymm,
        seq,
        [Member(f"{yymm}/{name}.pdf", paper_pdf(first + n, yymm)) for n, name in enumerate(names)],
    )


def store_paper(arxiv_id: str, category: str = "cs.LG") -> Paper:
    """An arXiv paper as collect --venue arXiv stores it."""
    from fwcensus.sources.arxiv import ABS_URL, PDF_URL, VENUE
    from fwcensus.sources.arxiv_bulk import id_month, month_of

    return Paper(
        source="arxiv", source_id=arxiv_id, venue=VENUE,
        year=int(month_of(id_month(arxiv_id))[:4]), title=f"A paper numbered {arxiv_id}",
        authors=("Ada Lovelace",), pdf_url=f"{PDF_URL}{arxiv_id}", page_url=f"{ABS_URL}{arxiv_id}",
        arxiv_id=arxiv_id, track=category,
    )  # fmt: skip


def busy_pdf(pages: int = 20_000) -> bytes:
    """A valid PDF of ``pages`` pages sharing one content stream: small, but text extraction
    takes tens of seconds (about 2 ms a page), so a time limit of a few seconds stops it."""
    content = b"BT /F1 9 Tf 20 700 Td " + b"(we train the network for many steps) Tj 0 -10 Td " * 60
    content += b"ET"
    kids = b" ".join(b"%d 0 R" % (5 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
                b" /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"] * pages  # fmt: skip
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def s3_log(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


PDF_SECONDS = "3"


def bulk(db: Path, endpoint: str, bucket: str, *args: str, **env: str | None) -> Any:
    return fwcensus(
        "bulk", "arxiv", "--s3-endpoint", endpoint, "--bucket", bucket, "--db", db,
        "--pdf-seconds", PDF_SECONDS, *args, env=environment(**env),
    )  # fmt: skip


def add_papers(db: Path, *ids: str) -> None:
    with Store(db) as store:
        store.papers.upsert([store_paper(i) for i in ids], "https://oaipmh.arxiv.org/oai")


def partition_rows(db: Path) -> dict[str, dict[str, Any]]:
    """Every partition row by arXiv id (one per paper: a second would fail the test)."""
    rows: dict[str, dict[str, Any]] = {}
    for path in sorted(db.with_name(db.stem + ".bulk").glob("arxiv/yymm=*/*.parquet")):
        for row in pq.read_table(path).to_pylist():
            assert row["arxiv_id"] not in rows, f"{row['arxiv_id']} in two partitions"
            rows[row["arxiv_id"]] = row
    return rows


def tar_reads(log: Path, bucket: str) -> list[str]:
    return [
        r["key"]
        for r in s3_log(log)
        if r["bucket"] == bucket and r["method"] == "GET" and r["key"].endswith(".tar")
    ]


def bulk_tar(yymm: str, seq: int) -> TarEntry:
    """A manifest entry of one tar of month ``yymm``."""
    return TarEntry(f"pdf/arXiv_pdf_{yymm}_{seq:03d}.tar", f"{seq:032d}", 1, 1, yymm, seq, "",
                    "", "2024-01-02 03:04:05", "0" * 32)  # fmt: skip


def bulk_row(member: str, *used: str, ok: bool = True) -> PaperRow:
    """A partition's row of one PDF: text read (or not) and the frameworks it uses."""
    found = member_id(member)
    assert found is not None
    text = TextSummary(TextStatus.OK if ok else TextStatus.FAILED, "t" * 64 if ok else None,
                       4, 100, None if ok else "corrupt PDF", 0, 0, 0)  # fmt: skip
    verdicts = tuple(Verdict(f, Role.USED, 0.9) for f in used)
    judged = (MethodVerdicts("evidence", "evidence/9", verdicts),) if ok else ()
    return PaperRow(member, found, JudgedPdf("p" * 64, 10, text, judged))


def write_bulk(folder: Path, entry: TarEntry, *rows: PaperRow) -> None:
    """The partition of one tar, as a bulk run writes it."""
    write_partition(folder, entry, partition_table(entry, rows, "x"), None)
