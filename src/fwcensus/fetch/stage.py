"""The fetch stage: download every pending PDF into the blob store, politely and resumably.

A document's state lives in the store (pending, fetched, failed, skipped) and changes only
after its bytes are safely in place, so a killed run loses at most the downloads in flight and
a re-run picks up exactly the documents still pending.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from fwcensus.fetch.downloader import Downloader, Outcome
from fwcensus.fetch.policy import FetchSettings, host_of
from fwcensus.models import DocStatus, Selection
from fwcensus.progress import FetchProgress
from fwcensus.store import Store

log = logging.getLogger(__name__)


class _Recorder:
    """Writes each settled document to the store from a thread of its own.

    A store write on the event loop holds up every request about to go out, and requests held
    up together reach their host bunched, over its budget. A document is in the store a few
    milliseconds after it settles; a kill in between costs only that download."""

    def __init__(self, db_path: Path) -> None:
        self._db_path = db_path
        self._queue: queue.SimpleQueue[Outcome | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="fetch-recorder", daemon=True)
        self._error: BaseException | None = None

    def __enter__(self) -> _Recorder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def record(self, outcome: Outcome) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(outcome)

    def _run(self) -> None:
        try:
            with Store(self._db_path) as store:
                while (outcome := self._queue.get()) is not None:
                    store.documents.save_fetch(outcome.document.id, outcome.result, outcome.status)
        except BaseException as exc:  # handed to the fetching thread, which raises it
            self._error = exc


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
    store.documents.reset_missing_blobs()
    statuses = (DocStatus.PENDING, DocStatus.FAILED) if retry_failed else (DocStatus.PENDING,)
    todo = [doc for doc in store.documents.with_status(selection, statuses) if doc.url]
    already = len(store.documents.with_status(selection, (DocStatus.FETCHED,)))
    counts: Counter[DocStatus] = Counter()
    hosts = len({host_of(d.url or "") for d in todo})
    log.info("fetch: %d documents to fetch from %d hosts (%d fetched before)", len(todo), hosts,
             already)  # fmt: skip
    with FetchProgress(total=len(todo), hosts=hosts) as bar, _Recorder(store.path) as recorder:
        downloader = Downloader(settings, store.blobs, transport, on_host=bar.host)

        def settle(outcome: Outcome) -> None:
            if outcome.status is not DocStatus.PENDING:
                recorder.record(outcome)
            counts[outcome.status] += 1
            result, url = outcome.result, outcome.document.url
            if result.ok:
                log.debug("fetched %s: %d bytes", url, result.size or 0)
            else:
                log.info("%s: %s (%s)", url, result.error, outcome.status.value)
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
