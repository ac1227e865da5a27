"""The fetch stage: download every pending PDF into the blob store, politely and resumably.

A document's state lives in the store (pending, fetched, failed, skipped) and changes only
after its bytes are safely in place, so a killed run loses at most the downloads in flight and
a re-run picks up exactly the documents still pending.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass

import httpx

from fwcensus.fetch.downloader import Downloader, Outcome
from fwcensus.fetch.policy import FetchSettings, host_of
from fwcensus.models import DocStatus, Selection
from fwcensus.progress import FetchProgress
from fwcensus.store import Store


@dataclass(frozen=True)
class FetchSummary:
    fetched: int
    failed: int
    skipped: int
    left_pending: int  # hosts given up or robots.txt unreadable this run: a re-run takes them
    already: int
    bytes: int


def fetch_documents(
    store: Store,
    settings: FetchSettings,
    selection: Selection,
    retry_failed: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FetchSummary:
    store.blobs.clean_tmp()
    store.reset_missing_blobs()
    statuses = (DocStatus.PENDING, DocStatus.FAILED) if retry_failed else (DocStatus.PENDING,)
    todo = [doc for doc in store.documents(selection, statuses) if doc.url]
    already = len(store.documents(selection, (DocStatus.FETCHED,)))
    counts: Counter[DocStatus] = Counter()
    with FetchProgress(total=len(todo), hosts=len({host_of(d.url or "") for d in todo})) as bar:
        downloader = Downloader(settings, store.blobs, transport, on_host=bar.host)

        def settle(outcome: Outcome) -> None:
            if outcome.status is not DocStatus.PENDING:
                store.save_fetch(outcome.document.id, outcome.result, outcome.status)
            counts[outcome.status] += 1
            bar.done(outcome.result.size or 0, outcome.result.error or "")

        asyncio.run(downloader.run(todo, settle))
    return FetchSummary(
        fetched=counts[DocStatus.FETCHED],
        failed=counts[DocStatus.FAILED],
        skipped=counts[DocStatus.SKIPPED],
        left_pending=counts[DocStatus.PENDING],
        already=already,
        bytes=downloader.bytes_received,
    )
