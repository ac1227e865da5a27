"""One progress bar per long stage: done/total, items per second and time remaining."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

console = Console(stderr=True)


class Advance(Protocol):
    """One item done, with a note (the last item's error, say) shown beside the bar."""

    def __call__(self, note: str = "") -> None: ...


class RateColumn(ProgressColumn):
    """Items per second (rich's own speed column counts bytes); a task's ``unit`` field names
    its items when bars of one display count different things."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        unit = task.fields.get("unit", self.unit)
        if speed is None:
            return Text(f"- {unit}/s", style="progress.data.speed")
        shown = f"{speed / 1000:.1f}k" if speed >= 1000 else f"{speed:.1f}"
        return Text(f"{shown} {unit}/s", style="progress.data.speed")


@contextmanager
def progress_bar(description: str, total: int, unit: str) -> Iterator[Advance]:
    """Yield ``advance(note)``: one item done, ``note`` shown beside the bar."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        TextColumn("eta"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}", style="dim"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(description, total=total, note="")

        def advance(note: str = "") -> None:
            progress.update(task, advance=1, note=note[:60])

        yield advance


@contextmanager
def progress_counter(description: str, unit: str) -> Iterator[Callable[[int, str], None]]:
    """For work whose size is not known ahead (paged APIs): yield ``advance(n, note)``; the
    line shows the count so far, its rate and the time spent."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed} " + unit),
        RateColumn(unit),
        TimeElapsedColumn(),
        TextColumn("{task.fields[note]}", style="dim"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(description, total=None, note="")

        def advance(n: int, note: str = "") -> None:
            progress.update(task, advance=n, note=note[:60])

        yield advance


class MegabytesColumn(ProgressColumn):
    """Megabytes per second over the whole task, from the ``bytes`` field."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time or task.elapsed or 0.0
        if not elapsed:
            return Text("- MB/s", style="progress.data.speed")
        rate = task.fields.get("bytes", 0) / elapsed / 1e6
        return Text(f"{rate:.2f} MB/s", style="progress.data.speed")


class FetchProgress:
    """The fetch stage's display: one bar (documents/s, MB/s, ETA) and a line for each host
    that is paused by its circuit breaker or backing off, shown only while it is."""

    def __init__(self, total: int, hosts: int) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn("docs"),
            MegabytesColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[note]}", style="dim"),
            console=console,
        )
        self._main = self._progress.add_task(
            f"fetch ({hosts} hosts)", total=total, note="", bytes=0
        )
        self._hosts: dict[str, TaskID] = {}
        self._bytes = 0

    def __enter__(self) -> FetchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def done(self, size: int, note: str) -> None:
        self._bytes += size
        self._progress.update(self._main, advance=1, bytes=self._bytes, note=note[:50])

    def host(self, state: HostStatus) -> None:
        task = self._hosts.get(state.host)
        if task is None:
            task = self._hosts[state.host] = self._progress.add_task(
                f"  {state.host}", total=None, note="", bytes=0, visible=False
            )
        self._progress.update(task, note=state.note, visible=bool(state.note))


class HostStatus(Protocol):
    host: str
    note: str


class BulkProgress:
    """A bulk run's display: a bar over tars and one over papers, each with its rate and ETA.

    Papers are reported by the workers as they are judged (``papers``, from any thread); a tar
    run again after its worker died reports from zero again, so each tar counts its largest
    report, and its final count once done (``tar_done``).
    """

    def __init__(self, tars: int, papers: int) -> None:
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            RateColumn("items"),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[note]}", style="dim"),
            console=console,
        )
        self._tars = self._progress.add_task("bulk", total=tars, unit="tars", note="")
        self._papers = self._progress.add_task("", total=papers, unit="papers", note="")
        self._per_tar: dict[str, int] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> BulkProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def papers(self, tar: str, done: int) -> None:
        with self._lock:
            self._per_tar[tar] = max(done, self._per_tar.get(tar, 0))
            total = sum(self._per_tar.values())
        self._progress.update(self._papers, completed=total)

    def tar_done(self, tar: str, papers: int, note: str) -> None:
        with self._lock:
            self._per_tar[tar] = papers
            total = sum(self._per_tar.values())
        self._progress.update(self._papers, completed=total)
        self._progress.update(self._tars, advance=1, note=note[:60])
