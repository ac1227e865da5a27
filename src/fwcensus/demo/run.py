"""``fwcensus demo``: the whole pipeline, offline, against a sample mirror on 127.0.0.1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fwcensus import pipeline
from fwcensus.demo.sample import Sample, build_sample
from fwcensus.demo.signals_sample import DEMO_ENV as SIGNALS_ENV
from fwcensus.demo.signals_sample import SINCE as SIGNALS_SINCE
from fwcensus.demo.signals_sample import write_signal_samples
from fwcensus.extract.pool import Limits
from fwcensus.mirror.faults import FaultPlan
from fwcensus.mirror.server import MirrorServer
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings
from fwcensus.report.stage import ReportFiles
from fwcensus.store import Store


@dataclass(frozen=True)
class DemoResult:
    sample: Sample
    db: Path
    report: ReportFiles


def run_demo(out: Path, say: pipeline.Say, faults: FaultPlan | None = None) -> DemoResult:
    """Build the sample in ``out``, serve it, run every stage against it, return where it is.

    Re-running on the same folder rebuilds the identical sample and finds the store up to date,
    which is the resumability every stage promises. ``faults`` makes the mirror misbehave
    (429s, 503s, broken transfers…) to show that every paper still ends fetched or failed with
    its reason.
    """
    sample = build_sample(out)
    write_signal_samples(sample.mirror_dir, datetime.now(UTC).date())
    venue_years = sorted({(p.venue, p.year) for p in sample.papers})
    say(f"demo: sample of {len(sample.papers)} papers in {sample.mirror_dir}")
    db = out / "fwcensus.db"
    with MirrorServer(sample.mirror_dir, faults=faults) as server, Store(db) as store:
        say(f"demo: mirror serving on {server.url}")
        options = pipeline.RunOptions(
            selection=Selection(
                venues=tuple(sorted({v for v, _ in venue_years})),
                years=tuple(sorted({y for _, y in venue_years})),
            ),
            # The mirror is on this machine: no politeness delay, short timeouts and backoff.
            fetch=fetch_settings(
                mirror=server.url,
                rate=0,
                read_timeout=10,
                attempts=3,
                backoff=0.1,
                breaker_pause=1.0,
            ),
            limits=Limits(seconds=60),
            report_dir=out / "report",
            signals=True,
            signals_since=SIGNALS_SINCE,
            signals_env=SIGNALS_ENV,  # the sample's keys: only the jobs API wants one
        )
        files = pipeline.run(store, options, say)
    return DemoResult(sample=sample, db=db, report=files)
