"""Bulk arXiv on Dask: scaling, overhead against plain inspect, and memory per worker.

Tars in arXiv's layout (``tests/support/sites/arxiv_bulk_site.py``) of generated papers are
served by the S3 mirror on 127.0.0.1 (moto, requester pays enforced); each tar also holds one
large member the store does not want, streamed past and skipped (a tar read whole into memory
would show in the RSS). Every run is ``bulk.stage.run_bulk_arxiv``, the command's own path,
against a LocalCluster this script starts beforehand (so cluster start-up is not timed):

1. scaling: the same tars on 2 workers against 1 (goal >= 1.8x on 2 cores);
2. overhead: per-paper seconds inside Dask (1 worker) against plain ``inspect_files`` with one
   extraction process (what ``fwcensus inspect --workers 1`` runs), both pinned to the same
   single core, on the same PDFs (goal <= 1.10). Real papers are read in a tar of 65 and one
   of 260 (each four times): the difference is what a paper costs, the rest what a tar costs
   once, which a real tar (about 1,500 papers) spreads thin;
3. memory: peak RSS of the one worker process after 1 tar and after 10 tars (goal: flat).

Timings on a shared machine are noisy: only ratios measured in this run are compared.

    .venv/bin/python bench/bulk_arxiv.py [--tars 10] [--papers 16] [--filler-mb 16]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The S3 mirror and the tar builder are test support (tests/support/), not in the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

AWS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tars", type=int, default=10)
    parser.add_argument("--papers", type=int, default=24, help="wanted papers per tar")
    parser.add_argument("--filler-mb", type=int, default=16, help="unwanted member per tar")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.update(AWS)
    if args.child:
        print(json.dumps(_child(json.loads(args.child))))
        return
    from support.s3_server import s3_mirror

    with tempfile.TemporaryDirectory(prefix="fwcensus-bench-") as tmp, s3_mirror() as endpoint:
        folder = Path(tmp)
        # Scaling on tars without the filler: the S3 mirror runs on this machine's 2 cores, and
        # serving 16 MB a tar would take from the workers what AWS's servers would not.
        scale_ids, _ = _sample(endpoint, folder, "scaling", args.tars, args.papers, 0)
        ids, _ = _sample(endpoint, folder, "arxiv", args.tars, args.papers, args.filler_mb)
        # Measured apart on tars of more papers: a real tar holds about 1,500, so what a task
        # costs once (its sandbox, the stream) weighs little; here 48 a tar, no filler.
        pinned_ids, pdfs = _sample(endpoint, folder, "overhead", 2, 48, 0)
        load = os.getloadavg()[0]
        started = time.monotonic()
        print(f"bulk arxiv bench: {args.tars} tars x {args.papers} wanted papers"
              f" (+ {args.filler_mb} MB unwanted member each), {os.cpu_count()} cores,"
              f" load {load:.2f}")  # fmt: skip
        scaling = {
            n: _run(endpoint, folder, scale_ids, args.tars, n, f"scale{n}", bucket="scaling")
            for n in (1, 2)
        }
        one, two = scaling[1]["seconds"], scaling[2]["seconds"]
        papers = scaling[1]["papers"]
        print(f"1. scaling: 1 worker {one:.1f} s, 2 workers {two:.1f} s for {papers} papers;"
              f" 2 workers / 1 = {one / two:.2f}x (goal >= 1.8x)")  # fmt: skip

        overhead = {"generated": _overhead(endpoint, folder, "overhead", pinned_ids, pdfs, 2)}
        real = _real_papers(endpoint, folder)
        real4 = _real_papers(endpoint, folder, copies=4)
        if real is not None and real4 is not None:
            overhead["real"] = _overhead(endpoint, folder, "real1", *real, 1)
            overhead["real, 4 copies"] = _overhead(endpoint, folder, "real4", *real4, 1)
        for kind, (inspect, dask, count) in overhead.items():
            print(f"2. overhead on one core, {count} {kind} papers: inspect"
                  f" {inspect['per_paper']:.3f} s/paper; inside Dask {dask['task_per_paper']:.3f}"
                  f" s/paper in the tasks, {dask['per_paper']:.3f} s/paper for the whole run"
                  f" (client and scheduler on the same core); Dask tasks / inspect ="
                  f" {dask['task_per_paper'] / inspect['per_paper']:.3f},"
                  f" whole run / inspect = {dask['per_paper'] / inspect['per_paper']:.3f}"
                  " (goal <= 1.10)")  # fmt: skip

        if "real" in overhead:
            runs = [overhead["real"], overhead["real, 4 copies"]]
            paper_i, once_i = _margin(*[(i["per_paper"] * n, n) for i, _, n in runs])
            paper_d, once_d = _margin(*[(d["task_per_paper"] * n, n) for _, d, n in runs])
            tar = 1500  # papers in a real tar of arXiv's bucket, about
            print(f"2. real papers at the margin (tars of {runs[0][2]} and {runs[1][2]}): inspect"
                  f" {paper_i:.3f} s/paper + {once_i:.2f} s once, inside a Dask task"
                  f" {paper_d:.3f} s/paper + {once_d:.2f} s once per tar; Dask / inspect per"
                  f" paper = {paper_d / paper_i:.3f}; for a tar of {tar} papers"
                  f" {(once_d / tar + paper_d) / (once_i / tar + paper_i):.3f}"
                  " (goal <= 1.10)")  # fmt: skip
        rss = {n: _run(endpoint, folder, ids, n, 1, f"rss{n}") for n in (1, args.tars)}
        small, large = rss[1]["worker_rss_mb"], rss[args.tars]["worker_rss_mb"]
        print(f"3. peak RSS of the worker: 1 tar {small:.0f} MB, {args.tars} tars {large:.0f} MB,"
              f" ratio {large / small:.2f} (goal: flat, <= 1.10); bytes streamed"
              f" {rss[args.tars]['bytes'] / 1e6:.0f} MB")  # fmt: skip
        if "real" in overhead:
            count = runs[0][2]
            files = real[1]  # type: ignore[index]
            pages = sum(_pages(f) for f in files) / count
            size = sum(f.stat().st_size for f in files) / count / 1e6
            print(f"4. projection basis: a real paper ({count} of the eval set, {pages:.1f}"
                  f" pages, {size:.2f} MB on average) costs {once_d / tar + paper_d:.3f} s of one"
                  f" core inside a Dask task reading a tar of {tar}")  # fmt: skip
        print(f"whole bench {time.monotonic() - started:.0f} s; load before {load:.2f},"
              f" after {os.getloadavg()[0]:.2f}")  # fmt: skip


def _sample(
    endpoint: str, folder: Path, bucket: str, tars: int, papers: int, filler_mb: int
) -> tuple[list[str], list[Path]]:
    """Upload the tars to ``bucket``; returns the wanted ids and one file per wanted PDF."""
    from support.sites.arxiv_bulk_site import BulkTar, Member, upload

    distinct = [_long_paper(n) for n in range(24)]
    filler = os.urandom(filler_mb * 1024 * 1024)
    built, ids, files = [], [], []
    (folder / bucket).mkdir()
    for t in range(tars):
        yymm = f"15{t + 1:02d}" if t < 12 else f"16{t - 11:02d}"
        members = []
        for p in range(papers):
            arxiv_id = f"{yymm}.{p + 1:05d}"
            data = distinct[(t * papers + p) % len(distinct)]
            members.append(Member(f"{yymm}/{arxiv_id}v1.pdf", data))
            ids.append(arxiv_id)
            files.append(folder / bucket / f"{arxiv_id}.pdf")
            files[-1].write_bytes(data)
        if filler:
            members.append(Member(f"{yymm}/{yymm}.{papers + 1:05d}v1.pdf", filler))  # unwanted
        built.append(BulkTar(yymm, 1, members))
    upload(endpoint, built, bucket=bucket)
    return ids, files


def _long_paper(seed: int) -> bytes:
    """A generated paper three times as long as the demo's (about a real paper's length, as
    bench/detect_throughput.py assumes), so a tar's fixed costs weigh as little as in arXiv's."""
    import random
    from dataclasses import replace

    from fwcensus.demo.papertext import FRAMEWORKS, Usage, make_paper, make_title, make_topic
    from fwcensus.demo.pdfgen import render_paper_pdf

    rng = random.Random(seed)
    picked = rng.sample(FRAMEWORKS, 3)
    usage = Usage(used=(picked[0],), mentioned=(picked[1],), cited=(picked[2],))
    topic = make_topic(rng, 2019)
    doc = make_paper(rng, usage, 2019, topic, make_title(rng, topic), ["A B", "C D"])
    return render_paper_pdf(replace(doc, sections=doc.sections * 3))


def _real_papers(
    endpoint: str, folder: Path, copies: int = 1
) -> tuple[list[str], list[Path]] | None:
    """The hand-labelled real papers (``$FWCENSUS_SHARED/eval/dev*``), ``copies`` times each
    under its own id, as one tar in bucket ``real<copies>``: what a real paper costs, for the
    README's projection. None when absent."""
    from support.sites.arxiv_bulk_site import BulkTar, Member, upload

    shared = Path(os.environ.get("FWCENSUS_SHARED", Path(__file__).parents[2] / "shared"))
    files = sorted((shared / "eval").glob("dev*/*.pdf")) * copies
    if not files:
        print(f"real papers: none under {shared}/eval (their lines are left out)")
        return None
    yymm = f"27{copies:02d}"  # a month no other tar uses
    ids = [f"{yymm}.{n + 1:05d}" for n in range(len(files))]
    members = [Member(f"{yymm}/{i}v1.pdf", f.read_bytes()) for i, f in zip(ids, files, strict=True)]
    upload(endpoint, [BulkTar(yymm, 1, members)], bucket=f"real{copies}")
    return ids, files


