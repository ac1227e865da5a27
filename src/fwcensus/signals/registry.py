"""The industry signals fwcensus knows, by their command-line names."""

from __future__ import annotations

from collections.abc import Sequence

from fwcensus.signals import (
    arxiv_mentions,
    conda_downloads,
    devto,
    github_stars,
    hn_jobs,
    huggingface,
    jobs,
    pwc_archive,
    pypi_downloads,
    so_survey,
    stackoverflow,
)
from fwcensus.signals.base import Signal

SIGNALS: tuple[Signal, ...] = (
    github_stars.SIGNAL,
    pypi_downloads.SIGNAL,
    stackoverflow.SIGNAL,
    hn_jobs.SIGNAL,
    devto.SIGNAL,
    huggingface.SIGNAL,
    so_survey.SIGNAL,
    conda_downloads.SIGNAL,
    pwc_archive.SIGNAL,
    arxiv_mentions.SIGNAL,
    jobs.SIGNAL,
)


def names() -> tuple[str, ...]:
    return tuple(s.name for s in SIGNALS)


def chosen(only: Sequence[str] = ()) -> list[Signal]:
    """The signals named in ``only`` (all when empty), in the registry's order."""
    unknown = sorted(set(only) - set(names()))
    if unknown:
        raise ValueError(f"unknown signal {unknown[0]!r}; known: {', '.join(names())}")
    return [s for s in SIGNALS if not only or s.name in only]
