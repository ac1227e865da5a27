"""The limits each PDF is extracted under, apart from the pool that enforces them, so the CLI
can offer them without loading pebble and the PDF library."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    workers: int = os.cpu_count() or 1
    seconds: float = 120.0
    memory_mb: int = 2048
