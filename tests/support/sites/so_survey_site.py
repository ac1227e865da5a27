"""Stack Overflow survey archives only tests ask for, beside the demo's
(``fwcensus.demo.sites.so_survey_site``): one cut off half-way."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fwcensus.demo.sites.so_survey_site import Respondent, survey_csv, survey_zip
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.signals.so_survey import SurveyYear, zip_url


def write_cut_off(root: Path, year: SurveyYear, respondents: Sequence[Respondent]) -> None:
    """The year's archive cut off half-way, as a broken download would leave it."""
    data = survey_zip(year, survey_csv(year, respondents))
    write_mirror_file(root, zip_url(year.year), data[: len(data) // 2])
