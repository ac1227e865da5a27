"""conda downloads per month of each framework's packages, from Anaconda's public package data.

Anaconda publishes its download counts in the public S3 bucket ``anaconda-package-data`` (no
credentials: anonymous GET over HTTPS), one Parquet file per month at ``conda/monthly/{YYYY}/
{YYYY-MM}.parquet``, uploaded early in the following month. Each row is one combination of
``time`` (the month), ``data_source`` (``anaconda`` for the defaults channels, ``conda-forge``,
``bioconda``, ...), ``pkg_name``, ``pkg_version``, ``pkg_platform``, ``pkg_python`` with its
``counts``. A month not uploaded yet answers S3's 404 ``NoSuchKey`` (403 ``AccessDenied`` where
listing is not allowed); the signal stops there and the next run asks again.

A month's file (tens of MB) is streamed into a temporary file and read record batch by batch,
three columns kept (``data_source``, ``pkg_name``, ``counts``) and only the rows of the packages
measured on the channels that matter; those rows, summed per channel and package, are what is
kept as the answer. A month's file never changes once published, so its values are complete and
never asked for again.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import IO
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from fwcensus.hosts import Host
from fwcensus.signals.base import (
    Batch,
    Measure,
    SignalContext,
    SignalError,
    Value,
    extract,
    months_between,
    previous_month,
)
from fwcensus.signals.targets import Target

BUCKET = "https://anaconda-package-data.s3.amazonaws.com"
# Anaconda's public package data: a documented dataset bucket, read file by file.
HOST = Host(urlsplit(BUCKET).netloc, api=(f"{BUCKET}/conda/",))
MONTHLY = BUCKET + "/conda/monthly/{year}/{month}.parquet"
MEASURE = "downloads"
FIRST_MONTH = "2017-01"  # the package data starts in January 2017
# data_source values counted: the defaults channels, conda-forge and the pytorch channel (when
# the data holds it); bioconda and the rest serve no framework.
CHANNELS = ("anaconda", "conda-forge", "pytorch")
COLUMNS = ("data_source", "pkg_name", "counts")
# S3's answers for a key that does not exist (yet): 404 NoSuchKey, or 403 AccessDenied where
# the bucket does not allow listing.
NOT_PUBLISHED = frozenset({403, 404})


def month_url(month: str) -> str:
    return MONTHLY.format(year=month[:4], month=month)


@dataclass(frozen=True)
class Package:
    framework: str
    name: str
    counted: bool  # False for companions (jaxlib, tensorflow-base)


def packages(targets: tuple[Target, ...]) -> list[Package]:
    out = []
    for target in targets:
        out += [Package(target.framework, name, True) for name in target["conda"]]
        out += [Package(target.framework, name, False) for name in target["conda_companions"]]
    return out


def read_month(url: str, data: IO[bytes], names: set[str]) -> Counter[tuple[str, str]]:
    """Downloads per (channel, package) of ``names`` in a month's file, read batch by batch."""
    counts: Counter[tuple[str, str]] = Counter()
    try:
        parquet = pq.ParquetFile(data)
        missing = set(COLUMNS) - set(parquet.schema_arrow.names)
        if missing:
            raise SignalError(url, f"no column {sorted(missing)[0]!r} in the Parquet file")
        wanted = pa.array(sorted(names))
        for batch in parquet.iter_batches(columns=list(COLUMNS)):
            names_col = pc.cast(batch.column("pkg_name"), pa.string())
            sources = pc.cast(batch.column("data_source"), pa.string())
            keep = pc.and_(pc.is_in(names_col, wanted), pc.is_in(sources, pa.array(CHANNELS)))
            rows = zip(
                pc.filter(sources, keep).to_pylist(),
                pc.filter(names_col, keep).to_pylist(),
                pc.filter(batch.column("counts"), keep).to_pylist(),
                strict=True,
            )
            for source, name, n in rows:
                if source is not None and name is not None:  # is_in() kept no null
                    counts[(source, name)] += int(n or 0)
    except (pa.ArrowException, OSError) as exc:
        raise SignalError(url, f"not a readable Parquet file ({exc})") from None
    return counts


class CondaDownloadsSignal:
    name = "conda-downloads"
    title = "conda downloads"
    hosts = (HOST,)
    target_fields = ("conda", "conda_companions")
    measures = (
        Measure(
            MEASURE,
            unit="downloads",
            kind="monthly",
            query=f"GET {MONTHLY.format(year='{YYYY}', month='{YYYY-MM}')} (public bucket,"
            f" anonymous); counts summed over versions, platforms and the channels"
            f" {', '.join(CHANNELS)}",
            description="Package files downloaded with conda in the month, from the defaults"
            " channels and conda-forge (Anaconda's public package data).",
        ),
    )
    caveats = (
        "conda downloads count what Anaconda's servers and conda-forge's CDN served, mirrors and"
        " CI included; a download is not a user.",
        "The data lists the defaults channels ('anaconda') and anaconda.org channels such as"
        " conda-forge; the pytorch channel is counted only where the data holds it, and PyTorch"
        " installed with pip from download.pytorch.org never shows here.",
        "A framework's total adds its alternative packages (pytorch-gpu, tensorflow-gpu, ...);"
        " companions installed along (jaxlib, tensorflow-base) are kept apart and not added.",
        "Anaconda uploads a month early in the next one: the latest month appears a few days"
        " to weeks after it ended; until then the run stops before it and asks again later.",
        "The data starts in January 2017.",
    )

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        measured = packages(ctx.targets)
        starts = {p: max(ctx.start(p.framework, p.name, MEASURE), FIRST_MONTH) for p in measured}
        if not starts:
            return
        # The month not over yet is never published: the walk ends with last month.
        for month in months_between(min(starts.values()), previous_month(ctx.this_month)):
            wanted = [p for p in measured if starts[p] <= month]
            published: list[bool] = []
            yield from ctx.guarded(month, partial(self._month, ctx, month, wanted, published))
            if published != [True]:
                return  # not published yet, or failed: later months wait for the next run

    @staticmethod
    def _month(
        ctx: SignalContext, month: str, wanted: list[Package], published: list[bool]
    ) -> Iterator[Batch]:
        fetched, data = ctx.download(month_url(month), accept=NOT_PUBLISHED)
        with data:
            if fetched.status in NOT_PUBLISHED:
                published.append(False)
                return
            counts = read_month(fetched.url, data, {p.name for p in wanted})
        kept = {
            "columns": list(COLUMNS),
            "rows": [[s, n, c] for (s, n), c in sorted(counts.items())],
        }
        body = json.dumps(kept, separators=(",", ":")).encode()
        answer = extract(fetched, "rows:" + ",".join(sorted(p.name for p in wanted)), body)
        values = tuple(
            Value(p.framework, p.name, MEASURE, month,
                  sum(c for (_, name), c in counts.items() if name == p.name), counted=p.counted)
            for p in wanted
        )  # fmt: skip
        published.append(True)
        yield Batch((answer,), values)


SIGNAL = CondaDownloadsSignal()
