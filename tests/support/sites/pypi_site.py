"""PyPI download answers only tests ask for, beside the demo's (``fwcensus.demo.sites.pypi_site``):
ClickHouse's exceptions and BigQuery's answers.

ClickHouse: an exception is a text body ``Code: N. DB::Exception: ... (NAME) (version ...)``
with the status ClickHouse maps the code to and ``X-ClickHouse-Exception-Code``; one raised
mid-stream follows part of the JSON after a 200.

BigQuery (no recording exists; the REST reference and recorded answers in public client tests,
see tests/fixtures/signals/pypi/README.md): the jobs.query POST is answered from the file its
body selects (the signal's own ``bigquery_query`` encoded by the client's ``encode_json``) with
a ``bigquery#queryResponse`` (or, for a job still running, only ``kind``, ``jobReference`` and
``jobComplete: false``); getQueryResults answers ``bigquery#getQueryResultsResponse`` pages of
``PAGE_ROWS`` rows, ``{"f": [{"v": "YYYY-MM-01"}, {"v": "12345"}]}``, linked by ``pageToken``.
Errors are Google's ``{"error": {"code", "message", "errors": [{"message", "domain", "reason"}],
"status"}}``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Mapping
from pathlib import Path

from fwcensus.demo.sites.pypi_site import clickhouse_body, clickhouse_headers, server_headers
from fwcensus.fetch.client import encode_json
from fwcensus.mirror.urls import meta_for, write_json_answer, write_mirror_file
from fwcensus.signals import bigquery
from fwcensus.signals.pypi_downloads import bigquery_query, clickhouse_url

CLICKHOUSE_VERSION = "25.8.1.8344"


def _write_text_answer(
    root: Path, url: str, body: str, status: int, headers: Mapping[str, str]
) -> Path:
    file = write_mirror_file(root, url, body)
    meta_for(file).write_text(json.dumps({"status": status, "headers": headers}), "utf-8")
    return file


def exception_text(code: int, name: str, message: str) -> str:
    return f"Code: {code}. DB::Exception: {message}. ({name}) (version {CLICKHOUSE_VERSION})\n"


def write_clickhouse_error(
    root: Path, package: str, start: str, code: int, name: str, message: str, status: int = 500
) -> Path:
    """Answer the query with a ClickHouse exception, as sent before any result: ``status``,
    ``X-ClickHouse-Exception-Code`` and the text body."""
    url = clickhouse_url(package, start)
    headers = {
        **server_headers(url),
        "Content-Type": "text/plain; charset=UTF-8",
        "X-ClickHouse-Exception-Code": str(code),
    }
    return _write_text_answer(root, url, exception_text(code, name, message), status, headers)


def write_quota_exceeded(root: Path, package: str, start: str) -> Path:
    return write_clickhouse_error(
        root,
        package,
        start,
        201,
        "QUOTA_EXCEEDED",
        "Quota for user `demo` for 3600s has been exceeded: queries = 1001/1000."
        " Interval will end at 2026-11-25 15:00:00. Name of quota template: `demo`",
    )


def write_clickhouse_failed_midstream(
    root: Path,
    package: str,
    start: str,
    months: Mapping[str, int],
    code: int,
    name: str,
    message: str,
) -> Path:
    """A 200 whose JSON stops after the first row and goes on with the exception's text, as
    ClickHouse streams an error raised after the headers went out."""
    url = clickhouse_url(package, start)
    pretty = json.dumps(clickhouse_body(months), indent="\t")
    rows_open = pretty.index("[", pretty.index('"data"')) + 1
    cut = pretty.index("}", rows_open) + 1 if months else rows_open
    body = pretty[:cut] + "\n" + exception_text(code, name, message)
    return _write_text_answer(root, url, body, 200, clickhouse_headers(url))


BIGQUERY_LOCATION = "US"  # where bigquery-public-data's pypi dataset, and so the job, lives


GOOGLE_HEADERS = {
    "Content-Type": "application/json; charset=UTF-8",
    "Vary": "Origin, X-Origin, Referer",
    "Server": "ESF",
    "Cache-Control": "private",
    "X-XSS-Protection": "0",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
}


ERROR_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
}


_BIGQUERY_SCHEMA = {
    "fields": [
        {"name": "month", "type": "DATE", "mode": "NULLABLE"},
        {"name": "downloads", "type": "INTEGER", "mode": "NULLABLE"},
    ]
}


_BYTES_PER_DOWNLOAD = 20  # the two columns read: timestamp (8 bytes) and the project's name


def _digest(*parts: object) -> bytes:
    """Stable bytes to make opaque ids of, as BigQuery's job ids, etags and page tokens are."""
    return hashlib.sha256(repr(parts).encode()).digest()


def bigquery_job(project: str, query: bigquery.Query) -> dict[str, str]:
    job_id = base64.urlsafe_b64encode(_digest(query.request_id()))[:27].decode()
    return {"projectId": project, "jobId": f"job_{job_id}", "location": BIGQUERY_LOCATION}


