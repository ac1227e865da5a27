"""conda-downloads signal: monthly Parquet files of the package-data bucket, read over HTTP."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq

from fwcensus.demo.sites.conda_site import Downloads, write_month, write_sample
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.signals.base import Batch
from fwcensus.signals.conda_downloads import SIGNAL, month_url
from fwcensus.signals.targets import Target, load_targets

from conftest import MakeSignalContext, Serve
from support.sites.conda_site import write_not_published

TODAY = date(2024, 4, 9)
TARGETS = (
    Target("pytorch", conda=("pytorch", "pytorch-gpu")),
    Target("jax", conda=("jax",), conda_companions=("jaxlib",)),
)
MONTHS = {
    "2024-01": [Downloads("anaconda", "pytorch", 100), Downloads("conda-forge", "pytorch", 50),
                Downloads("conda-forge", "pytorch-gpu", 7), Downloads("conda-forge", "jax", 3),
                Downloads("conda-forge", "jaxlib", 4), Downloads("bioconda", "pytorch", 999)],
    "2024-02": [Downloads("anaconda", "pytorch", 120), Downloads("pytorch", "pytorch", 30)],
}  # fmt: skip


def mirror(root: Path) -> None:
    for month, downloads in MONTHS.items():
        write_month(root, month, downloads)
    write_not_published(root, "2024-03")


def values(batches: Iterable[Batch]) -> dict[tuple[str, str], float]:
    return {(v.period, v.series): v.value for b in batches for v in b.values}


def asked(server_requests: list[str]) -> list[str]:
    return [r.rsplit("/", 1)[1] for r in server_requests if r.endswith(".parquet")]


def test_months_add_versions_platforms_and_channels_and_stop_at_the_unpublished_one(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    mirror(tmp_path)
    server = serve(tmp_path)
    ctx = signal_context(server.url, since="2024-01", today=TODAY, targets=TARGETS)
    batches = list(SIGNAL.collect(ctx))

    assert [b.problem for b in batches] == [None, None]
    got = values(batches)
    # bioconda is no channel of a framework; the pytorch channel is.
    assert got[("2024-01", "pytorch")] == 150 and got[("2024-02", "pytorch")] == 150
    assert got[("2024-01", "pytorch-gpu")] == 7 and got[("2024-02", "pytorch-gpu")] == 0
    assert got[("2024-01", "jaxlib")] == 4
    jaxlib = [v for b in batches for v in b.values if v.series == "jaxlib"]
    assert not any(v.counted for v in jaxlib) and all(v.complete for b in batches for v in b.values)
    # March is not uploaded yet (S3's NoSuchKey): asked once, nothing stored, April never asked.
    assert asked(server.requests) == ["2024-01.parquet", "2024-02.parquet", "2024-03.parquet"]
    kept = batches[0].requests[0]
    assert kept.url.startswith(month_url("2024-01") + "#rows:")
    rows = json.loads(kept.body)["rows"]
    assert ["bioconda", "pytorch", 999] not in rows and ["anaconda", "pytorch", 100] in rows


def test_the_file_is_parquet_in_row_groups_with_the_published_columns(tmp_path: Path) -> None:
    data = write_month(tmp_path, "2024-01", MONTHS["2024-01"])
    parquet = pq.ParquetFile(io.BytesIO(data))
    assert parquet.schema_arrow.names == ["time", "data_source", "pkg_name", "pkg_version",
                                          "pkg_platform", "pkg_python", "counts"]  # fmt: skip
    assert parquet.num_row_groups > 1


def test_a_rerun_asks_only_for_months_not_stored(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    mirror(tmp_path)
    server = serve(tmp_path)
    ctx = signal_context(server.url, since="2024-01", today=TODAY, targets=TARGETS,
                         last_complete=lambda f, s, m: "2024-01")  # fmt: skip
    assert set(values(SIGNAL.collect(ctx))) == {
        ("2024-02", p) for p in ("pytorch", "pytorch-gpu", "jax", "jaxlib")
    }
    assert asked(server.requests) == ["2024-02.parquet", "2024-03.parquet"]


def test_a_damaged_file_fails_its_month_and_later_months_wait(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    mirror(tmp_path)
    write_mirror_file(tmp_path, month_url("2024-01"), b"PAR1 not really")
    server = serve(tmp_path)
    ctx = signal_context(server.url, since="2024-01", today=TODAY, targets=TARGETS)
    batches = list(SIGNAL.collect(ctx))

    assert len(batches) == 1 and batches[0].values == ()
    assert batches[0].problem.startswith("2024-01: ") and "Parquet" in batches[0].problem
    assert asked(server.requests) == ["2024-01.parquet"]


def test_the_demo_sample_answers_every_month_since_2017(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_sample(tmp_path, load_targets(), TODAY, seed=2)
    ctx = signal_context(serve(tmp_path).url, since="2015-01", today=TODAY)
    batches = list(SIGNAL.collect(ctx))

    assert [b.problem for b in batches if b.problem] == []
    months = {v.period for b in batches for v in b.values}
    assert min(months) == "2017-01" and max(months) == "2024-03" and len(months) == 87
    got = values(batches)
    assert got[("2018-06", "tensorflow")] > got[("2018-06", "pytorch")]
    assert got[("2024-03", "pytorch")] > got[("2024-03", "tensorflow")]
