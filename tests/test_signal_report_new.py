"""The report and the export over the five newer signals, collected from the demo's sample: the
survey's yearly chart, each series in the closing note with its source, first and last period
and caveats, every signal in the papers-versus-industry comparison, and the export's
provenance."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from fwcensus.demo.signals_sample import DEMO_ENV, write_signal_samples
from fwcensus.fetch.api import ApiClient
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings
from fwcensus.report.export import export
from fwcensus.report.signal_view import signal_section
from fwcensus.report.stage import write_report
from fwcensus.signals import registry
from fwcensus.signals.stage import collect_signals
from fwcensus.store import Store

from conftest import Serve

TODAY = date(2025, 10, 20)
NEW = ("so-survey", "conda-downloads", "pwc-archive", "jobs")


@pytest.fixture
def collected(tmp_path: Path, serve: Serve, store: Store) -> Store:
    mirror = tmp_path / "mirror"
    write_signal_samples(mirror, TODAY)
    settings = fetch_settings(mirror=serve(mirror).url, rate=0, attempts=2, backoff=0.01)
    with ApiClient(settings) as api:
        collect_signals(store, api, registry.chosen(NEW), "2015-01", TODAY, lambda s: None,
                        env=DEMO_ENV)  # fmt: skip
    return store


def test_the_closing_note_lists_each_series_source_span_and_caveats(
    collected: Store, tmp_path: Path
) -> None:
    section = signal_section(collected, [])
    spans = {b.name: (b.sources, b.first, b.last) for b in section.blocks}
    assert spans["so-survey"] == (["survey.stackoverflow.co"], "2017", "2024")
    assert spans["conda-downloads"] == (["anaconda-package-data.s3.amazonaws.com"], "2017-01",
                                        "2025-09")  # fmt: skip
    assert spans["pwc-archive"] == (["huggingface.co"], "2015-01", "2025-07")
    assert spans["jobs"] == (["api.adzuna.com"], "2025-10", "2025-10")
    # Every new signal is in the comparison of PyTorch's share with the papers'.
    sources = {row["source"] for row in section.comparison.data.values}  # type: ignore[union-attr]
    assert {b.title for b in section.blocks} <= sources

    page = write_report(collected, tmp_path / "report", "evidence").index.read_text("utf-8")
    start = page.index('id="signal-series"')
    note = page[start : page.index("</table>", start)]
    assert note.count("<tr>") == 1 + len(NEW)
    assert "Torch and PyTorch are one option" in note and "2025-07" in note
    assert 'id="signal-chart-so-survey"' in page


def test_the_export_carries_the_new_series_provenance(collected: Store) -> None:
    out = io.StringIO()
    export(collected, "signals", "json", out, Selection())
    rows = json.loads(out.getvalue())
    by_signal = {r["signal"]: r for r in rows}
    assert set(by_signal) == set(NEW)
    survey = by_signal["so-survey"]
    assert survey["requests"][0].startswith("https://survey.stackoverflow.co/datasets/")
    assert "#survey_results_public.csv:" in survey["requests"][0] and survey["caveats"]
    jobs = by_signal["jobs"]
    assert "app_key=..." in jobs["requests"][0] and DEMO_ENV["ADZUNA_APP_KEY"] not in out.getvalue()