def bigquery_pages(
    project: str, query: bigquery.Query, months: Mapping[str, int]
) -> list[dict[str, object]]:
    """The complete answers to ``query``: one per ``PAGE_ROWS`` rows (one, without ``rows``,
    when there are none), each but the last with the ``pageToken`` of the next; as
    getQueryResults sends them (the first page, in a POST's answer, is a queryResponse)."""
    rows = [{"f": [{"v": f"{m}-01"}, {"v": str(n)}]} for m, n in sorted(months.items())]
    job = bigquery_job(project, query)
    chunks = [rows[i : i + bigquery.PAGE_ROWS] for i in range(0, len(rows), bigquery.PAGE_ROWS)]
    pages: list[dict[str, object]] = []
    for number, chunk in enumerate(chunks or [[]]):
        page: dict[str, object] = {
            "kind": "bigquery#getQueryResultsResponse",
            "etag": base64.b64encode(_digest(job["jobId"], number)[:16]).decode(),
            "schema": _BIGQUERY_SCHEMA,
            "jobReference": job,
            "totalRows": str(len(rows)),
        }
        if number + 1 < len(chunks):
            page["pageToken"] = base64.b32encode(_digest(job["jobId"], number + 1)[:20]).decode()
        if chunk:
            page["rows"] = chunk
        page.update(
            totalBytesProcessed=str(_BYTES_PER_DOWNLOAD * sum(months.values())),
            jobComplete=True,
            cacheHit=False,
        )
        pages.append(page)
    return pages


def _as_query_response(page: Mapping[str, object], job: Mapping[str, str]) -> dict[str, object]:
    """A page as jobs.query answers it: a queryResponse, without an etag, with a queryId."""
    kept = {k: v for k, v in page.items() if k not in ("kind", "etag")}
    return {"kind": "bigquery#queryResponse", **kept, "queryId": job["jobId"]}


def write_bigquery_answer(
    root: Path,
    project: str,
    package: str,
    start: str,
    answer: object,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Path:
    """Answer the jobs.query POST of ``package``'s query from ``start`` with ``answer``."""
    query = bigquery_query(package, start)
    url = bigquery.queries_url(project)
    sent = {**GOOGLE_HEADERS, **(headers or {})}
    return write_json_answer(root, url, answer, status, sent, post=encode_json(query.body()))


def write_bigquery_months(
    root: Path,
    project: str,
    package: str,
    start: str,
    months: Mapping[str, int],
    *,
    running: bool = False,
) -> None:
    """Answer ``package``'s query from ``start`` with these months' rows (a month left out is
    one without downloads, as GROUP BY leaves it out): the POST's answer holds the first page,
    or, ``running``, says the job is not complete and the first getQueryResults holds it."""
    query = bigquery_query(package, start)
    job = bigquery_job(project, query)
    pages = bigquery_pages(project, query, months)
    if running:
        write_bigquery_answer(root, project, package, start, _running(job))
        _write_results(root, project, job, None, pages[0])
    else:
        write_bigquery_answer(root, project, package, start, _as_query_response(pages[0], job))
    for before, page in itertools.pairwise(pages):
        _write_results(root, project, job, str(before["pageToken"]), page)


def write_bigquery_never_done(root: Path, project: str, package: str, start: str) -> None:
    """A job that stays running: every answer, POST and getQueryResults, is incomplete."""
    job = bigquery_job(project, bigquery_query(package, start))
    write_bigquery_answer(root, project, package, start, _running(job))
    kept = {k: v for k, v in _running(job).items() if k != "kind"}
    _write_results(root, project, job, None, {"kind": "bigquery#getQueryResultsResponse", **kept})


def _running(job: Mapping[str, str]) -> dict[str, object]:
    return {"kind": "bigquery#queryResponse", "jobReference": dict(job), "jobComplete": False}


def _write_results(
    root: Path, project: str, job: Mapping[str, str], token: str | None, page: object
) -> None:
    url = bigquery.results_url(project, job["jobId"], job["location"], token)
    write_json_answer(root, url, page, headers=GOOGLE_HEADERS)


def google_error(
    status: int, reason: str, message: str, item: Mapping[str, str] | None = None
) -> dict[str, dict[str, object]]:
    """Google's error body; ``item`` adds to (or replaces the message of) its one error item."""
    detail = {"message": message, "domain": "global", "reason": reason, **(item or {})}
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [detail],
            "status": ERROR_STATUS_NAMES.get(status, "UNKNOWN"),
        }
    }


def write_bigquery_quota_exceeded(root: Path, project: str, package: str, start: str) -> Path:
    message = (
        "Quota exceeded: Your project exceeded quota for free query bytes scanned. For more"
        " information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas"
    )
    body = google_error(403, "quotaExceeded", message)
    return write_bigquery_answer(root, project, package, start, body, 403)


def write_bigquery_expired_token(root: Path, project: str, package: str, start: str) -> Path:
    """The 401 Google answers a token that expired (or was never valid)."""
    message = (
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login"
        " cookie or other valid authentication credential. See"
        " https://developers.google.com/identity/sign-in/web/devconsole-project."
    )
    item = {"message": "Invalid Credentials", "location": "Authorization", "locationType": "header"}
    body = google_error(401, "authError", message, item)
    challenge = {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
    return write_bigquery_answer(root, project, package, start, body, 401, challenge)
