"""The pypi-downloads signal against a mirror of ClickPy's ClickHouse and pypistats.org."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path

import pytest

from fwcensus.mirror.pypi_site import (
    write_clickhouse_error,
    write_clickhouse_failed_midstream,
    write_clickhouse_months,
    write_pypistats_days,
    write_quota_exceeded,
    write_sample,
)
from fwcensus.signals.base import Batch, QuotaExhausted, Value, month_of, months_between
from fwcensus.signals.pypi_downloads import SIGNAL, clickhouse_url, pypistats_url
from fwcensus.signals.targets import Target, load_targets

from conftest import MakeSignalContext, Serve

TORCH = Target("pytorch", pypi=("torch",))
TENSORFLOW = Target("tensorflow", pypi=("tensorflow",))
CLICKHOUSE_HOST = "sql-clickhouse.clickhouse.com"


def values(batches: Iterable[Batch], measure: str, series: str) -> dict[str, Value]:
    return {
        v.period: v
        for b in batches
        for v in b.values
        if v.measure == measure and v.series == series
    }


def target(url: str) -> str:
    """A real URL as the mirror records the request for it."""
    return url.removeprefix("https://")


def clickhouse_requests(requests: list[str]) -> list[str]:
    return [r for r in requests if r.startswith(f"{CLICKHOUSE_HOST}/?")]


def problems(batches: Iterable[Batch]) -> list[str]:
    return [b.problem for b in batches if b.problem]


def test_round_trip_gives_each_month_with_zero_for_an_empty_one(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    months = {"2024-01": 1200, "2024-03": 3400, "2024-04": 5600, "2024-05": 7800, "2024-06": 90}
    write_clickhouse_months(tmp_path, "torch", "2024-01", months)
    write_pypistats_days(tmp_path, "torch", {})
    server = serve(tmp_path)
    # May ended two days ago: its last days may not be loaded yet, so it is not complete.
    ctx = signal_context(server.url, since="2024-01", today=date(2024, 6, 2), targets=(TORCH,))

    batches = list(SIGNAL.collect(ctx))

    got = values(batches, "downloads", "torch")
    expected = {m: months.get(m, 0) for m in months_between("2024-01", "2024-06")}
    assert {m: v.value for m, v in got.items()} == expected
    assert [m for m, v in got.items() if v.complete] == months_between("2024-01", "2024-04")
    assert all(v.framework == "pytorch" and v.counted for v in got.values())
    (history,) = [b for b in batches if any(v.measure == "downloads" for v in b.values)]
    assert [f.url for f in history.requests] == [clickhouse_url("torch", "2024-01")]
    assert b'"downloads":"1200"' in history.requests[0].body
    assert problems(batches) == []


def test_first_run_leaves_out_months_before_the_first_download(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    months = {"2016-01": 10, "2016-02": 20}
    write_clickhouse_months(tmp_path, "torch", "2015-01", months)
    write_pypistats_days(tmp_path, "torch", {})
    server = serve(tmp_path)
    ctx = signal_context(server.url, since="2015-01", today=date(2016, 3, 20), targets=(TORCH,))

    got = values(SIGNAL.collect(ctx), "downloads", "torch")

    assert {m: v.value for m, v in got.items()} == months


def test_incremental_run_asks_only_after_the_last_complete_month(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    history = {"2024-05": 50, "2024-06": 60}  # 2024-04, the first month asked, had none
    write_clickhouse_months(tmp_path, "torch", "2024-04", history)
    today = date(2024, 6, 20)
    days = {today - timedelta(days=n): 7 for n in range(1, 181)}
    write_pypistats_days(tmp_path, "torch", days)
    server = serve(tmp_path)
    stored = {"downloads": "2024-03", "downloads-recent": "2024-04"}
    ctx = signal_context(
        server.url,
        since="2020-01",
        today=today,
        targets=(TORCH,),
        last_complete=lambda framework, series, measure: stored[measure],
    )

    batches = list(SIGNAL.collect(ctx))

    assert clickhouse_requests(server.requests) == [target(clickhouse_url("torch", "2024-04"))]
    got = values(batches, "downloads", "torch")
    assert {m: v.value for m, v in got.items()} == {"2024-04": 0, **history}
    assert [m for m, v in got.items() if not v.complete] == ["2024-06"]
    recent = values(batches, "downloads-recent", "torch")
    assert sorted(recent) == ["2024-05", "2024-06"]


def test_recent_months_sum_pypistats_days_and_skip_the_cut_first_month(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    today = date(2024, 6, 20)
    days = {today - timedelta(days=n): 100 + n % 7 for n in range(1, 181)}
    write_clickhouse_months(tmp_path, "torch", "2023-01", {})
    write_pypistats_days(tmp_path, "torch", days)
    server = serve(tmp_path)
    ctx = signal_context(server.url, since="2023-01", today=today, targets=(TORCH,))

    batches = list(SIGNAL.collect(ctx))

    got = values(batches, "downloads-recent", "torch")
    first_day = min(days)
    assert first_day.day != 1  # the window starts inside a month, which is left out
    expected = {
        m: sum(n for d, n in days.items() if month_of(d) == m)
        for m in months_between("2024-01", "2024-06")
    }
    assert {m: v.value for m, v in got.items()} == expected
    assert [m for m, v in got.items() if not v.complete] == ["2024-06"]
    assert target(pypistats_url("torch")) in server.requests
    assert values(batches, "downloads", "torch") == {}  # no download in the history: no zeros


def test_companions_are_kept_but_not_counted(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    jax = Target("jax", pypi=("jax",), pypi_companions=("jaxlib",))
    for package, n in (("jax", 300), ("jaxlib", 280)):
        write_clickhouse_months(tmp_path, package, "2024-01", {"2024-01": n, "2024-02": n})
        write_pypistats_days(tmp_path, package, {date(2024, 2, 1): n})
    server = serve(tmp_path)
    ctx = signal_context(server.url, since="2024-01", today=date(2024, 3, 10), targets=(jax,))

    batches = list(SIGNAL.collect(ctx))

    for series, counted in (("jax", True), ("jaxlib", False)):
        got = values(batches, "downloads", series)
        assert sorted(got) == ["2024-01", "2024-02"]
        assert {v.counted for v in got.values()} == {counted}
        assert {v.counted for v in values(batches, "downloads-recent", series).values()} == {
            counted
        }


def test_spent_quota_stops_the_signal_and_keeps_what_was_read(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    torch_months = {"2024-01": 11, "2024-02": 12}
    write_clickhouse_months(tmp_path, "torch", "2024-01", torch_months)
    write_pypistats_days(tmp_path, "torch", {date(2024, 2, 1): 5})
    write_quota_exceeded(tmp_path, "tensorflow", "2024-01")
    write_pypistats_days(tmp_path, "tensorflow", {date(2024, 2, 1): 5})
    server = serve(tmp_path)
    ctx = signal_context(
        server.url, since="2024-01", today=date(2024, 3, 10), targets=(TORCH, TENSORFLOW)
    )

    batches: list[Batch] = []
    with pytest.raises(QuotaExhausted) as stop:
        for batch in SIGNAL.collect(ctx):
            batches.append(batch)

    assert "QUOTA_EXCEEDED" in str(stop.value)
    got = values(batches, "downloads", "torch")
    assert {m: v.value for m, v in got.items()} == torch_months
    assert target(pypistats_url("tensorflow")) not in server.requests


@pytest.mark.parametrize(
    ("write_failure", "name"),
    [
        pytest.param(
            lambda root: write_clickhouse_failed_midstream(
                root,
                "tensorflow",
                "2024-01",
                {"2024-01": 5, "2024-02": 6},
                241,
                "MEMORY_LIMIT_EXCEEDED",
                "Memory limit (for query) exceeded: would use 9.31 GiB, maximum: 9.31 GiB."
                " While executing AggregatingTransform",
            ),
            "MEMORY_LIMIT_EXCEEDED",
            id="200-then-exception",
        ),
        pytest.param(
            lambda root: write_clickhouse_error(
                root,
                "tensorflow",
                "2024-01",
                60,
                "UNKNOWN_TABLE",
                "Unknown table expression identifier 'pypi.pypi_downloads_per_day'",
                404,
            ),
            "UNKNOWN_TABLE",
            id="404-exception",
        ),
    ],
)
def test_a_clickhouse_exception_fails_one_package_in_one_line(
    tmp_path: Path,
    serve: Serve,
    signal_context: MakeSignalContext,
    write_failure: Callable[[Path], Path],
    name: str,
) -> None:
    write_failure(tmp_path)
    write_pypistats_days(tmp_path, "tensorflow", {date(2024, 1, d): 10 for d in range(1, 32)})
    write_clickhouse_months(tmp_path, "torch", "2024-01", {"2024-01": 7})
    write_pypistats_days(tmp_path, "torch", {})
    server = serve(tmp_path)
    ctx = signal_context(
        server.url, since="2024-01", today=date(2024, 3, 10), targets=(TENSORFLOW, TORCH)
    )

    batches = list(SIGNAL.collect(ctx))

    (problem,) = problems(batches)
    assert problem.startswith(f"tensorflow: {clickhouse_url('tensorflow', '2024-01')}: ")
    assert name in problem and "\n" not in problem
    assert values(batches, "downloads", "tensorflow") == {}
    assert values(batches, "downloads-recent", "tensorflow")["2024-01"].value == 310
    assert values(batches, "downloads", "torch")["2024-01"].value == 7


def test_a_hanging_query_times_out_and_the_rest_goes_on(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    for package in ("torch", "tensorflow"):
        write_clickhouse_months(tmp_path, package, "2024-01", {"2024-01": 3})
        write_pypistats_days(tmp_path, package, {date(2024, 1, d): 1 for d in range(1, 32)})
    server = serve(tmp_path, faults=f"hang:30@{CLICKHOUSE_HOST}/?*param_pkg=torch&*")
    ctx = signal_context(
        server.url,
        since="2024-01",
        today=date(2024, 3, 10),
        targets=(TORCH, TENSORFLOW),
        read_timeout=0.5,
    )

    batches = list(SIGNAL.collect(ctx))

    (problem,) = problems(batches)
    assert problem.startswith("torch: ") and "timeout" in problem and "\n" not in problem
    assert values(batches, "downloads-recent", "torch")["2024-01"].value == 31
    assert values(batches, "downloads", "tensorflow")["2024-01"].value == 3


def test_sample_serves_a_whole_demo_run_with_pytorch_passing_tensorflow(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    targets = load_targets()
    today = date(2026, 11, 25)
    write_sample(tmp_path, targets, today)
    server = serve(tmp_path)
    ctx = signal_context(server.url, since="2015-01", today=today, targets=targets)

    batches = list(SIGNAL.collect(ctx))

    assert problems(batches) == []
    for t in targets:
        for package in (*t.pypi, *t.pypi_companions):
            assert values(batches, "downloads", package), package
            assert values(batches, "downloads-recent", package), package

    def total(framework: str, month: str) -> float:
        return sum(
            v.value
            for b in batches
            for v in b.values
            if v.framework == framework
            and v.period == month
            and v.counted
            and v.measure == "downloads"
        )

    assert total("pytorch", "2018-06") < total("tensorflow", "2018-06")
    assert total("pytorch", "2022-06") > total("tensorflow", "2022-06")
