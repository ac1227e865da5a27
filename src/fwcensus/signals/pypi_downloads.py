"""PyPI downloads per month of each framework's packages: the full history from ClickPy's
ClickHouse (or BigQuery, given credentials), the last 180 days from pypistats.org.

``downloads`` (the history) asks ClickHouse's public SQL endpoint that ClickPy runs on
(``https://sql-clickhouse.clickhouse.com``, user ``demo``, no password, read-only, with quotas)
over its HTTP interface: one GET per package, the SQL in ``query=``, the user in ``user=``, the
package and first day as typed query parameters (``{pkg:String}`` filled from ``param_pkg=``), so
no name is ever spliced into SQL. The table is ``pypi.pypi_downloads_per_day(date Date, project
String, count Int64)``, a SummingMergeTree fed from every row of PyPI's BigQuery download log
(ClickPy's ``create_tables.sh``); its ``pypi_downloads_per_month`` sibling keeps six months only.
``FORMAT JSON`` answers ``{"meta": [{name, type}], "data": [{...}], "rows": n, "statistics":
{...}}`` with 64-bit integers quoted as strings (``"downloads": "12345"``). Errors: ClickHouse
answers a failed query with a status chosen by its exception code (quota exceeded, code 201, and
too many simultaneous queries, code 202, both fall through to 500), an
``X-ClickHouse-Exception-Code`` header and a text body ``Code: 201. DB::Exception: ...``; a
query that fails after the 200 and headers went out appends that text (or, on newer servers, an
``"exception"`` field or an ``__exception__`` block holding it) to the body, so every body is
searched for it before it is read.

With ``BIGQUERY_PROJECT`` (the project billed) and ``BIGQUERY_TOKEN`` (an OAuth access token)
set, ``downloads`` comes from the log ClickPy copies instead: PyPI's public BigQuery table
``bigquery-public-data.pypi.file_downloads``, one row per download, partitioned by day on
``timestamp`` and clustered on the project (packaging.python.org's "Analyzing PyPI package
downloads"; pypa/packaging.python.org#782). One query per package (``BIGQUERY_SQL``, the package
and first day as named parameters) counts its rows per month; ``signals/bigquery.py`` runs it.
The ``timestamp`` filter is what keeps it affordable: BigQuery bills the bytes of the columns
read in the partitions left after the filter (on-demand, the first TiB a month free), so an
incremental run reads a month or two of the log, a first run all of it since ``since``; the
clustering skips most other packages' blocks, and ``maximumBytesBilled`` caps each query
(``BIGQUERY_MAX_BYTES_BILLED``, default ``MAX_BYTES_BILLED``).

``downloads-recent`` asks ``GET https://pypistats.org/api/packages/{package}/overall?
mirrors=false``: daily rows ``{"category": "without_mirrors", "date": "YYYY-MM-DD",
"downloads": n}`` for the last 180 days, known mirrors (bandersnatch, ...) left out, no date
filter on the server. It is a second measure rather than a patch for the first: its counts leave
mirrors out and ClickPy's do not, so mixing them would bend a series where the sources change. It
also checks the history's last months, and still gives them when ClickHouse fails for a package.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fwcensus.errors import ConfigError
from fwcensus.hosts import Host
from fwcensus.signals import bigquery
from fwcensus.signals.base import (
    Batch,
    Fetched,
    Measure,
    QuotaExhausted,
    SignalContext,
    SignalError,
    Value,
    first_whole_month,
    month_of,
    months_between,
    next_month,
    parse_json,
)
from fwcensus.signals.targets import Target

CLICKHOUSE = "https://sql-clickhouse.clickhouse.com/"
CLICKHOUSE_USER = "demo"
PYPISTATS = "https://pypistats.org/api/packages"
HOSTS = (
    Host(urlsplit(CLICKHOUSE).netloc, api=(CLICKHOUSE,)),
    Host(urlsplit(PYPISTATS).netloc, api=("https://pypistats.org/api/",)),
    bigquery.HOST,
)

MONTHLY_SQL = (
    "SELECT toStartOfMonth(date) AS month, sum(count) AS downloads"
    " FROM pypi.pypi_downloads_per_day"
    " WHERE project = {pkg:String} AND date >= {start:Date}"
    " GROUP BY month ORDER BY month FORMAT JSON"
)

BIGQUERY_SQL = (
    "SELECT DATE_TRUNC(DATE(timestamp), MONTH) AS month, COUNT(*) AS downloads"
    " FROM `bigquery-public-data.pypi.file_downloads`"
    " WHERE file.project = @project AND timestamp >= TIMESTAMP(@start)"
    " GROUP BY month ORDER BY month"
)
MAX_BYTES_ENV = "BIGQUERY_MAX_BYTES_BILLED"
MAX_BYTES_BILLED = 200 * 10**9  # per query; about a fifth of the monthly free tier

DOWNLOADS = "downloads"
RECENT = "downloads-recent"

QUOTA_CODES = frozenset({201, 202})  # QUOTA_EXCEEDED, TOO_MANY_SIMULTANEOUS_QUERIES
# Statuses ClickHouse gives exceptions (exceptionCodeToHTTPStatus), read so their body can tell a
# spent quota from a bad query; 503 and 429 stay with the client, which retries them.
CLICKHOUSE_ERRORS = frozenset({400, 401, 403, 404, 408, 500, 501})
# Both sources load a day's downloads the next day: a month counts as complete only once this
# many days have passed since it ended, so a late load is fetched again, not lost.
SETTLE_DAYS = 3

_EXCEPTION = re.compile(r'Code: (\d+)\. DB::Exception: [^\n"\\]*')
_SEPARATORS = re.compile(r"[-_.]+")


def project_name(package: str) -> str:
    """PEP 503's normal form, the spelling the download log keeps in ``project``."""
    return _SEPARATORS.sub("-", package).lower()


