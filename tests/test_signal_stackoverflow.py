"""The stackoverflow signal against a mirror of the Stack Exchange API."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from fwcensus.demo.sites.stackexchange_site import write_sample, write_total, write_totals
from fwcensus.mirror.server import MirrorServer
from fwcensus.signals.base import Batch, QuotaExhausted, SignalContext, Value
from fwcensus.signals.stackoverflow import SIGNAL, questions_url
from fwcensus.signals.targets import Target, load_targets

from conftest import MakeSignalContext, Serve
from support.sites.stackexchange_site import write_error, write_throttle

TODAY = date(2026, 11, 25)
SINCE = "2026-07"
TARGETS = (
    Target("pytorch", stackoverflow=("pytorch",)),
    Target("tensorflow", stackoverflow=("tensorflow",)),
)
COUNTS = {
    "pytorch": {"2026-07": 412, "2026-08": 0, "2026-09": 388, "2026-10": 351, "2026-11": 97},
    "tensorflow": {"2026-07": 160, "2026-08": 149, "2026-09": 133, "2026-10": 0, "2026-11": 41},
}


def _expected(tag: str, months: Iterable[str] | None = None) -> dict[str, float]:
    counts = COUNTS[tag]
    return {m: float(counts[m]) for m in (months or counts)}


EVERY_MONTH = {tag: _expected(tag) for tag in COUNTS}


def _mirror(root: Path) -> None:
    for tag, totals in COUNTS.items():
        write_totals(root, tag, totals)


def _context(make: MakeSignalContext, server: MirrorServer, **options: object) -> SignalContext:
    return make(server.url, **{"since": SINCE, "today": TODAY, "targets": TARGETS, **options})


def _asked(server: MirrorServer) -> list[str]:
    return [r for r in server.requests if r.startswith("api.stackexchange.com/2.3/questions")]


def _target(tag: str, month: str) -> str:
    return questions_url(tag, month).removeprefix("https://")


def _values(batches: Iterable[Batch]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for batch in batches:
        for value in batch.values:
            out.setdefault(value.series, {})[value.period] = value.value
    return out


def _collect_until_stopped(ctx: SignalContext) -> tuple[list[Batch], QuotaExhausted]:
    batches: list[Batch] = []
    with pytest.raises(QuotaExhausted) as stop:
        for batch in SIGNAL.collect(ctx):
            batches.append(batch)
    return batches, stop.value


def _last_complete(batches: Iterable[Batch]) -> Callable[[str, str, str], str | None]:
    stored: dict[tuple[str, str, str], str] = {}
    for batch in batches:
        for v in batch.values:
            if v.complete:
                key = (v.framework, v.series, v.measure)
                stored[key] = max(stored.get(key, v.period), v.period)
    return lambda framework, series, measure: stored.get((framework, series, measure))


def _epoch(year: int, month: int) -> int:
    return int(datetime(year, month, 1, tzinfo=UTC).timestamp())


def test_round_trip_gives_each_month_with_its_request_and_an_empty_month_as_zero(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    server = serve(tmp_path)
    batches = list(SIGNAL.collect(_context(signal_context, server)))

    assert _values(batches) == EVERY_MONTH
    assert all(b.problem is None and len(b.requests) == 1 and len(b.values) == 1 for b in batches)
    for batch in batches:
        value: Value = batch.values[0]
        fetched = batch.requests[0]
        assert json.loads(fetched.body) == {"total": value.value}
        query = parse_qs(urlsplit(fetched.url).query)
        year, month = int(value.period[:4]), int(value.period[5:7])
        after = (year + month // 12, month % 12 + 1)
        # The month from its first to its last second: no question falls into two months.
        assert query["fromdate"] == [str(_epoch(year, month))]
        assert query["todate"] == [str(_epoch(*after) - 1)]
        assert query["tagged"] == [value.series]
        assert query["site"] == ["stackoverflow"] and query["filter"] == ["total"]
        assert "key" not in query
        assert value.complete == (value.period != "2026-11")


def test_months_are_walked_oldest_first_with_every_tag_per_month(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    server = serve(tmp_path)
    list(SIGNAL.collect(_context(signal_context, server)))
    months = list(COUNTS["pytorch"])
    assert _asked(server) == [_target(tag, m) for m in months for tag in COUNTS]


def test_a_rerun_asks_only_for_the_months_after_the_last_complete_one(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    server = serve(tmp_path)
    ctx = _context(signal_context, server, last_complete=lambda f, s, m: "2026-09")
    values = _values(SIGNAL.collect(ctx))

    assert _asked(server) == [_target(tag, m) for m in ("2026-10", "2026-11") for tag in COUNTS]
    assert values == {tag: _expected(tag, ("2026-10", "2026-11")) for tag in COUNTS}


def test_the_key_from_the_environment_is_sent_in_the_query(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "abcKEY(("
    monkeypatch.setenv("STACKEXCHANGE_KEY", key)
    for tag, totals in COUNTS.items():
        for month, total in totals.items():
            write_total(tmp_path, tag, month, total, key=key)
    server = serve(tmp_path)
    batches = list(SIGNAL.collect(_context(signal_context, server, since="2026-11")))

    assert [b.problem for b in batches] == [None, None]
    assert all(parse_qs(urlsplit(b.requests[0].url).query)["key"] == [key] for b in batches)


def test_a_spent_quota_stops_the_signal_and_a_rerun_resumes_at_the_first_missing_month(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    write_throttle(tmp_path, "tensorflow", "2026-09", seconds=67194)
    server = serve(tmp_path)
    first, stop = _collect_until_stopped(_context(signal_context, server))

    assert stop.wait == 67194
    assert "throttle_violation" in str(stop) and _target("tensorflow", "2026-09") in str(stop)
    assert _values(first) == {
        "pytorch": _expected("pytorch", ("2026-07", "2026-08", "2026-09")),
        "tensorflow": _expected("tensorflow", ("2026-07", "2026-08")),
    }

    write_totals(tmp_path, "tensorflow", {"2026-09": COUNTS["tensorflow"]["2026-09"]})
    before = len(_asked(server))
    ctx = _context(signal_context, server, last_complete=_last_complete(first))
    second = list(SIGNAL.collect(ctx))

    assert _asked(server)[before:] == [
        _target("tensorflow", "2026-09"),
        *(_target(tag, m) for m in ("2026-10", "2026-11") for tag in COUNTS),
    ]
    assert _values([*first, *second]) == EVERY_MONTH


def test_quota_remaining_zero_keeps_that_answer_and_asks_nothing_more(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    write_total(tmp_path, "pytorch", "2026-08", 0, quota_remaining=0)
    server = serve(tmp_path)
    batches, stop = _collect_until_stopped(_context(signal_context, server))

    assert _asked(server)[-1] == _target("pytorch", "2026-08")
    assert _values(batches)["pytorch"] == {"2026-07": 412.0, "2026-08": 0.0}
    assert "quota_remaining" in str(stop)


def test_backoff_is_waited_out_before_the_next_call(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    write_total(tmp_path, "pytorch", "2026-08", 0, backoff=7)
    server = serve(tmp_path)
    waits: list[tuple[float, int]] = []
    ctx = _context(signal_context, server, sleep=lambda s: waits.append((s, len(_asked(server)))))
    values = _values(SIGNAL.collect(ctx))

    backed_off = _asked(server).index(_target("pytorch", "2026-08")) + 1
    assert waits == [(7.0, backed_off)]  # after that answer, before any other call
    assert values["pytorch"]["2026-08"] == 0.0 and len(_asked(server)) == 10


def test_an_error_body_with_status_200_fails_its_series_and_the_others_go_on(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    write_error(tmp_path, "pytorch", "2026-08", 400, "bad_parameter", "todate", status=200)
    server = serve(tmp_path)
    batches = list(SIGNAL.collect(_context(signal_context, server)))

    problems = [b.problem for b in batches if b.problem]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert problems[0].startswith("pytorch: ")
    assert questions_url("pytorch", "2026-08") in problems[0] and "bad_parameter" in problems[0]
    values = _values(batches)
    assert values["pytorch"] == {"2026-07": 412.0}  # its later months wait for the next run
    assert values["tensorflow"] == EVERY_MONTH["tensorflow"]
    assert not any("tagged=pytorch" in r for r in _asked(server)[3:])


def test_a_hanging_answer_is_a_timeout_for_its_series_only(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    server = serve(tmp_path, faults="hang:30@api.stackexchange.com/2.3/questions?tagged=pytorch&*")
    ctx = _context(signal_context, server, read_timeout=0.5)
    batches = list(SIGNAL.collect(ctx))

    problems = [b.problem for b in batches if b.problem]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert "timeout" in problems[0] and questions_url("pytorch", "2026-07") in problems[0]
    values = _values(batches)
    assert "pytorch" not in values
    assert values["tensorflow"] == EVERY_MONTH["tensorflow"]


def test_the_demo_sample_answers_a_full_first_run(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    targets = load_targets()
    write_sample(tmp_path, targets, TODAY, seed=3)
    server = serve(tmp_path)
    ctx = signal_context(server.url, since="2015-01", today=TODAY, targets=targets)
    batches = list(SIGNAL.collect(ctx))

    assert [b.problem for b in batches if b.problem] == []
    values = _values(batches)
    months = 12 * (TODAY.year - 2015) + TODAY.month
    assert set(values) == {tag for t in targets for tag in t["stackoverflow"]}
    assert all(len(by_month) == months for by_month in values.values())

    def year(tag: str, y: int) -> float:
        return sum(v for m, v in values[tag].items() if m.startswith(str(y)))

    assert year("tensorflow", 2018) > year("pytorch", 2018)
    assert year("pytorch", 2022) > year("tensorflow", 2022)
    # The site's own decline after 2023 shows in every large tag.
    assert all(year(tag, 2025) < year(tag, 2022) for tag in ("pytorch", "tensorflow", "keras"))
