"""pwc-archive signal: the Papers with Code archive's links as Parquet, read over HTTP, and its
framework labels checked against the repositories fwcensus read."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from fwcensus.demo.sites.pwc_site import PaperLink, write_archive, write_sample
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.signals.base import Batch, Fetched, NoLocalData
from fwcensus.signals.pwc_archive import (
    AGREEING,
    ANY,
    ARCHIVE,
    COMPARED,
    KEPT,
    OFFICIAL,
    SIGNAL,
    repo_key,
)
from fwcensus.signals.targets import Target, load_targets

from conftest import MakeSignalContext, Serve

TODAY = date(2026, 1, 15)
TARGETS = (Target("pytorch", pwc=("pytorch",)), Target("tensorflow", pwc=("tf",)),
           Target("keras"))  # fmt: skip
LINKS = [
    PaperLink("1905.00001", "a/one", "pytorch"),
    PaperLink("1905.00001", "a/one-port", "tf", official=False),  # a community port
    PaperLink("1905.00002", "b/two", "tf"),
    PaperLink("1905.00003", "c/three", "pytorch"),
    PaperLink("1905.00003", "c/three-again", "pytorch"),  # the same paper counts once
    PaperLink("1907.00004", "d/four", "tf"),
    PaperLink(None, "e/five", "pytorch"),  # no arXiv id: no month
    PaperLink("1907.00006", "f/six", "none"),
]


@dataclasses.dataclass
class Local(NoLocalData):
    repos: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    kept: Fetched | None = None

    def repo_frameworks(self) -> dict[str, frozenset[str]]:
        return self.repos

    def stored_answer(self, signal: str, url: str) -> Fetched | None:
        return dataclasses.replace(self.kept, asked=False) if self.kept and url == KEPT else None


# fwcensus read three of the labelled repositories: agrees on a/one (pytorch) and b/two (keras
# is TensorFlow's family), not on d/four (it found PyTorch).
REPOS = {
    "github.com/a/one": frozenset({"pytorch"}),
    "github.com/b/two": frozenset({"keras"}),
    "github.com/d/four": frozenset({"pytorch"}),
    "github.com/z/other": frozenset(),
}


def values(batches: Iterable[Batch]) -> dict[tuple[str, str, str], float]:
    return {(v.framework, v.measure, v.period): v.value for b in batches for v in b.values}


def test_papers_per_month_by_label_and_the_agreement_with_fwcensus(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_archive(tmp_path, LINKS)
    ctx = signal_context(serve(tmp_path).url, today=TODAY, targets=TARGETS)
    ctx.local = Local(REPOS)
    batches = list(SIGNAL.collect(ctx))

    assert [b.problem for b in batches] == [None, None]
    got = values(batches)
    assert (
        got[("pytorch", OFFICIAL, "2019-05")] == 2 and got[("tensorflow", OFFICIAL, "2019-05")] == 1
    )
    assert got[("tensorflow", ANY, "2019-05")] == 2  # the community port counts here
    assert (
        got[("pytorch", OFFICIAL, "2019-06")] == 0 and got[("tensorflow", OFFICIAL, "2019-07")] == 1
    )
    assert {p for _, m, p in got if m == OFFICIAL} == {"2019-05", "2019-06", "2019-07"}
    assert (
        got[("pytorch", COMPARED, "2026-01-15")] == 1
        and got[("pytorch", AGREEING, "2026-01-15")] == 1
    )
    assert got[("tensorflow", COMPARED, "2026-01-15")] == 2
    assert got[("tensorflow", AGREEING, "2026-01-15")] == 1
    assert batches[0].requests[0].url == KEPT and batches[0].requests[0].asked


def test_a_rerun_reads_the_kept_archive_from_the_store_and_asks_nothing(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_archive(tmp_path, LINKS)
    server = serve(tmp_path)
    first = list(SIGNAL.collect(signal_context(server.url, today=TODAY, targets=TARGETS)))
    asked = len(server.requests)

    ctx = signal_context(server.url, today=date(2026, 3, 1), targets=TARGETS,
                         last_complete=lambda f, s, m: "2019-07")  # fmt: skip
    ctx.local = Local(
        REPOS | {"github.com/d/four": frozenset({"tensorflow"})}, first[0].requests[0]
    )
    again = list(SIGNAL.collect(ctx))

    assert len(server.requests) == asked  # nothing asked
    assert [r.asked for b in again for r in b.requests] == [False]
    got = values(again)
    assert set(got) == {(f, m, "2026-03-01") for f in ("pytorch", "tensorflow")
                        for m in (AGREEING, COMPARED)}  # fmt: skip
    assert got[("tensorflow", AGREEING, "2026-03-01")] == 2


def test_a_damaged_archive_is_one_problem(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_mirror_file(tmp_path, ARCHIVE, b"PAR1 cut")
    ctx = signal_context(serve(tmp_path).url, today=TODAY, targets=TARGETS)
    batches = list(SIGNAL.collect(ctx))
    assert len(batches) == 1 and "not a readable archive" in str(batches[0].problem)


def test_repository_urls_are_keyed_as_fwcensus_keys_them() -> None:
    assert repo_key("https://github.com/Owner/Name.git/") == "github.com/owner/name"
    assert repo_key("https://gitlab.com/a/b/tree/main") == "gitlab.com/a/b"


def test_the_demo_sample_is_a_series_that_ends_with_the_archive(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_sample(tmp_path, load_targets(), TODAY, seed=1)
    ctx = signal_context(serve(tmp_path).url, today=TODAY)
    got = values(SIGNAL.collect(ctx))
    months = sorted({p for _, m, p in got if m == OFFICIAL})
    assert months[0] == "2015-01" and months[-1] == "2025-07"
    assert got[("tensorflow", OFFICIAL, "2016-06")] > got[("pytorch", OFFICIAL, "2016-06")]
    late = [m for m in months if m >= "2023-01"]
    assert sum(got[("pytorch", OFFICIAL, m)] for m in late) > sum(
        got[("tensorflow", OFFICIAL, m)] for m in late
    )