def clickhouse_url(package: str, start: str) -> str:
    """The GET that asks ClickPy for ``package``'s downloads per month from month ``start``."""
    params = {
        "user": CLICKHOUSE_USER,
        "param_pkg": project_name(package),
        "param_start": f"{start}-01",
        "query": MONTHLY_SQL,
    }
    # Every reserved character percent-encoded, so the URL reaches the server (and the mirror's
    # file name) byte for byte as built here.
    return CLICKHOUSE + "?" + urlencode(params, quote_via=quote, safe="")


def bigquery_query(
    package: str, start: str, max_bytes_billed: int = MAX_BYTES_BILLED
) -> bigquery.Query:
    """The BigQuery query for ``package``'s downloads per month from month ``start``."""
    params = (
        bigquery.Param("project", "STRING", project_name(package)),
        bigquery.Param("start", "DATE", f"{start}-01"),
    )
    return bigquery.Query(BIGQUERY_SQL, params, max_bytes_billed)


def pypistats_url(package: str) -> str:
    return f"{PYPISTATS}/{project_name(package)}/overall?mirrors=false"


@dataclass(frozen=True)
class Package:
    framework: str
    name: str
    counted: bool  # False for companions (jaxlib): installed with the framework, not instead


def packages(targets: tuple[Target, ...]) -> list[Package]:
    out = []
    for target in targets:
        out += [Package(target.framework, name, True) for name in target["pypi"]]
        out += [Package(target.framework, name, False) for name in target["pypi_companions"]]
    return out


def settled(month: str, today: date) -> bool:
    first_after = date.fromisoformat(f"{next_month(month)}-01")
    return today >= first_after + timedelta(days=SETTLE_DAYS)


def monthly_values(
    ctx: SignalContext, package: Package, measure: str, counts: Mapping[str, int], first: str
) -> tuple[Value, ...]:
    """A value per month from ``first`` to this month: a settled month without downloads is a 0
    (the answer covered it), an unsettled one without any is left for the next run."""
    values = []
    for month in months_between(first, ctx.this_month):
        done = settled(month, ctx.today)
        if month not in counts and not done:
            continue
        values.append(
            Value(
                package.framework,
                package.name,
                measure,
                month,
                counts.get(month, 0),
                complete=done,
                counted=package.counted,
            )
        )
    return tuple(values)


def _exception(fetched: Fetched) -> tuple[int | None, str | None]:
    """The ClickHouse exception an answer carries (code, one-line message), if any."""
    found = _EXCEPTION.search(fetched.body.decode("utf-8", errors="replace"))
    header = fetched.headers.get("x-clickhouse-exception-code", "").strip()
    if found:
        return int(found[1]), " ".join(found[0].split())
    if header.isdigit():
        return int(header), f"ClickHouse exception code {header}"
    return None, None


