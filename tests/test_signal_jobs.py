"""jobs signal: Adzuna's search counts as snapshots and a monthly series, its key kept secret."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from fwcensus.demo.sites.adzuna_site import DEMO_APP_ID, DEMO_APP_KEY, write_count, write_sample
from fwcensus.fetch.api import RateLimited
from fwcensus.signals.base import Batch
from fwcensus.signals.jobs import COUNTRIES, MISSING_KEY, MONTHLY, SIGNAL, SNAPSHOT
from fwcensus.signals.targets import Target, load_targets

from conftest import MakeSignalContext, Serve
from support.sites.adzuna_site import write_error

TODAY = date(2026, 2, 10)
KEYS = {"ADZUNA_APP_ID": DEMO_APP_ID, "ADZUNA_APP_KEY": DEMO_APP_KEY}
TARGETS = (Target("pytorch", jobs=("pytorch",)),
           Target("jax", jobs=("jax",), jobs_exclude=("rs", "ws")))  # fmt: skip
COUNTS = {"pytorch": 120, "jax": 9}


def mirror(root: Path) -> None:
    for target in TARGETS:
        for n, country in enumerate(COUNTRIES):
            write_count(root, country, target["jobs"][0], COUNTS[target.framework] + n,
                        exclude=target["jobs_exclude"])  # fmt: skip


def values(batches: Iterable[Batch]) -> dict[tuple[str, str, str], float]:
    return {(v.series, v.measure, v.period): v.value for b in batches for v in b.values}


def test_each_board_and_phrase_is_a_snapshot_and_the_months_first_count(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    mirror(tmp_path)
    ctx = signal_context(serve(tmp_path).url, today=TODAY, targets=TARGETS)
    ctx.env = KEYS
    batches = list(SIGNAL.collect(ctx))

    assert [b.problem for b in batches] == [None] * 8
    got = values(batches)
    assert got[("gb:pytorch", SNAPSHOT, "2026-02-10")] == 120
    assert got[("us:pytorch", MONTHLY, "2026-02")] == 121
    assert got[("in:jax", SNAPSHOT, "2026-02-10")] == 12
    # The key never reaches what is stored.
    urls = [r.url for b in batches for r in b.requests]
    assert all("app_key=...&" in u and "app_id=...&" in u for u in urls)
    assert not any(DEMO_APP_KEY in u or DEMO_APP_ID in u for u in urls)
    assert any("what_exclude=rs+ws" in u for u in urls)


def test_the_month_already_counted_keeps_its_first_count(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    mirror(tmp_path)
    ctx = signal_context(serve(tmp_path).url, today=TODAY, targets=TARGETS,
                         last_complete=lambda f, s, m: "2026-02")  # fmt: skip
    ctx.env = KEYS
    got = values(SIGNAL.collect(ctx))
    assert {m for _, m, _ in got} == {SNAPSHOT}


def test_without_a_key_the_signal_says_what_to_set_and_asks_nothing(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    server = serve(tmp_path)
    ctx = signal_context(server.url, today=TODAY, targets=TARGETS)
    ctx.env = {"ADZUNA_APP_ID": DEMO_APP_ID}
    batches = list(SIGNAL.collect(ctx))
    assert [b.problem for b in batches] == [MISSING_KEY] and server.requests == []
    assert "ADZUNA_APP_ID" in MISSING_KEY and "ADZUNA_APP_KEY" in MISSING_KEY


def test_an_auth_failure_is_one_problem_per_series_without_the_key(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    mirror(tmp_path)
    write_error(tmp_path, "gb", "pytorch", 401, "AUTH_FAIL", "Authorisation failed")
    ctx = signal_context(serve(tmp_path).url, today=TODAY, targets=TARGETS)
    ctx.env = KEYS
    batches = list(SIGNAL.collect(ctx))
    problems = [b.problem for b in batches if b.problem]
    assert len(problems) == 1 and problems[0].startswith("gb:pytorch: ")
    assert "AUTH_FAIL: Authorisation failed" in problems[0] and DEMO_APP_KEY not in problems[0]
    assert len(values(batches)) == 7 * 2


def test_a_429_stops_the_signal_with_the_counts_read_and_no_key_in_the_reason(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    mirror(tmp_path)
    write_error(tmp_path, "de", "pytorch", 429, "RATE_LIMIT", "Too many requests",
                headers={"Retry-After": "86400"})  # fmt: skip
    ctx = signal_context(serve(tmp_path).url, today=TODAY, targets=TARGETS)
    ctx.env = KEYS
    read: list[Batch] = []
    with pytest.raises(RateLimited) as stopped:
        for batch in SIGNAL.collect(ctx):
            read.append(batch)
    assert DEMO_APP_KEY not in str(stopped.value) and "app_key=..." in str(stopped.value)
    assert {s for s, _, _ in values(read)} == {"gb:pytorch", "us:pytorch"}


def test_the_demo_sample_answers_every_phrase_and_board(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_sample(tmp_path, load_targets(), TODAY)
    ctx = signal_context(serve(tmp_path).url, today=TODAY)
    ctx.env = KEYS
    batches = list(SIGNAL.collect(ctx))
    assert [b.problem for b in batches if b.problem] == []
    assert len(batches) == len(COUNTRIES) * sum(len(t["jobs"]) for t in load_targets())
