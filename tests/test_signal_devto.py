"""The devto signal against a mirror of the Forem API's article listings."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fwcensus.demo.sites.devto_site import (
    articles_for,
    make_article,
    write_pages,
    write_sample,
    write_tag,
)
from fwcensus.mirror.server import MirrorServer
from fwcensus.signals.base import Batch, SignalContext
from fwcensus.signals.devto import DevtoSignal, page_url, top_days
from fwcensus.signals.targets import Target, load_targets

from conftest import MakeSignalContext, Serve
from support.sites.devto_site import write_error_page

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
SINCE = "2026-05"
PER_PAGE = 30  # the spec's smallest page, so a few dozen articles span several pages
SIGNAL = DevtoSignal(per_page=PER_PAGE)
TARGETS = (Target("pytorch", devto=("pytorch",)), Target("tensorflow", devto=("tensorflow",)))
COUNTS = {
    "pytorch": {
        "2026-05": 12,
        "2026-06": 0,
        "2026-07": 25,
        "2026-08": 9,
        "2026-09": 31,
        "2026-10": 4,
        "2026-11": 7,
    },
    "tensorflow": {
        "2026-05": 6,
        "2026-06": 5,
        "2026-07": 0,
        "2026-08": 3,
        "2026-09": 8,
        "2026-10": 2,
        "2026-11": 1,
    },
}
BEFORE_SINCE = {"2026-03": 4, "2026-04": 5}  # published before the months asked for


def _articles(tag: str, first_id: int) -> list[dict[str, Any]]:
    return articles_for(tag, {**BEFORE_SINCE, **COUNTS[tag]}, first_id=first_id, now=NOW)


def _mirror(root: Path) -> None:
    for n, tag in enumerate(COUNTS):
        write_tag(root, tag, _articles(tag, 1000 * n + 1), per_page=PER_PAGE, now=NOW)


def _context(make: MakeSignalContext, server: MirrorServer, **options: object) -> SignalContext:
    return make(server.url, **{"since": SINCE, "today": TODAY, "targets": TARGETS, **options})


def _asked(server: MirrorServer) -> list[str]:
    return [r for r in server.requests if r.startswith("dev.to/api/articles")]


def _values(batches: Iterable[Batch]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for batch in batches:
        for value in batch.values:
            out.setdefault(value.series, {})[value.period] = value.value
    return out


def _expected(tag: str, months: Iterable[str] | None = None) -> dict[str, float]:
    counts = COUNTS[tag]
    return {m: float(counts[m]) for m in (months or counts)}


def test_round_trip_reads_every_page_and_counts_articles_by_month(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    server = serve(tmp_path)
    batches = list(SIGNAL.collect(_context(signal_context, server)))

    assert [b.problem for b in batches] == [None, None]
    assert _values(batches) == {tag: _expected(tag) for tag in COUNTS}  # June 0, no March/April
    pytorch = batches[0]
    listed_in_all = sum(BEFORE_SINCE.values()) + sum(COUNTS["pytorch"].values())
    pages = -(-listed_in_all // PER_PAGE)
    # The first run reads the plain listing, every page up to the empty one.
    assert [f.url for f in pytorch.requests] == [
        page_url("pytorch", n, PER_PAGE) for n in range(1, pages + 2)
    ]
    assert len(pytorch.requests) >= 4 and json.loads(pytorch.requests[-1].body) == []
    listed = [a for f in pytorch.requests for a in json.loads(f.body)]
    in_range = [a for a in listed if a["published_at"] >= "2026-05"]
    assert sum(v.value for v in pytorch.values) == len(in_range)
    assert [v.complete for v in pytorch.values] == [True] * 6 + [False]


def test_an_article_moving_up_a_page_while_read_is_counted_once(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    articles = articles_for("pytorch", {"2026-11": 40}, now=NOW)
    # Between the two reads the 30th article lost reactions and shows again on page 2.
    write_pages(tmp_path, "pytorch", [articles[:30], articles[29:], []], per_page=PER_PAGE)
    server = serve(tmp_path)
    ctx = _context(signal_context, server, since="2026-11", targets=TARGETS[:1])
    assert _values(SIGNAL.collect(ctx)) == {"pytorch": {"2026-11": 40.0}}


def test_a_page_that_only_repeats_earlier_ones_fails_the_series(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    articles = articles_for("pytorch", {"2026-11": 3}, now=NOW)
    write_pages(tmp_path, "pytorch", [articles, articles, articles], per_page=PER_PAGE)
    server = serve(tmp_path)
    ctx = _context(signal_context, server, since="2026-11", targets=TARGETS[:1])
    batches = list(SIGNAL.collect(ctx))

    assert [b.values for b in batches] == [()]
    assert "repeats earlier pages" in str(batches[0].problem)
    assert len(_asked(server)) == 2


def test_a_rerun_asks_with_top_for_the_months_after_the_last_complete_one(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    top = top_days("2026-09", TODAY)
    first_day = date(2026, 9, 1)
    # Reaches back to the first day of the month wanted, with no more than a week to spare.
    assert first_day - timedelta(days=7) <= TODAY - timedelta(days=top) <= first_day
    for n, tag in enumerate(COUNTS):
        # One article from the last day of August: inside top's margin, outside the months wanted.
        late = make_article(9000 + n, [tag], datetime(2026, 8, 31, 18, tzinfo=UTC), now=NOW)
        articles = [*_articles(tag, 1000 * n + 1), late]
        write_tag(tmp_path, tag, articles, per_page=PER_PAGE, top=top, now=NOW)
    server = serve(tmp_path)
    ctx = _context(signal_context, server, last_complete=lambda f, s, m: "2026-08")
    batches = list(SIGNAL.collect(ctx))

    wanted = ("2026-09", "2026-10", "2026-11")
    assert _values(batches) == {tag: _expected(tag, wanted) for tag in COUNTS}
    asked = _asked(server)
    assert asked and all(parse_qs(urlsplit(r).query)["top"] == [str(top)] for r in asked)
    assert {parse_qs(urlsplit(r).query)["tag"][0] for r in asked} == set(COUNTS)


def test_an_error_object_with_status_200_fails_its_tag_and_the_others_go_on(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    write_error_page(tmp_path, "pytorch", 2, per_page=PER_PAGE)
    server = serve(tmp_path)
    batches = list(SIGNAL.collect(_context(signal_context, server)))

    problems = [b.problem for b in batches if b.problem]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert problems[0].startswith("pytorch: ") and page_url("pytorch", 2, PER_PAGE) in problems[0]
    assert "error 500: Internal Server Error" in problems[0]
    assert _values(batches) == {"tensorflow": _expected("tensorflow")}


def test_a_hanging_page_is_a_timeout_for_its_tag_only(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    _mirror(tmp_path)
    server = serve(tmp_path, faults="hang:30@dev.to/api/articles?tag=pytorch&*")
    batches = list(SIGNAL.collect(_context(signal_context, server, read_timeout=0.5)))

    problems = [b.problem for b in batches if b.problem]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert "timeout" in problems[0] and page_url("pytorch", 1, PER_PAGE) in problems[0]
    assert _values(batches) == {"tensorflow": _expected("tensorflow")}


def test_the_demo_sample_answers_a_full_first_run(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    targets = load_targets()
    write_sample(tmp_path, targets, TODAY, seed=3)
    server = serve(tmp_path)
    ctx = signal_context(server.url, since="2015-01", today=TODAY, targets=targets)
    batches = list(DevtoSignal().collect(ctx))

    assert [b.problem for b in batches if b.problem] == []
    values = _values(batches)
    months = 12 * (TODAY.year - 2015) + TODAY.month
    assert set(values) == {tag for t in targets for tag in t["devto"]}
    assert all(len(by_month) == months for by_month in values.values())
    assert all(parse_qs(urlsplit(r).query)["per_page"] == ["1000"] for r in _asked(server))

    def year(tag: str, y: int) -> float:
        return sum(v for m, v in values[tag].items() if m.startswith(str(y)))

    assert year("tensorflow", 2018) > year("pytorch", 2018)
    assert year("pytorch", 2024) > year("tensorflow", 2024)
