"""The answer of the library resolver: which framework a library runs on, and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backend:
    library: str  # the name asked, PEP 503-normalised
    framework: str | None  # catalogue framework id; None when unknown or several backends
    source: str  # "catalogue" | "pypi" | "repository" | "none"
    # The evidence: "requires_dist: torch>=2.1", "repo manifest requirements.txt:3 torch",
    # "several backends: tensorflow, torch (extras)", "not on PyPI".
    detail: str
