"""The github-stars signal read from a mirror of GitHub's answers: monthly stars from the weekly
star history, today's total, renames, incremental runs, rate limits and broken answers."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fwcensus.demo.sites.github_stars_site import (
    PER_PAGE,
    history_page_url,
    history_weeks,
    sample_id,
    write_sample,
    write_stars,
)
from fwcensus.fetch.api import ApiClient, RateLimited
from fwcensus.mirror.urls import write_json_answer
from fwcensus.plugins import fetch_settings, request_headers
from fwcensus.signals.base import (
    Batch,
    Fetched,
    SignalContext,
    Value,
    month_of,
    months_between,
    next_month,
)
from fwcensus.signals.github_stars import SIGNAL
from fwcensus.signals.targets import Target, load_targets

from conftest import MakeSignalContext, Serve
from support.sites.github_site import restore, set_rate_limited, write_not_found, write_renamed
from support.sites.github_stars_site import spread_months

TODAY = date(2026, 11, 25)
THIS_MONTH = month_of(TODAY)
PT = Target("pytorch", github=("pytorch/pytorch",))
TF = Target("tensorflow", github=("tensorflow/tensorflow",))
PT_ID, TF_ID, JAX_ID = 65600975, 45717250, 154739597
NOW = 1_000_000.0  # the API client's clock in the rate-limit tests


def stars(batches: list[Batch], measure: str = "stars") -> dict[tuple[str, str], Value]:
    """(series, period) -> value; a period read twice would be a bug, so it fails here."""
    out: dict[tuple[str, str], Value] = {}
    for value in (v for b in batches for v in b.values if v.measure == measure):
        assert (value.series, value.period) not in out
        out[value.series, value.period] = value
    return out


def monthly(batches: list[Batch], series: str) -> dict[str, float]:
    return {period: v.value for (s, period), v in stars(batches).items() if s == series}


def problems(batches: list[Batch]) -> list[str]:
    return [b.problem for b in batches if b.problem]


def history_pages(requests: list[str]) -> list[str]:
    return [r for r in requests if "/stargazers/history" in r]


def start_of(week: Mapping[str, Any]) -> date:
    return date(1970, 1, 1) + timedelta(seconds=week["week"])


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def stars_in(requests: tuple[Fetched, ...], month: str) -> int:
    """The stars a batch's own history answers give ``month``: what its values must equal."""
    total = 0
    for fetched in requests:
        body = json.loads(fetched.body)
        if not isinstance(body, list):
            continue
        for week in body:
            start = start_of(week)
            total += sum(n for i, n in enumerate(week["days"])
                         if month_of(start + timedelta(days=i)) == month)  # fmt: skip
    return total


def write_months(root: Path, full_name: str, repo_id: int, numbers: dict[str, int]) -> list[Path]:
    return write_stars(root, full_name, repo_id, spread_months(numbers, TODAY), TODAY)


@contextmanager
def clocked_context(url: str, sleeps: list[float], on_sleep: Path,
                    targets: tuple[Target, ...]) -> Iterator[SignalContext]:  # fmt: skip
    """A context whose API client has a fixed clock; each wait restores ``on_sleep``'s answer
    (the rate-limit window has reset)."""

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        restore(on_sleep)

    settings = fetch_settings(mirror=url, rate=0.0, attempts=2, backoff=0.01)
    with ApiClient(settings, request_headers({}), sleep=sleep, clock=lambda: NOW) as api:
        yield SignalContext(api, targets, "2025-06", TODAY)


NUMBERS = {"2026-04": 17, "2026-05": 40, "2026-06": 0, "2026-07": 13, "2026-08": 61,
           "2026-09": 7, "2026-10": 29, "2026-11": 5}  # fmt: skip


