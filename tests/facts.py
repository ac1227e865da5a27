"""The fixture facts the project keeps about third-party material (a plain module, not a test
file): structure signatures of recorded payloads and the 2019 study's numbers, written by
``tests/regenerate_facts.py`` into ``tests/fixtures/``. The default suite reads only these."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def structure(source: str, recorded: str) -> dict[str, Any]:
    """The signature (``skeleton.signature``) of the recorded payload ``recorded`` (a file name)
    kept in ``tests/fixtures/<source>/structure/``."""
    path = FIXTURES / source / "structure" / f"{recorded}.json"
    signature: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return signature


@dataclass(frozen=True)
class StudyList:
    """What the 2019 study's list of one venue-year holds, in numbers."""

    papers: int
    pytorch_only: int
    tensorflow_only: int
    both: int
    neither: int
    with_code: int  # entries with a code link (the study kept PMLR's "Code" links)
    prefaces: tuple[int, ...]  # positions of entries titled as a preface
    # Anthology volume -> highest paper number and the numbers the list lacks (ACL venues).
    anthology_volumes: dict[str, dict[str, Any]]


@cache
def study_list(name: str) -> StudyList:
    """The facts of ``reference/study2019/per_paper/<name>.json``, e.g. ``cvpr_2019``."""
    raw = json.loads((FIXTURES / "study2019" / "per_paper.json").read_text(encoding="utf-8"))
    entry = raw[name]
    return StudyList(
        papers=entry["papers"],
        pytorch_only=entry["pytorch_only"],
        tensorflow_only=entry["tensorflow_only"],
        both=entry["both"],
        neither=entry["neither"],
        with_code=entry["with_code"],
        prefaces=tuple(entry["prefaces"]),
        anthology_volumes=entry.get("anthology_volumes", {}),
    )


def published_total(venue: str, year: int) -> int:
    """The paper count the study published for a venue-year (its data.csv)."""
    with (FIXTURES / "study2019" / "published.csv").open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            if row["venue"] == venue and row["month"].endswith(f"/{year % 100:02d}"):
                return int(row["papers"])
    raise KeyError(f"the study published no {venue} {year}")
