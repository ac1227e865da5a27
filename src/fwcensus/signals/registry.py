"""The industry signals fwcensus knows, by their command-line names.

A signal's module (and with it the HTTP client) is imported only when the signal is chosen, so
the CLI lists the names at start without loading any of them. Adding a signal is its module
(a ``SIGNAL`` with its hosts and the targets.toml fields it reads), one line here and its
entries in targets.toml."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from fwcensus.errors import ConfigError
from fwcensus.signals.targets import Target, load_targets

if TYPE_CHECKING:
    from fwcensus.signals.base import Signal

# Command-line name -> module in fwcensus.signals, in the order the signals are collected.
MODULES = {
    "github-stars": "github_stars",
    "pypi-downloads": "pypi_downloads",
    "stackoverflow": "stackoverflow",
    "hn-jobs": "hn_jobs",
    "devto": "devto",
    "huggingface": "huggingface",
    "so-survey": "so_survey",
    "conda-downloads": "conda_downloads",
    "pwc-archive": "pwc_archive",
    "arxiv-mentions": "arxiv_mentions",
    "jobs": "jobs",
}
DEFAULT_SINCE = "2015-01"  # TensorFlow appeared in November 2015, PyTorch in 2016


def names() -> tuple[str, ...]:
    return tuple(MODULES)


def load(name: str) -> Signal:
    signal: Signal = importlib.import_module(f"fwcensus.signals.{MODULES[name]}").SIGNAL
    return signal


def chosen(only: Sequence[str] = ()) -> list[Signal]:
    """The signals named in ``only`` (all when empty), in the registry's order."""
    unknown = sorted(set(only) - set(names()))
    if unknown:
        raise ConfigError(f"unknown signal {unknown[0]!r}; known: {', '.join(names())}")
    return [load(name) for name in names() if not only or name in only]


@cache
def targets() -> tuple[Target, ...]:
    """targets.toml, checked against the signals (``checked``)."""
    return checked(load_targets())


def checked(found: tuple[Target, ...]) -> tuple[Target, ...]:
    """``found``, every field of it one a signal declares it reads: a misspelt field fails
    here instead of leaving a series silently empty."""
    read = {field for name in names() for field in load(name).target_fields}
    for target in found:
        unread = sorted(target.fields - read)
        if unread:
            raise ValueError(f"targets.toml [{target.framework}]: no signal reads {unread[0]!r}")
    return found