def test_round_trip_monthly_stars_and_total(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_months(tmp_path, "pytorch/pytorch", PT_ID, NUMBERS)
    server = serve(tmp_path)
    batches = list(SIGNAL.collect(signal_context(server.url, since="2026-02", targets=(PT,))))
    assert problems(batches) == []
    wanted = months_between("2026-02", THIS_MONTH)
    # Before the history's first week and in June nothing was starred: stored zeros.
    assert monthly(batches, str(PT_ID)) == {m: NUMBERS.get(m, 0) for m in wanted}
    assert {v.period for v in stars(batches).values() if not v.complete} == {THIS_MONTH}
    assert {v.framework for b in batches for v in b.values} == {"pytorch"}
    total = stars(batches, "stars-total")
    assert list(total) == [(str(PT_ID), TODAY.isoformat())]
    assert total[str(PT_ID), TODAY.isoformat()].value == sum(NUMBERS.values())
    # The history took two pages, the second named by the first one's Link header.
    assert history_pages(server.requests)[1].endswith("page=2")
    for batch in batches:
        for value in (v for v in batch.values if v.measure == "stars"):
            assert stars_in(batch.requests, value.period) == value.value


def test_a_week_across_a_month_end_is_split_by_day(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    daily = {date(2026, 5, 31): 3, date(2026, 6, 2): 5, date(2026, 6, 30): 2, date(2026, 7, 1): 4}
    write_stars(tmp_path, "pytorch/pytorch", PT_ID, daily, TODAY)
    straddling = [w for w in history_weeks(daily, TODAY) if w["days"] == [3, 0, 5, 0, 0, 0, 0]]
    assert len(straddling) == 1  # the mirror holds one week from May 31 to June 6
    ctx = signal_context(serve(tmp_path).url, since="2026-05", targets=(PT,))
    expected = dict.fromkeys(months_between("2026-05", THIS_MONTH), 0)
    for day, count in daily.items():
        expected[month_of(day)] += count
    assert monthly(list(SIGNAL.collect(ctx)), str(PT_ID)) == expected


@pytest.mark.parametrize("last", ["2026-08", "2025-12"])
def test_incremental_run_asks_only_later_months_and_stops_paging(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext, last: str
) -> None:
    numbers = {m: 10 + i for i, m in enumerate(months_between("2024-01", THIS_MONTH))}
    daily = spread_months(numbers, TODAY)
    write_stars(tmp_path, "pytorch/pytorch", PT_ID, daily, TODAY)
    server = serve(tmp_path)
    asked: list[tuple[str, str, str]] = []

    def last_complete(framework: str, series: str, measure: str) -> str | None:
        asked.append((framework, series, measure))
        return last

    ctx = signal_context(server.url, since="2015-01", targets=(PT,), last_complete=last_complete)
    batches = list(SIGNAL.collect(ctx))
    assert ("pytorch", str(PT_ID), "stars") in asked
    wanted = months_between(next_month(last), THIS_MONTH)
    assert monthly(batches, str(PT_ID)) == {m: numbers[m] for m in wanted}
    # Newest first: the pages up to the one holding the first wanted month's first day.
    starts = [start_of(week) for week in history_weeks(daily, TODAY)]
    index = next(i for i, start in enumerate(starts) if start <= first_day(wanted[0]))
    pages = index // PER_PAGE + 1
    assert len(starts) > pages * PER_PAGE  # there were older pages to ask for
    assert history_pages(server.requests) == [
        history_page_url("pytorch/pytorch", PT_ID, n).removeprefix("https://")
        for n in range(1, pages + 1)
    ]


def test_error_body_with_status_200_is_a_problem_of_that_series(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_months(tmp_path, "pytorch/pytorch", PT_ID, NUMBERS)
    write_months(tmp_path, "tensorflow/tensorflow", TF_ID, NUMBERS)
    url = history_page_url("pytorch/pytorch", PT_ID, 1)
    write_json_answer(tmp_path, url, {"message": "Server Error"})  # status 200
    ctx = signal_context(serve(tmp_path).url, since="2026-04", targets=(PT, TF))
    batches = list(SIGNAL.collect(ctx))
    [problem] = problems(batches)
    assert problem.startswith("pytorch/pytorch: ") and url in problem
    assert "Server Error" in problem and "\n" not in problem
    assert monthly(batches, str(PT_ID)) == {}
    assert monthly(batches, str(TF_ID)) == {
        m: NUMBERS[m] for m in months_between("2026-04", THIS_MONTH)
    }


def test_hanging_history_times_out_and_the_next_series_goes_on(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_months(tmp_path, "pytorch/pytorch", PT_ID, NUMBERS)
    write_months(tmp_path, "tensorflow/tensorflow", TF_ID, NUMBERS)
    server = serve(tmp_path, faults="hang:30@api.github.com/repos/pytorch/pytorch/stargazers/*")
    ctx = signal_context(server.url, since="2026-04", targets=(PT, TF), read_timeout=0.5)
    batches = list(SIGNAL.collect(ctx))
    [problem] = problems(batches)
    assert problem.startswith("pytorch/pytorch: ") and "timeout" in problem
    assert "\n" not in problem
    assert monthly(batches, str(TF_ID)) == {
        m: NUMBERS[m] for m in months_between("2026-04", THIS_MONTH)
    }


def test_missing_repository_is_a_problem_of_that_series_only(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_not_found(tmp_path, "apache", "mxnet")
    write_months(tmp_path, "pytorch/pytorch", PT_ID, NUMBERS)
    targets = (Target("mxnet", github=("apache/mxnet",)), PT)
    batches = list(
        SIGNAL.collect(signal_context(serve(tmp_path).url, since="2026-04", targets=targets))
    )
    [problem] = problems(batches)
    assert problem.startswith("apache/mxnet: ") and "404" in problem
    assert monthly(batches, str(PT_ID)) == {
        m: NUMBERS[m] for m in months_between("2026-04", THIS_MONTH)
    }


def test_renamed_repository_keeps_one_series_keyed_by_its_id(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_months(tmp_path, "jax-ml/jax", JAX_ID, NUMBERS)
    write_renamed(tmp_path, "google/jax", JAX_ID)
    server = serve(tmp_path)
    # The old name and the new one both listed: still one series.
    targets = (Target("jax", github=("google/jax", "jax-ml/jax")),)
    batches = list(SIGNAL.collect(signal_context(server.url, since="2026-04", targets=targets)))
    assert problems(batches) == []
    assert {v.series for b in batches for v in b.values} == {str(JAX_ID)}
    assert len(stars(batches, "stars-total")) == 1
    assert monthly(batches, str(JAX_ID)) == {
        m: NUMBERS[m] for m in months_between("2026-04", THIS_MONTH)
    }
    asked = [r for r in server.requests if not r.endswith("/robots.txt")]
    assert asked[:3] == [
        "api.github.com/repos/google/jax",
        f"api.github.com/repositories/{JAX_ID}",  # the 301's Location
        f"api.github.com/repos/jax-ml/jax/stargazers/history?per_page={PER_PAGE}",
    ]
    assert not [r for r in server.requests if r.startswith("api.github.com/repos/google/jax/")]


def test_rate_limit_mid_run_waits_until_reset_then_resumes(tmp_path: Path, serve: Serve) -> None:
    numbers = {m: 3 * i for i, m in enumerate(months_between("2025-06", THIS_MONTH))}
    pages = write_months(tmp_path, "pytorch/pytorch", PT_ID, numbers)
    assert len(pages) >= 2
    set_rate_limited(pages[1], reset=int(NOW) + 2)
    waits: list[float] = []
    with clocked_context(serve(tmp_path).url, waits, pages[1], (PT,)) as ctx:
        batches = list(SIGNAL.collect(ctx))
    assert waits == [3.0]  # until the reset, plus a second of margin
    assert problems(batches) == []
    assert monthly(batches, str(PT_ID)) == numbers


def test_rate_limit_too_far_away_stops_the_signal_and_keeps_what_was_read_as_not_complete(
    tmp_path: Path, serve: Serve
) -> None:
    numbers = {m: 3 * i + 1 for i, m in enumerate(months_between("2025-06", THIS_MONTH))}
    daily = spread_months(numbers, TODAY)
    pages = write_stars(tmp_path, "pytorch/pytorch", PT_ID, daily, TODAY)
    write_months(tmp_path, "tensorflow/tensorflow", TF_ID, NUMBERS)
    set_rate_limited(pages[1], reset=int(NOW) + 10_000)  # past the client's longest wait
    server = serve(tmp_path)
    kept: list[Batch] = []
    with (
        clocked_context(server.url, [], pages[1], (PT, TF)) as ctx,
        pytest.raises(RateLimited),
    ):
        for batch in SIGNAL.collect(ctx):
            kept.append(batch)
    # Kept: today's total and the months the first page reaches back to in full.
    oldest = start_of(history_weeks(daily, TODAY)[PER_PAGE - 1])
    read = [m for m in numbers if first_day(m) >= oldest]
    assert read and monthly(kept, str(PT_ID)) == {m: numbers[m] for m in read}
    # ...stored as not complete: the next run must read the older months too.
    assert not [v for b in kept for v in b.values if v.measure == "stars" and v.complete]
    assert stars(kept, "stars-total")[str(PT_ID), TODAY.isoformat()].value == sum(numbers.values())
    assert not [r for r in server.requests if "tensorflow" in r]


def test_malformed_week_is_a_problem(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_months(tmp_path, "pytorch/pytorch", PT_ID, NUMBERS)
    url = history_page_url("pytorch/pytorch", PT_ID, 1)
    write_json_answer(tmp_path, url, [{"week": 1795996800, "total": 9, "days": [1, 2, 3]}])
    batches = list(SIGNAL.collect(signal_context(serve(tmp_path).url, targets=(PT,))))
    [problem] = problems(batches)
    assert "1795996800" in problem and "days" in problem


def test_empty_history_is_zeros_only_for_a_repository_without_stars(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_stars(tmp_path, "pytorch/pytorch", PT_ID, {}, TODAY, stars=12)
    write_stars(tmp_path, "tensorflow/tensorflow", TF_ID, {}, TODAY)
    ctx = signal_context(serve(tmp_path).url, since="2026-09", targets=(PT, TF))
    batches = list(SIGNAL.collect(ctx))
    [problem] = problems(batches)
    assert problem.startswith("pytorch/pytorch: ") and "12 stars" in problem
    assert monthly(batches, str(TF_ID)) == dict.fromkeys(months_between("2026-09", THIS_MONTH), 0)


def test_demo_sample_serves_every_target_since_2015(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    targets = load_targets()
    write_sample(tmp_path, targets, TODAY)
    batches = list(SIGNAL.collect(signal_context(serve(tmp_path).url, since="2015-01")))
    assert problems(batches) == []
    months = months_between("2015-01", THIS_MONTH)
    per_framework: dict[str, dict[str, float]] = {}
    for target in targets:
        for name in target["github"]:
            series = monthly(batches, str(sample_id(name)))
            assert sorted(series) == months
            total = stars(batches, "stars-total")[str(sample_id(name)), TODAY.isoformat()]
            assert sum(series.values()) == total.value  # every repository starts after 2015-01
            per_framework[target.framework] = series

    def year(framework: str, year: str) -> float:
        return sum(v for m, v in per_framework[framework].items() if m.startswith(year))

    assert year("tensorflow", "2017") > 2 * year("pytorch", "2017")
    assert year("pytorch", "2022") > year("tensorflow", "2022")