def check_clickhouse(fetched: Fetched) -> None:
    """Raise what a ClickHouse answer's error means: a spent quota stops the signal, any other
    exception (also one written into a 200's body) fails this package."""
    code, message = _exception(fetched)
    if code in QUOTA_CODES:
        raise QuotaExhausted(fetched.url, message or "quota exceeded")
    status = "" if fetched.status == 200 else f"HTTP {fetched.status}: "
    if message is not None:
        raise SignalError(fetched.url, status + message)
    if fetched.status != 200:
        raise SignalError(fetched.url, f"HTTP {fetched.status}")


def _rows(fetched: Fetched, data: Any, key: str) -> list[Any]:
    rows = data.get(key) if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise SignalError(fetched.url, f"answer without a {key!r} list")
    return rows


def monthly_counts(url: str, rows: Sequence[Any]) -> dict[str, int]:
    """Downloads per month (``YYYY-MM``) from rows of ``month`` (a date) and ``downloads``."""
    counts: dict[str, int] = {}
    for row in rows:
        try:
            counts[str(row["month"])[:7]] = int(row["downloads"])
        except (KeyError, TypeError, ValueError):
            raise SignalError(url, f"unexpected row {row!r}") from None
    return counts


def read_clickhouse(fetched: Fetched) -> dict[str, int]:
    """Downloads per month (``YYYY-MM``) from a ``FORMAT JSON`` answer of ``MONTHLY_SQL``."""
    check_clickhouse(fetched)
    return monthly_counts(fetched.url, _rows(fetched, parse_json(fetched), "data"))


def read_pypistats(fetched: Fetched) -> dict[date, int]:
    """Downloads per day, known mirrors left out, from an ``overall`` answer."""
    data = parse_json(fetched)
    rows = _rows(fetched, data, "data")
    if data.get("type") != "overall_downloads":
        raise SignalError(fetched.url, f"not an overall_downloads answer: {data.get('type')!r}")
    days: dict[date, int] = {}
    for row in rows:
        try:
            if row["category"] == "without_mirrors":
                days[date.fromisoformat(row["date"])] = int(row["downloads"])
        except (KeyError, TypeError, ValueError):
            raise SignalError(fetched.url, f"unexpected row {row!r}") from None
    return days


