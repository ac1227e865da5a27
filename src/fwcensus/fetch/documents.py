"""The fetch stage: download every pending PDF into the blob store, politely and resumably.

A document's state lives in the store (pending, fetched, failed, skipped) and changes only
after its bytes are safely in place, so a killed run loses at most the download in flight and
a re-run picks up exactly the documents still pending.
"""

from __future__ import annotations

from dataclasses import dataclass

from fwcensus.fetch.client import Body, FetchError, HttpClient, TooLarge
from fwcensus.models import DocStatus, FetchResult, Selection
from fwcensus.progress import progress_bar
from fwcensus.store import Store
from fwcensus.store.blobs import BlobStore

# The PDF specification lets the header start anywhere in the first 1024 bytes.
PDF_MAGIC = b"%PDF-"
HEADER_WINDOW = 1024


class NotAPdf(FetchError):
    pass


@dataclass(frozen=True)
class StoredPdf:
    sha256: str
    size: int


@dataclass(frozen=True)
class FetchSummary:
    fetched: int
    failed: int
    skipped: int
    already: int


def fetch_documents(
    store: Store, client: HttpClient, selection: Selection, retry_failed: bool = False
) -> FetchSummary:
    store.blobs.clean_tmp()
    store.reset_missing_blobs()
    statuses = (DocStatus.PENDING, DocStatus.FAILED) if retry_failed else (DocStatus.PENDING,)
    todo = store.documents(selection, statuses)
    already = len(store.documents(selection, (DocStatus.FETCHED,)))
    counts = {DocStatus.FETCHED: 0, DocStatus.FAILED: 0, DocStatus.SKIPPED: 0}
    with progress_bar("fetch", total=len(todo), unit="docs") as advance:
        for doc in todo:
            status, result = _fetch_one(store.blobs, client, doc.url)
            store.save_fetch(doc.id, result, status)
            counts[status] += 1
            advance(result.error or "")
    return FetchSummary(
        fetched=counts[DocStatus.FETCHED],
        failed=counts[DocStatus.FAILED],
        skipped=counts[DocStatus.SKIPPED],
        already=already,
    )


def _fetch_one(blobs: BlobStore, client: HttpClient, url: str) -> tuple[DocStatus, FetchResult]:
    try:
        response = client.request(url, lambda body: _store_pdf(blobs, url, body))
    except TooLarge as exc:
        return DocStatus.SKIPPED, _failure(exc)
    except FetchError as exc:
        return DocStatus.FAILED, _failure(exc)
    stored = response.body
    return DocStatus.FETCHED, FetchResult(
        ok=True,
        sha256=stored.sha256,
        size=stored.size,
        content_type=response.content_type,
        final_url=response.final_url,
        attempts=response.attempts,
        last_status=response.status,
    )


def _failure(exc: FetchError) -> FetchResult:
    return FetchResult(ok=False, error=exc.reason, attempts=exc.attempts, last_status=exc.status)


def _store_pdf(blobs: BlobStore, url: str, body: Body) -> StoredPdf:
    """Stream the body into the blob store, refusing anything that is not a PDF.

    The check reads the bytes, not the Content-Type: servers answer error pages, login walls
    and captchas as application/pdf with status 200.
    """
    content_type = body.headers.get("content-type", "")
    with blobs.writer() as sink:
        head = b""
        for chunk in body.iter_bytes():
            if len(head) < HEADER_WINDOW:
                head += chunk[: HEADER_WINDOW - len(head)]
                if len(head) == HEADER_WINDOW and PDF_MAGIC not in head:
                    raise _not_a_pdf(url, content_type, head)  # stop reading an HTML page
            sink.write(chunk)
        if PDF_MAGIC not in head:
            raise _not_a_pdf(url, content_type, head)
    return StoredPdf(sha256=sink.hexdigest(), size=sink.size)


def _not_a_pdf(url: str, content_type: str, head: bytes) -> NotAPdf:
    if not head:
        return NotAPdf(url, "not a PDF: empty body", 200)
    start = " ".join(head[:40].decode("latin-1").split())
    return NotAPdf(url, f"not a PDF: {content_type or 'no content type'} starting {start!r}", 200)
