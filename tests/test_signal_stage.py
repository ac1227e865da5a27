"""The signals stage over a small signal of the test's own: storing batches with their requests,
stopping on a spent quota without losing months, resuming with only the missing months, the
month not over yet replaced rather than duplicated, and the export and report built on it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from fwcensus.aggregate.signal_series import signal_points
from fwcensus.fetch.api import ApiClient
from fwcensus.fetch.client import encode_json
from fwcensus.mirror.urls import write_json_answer
from fwcensus.models import Selection
from fwcensus.plugins import fetch_settings
from fwcensus.report.export import export
from fwcensus.report.stage import write_report
from fwcensus.signals.base import (
    Batch,
    Measure,
    QuotaExhausted,
    SignalContext,
    SignalError,
    Value,
    months_between,
    parse_json,
)
from fwcensus.signals.stage import collect_signals
from fwcensus.store import Store

from conftest import Serve

API = "https://api.counts.test"
TODAY = date(2020, 3, 15)
FRAMEWORKS = ("pytorch", "tensorflow")


def url(framework: str, month: str) -> str:
    return f"{API}/counts/{framework}/{month}.json"


class CountSignal:
    """Asks one URL per framework and month, oldest first; a 400 answer means the quota is
    spent, an answer without "count" is an error body."""

    name = "counts"
    title = "Counts <of> things"
    measures = (Measure("things", "things", "monthly", f"{API}/counts/{{framework}}/{{month}}",
                        "Things per month."),)  # fmt: skip
    caveats = ("Counts are <made up> & small.",)

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        for framework in FRAMEWORKS:
            for month in months_between(ctx.start(framework, "all", "things"), ctx.this_month):
                fetched = ctx.fetch(url(framework, month), accept=frozenset({400}))
                body = parse_json(fetched)
                if fetched.status == 400:
                    raise QuotaExhausted(fetched.url, body["error"])
                if "count" not in body:
                    raise SignalError(fetched.url, "answer without count")
                value = Value(framework, "all", "things", month, body["count"],
                              complete=ctx.complete(month))  # fmt: skip
                yield Batch((fetched,), (value,))


class BrokenSignal(CountSignal):
    name = "broken"

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        raise SignalError(f"{API}/broken", "the API answered an error body with status 200")
        yield  # a generator, as real signals are


def counts(framework: str, month: str) -> int:
    return (10 if framework == "pytorch" else 30) + int(month[5:])


def write_counts(root: Path, months: list[str]) -> None:
    for framework in FRAMEWORKS:
        for month in months:
            write_json_answer(root, url(framework, month), {"count": counts(framework, month)})


def run(store: Store, server_url: str, *signals: object) -> list:
    settings = fetch_settings(mirror=server_url, rate=0.0, attempts=1)
    with ApiClient(settings) as api:
        return collect_signals(store, api, signals, "2019-11", TODAY, lambda _: None)  # type: ignore[arg-type]


MONTHS = months_between("2019-11", "2020-03")


def stored(store: Store) -> dict[tuple[str, str], tuple[float, bool]]:
    rows = list(store.signals.value_rows("counts"))
    keys = [(r["framework"], r["period"]) for r in rows]
    assert len(keys) == len(set(keys)), "a value stored twice"
    return {(r["framework"], r["period"]): (r["value"], r["complete"]) for r in rows}


def test_values_are_stored_with_the_requests_behind_them(tmp_path: Path, serve: Serve,
                                                         store: Store) -> None:  # fmt: skip
    write_counts(tmp_path, MONTHS)
    [summary] = run(store, serve(tmp_path).url, CountSignal())
    assert (summary.outcome, summary.requests, summary.stored) == ("complete", 10, 10)
    values = stored(store)
    assert values == {(f, m): (counts(f, m), m < "2020-03") for f in FRAMEWORKS for m in MONTHS}
    row = next(r for r in store.signals.value_rows() if r["period"] == "2019-12")
    assert row["requests"] == [url(row["framework"], "2019-12")]
    request = store.conn.execute("SELECT * FROM signal_requests WHERE url = ?",
                                 (row["requests"][0],)).fetchone()  # fmt: skip
    body = store.blobs.read_bytes(request["body_sha256"])
    assert json.loads(body) == {"count": counts(row["framework"], "2019-12")}


def test_a_spent_quota_stops_the_signal_and_the_next_run_asks_only_for_missing_months(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_counts(tmp_path, MONTHS)
    quota = {"error": "too many requests, more available in 3600 seconds"}
    write_json_answer(tmp_path, url("pytorch", "2020-01"), quota, status=400)
    server = serve(tmp_path)
    [first] = run(store, server.url, CountSignal())
    assert first.outcome == "stopped" and "more available in 3600 seconds" in first.reason
    assert set(stored(store)) == {("pytorch", "2019-11"), ("pytorch", "2019-12")}

    write_counts(tmp_path, MONTHS)  # the quota is back
    server.requests.clear()
    [second] = run(store, server.url, CountSignal())
    assert second.outcome == "complete"
    asked = [r.rsplit("/", 2)[-2:] for r in server.requests if "/counts/" in r]
    assert ["pytorch", "2019-11.json"] not in asked and ["pytorch", "2019-12.json"] not in asked
    assert ["pytorch", "2020-01.json"] in asked
    assert stored(store) == {
        (f, m): (counts(f, m), m < "2020-03") for f in FRAMEWORKS for m in MONTHS
    }
    runs = store.conn.execute("SELECT outcome FROM signal_runs ORDER BY id").fetchall()
    assert [r[0] for r in runs] == ["stopped", "complete"]


def test_the_month_not_over_is_asked_again_and_replaced(tmp_path: Path, serve: Serve,
                                                        store: Store) -> None:  # fmt: skip
    write_counts(tmp_path, MONTHS)
    server = serve(tmp_path)
    run(store, server.url, CountSignal())
    write_json_answer(tmp_path, url("pytorch", "2020-03"), {"count": 99})
    server.requests.clear()
    run(store, server.url, CountSignal())
    asked = sorted(r.rsplit("/", 1)[-1] for r in server.requests if "/counts/" in r)
    assert asked == ["2020-03.json", "2020-03.json"]  # one per framework, nothing complete
    assert stored(store)[("pytorch", "2020-03")] == (99, False)


def test_a_failing_signal_does_not_stop_the_others(tmp_path: Path, serve: Serve,
                                                   store: Store) -> None:  # fmt: skip
    write_counts(tmp_path, MONTHS)
    broken, good = run(store, serve(tmp_path).url, BrokenSignal(), CountSignal())
    assert broken.outcome == "failed" and "error body with status 200" in broken.reason
    assert good.outcome == "complete" and good.stored == 10


def test_shares_leave_out_companion_series_and_export_carries_query_and_caveats(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_counts(tmp_path, MONTHS)
    run(store, serve(tmp_path).url, CountSignal())
    companion = Value("tensorflow", "tf-companion", "things", "2019-11", 1000.0, counted=False)
    store.signals.save_batch("counts", [], [companion])  # type: ignore[list-item]
    points = {(p.framework, p.period): p for p in signal_points(store)}
    pt, tf = counts("pytorch", "2019-11"), counts("tensorflow", "2019-11")
    assert points[("tensorflow", "2019-11")].value == tf
    assert points[("pytorch", "2019-11")].share == pt / (pt + tf)
    assert points[("pytorch", "2020-03")].complete is False

    out = io.StringIO()
    export(store, "signals", "csv", out, Selection())
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 11
    first = next(r for r in rows if r["framework"] == "pytorch" and r["period"] == "2019-11")
    assert first["requests"] == url("pytorch", "2019-11")
    assert first["caveats"] == "Counts are <made up> & small."
    assert first["query"] == f"{API}/counts/{{framework}}/{{month}}"


def test_report_shows_each_signal_with_its_chart_and_escaped_caveats(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_counts(tmp_path, MONTHS)
    run(store, serve(tmp_path).url, CountSignal())
    files = write_report(store, tmp_path / "report", "substring-2019")
    page = files.index.read_text(encoding="utf-8")
    assert "Counts &lt;of&gt; things" in page and "Counts <of> things" not in page
    assert "Counts are &lt;made up&gt; &amp; small." in page
    assert 'id="signal-chart-counts"' in page
    assert {p.name for p in files.images} >= {"signal-counts.svg", "signal-counts.png"}
    svg = (tmp_path / "report" / "signal-counts.svg").read_text(encoding="utf-8")
    assert "pytorch" in svg and "tensorflow" in svg


class PostSignal(CountSignal):
    """Asks its question in a POST body, as BigQuery's jobs.query does."""

    name = "posted"

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        for framework in FRAMEWORKS:
            question = {"framework": framework, "month": "2019-11"}
            fetched = ctx.post(f"{API}/query", question, label=f"framework={framework}")
            value = Value(framework, "all", "things", "2019-11", parse_json(fetched)["count"])
            yield Batch((fetched,), (value,))


def test_a_posts_body_is_kept_beside_its_answer(tmp_path: Path, serve: Serve,
                                                store: Store) -> None:  # fmt: skip
    for framework in FRAMEWORKS:
        question = encode_json({"framework": framework, "month": "2019-11"})
        answer = {"count": counts(framework, "2019-11")}
        write_json_answer(tmp_path, f"{API}/query", answer, post=question)
    [summary] = run(store, serve(tmp_path).url, PostSignal())
    assert summary.outcome == "complete" and summary.stored == 2
    rows = store.conn.execute(
        "SELECT url, body_sha256, sent_sha256 FROM signal_requests ORDER BY id"
    ).fetchall()
    assert [r["url"] for r in rows] == [f"{API}/query#framework={f}" for f in FRAMEWORKS]
    for row, framework in zip(rows, FRAMEWORKS, strict=True):
        sent = json.loads(store.blobs.read_bytes(row["sent_sha256"]))
        assert sent == {"framework": framework, "month": "2019-11"}
        answer = json.loads(store.blobs.read_bytes(row["body_sha256"]))
        assert answer == {"count": counts(framework, "2019-11")}
