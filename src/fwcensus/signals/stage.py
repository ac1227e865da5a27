"""The signals stage: run each signal against its API and store every batch as it comes.

A batch is stored in one transaction with the answers behind it, so a run stopped by a spent
quota, a rate limit or a kill keeps every value read before; the next run asks only for the
months after the last complete one stored (``SignalContext.start``), and re-asks the month not
over yet. A signal that fails or stops does not stop the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from functools import partial

from fwcensus.fetch.api import ApiClient, RateLimited
from fwcensus.fetch.client import FetchError
from fwcensus.fetch.policy import one_line
from fwcensus.progress import progress_counter
from fwcensus.signals.base import Batch, Signal, SignalContext, SignalError
from fwcensus.signals.local import StoreData
from fwcensus.signals.registry import DEFAULT_SINCE, targets
from fwcensus.store import Store
from fwcensus.store.signals import RequestRow, ValueRow


@dataclass
class SignalSummary:
    name: str
    outcome: str = "complete"  # complete | stopped (resume later) | failed
    reason: str | None = None
    requests: int = 0
    stored: int = 0
    problems: list[str] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set, repr=False)  # answers counted

    def line(self) -> str:
        text = f"signals {self.name}: {self.outcome}, {self.requests} requests,"
        text += f" {self.stored} values"
        if self.problems:
            text += f", {len(self.problems)} series with problems"
        return text + (f" ({self.reason})" if self.reason else "")


def collect_signals(
    store: Store,
    api: ApiClient,
    signals: Sequence[Signal],
    since: str = DEFAULT_SINCE,
    today: date | None = None,
    say: Callable[[str], None] = print,
    env: Mapping[str, str] | None = None,
) -> list[SignalSummary]:
    """Run ``signals`` in turn; ``env`` holds the API keys (default: the process environment)."""
    today = today or datetime.now(UTC).date()
    env = os.environ if env is None else env
    summaries = []
    for signal in signals:
        measures = [asdict(m) for m in signal.measures]
        store.signals.save_meta(signal.name, signal.title, measures, signal.caveats)
        ctx = SignalContext(api, targets(), since, today,
                            partial(store.signals.last_complete, signal.name), env=env,
                            local=StoreData(store))  # fmt: skip
        summary = _collect_one(store, signal, ctx)
        for problem in summary.problems:
            say(f"signals {signal.name}: {problem}")
        say(summary.line())
        summaries.append(summary)
    return summaries


def _collect_one(store: Store, signal: Signal, ctx: SignalContext) -> SignalSummary:
    summary = SignalSummary(signal.name)
    run_id = store.signals.start_run(signal.name)
    try:
        with progress_counter(f"signals {signal.name}", "requests") as advance:
            for batch in signal.collect(ctx):
                before = summary.requests
                _store_batch(store, signal.name, batch, summary)
                advance(summary.requests - before, batch.problem or "")
    except RateLimited as exc:  # QuotaExhausted too
        summary.outcome = "stopped"
        summary.reason = f"{one_line(exc)}; the next run resumes from the first month missing"
    except (SignalError, FetchError) as exc:
        summary.outcome, summary.reason = "failed", one_line(exc)
    finally:
        store.signals.finish_run(run_id, summary.outcome, summary.reason, summary.requests,
                                 summary.stored, summary.problems)  # fmt: skip
    return summary


def _store_batch(store: Store, name: str, batch: Batch, summary: SignalSummary) -> None:
    requests = [RequestRow(r.url, r.status, r.retrieved_at, r.body, r.sent) for r in batch.requests]
    values = [
        ValueRow(v.framework, v.series, v.measure, v.period, v.value, v.complete, v.counted)
        for v in batch.values
    ]
    summary.stored += store.signals.save_batch(name, requests, values)
    # A page behind the months of two batches comes in both; count each answer once, and
    # only those asked now (not the store's own papers or an archive kept by an earlier run).
    fresh = {(r.url, r.retrieved_at) for r in batch.requests if r.asked} - summary.seen
    summary.requests += len(fresh)
    summary.seen |= fresh
    if batch.problem:
        summary.problems.append(batch.problem)
