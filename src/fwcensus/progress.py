"""One progress bar per long stage: done/total, items per second and time remaining."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

console = Console(stderr=True)


class RateColumn(ProgressColumn):
    """Items per second (rich's own speed column counts bytes)."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None:
            return Text(f"- {self.unit}/s", style="progress.data.speed")
        shown = f"{speed / 1000:.1f}k" if speed >= 1000 else f"{speed:.1f}"
        return Text(f"{shown} {self.unit}/s", style="progress.data.speed")


@contextmanager
def progress_bar(description: str, total: int, unit: str) -> Iterator[Callable[[str], None]]:
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