def _margin(small: tuple[float, int], large: tuple[float, int]) -> tuple[float, float]:
    """``(seconds per paper, seconds once)`` from two runs ``(seconds, papers)``: a run's fixed
    cost (a sandbox started, patterns compiled on first use) told apart from what each paper
    adds, as a real tar of about 1,500 papers would show it."""
    (t1, n1), (t2, n2) = small, large
    per_paper = (t2 - t1) / (n2 - n1)
    return per_paper, t1 - n1 * per_paper


def _overhead(
    endpoint: str, folder: Path, bucket: str, ids: list[str], pdfs: list[Path], tars: int
) -> tuple[dict, dict, int]:
    """inspect and a 1-worker bulk run over the same PDFs, each in a process bound to the last
    core (its children too)."""
    core = {"cores": [os.cpu_count() - 1], "endpoint": endpoint, "folder": str(folder)}
    inspect = _pinned({**core, "what": "inspect", "pdfs": [str(path) for path in pdfs]})
    dask = _pinned({**core, "what": "bulk", "ids": ids, "tars": tars, "bucket": bucket})
    return inspect, dask, len(pdfs)


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


def _run(
    endpoint: str, folder: Path, ids: list[str], tars: int, workers: int, name: str,
    bucket: str = "arxiv",
) -> dict:  # fmt: skip
    """One bulk run over the first ``tars`` tars on a fresh LocalCluster of ``workers``."""
    import dask
    from distributed import Client, LocalCluster

    from fwcensus.bulk.stage import BulkOptions, run_bulk_arxiv
    from fwcensus.extract.pool import Limits
    from fwcensus.fetch.s3 import S3Settings
    from fwcensus.sources.arxiv_bulk import id_month
    from fwcensus.store import Store
    from fwcensus.store.db import bulk_dir_for

    months = sorted({id_month(i) for i in ids})[:tars]
    db = folder / name / "fwcensus.db"
    with Store(db) as store:
        _add_papers(store, [i for i in ids if id_month(i) in months])
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as client, Store(db) as store:
        client.run(_warm_up)
        options = BulkOptions(
            s3=S3Settings(bucket, endpoint), out=bulk_dir_for(db), months=tuple(months),
            limits=Limits(workers=1, seconds=120), scheduler=cluster.scheduler_address,
        )  # fmt: skip
        started = time.monotonic()
        summary = run_bulk_arxiv(store, options, lambda _: None)
        seconds = time.monotonic() - started
        rss = client.run(_peak_rss_kb)
    assert summary.processed == tars and not summary.failed, summary
    return {
        "seconds": seconds,
        "papers": summary.papers,
        "per_paper": seconds / summary.papers,
        "task_per_paper": summary.task_seconds / summary.papers,
        "worker_rss_mb": max(rss.values()) / 1024,
        "bytes": summary.bytes_read,
    }


