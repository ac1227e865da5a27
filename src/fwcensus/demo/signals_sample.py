"""The demo's industry signals: every signal API's answers for every target, 2015-01 to today,
each written by its own mirror builder in that API's real structure (the survey archives, the
package-data months and the Papers with Code archive as the files they are)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fwcensus.demo.sites import (
    adzuna_site,
    conda_site,
    devto_site,
    github_stars_site,
    hfhub_site,
    hn_site,
    pwc_site,
    pypi_site,
    so_survey_site,
    stackexchange_site,
)
from fwcensus.signals import jobs
from fwcensus.signals.registry import targets

SINCE = "2015-01"  # the first month the samples answer for (pypi_site's DEMO_SINCE)
BUILDERS = (
    github_stars_site,
    pypi_site,
    stackexchange_site,
    hn_site,
    devto_site,
    hfhub_site,
    so_survey_site,
    conda_site,
    pwc_site,
    adzuna_site,
)
# The keys the sample's answers are written for (the jobs API wants one); arxiv-mentions reads
# the demo's own store and needs no answers.
DEMO_ENV = {jobs.ID_ENV: adzuna_site.DEMO_APP_ID, jobs.KEY_ENV: adzuna_site.DEMO_APP_KEY}


def write_signal_samples(root: Path, today: date, seed: int = 0) -> None:
    for builder in BUILDERS:
        builder.write_sample(root, targets(), today, seed)
