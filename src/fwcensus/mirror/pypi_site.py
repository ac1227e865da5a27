"""Write ClickPy's ClickHouse answers and pypistats.org's into a mirror folder, in their real
structures, for given synthetic downloads.

ClickHouse (``FORMAT JSON``, shared/fixtures-real/signals/clickhouse-http/, from ClickHouse's
docs): ``{"meta": [{"name", "type"}], "data": [...], "rows": n, "statistics": {"elapsed",
"rows_read", "bytes_read"}}``; the monthly query's columns are ``month`` (Date,
``"YYYY-MM-01"``) and ``downloads`` (Int64, so a quoted string). Answers carry the headers the
HTTP interface sends (``X-ClickHouse-Format``, ``-Query-Id``, ``-Timezone``, ``-Summary``). An
exception is a text body ``Code: N. DB::Exception: ... (NAME) (version ...)`` with the status
ClickHouse maps the code to and ``X-ClickHouse-Exception-Code``; one raised mid-stream follows
part of the JSON after a 200. pypistats (shared/fixtures-real/signals/pypistats/, real bodies):
``{"data": [{"category", "date", "downloads"}], "package", "type": "overall_downloads"}``.

BigQuery (no recording exists; the REST reference and recorded answers in public client tests,
see tests/fixtures/signals/pypi/README.md): the jobs.query POST is answered from the file its
body selects (the signal's own ``bigquery_query`` encoded by the client's ``encode_json``) with
a ``bigquery#queryResponse`` (or, for a job still running, only ``kind``, ``jobReference`` and
``jobComplete: false``); getQueryResults answers ``bigquery#getQueryResultsResponse`` pages of
``PAGE_ROWS`` rows, ``{"f": [{"v": "YYYY-MM-01"}, {"v": "12345"}]}``, linked by ``pageToken``.
Errors are Google's ``{"error": {"code", "message", "errors": [{"message", "domain", "reason"}],
"status"}}``.

Every file lands at the URL the signal asks (``clickhouse_url``/``pypistats_url``/the BigQuery
client's URLs are the signal's own), so long SQL URLs get the mirror's hashed short names by
the same rule.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from fwcensus.fetch.client import encode_json
from fwcensus.mirror.urls import meta_for, write_json_answer, write_mirror_file
from fwcensus.signals import bigquery
from fwcensus.signals.base import month_of
from fwcensus.signals.pypi_downloads import (
    bigquery_query,
    clickhouse_url,
    project_name,
    pypistats_url,
)
from fwcensus.signals.targets import Target

CLICKHOUSE_VERSION = "25.8.1.8344"
DATA_START = date(2016, 1, 1)  # the sample's download log begins here, as PyPI's BigQuery one
RECENT_DAYS = 180  # pypistats.org's retention
MIRROR_SHARE = 0.03  # of downloads that pypistats leaves out as mirror traffic
DEMO_SINCE = "2015-01"

_META = [{"name": "month", "type": "Date"}, {"name": "downloads", "type": "Int64"}]


def clickhouse_body(months: Mapping[str, int]) -> dict[str, object]:
    """The ``FORMAT JSON`` answer of the monthly query for downloads per ``YYYY-MM``."""
    rows = [{"month": f"{m}-01", "downloads": str(n)} for m, n in sorted(months.items())]
    days = 31 * len(rows)
    return {
        "meta": _META,
        "data": rows,
        "rows": len(rows),
        "statistics": {
            "elapsed": 0.004 + 0.0001 * len(rows),
            "rows_read": days,
            "bytes_read": days * 24,
        },
    }


def _clickhouse_headers(url: str, read_rows: int = 0) -> dict[str, str]:
    summary = {
        "read_rows": str(read_rows),
        "read_bytes": str(read_rows * 24),
        "written_rows": "0",
        "written_bytes": "0",
        "total_rows_to_read": str(read_rows),
        "result_rows": "0",
        "result_bytes": "0",
        "elapsed_ns": "4210000",
    }
    return {
        **_server_headers(url),
        "Content-Type": "application/json; charset=UTF-8",
        "X-ClickHouse-Format": "JSON",
        "X-ClickHouse-Timezone": "UTC",
        "X-ClickHouse-Summary": json.dumps(summary, separators=(",", ":")),
    }


def _server_headers(url: str) -> dict[str, str]:
    return {
        "X-ClickHouse-Query-Id": str(uuid.uuid5(uuid.NAMESPACE_URL, url)),
        "X-ClickHouse-Server-Display-Name": "sql-clickhouse",
    }


def _write_text_answer(
    root: Path, url: str, body: str, status: int, headers: Mapping[str, str]
) -> Path:
    file = write_mirror_file(root, url, body)
    meta_for(file).write_text(json.dumps({"status": status, "headers": headers}), "utf-8")
    return file


def write_clickhouse_months(
    root: Path, package: str, start: str, months: Mapping[str, int]
) -> Path:
    """Answer the signal's query for ``package`` from month ``start`` with these months' rows
    (a month left out is one without downloads, as ClickHouse's GROUP BY leaves it out)."""
    url = clickhouse_url(package, start)
    body = clickhouse_body(months)
    return write_json_answer(root, url, body, headers=_clickhouse_headers(url, 31 * len(months)))


def exception_text(code: int, name: str, message: str) -> str:
    return f"Code: {code}. DB::Exception: {message}. ({name}) (version {CLICKHOUSE_VERSION})\n"


def write_clickhouse_error(
    root: Path, package: str, start: str, code: int, name: str, message: str, status: int = 500
) -> Path:
    """Answer the query with a ClickHouse exception, as sent before any result: ``status``,
    ``X-ClickHouse-Exception-Code`` and the text body."""
    url = clickhouse_url(package, start)
    headers = {
        **_server_headers(url),
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
    return _write_text_answer(root, url, body, 200, _clickhouse_headers(url))


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


def pypistats_body(package: str, days: Mapping[date, int]) -> dict[str, object]:
    rows = [
        {"category": "without_mirrors", "date": day.isoformat(), "downloads": n}
        for day, n in sorted(days.items())
    ]
    return {"data": rows, "package": project_name(package), "type": "overall_downloads"}


def write_pypistats_days(root: Path, package: str, days: Mapping[date, int]) -> Path:
    """Answer ``overall?mirrors=false`` for ``package`` with these daily downloads."""
    return write_json_answer(root, pypistats_url(package), pypistats_body(package, days))


@dataclass(frozen=True)
class Shape:
    """A package's monthly downloads: a logistic rise to ``peak`` around ``middle`` over
    ``width`` months, from ``launch`` on, shrinking by ``decline`` a month after ``fall``."""

    launch: str
    peak: float
    middle: str
    width: float
    fall: str | None = None
    decline: float = 0.0


# Rough magnitudes of the real packages, so the demo's charts look like the real ones:
# PyTorch rising past TensorFlow around 2020, MXNet fading, tensorflow-gpu retired in 2022.
SHAPES: dict[str, Shape] = {
    "torch": Shape("2017-01", 60e6, "2021-09", 10),
    "tensorflow": Shape("2016-01", 22e6, "2019-03", 12),
    "tensorflow-gpu": Shape("2016-01", 3e6, "2018-06", 8, "2022-12", 0.06),
    "tensorflow-cpu": Shape("2019-10", 1.2e6, "2021-06", 8),
    "tf-nightly": Shape("2018-01", 4e5, "2019-06", 6),
    "tensorflow-intel": Shape("2022-11", 6e6, "2023-06", 3),
    "tensorflow-macos": Shape("2021-10", 3e5, "2022-08", 4),
    "keras": Shape("2016-01", 9e6, "2020-01", 14),
    "tf-keras": Shape("2023-10", 5e6, "2024-06", 4),
    "jax": Shape("2018-12", 6e6, "2023-01", 10),
    "jaxlib": Shape("2018-12", 5e6, "2023-01", 10),
    "mxnet": Shape("2016-01", 1.1e6, "2018-10", 8, "2021-06", 0.04),
    "mxnet-cu112": Shape("2021-03", 8e4, "2021-09", 3, "2022-06", 0.08),
    "mxnet-cu110": Shape("2020-10", 6e4, "2021-03", 3, "2021-12", 0.07),
    "mxnet-cu102": Shape("2019-12", 8e4, "2020-06", 3, "2021-06", 0.07),
    "mxnet-cu101": Shape("2019-05", 1e5, "2019-12", 3, "2020-12", 0.07),
    "mxnet-mkl": Shape("2017-10", 1.5e5, "2018-10", 5, "2020-06", 0.08),
    "paddlepaddle": Shape("2018-01", 4e5, "2021-06", 10),
    "paddlepaddle-gpu": Shape("2018-01", 1.2e5, "2021-06", 10),
    "mindspore": Shape("2020-03", 5e4, "2022-06", 8),
    "mlx": Shape("2023-12", 4e5, "2024-10", 5),
}


def _months_from(origin: str, month: str) -> int:
    return (int(month[:4]) - int(origin[:4])) * 12 + int(month[5:7]) - int(origin[5:7])


def _guess_shape(rng: random.Random) -> Shape:
    launch = f"{rng.randint(2016, 2022)}-{rng.randint(1, 12):02d}"
    middle = f"{int(launch[:4]) + 2}-{launch[5:]}"
    return Shape(launch, 10 ** rng.uniform(4, 6.5), middle, rng.uniform(4, 12))


def monthly_level(shape: Shape, month: str) -> float:
    """Expected downloads in ``month`` (0 before the launch)."""
    if month < shape.launch:
        return 0.0
    rise = 1 / (1 + math.exp(-_months_from(shape.middle, month) / shape.width))
    after = _months_from(shape.fall, month) if shape.fall else 0
    return shape.peak * rise * (1 - shape.decline) ** max(0, after)


def daily_downloads(shape: Shape, first: date, last: date, rng: random.Random) -> dict[date, int]:
    """Downloads per day: the month's level spread over its days, weekdays busier, with noise."""
    days: dict[date, int] = {}
    day = first
    while day <= last:
        weekday = 1.12 if day.weekday() < 5 else 0.7
        level = monthly_level(shape, month_of(day)) / 30.4 * weekday * rng.lognormvariate(0, 0.08)
        if level >= 1:
            days[day] = round(level)
        day += timedelta(days=1)
    return days


def write_sample(
    root: Path, targets: tuple[Target, ...], today: date, seed: int = 0, since: str = DEMO_SINCE
) -> None:
    """Write a plausible full history of every target package: ClickPy's answer to a first run
    from ``since`` and pypistats' last 180 days, both loaded up to yesterday."""
    yesterday = today - timedelta(days=1)
    for target in targets:
        for package in (*target.pypi, *target.pypi_companions):
            rng = random.Random(f"{seed}:{package}")
            shape = SHAPES.get(package) or _guess_shape(rng)
            days = daily_downloads(shape, DATA_START, yesterday, rng)
            months: dict[str, int] = {}
            for day, n in days.items():
                if month_of(day) >= since:
                    months[month_of(day)] = months.get(month_of(day), 0) + n
            write_clickhouse_months(root, package, since, months)
            window = yesterday - timedelta(days=RECENT_DAYS - 1)
            recent = {d: round(n * (1 - MIRROR_SHARE)) for d, n in days.items() if d >= window}
            write_pypistats_days(root, package, recent)
