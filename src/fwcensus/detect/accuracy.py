"""The detection methods' measured accuracy on hand-labelled real papers, as ``fwcensus eval
--record`` wrote it: precision and recall of ``used`` with the counts behind them, per labelled
set and method, and the detector version measured. The report states it beside the sampling
intervals: an interval says how sure a share is given the verdicts, this says how often the
verdicts themselves are right.

The labelled papers are third-party PDFs kept outside the project; only these counts, facts
about them, are stored here (``accuracy.json`` in this package).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

ACCURACY_FILE = "accuracy.json"


class Rates:
    """Precision and recall of a class holding ``tp``, ``fp`` and ``fn``; None where nothing
    was predicted, or nothing was there to find."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass(frozen=True)
class Measured(Rates):
    labels: str  # the labelled set, as the user named it ("dev2: 27 real papers, 2020-2025")
    papers: int
    method: str
    detector: str  # the method's version when measured (detect.stage.DETECTORS)
    tp: int
    fp: int
    fn: int
    measured_on: str  # YYYY-MM-DD
    held_out: bool  # whether the rules were developed without looking at these papers


def packaged_path() -> Path:
    return Path(str(resources.files("fwcensus.detect").joinpath(ACCURACY_FILE)))


def recorded(path: Path | None = None) -> list[Measured]:
    """Every recorded measurement (none when the file is absent)."""
    path = path or packaged_path()
    if not path.is_file():
        return []
    return [Measured(**entry) for entry in json.loads(path.read_text("utf-8"))]


def record(path: Path, measured: Measured) -> list[Measured]:
    """Store ``measured``, replacing an earlier one of the same labels and method."""
    kept = [m for m in recorded(path) if (m.labels, m.method) != (measured.labels, measured.method)]
    entries = sorted([*kept, measured], key=lambda m: (m.method, m.labels))
    path.write_text(json.dumps([asdict(m) for m in entries], indent=2) + "\n", encoding="utf-8")
    return entries
