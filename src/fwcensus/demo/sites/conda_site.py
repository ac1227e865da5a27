"""Write Anaconda package-data months into a mirror folder, in the bucket's real layout.

One Parquet file per month at ``conda/monthly/{YYYY}/{YYYY-MM}.parquet`` of the public bucket
``anaconda-package-data`` (the ``conda-downloads`` signal's ``month_url``), with the columns of
the published data: ``time`` (the month), ``data_source``, ``pkg_name``, ``pkg_version``,
``pkg_platform``, ``pkg_python`` and ``counts``, the strings dictionary-encoded, SNAPPY-
compressed, in several row groups. A month not uploaded yet is S3's ``NoSuchKey`` error (404,
XML). Every package row and count is synthetic; rows of other packages and of bioconda stand
around the ones measured, as in the real files.
"""

from __future__ import annotations

import io
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from fwcensus.mirror.urls import write_mirror_file
from fwcensus.signals.base import month_of, months_between, previous_month
from fwcensus.signals.conda_downloads import FIRST_MONTH, month_url
from fwcensus.signals.targets import Target

PLATFORMS = ("linux-64", "osx-64", "osx-arm64", "win-64", "noarch")
_STRING = pa.dictionary(pa.int32(), pa.string())
SCHEMA = pa.schema(
    [
        ("time", pa.string()),
        ("data_source", _STRING),
        ("pkg_name", _STRING),
        ("pkg_version", _STRING),
        ("pkg_platform", _STRING),
        ("pkg_python", _STRING),
        ("counts", pa.int64()),
    ]
)
ROW_GROUP = 16  # rows per row group: small, so even a sample file has several
# Rows of packages no framework claims, and of a channel no framework uses.
_NOISE = (("anaconda", "numpy"), ("conda-forge", "pandas"), ("bioconda", "samtools"))


@dataclass(frozen=True)
class Downloads:
    """Downloads of one package on one channel in a month, spread over versions/platforms."""

    data_source: str
    pkg_name: str
    counts: int


def month_table(month: str, downloads: list[Downloads], seed: int = 0) -> pa.Table:
    rng = random.Random(f"conda:{month}:{seed}")
    rows: list[dict[str, object]] = []
    for item in [*downloads, *(Downloads(s, n, rng.randrange(50, 500)) for s, n in _NOISE)]:
        left = item.counts
        for number, platform in enumerate(PLATFORMS):
            part = left if number == len(PLATFORMS) - 1 else rng.randint(0, left)
            left -= part
            if part:
                rows.append({"time": month, "data_source": item.data_source,
                             "pkg_name": item.pkg_name, "pkg_version": f"2.{number}.0",
                             "pkg_platform": platform,
                             "pkg_python": "" if platform == "noarch" else "3.11",
                             "counts": part})  # fmt: skip
    rng.shuffle(rows)
    return pa.Table.from_pylist(rows, schema=SCHEMA)


def write_month(root: Path, month: str, downloads: list[Downloads], seed: int = 0) -> bytes:
    sink = io.BytesIO()
    pq.write_table(month_table(month, downloads, seed), sink, compression="snappy",
                   row_group_size=ROW_GROUP)  # fmt: skip
    data = sink.getvalue()
    write_mirror_file(root, month_url(month), data)
    return data


# Demo shape (downloads a month at demo scale): PyTorch grows on conda-forge and defaults,
# TensorFlow peaks in 2019, JAX arrives in 2019.
_LEVELS: Mapping[str, tuple[float, float, str]] = {  # base, monthly growth, first month
    "pytorch": (4000, 1.035, FIRST_MONTH),
    "tensorflow": (9000, 1.01, FIRST_MONTH),
    "keras": (3000, 1.0, FIRST_MONTH),
    "jax": (300, 1.05, "2019-01"),
}


def _level(package: str, month: str) -> float:
    base, growth, first = _LEVELS.get(package.split("-")[0], (100, 1.0, FIRST_MONTH))
    if month < first:
        return 0.0
    age = len(months_between(first, month))
    if package.startswith("tensorflow") and month > "2019-12":
        age = 36 - len(months_between("2019-12", month)) // 2
    return base * growth**age


def write_sample(root: Path, targets: tuple[Target, ...], today: date, seed: int = 0) -> None:
    """Every month from 2017-01 to the last one over (the month not over is never asked)."""
    rng = random.Random(f"conda-sample:{seed}")
    names = [n for t in targets for n in (*t["conda"], *t["conda_companions"])]
    last = previous_month(month_of(today))
    for month in months_between(FIRST_MONTH, last):
        downloads = []
        for name in names:
            level = _level(name, month)
            if level:
                for source, part in (("anaconda", 0.45), ("conda-forge", 0.55)):
                    counts = round(level * part * rng.uniform(0.85, 1.15))
                    downloads.append(Downloads(source, name, counts))
        write_month(root, month, downloads, seed)
