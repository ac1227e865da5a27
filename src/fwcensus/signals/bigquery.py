"""A small client for BigQuery's REST API: run one query with named parameters, read its rows.

It asks through the project's ApiClient (pacing, retries, mirror) and relies on these API facts
(BigQuery REST v2 reference: jobs.query, jobs.getQueryResults, QueryRequest, QueryResponse; the
"Error messages" and "Troubleshoot quota and limit errors" pages):

* ``POST https://bigquery.googleapis.com/bigquery/v2/projects/{project}/queries`` with a
  QueryRequest ``{"query", "useLegacySql": false, "parameterMode": "NAMED", "queryParameters":
  [{"name", "parameterType": {"type"}, "parameterValue": {"value"}}], "requestId", "timeoutMs",
  "maxResults", "maximumBytesBilled"}`` runs the query, billed to ``project``, and answers a
  ``bigquery#queryResponse``: ``jobReference {projectId, jobId, location}``, ``jobComplete``
  and, once complete, ``schema.fields [{name, type, mode}]``, ``totalRows``, the first page's
  ``rows [{"f": [{"v": ...}]}]`` (every value a string or null, 64-bit integers included;
  ``rows`` left out when there are none) and a ``pageToken`` while more pages follow.
* A job still running after ``timeoutMs`` (``jobComplete: false``, no rows) is read with
  ``GET .../projects/{project}/queries/{jobId}?location=...&timeoutMs=...`` (getQueryResults,
  a ``bigquery#getQueryResultsResponse`` of the same shape), which waits on the server up to
  ``timeoutMs`` before answering; later pages add ``pageToken=``.
* ``requestId`` (at most 36 characters, a UUID recommended) makes a repeated jobs.query a
  duplicate of the first for 15 minutes, so the POST is retried like a GET. It is derived from
  the query and its parameters: a retry sends the very same bytes (which is also how the mirror
  finds the answer to a POST).
* Errors come as ``{"error": {"code", "message", "status", "errors": [{"message", "domain",
  "reason", ...}]}}`` with a 4xx or 5xx status. ``quotaExceeded`` and ``rateLimitExceeded``
  (403) mean a spent quota; 401 a missing, invalid or expired token (``authError``,
  ``required``); ``accessDenied``, ``billingNotEnabled``, ``bytesBilledLimitExceeded``,
  ``invalidQuery`` or ``notFound`` fail the one query. 429 and 5xx are retried by the client.
* Authorization is ``Authorization: Bearer TOKEN`` with an OAuth 2 access token (what ``gcloud
  auth print-access-token`` prints; it lasts about an hour), sent to bigquery.googleapis.com
  only.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fwcensus.hosts import Credential, Host
from fwcensus.signals.base import Fetched, QuotaExhausted, SignalContext, SignalError, parse_json

API = "https://bigquery.googleapis.com/bigquery/v2"
PROJECT_ENV = "BIGQUERY_PROJECT"  # the project billed for the queries
TOKEN_ENV = "BIGQUERY_TOKEN"
# The token goes with the project it bills, so the signal sends it itself once both are set.
TOKEN = Credential(TOKEN_ENV, header="Authorization", prefix="Bearer ", own=True)
HOST = Host(urlsplit(API).netloc, api=("https://bigquery.googleapis.com/",), credentials=(TOKEN,))
TIMEOUT_MS = 20_000  # below the client's 30 s read timeout, so BigQuery answers first
PAGE_ROWS = 100
MAX_REQUESTS = 40  # per query: polls of a slow job (up to TIMEOUT_MS each) and its pages
ERROR_STATUSES = frozenset({400, 401, 403, 404})  # answers whose body says what went wrong
QUOTA_REASONS = frozenset({"quotaExceeded", "rateLimitExceeded"})
_REQUEST_IDS = uuid.uuid5(uuid.NAMESPACE_URL, API)  # the namespace request ids are made in


@dataclass(frozen=True)
class Credentials:
    project: str
    token: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Credentials | None:
        """Both variables set: the credentials; either missing: None (BigQuery is not used)."""
        project = env.get(PROJECT_ENV, "").strip()
        token = env.get(TOKEN_ENV, "").strip()
        return cls(project, token) if project and token else None

    def headers(self) -> dict[str, str]:
        return {TOKEN.header: TOKEN.prefix + self.token}


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # a GoogleSQL type: STRING, INT64, DATE, TIMESTAMP, ...
    value: str

    def resource(self) -> dict[str, object]:
        return {
            "name": self.name,
            "parameterType": {"type": self.type},
            "parameterValue": {"value": self.value},
        }


@dataclass(frozen=True)
class Query:
    sql: str  # GoogleSQL with @name parameters
    params: tuple[Param, ...] = ()
    max_bytes_billed: int | None = None  # BigQuery refuses to run a query that would bill more

    def request_id(self) -> str:
        key = json.dumps([self.sql, [p.resource() for p in self.params]], sort_keys=True)
        return str(uuid.uuid5(_REQUEST_IDS, key))

    def body(self) -> dict[str, object]:
        """The QueryRequest, fields in a fixed order (the bytes must not vary between runs)."""
        body: dict[str, object] = {
            "query": self.sql,
            "useLegacySql": False,
            "parameterMode": "NAMED",
            "queryParameters": [p.resource() for p in self.params],
            "requestId": self.request_id(),
            "timeoutMs": TIMEOUT_MS,
            "maxResults": PAGE_ROWS,
        }
        if self.max_bytes_billed is not None:
            body["maximumBytesBilled"] = str(self.max_bytes_billed)  # int64 travels as a string
        return body

    def label(self) -> str:
        """The parameters as a URL fragment: what tells one POST of the same URL from another
        in the answers kept (the fragment is never sent)."""
        return urlencode({p.name: p.value for p in self.params}, quote_via=quote)


@dataclass(frozen=True)
class Rows:
    answers: tuple[Fetched, ...]  # the POST's answer, then every getQueryResults answer
    rows: tuple[dict[str, str | None], ...]  # column name -> value, as BigQuery sent it


def queries_url(project: str) -> str:
    return f"{API}/projects/{quote(project, safe='')}/queries"


def results_url(project: str, job_id: str, location: str | None, page_token: str | None) -> str:
    """getQueryResults of a job: its first page (waiting for the job) or the page of a token."""
    params = {"location": location} if location else {}
    if page_token:
        params["pageToken"] = page_token
    params["timeoutMs"] = str(TIMEOUT_MS)
    job = quote(job_id, safe="")
    return f"{queries_url(project)}/{job}?{urlencode(params, quote_via=quote, safe='')}"


def run(ctx: SignalContext, credentials: Credentials, query: Query) -> Rows:
    """Run ``query`` and read every row: the POST, then polls while the job runs, then pages.
    Raises QuotaExhausted for a spent quota and SignalError for any other failed answer."""
    url = queries_url(credentials.project)
    answers = [
        ctx.post(
            url,
            query.body(),
            ERROR_STATUSES,
            idempotent=True,
            headers=credentials.headers(),
            label=query.label(),
        )
    ]
    first = data = check(answers[0])
    rows: list[dict[str, str | None]] = []
    while True:
        if data.get("jobComplete") is True:
            rows += page_rows(answers[-1], data)
            if not data.get("pageToken"):
                break
        if len(answers) == MAX_REQUESTS:
            raise SignalError(answers[0].url, f"not read after {MAX_REQUESTS} requests")
        job_id, location = _job(answers[0], first)
        next_url = results_url(credentials.project, job_id, location, data.get("pageToken"))
        answers.append(ctx.fetch(next_url, ERROR_STATUSES, headers=credentials.headers()))
        data = check(answers[-1])
    _check_total(answers[-1], data, len(rows))
    return Rows(tuple(answers), tuple(rows))


def check(fetched: Fetched) -> dict[str, Any]:
    """The answer as a dict, or what its error means raised: QuotaExhausted for a spent quota,
    SignalError otherwise (an error body with status 200 included)."""
    try:
        data = parse_json(fetched)
    except SignalError:
        if fetched.status != 200:
            raise SignalError(fetched.url, f"HTTP {fetched.status}") from None
        raise
    if not isinstance(data, dict):
        raise SignalError(fetched.url, "answer is not a JSON object")
    if "error" in data or fetched.status != 200:
        raise failure(fetched, data.get("error"))
    if not str(data.get("kind", "")).startswith("bigquery#"):
        raise SignalError(fetched.url, f"not a BigQuery answer (kind {data.get('kind')!r})")
    return data


def failure(fetched: Fetched, error: object) -> Exception:
    """The exception an ``{"error": ...}`` body stands for."""
    error = error if isinstance(error, dict) else {}
    details = error.get("errors")
    first = details[0] if isinstance(details, list) and details else {}
    reason = str(first.get("reason", "")) if isinstance(first, dict) else ""
    said = " ".join(
        part for part in (f"HTTP {fetched.status}", reason, str(error.get("message", ""))) if part
    )
    if reason in QUOTA_REASONS:
        return QuotaExhausted(fetched.url, said)
    if fetched.status == 401:
        hint = f"refresh {TOKEN_ENV}, e.g. from gcloud auth print-access-token"
        return SignalError(fetched.url, f"{said} ({hint})")
    return SignalError(fetched.url, said)


def page_rows(fetched: Fetched, data: Mapping[str, Any]) -> list[dict[str, str | None]]:
    """A complete answer's rows as {column: value}, columns named by its schema."""
    try:
        names = [field["name"] for field in data["schema"]["fields"]]
        out = []
        for row in data.get("rows", []):
            cells = row["f"]
            if len(cells) != len(names):
                raise ValueError(f"{len(cells)} values for {len(names)} columns")
            out.append({name: cell["v"] for name, cell in zip(names, cells, strict=True)})
        return out
    except (KeyError, TypeError, ValueError) as exc:
        raise SignalError(fetched.url, f"unexpected rows or schema ({exc!r})") from None


def _job(fetched: Fetched, data: Mapping[str, Any]) -> tuple[str, str | None]:
    reference = data.get("jobReference")
    job_id = reference.get("jobId") if isinstance(reference, dict) else None
    if not isinstance(job_id, str) or not job_id:
        raise SignalError(fetched.url, "answer without a jobReference.jobId to read on")
    location = reference.get("location") if isinstance(reference, dict) else None
    return job_id, location if isinstance(location, str) else None


def _check_total(fetched: Fetched, data: Mapping[str, Any], read: int) -> None:
    total = str(data.get("totalRows", ""))
    if not total.isdigit():
        raise SignalError(fetched.url, f"complete answer without totalRows ({total!r})")
    if int(total) != read:
        raise SignalError(fetched.url, f"{read} rows in the answers, totalRows says {total}")
