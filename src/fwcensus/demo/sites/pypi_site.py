"""Write ClickPy's ClickHouse answers and pypistats.org's into a mirror folder, in their real
structures, for given synthetic downloads.

ClickHouse (``FORMAT JSON``, shared/fixtures-real/signals/clickhouse-http/, from ClickHouse's
docs): ``{"meta": [{"name", "type"}], "data": [...], "rows": n, "statistics": {"elapsed",
"rows_read", "bytes_read"}}``; the monthly query's columns are ``month`` (Date,
``"YYYY-MM-01"``) and ``downloads`` (Int64, so a quoted string). Answers carry the headers the
HTTP interface sends (``X-ClickHouse-Format``, ``-Query-Id``, ``-Timezone``, ``-Summary``).
pypistats (shared/fixtures-real/signals/pypistats/, real bodies): ``{"data": [{"category",
"date", "downloads"}], "package", "type": "overall_downloads"}``. ClickHouse's errors and
BigQuery's answers, which only tests ask for, are the tests' own builders
(``tests/support/sites/pypi_site.py``).

Every file lands at the URL the signal asks (``clickhouse_url``/``pypistats_url`` are the
signal's own), so long SQL URLs get the mirror's hashed short names by the same rule.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from fwcensus.mirror.urls import write_json_answer
from fwcensus.signals.base import month_of
from fwcensus.signals.pypi_downloads import (
    clickhouse_url,
    project_name,
    pypistats_url,
)
from fwcensus.signals.targets import Target

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


def clickhouse_headers(url: str, read_rows: int = 0) -> dict[str, str]:
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
        **server_headers(url),
        "Content-Type": "application/json; charset=UTF-8",
        "X-ClickHouse-Format": "JSON",
        "X-ClickHouse-Timezone": "UTC",
        "X-ClickHouse-Summary": json.dumps(summary, separators=(",", ":")),
    }


def server_headers(url: str) -> dict[str, str]:
    return {
        "X-ClickHouse-Query-Id": str(uuid.uuid5(uuid.NAMESPACE_URL, url)),
        "X-ClickHouse-Server-Display-Name": "sql-clickhouse",
    }


def write_clickhouse_months(
    root: Path, package: str, start: str, months: Mapping[str, int]
) -> Path:
    """Answer the signal's query for ``package`` from month ``start`` with these months' rows
    (a month left out is one without downloads, as ClickHouse's GROUP BY leaves it out)."""
    url = clickhouse_url(package, start)
    body = clickhouse_body(months)
    return write_json_answer(root, url, body, headers=clickhouse_headers(url, 31 * len(months)))


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
        for package in (*target["pypi"], *target["pypi_companions"]):
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