def _per_month(days: Mapping[date, int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for day, downloads in days.items():
        counts[month_of(day)] = counts.get(month_of(day), 0) + downloads
    return counts


# A package's history from a month on: the answers read and the downloads per month in them.
HistoryRead = tuple[tuple[Fetched, ...], dict[str, int]]
History = Callable[[SignalContext, str, str], HistoryRead]


def clickhouse_history(ctx: SignalContext, package: str, start: str) -> HistoryRead:
    fetched = ctx.fetch(clickhouse_url(package, start), accept=CLICKHOUSE_ERRORS)
    return (fetched,), read_clickhouse(fetched)


@dataclass(frozen=True)
class BigQueryHistory:
    credentials: bigquery.Credentials
    max_bytes_billed: int

    def __call__(self, ctx: SignalContext, package: str, start: str) -> HistoryRead:
        read = bigquery.run(
            ctx, self.credentials, bigquery_query(package, start, self.max_bytes_billed)
        )
        return read.answers, monthly_counts(read.answers[0].url, read.rows)


def history_source(env: Mapping[str, str]) -> History:
    """BigQuery when both its variables are set, else ClickPy's ClickHouse."""
    credentials = bigquery.Credentials.from_env(env)
    if credentials is None:
        return clickhouse_history
    cap = env.get(MAX_BYTES_ENV, "").strip()
    if cap and not cap.isdigit():
        raise ConfigError(f"{MAX_BYTES_ENV} must be a whole number of bytes, not {cap!r}")
    return BigQueryHistory(credentials, int(cap) if cap else MAX_BYTES_BILLED)


class PypiDownloadsSignal:
    name = "pypi-downloads"
    title = "PyPI downloads"
    hosts = HOSTS
    target_fields = ("pypi", "pypi_companions")
    measures = (
        Measure(
            DOWNLOADS,
            unit="downloads",
            kind="monthly",
            query=(
                f"GET {CLICKHOUSE}?user={CLICKHOUSE_USER}&param_pkg={{package}}"
                f"&param_start={{YYYY-MM}}-01&query={MONTHLY_SQL}; with BigQuery credentials:"
                f" POST {bigquery.API}/projects/{{project}}/queries with query={BIGQUERY_SQL},"
                " @project={package}, @start={YYYY-MM}-01 (then getQueryResults for the rest)"
            ),
            description=(
                "Files of the package downloaded from PyPI in the month, all installers and"
                " mirrors included (PyPI's BigQuery download log, read through ClickPy or, with"
                " credentials, in BigQuery)."
            ),
        ),
        Measure(
            RECENT,
            unit="downloads",
            kind="monthly",
            query=f"GET {PYPISTATS}/{{package}}/overall?mirrors=false (days summed per month)",
            description=(
                "Files of the package downloaded from PyPI in the month, known mirrors left out"
                " (pypistats.org; its last 180 days only)."
            ),
        ),
    )
    caveats = (
        "PyPI undercounts PyTorch most: its CUDA builds are mostly installed from"
        " download.pytorch.org, and conda installs of any framework never reach PyPI.",
        "A download is not a user: CI jobs and container builds download again on every run,"
        " and mirrors and caching proxies inflate some counts and hide others.",
        "A framework's total adds its alternative packages (tensorflow-gpu, tensorflow-cpu,"
        " mxnet-cu*, ...); companions installed alongside (jaxlib, tf-keras) are kept as their"
        " own series and not added, so one install is not counted twice.",
        "Alternative packages come and go (tensorflow-gpu was retired in December 2022, GPU"
        " builds moved into tensorflow), so compare framework totals, not single packages.",
        "The history starts with PyPI's BigQuery download log (2016); months before a package's"
        " first recorded download are left out, not stored as 0.",
        "The download log under-reports downloads before 26 July 2018 (a Linehaul bug) by about"
        " an order of magnitude, per packaging.python.org: earlier totals are low, shares hold.",
        "ClickPy and BigQuery read the same PyPI download log (ClickPy copies it from BigQuery),"
        " so the history does not change meaning when a run switches between them; each"
        " value's request URL says which answered.",
        "A BigQuery history query is billed by the bytes it reads: the filter on the log's daily"
        " partitions limits it to the months asked (a month or two on later runs, everything"
        " since the first month on the first), the clustering on the project skips most other"
        " packages' data, and each query is refused beyond maximumBytesBilled"
        f" ({MAX_BYTES_ENV}, default {MAX_BYTES_BILLED // 10**9} GB).",
        "downloads (ClickPy, mirrors included) and downloads-recent (pypistats.org, known mirrors"
        " left out, 180 days) count differently: compare each series with itself.",
        f"A month is stored as complete {SETTLE_DAYS} days after it ended, as both sources load"
        " a day's downloads the day after.",
    )

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        history = history_source(ctx.env)
        for package in packages(ctx.targets):
            yield from ctx.guarded(package.name, partial(self._history, ctx, history, package))
            yield from ctx.guarded(package.name, partial(self._recent, ctx, package))

    def _history(self, ctx: SignalContext, history: History, package: Package) -> Iterator[Batch]:
        start = ctx.start(package.framework, package.name, DOWNLOADS)
        answers, counts = history(ctx, package.name, start)
        stored_before = ctx.last_complete(package.framework, package.name, DOWNLOADS) is not None
        # On a first run, empty months before the first download predate the package or the
        # download log itself: no measurement, so no zeros.
        first = start if stored_before else min(counts, default=None)
        values = monthly_values(ctx, package, DOWNLOADS, counts, first) if first else ()
        yield Batch(answers, values)

    def _recent(self, ctx: SignalContext, package: Package) -> Iterator[Batch]:
        start = ctx.start(package.framework, package.name, RECENT)
        fetched = ctx.fetch(pypistats_url(package.name))
        days = read_pypistats(fetched)
        values: tuple[Value, ...] = ()
        if days:
            # The 180-day window cuts its first month short: only whole months are kept.
            first = max(start, first_whole_month(min(days)))
            values = monthly_values(ctx, package, RECENT, _per_month(days), first)
        yield Batch((fetched,), values)


SIGNAL = PypiDownloadsSignal()
