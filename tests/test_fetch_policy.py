"""The sans-I/O pieces of politeness: host schedule, circuit breaker, robots.txt rules."""

from __future__ import annotations

import pytest

from fwcensus.fetch.breaker import HostBreaker
from fwcensus.fetch.robots import rules_from
from fwcensus.fetch.schedule import MARGIN, HostSchedule


def test_schedule_spaces_each_host_by_its_rate() -> None:
    clock = [0.0]
    schedule = HostSchedule(2.0, {"export.arxiv.org": 1 / 3}, clock=lambda: clock[0])
    waits = [schedule.reserve("a.org") for _ in range(3)]
    assert waits == pytest.approx([0, 0.5 * MARGIN, 1.0 * MARGIN])
    assert schedule.reserve("b.org") == 0  # another host has its own budget
    assert schedule.reserve("export.arxiv.org") == 0
    assert schedule.reserve("export.arxiv.org") == pytest.approx(3.0 * MARGIN)
    clock[0] = 100.0  # an idle host does not bank slots for a burst later
    assert [schedule.reserve("a.org") for _ in range(2)] == pytest.approx([0, 0.5 * MARGIN])


def test_requests_that_wake_late_together_are_kept_apart() -> None:
    clock = [0.0]
    schedule = HostSchedule(2.0, clock=lambda: clock[0])
    first, second = schedule.reserve("a.org"), schedule.reserve("a.org")
    assert (first, second) == pytest.approx((0, 0.5 * MARGIN))
    clock[0] = 0.6  # a stall: both wake now, the first one late
    assert schedule.until_free("a.org") == 0
    schedule.mark_sent("a.org")
    assert schedule.until_free("a.org") == pytest.approx(0.5 * MARGIN)  # the second waits
    assert schedule.reserve("a.org") == pytest.approx(0.5 * MARGIN)  # and so do later ones


def test_crawl_delay_only_slows_a_host_down() -> None:
    schedule = HostSchedule(1.0, clock=lambda: 0.0)
    schedule.slow_down("a.org", 5.0)
    schedule.slow_down("b.org", 0.1)
    assert schedule.interval("a.org") == 5.0
    assert schedule.interval("b.org") == pytest.approx(MARGIN)
    assert HostSchedule(0).reserve("a.org") == 0  # no limit at all: local mirrors only


def test_breaker_pauses_after_errors_in_a_row_longer_each_time() -> None:
    clock = [0.0]
    breaker = HostBreaker(errors=3, pause=10, trips=2, clock=lambda: clock[0])
    assert not any(breaker.record_failure("HTTP 503") for _ in range(2))
    breaker.record_success()  # a success in between resets the count
    assert [breaker.record_failure("HTTP 503") for _ in range(3)] == [False, False, True]
    assert breaker.wait_time() == 10 and not breaker.given_up
    clock[0] = 10
    assert [breaker.record_failure("HTTP 503") for _ in range(3)][-1]
    assert breaker.wait_time() == 20 and breaker.given_up


def test_robots_rules_follow_rfc_9309() -> None:
    rules = rules_from(200, b"User-agent: *\nDisallow: /private/\nCrawl-delay: 4\n")
    assert rules.allowed("https://a.org/papers/x.pdf")
    assert not rules.allowed("https://a.org/private/x.pdf")
    assert rules.crawl_delay == 4
    ours = rules_from(200, b"User-agent: fwcensus\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    assert not ours.allowed("https://a.org/x.pdf")
    assert rules_from(404, b"").allowed("https://a.org/anything")  # no robots.txt: allowed
    assert not rules_from(503, b"").allowed("https://a.org/anything")  # unreadable: disallowed
    assert not rules_from(None, b"").allowed("https://a.org/anything")  # unreachable
