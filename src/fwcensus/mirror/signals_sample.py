"""The demo's industry signals: every signal API's answers for every target, 2015-01 to today,
each written by its own mirror builder in that API's real structure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fwcensus.mirror import (
    devto_site,
    github_stars_site,
    hfhub_site,
    hn_site,
    pypi_site,
    stackexchange_site,
)
from fwcensus.signals.targets import load_targets

SINCE = "2015-01"  # the first month the samples answer for (pypi_site's DEMO_SINCE)
BUILDERS = (github_stars_site, pypi_site, stackexchange_site, hn_site, devto_site, hfhub_site)


def write_signal_samples(root: Path, today: date, seed: int = 0) -> None:
    targets = load_targets()
    for builder in BUILDERS:
        builder.write_sample(root, targets, today, seed)