def _warm_up() -> None:
    """What a worker does once, however many tars it reads: import fwcensus (a second) and
    start the fork server the PDF sandboxes come from. Part of starting the cluster."""
    import multiprocessing
    from multiprocessing import forkserver

    import fwcensus.bulk.tars  # noqa: F401

    multiprocessing.get_context("forkserver").set_forkserver_preload(["fwcensus.extract.pdf_text"])
    forkserver.ensure_running()


def _peak_rss_kb() -> int:
    """The process's peak RSS since it was started (VmHWM): unlike ru_maxrss, which a spawned
    worker inherits from the process that forked it, it starts anew with exec."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])


def _add_papers(store: object, ids: list[str]) -> None:
    from fwcensus.models import Paper
    from fwcensus.sources.arxiv import PDF_URL

    papers = [Paper("arxiv", i, "arXiv", 2015, f"Paper {i}", ("A B",), f"{PDF_URL}{i}",
                    arxiv_id=i, track="cs.LG") for i in ids]  # fmt: skip
    store.papers.upsert(papers, "bench")  # type: ignore[attr-defined]


def _pinned(job: dict) -> dict:
    """Run one measurement in a fresh process bound to ``job['cores']`` (its children too)."""
    result = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(job)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(result.stdout.splitlines()[-1])


def _child(job: dict) -> dict:
    os.sched_setaffinity(0, set(job["cores"]))
    folder = Path(job["folder"])
    if job["what"] == "inspect":
        from fwcensus.extract.pool import Limits
        from fwcensus.inspection import inspect_files
        from fwcensus.libraries.resolver import cached_resolver

        paths = [Path(p) for p in job["pdfs"]]
        started = time.monotonic()
        with cached_resolver(None) as resolver:
            reports = list(inspect_files(paths, Limits(workers=1), resolver.answer))
        seconds = time.monotonic() - started
        assert all(r.ok for r in reports)
        return {"per_paper": seconds / len(paths)}
    name = f"pinned-{job['bucket']}"
    return _run(job["endpoint"], folder, job["ids"], job["tars"], 1, name, bucket=job["bucket"])


if __name__ == "__main__":
    main()
