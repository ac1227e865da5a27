"""so-survey signal: yearly survey archives written by the mirror builder, read over HTTP."""

from __future__ import annotations

import dataclasses
import io
import json
import random
import zipfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from fwcensus.demo.sites.so_survey_site import Respondent, survey_csv, write_sample, write_year
from fwcensus.signals.base import Batch
from fwcensus.signals.so_survey import (
    ANSWERING,
    PRO_ANSWERING,
    PRO_USING,
    USING,
    SoSurveySignal,
    load_years,
    zip_url,
)
from fwcensus.signals.targets import Target, load_targets

from conftest import MakeSignalContext, Serve
from support.sites.so_survey_site import write_cut_off

TODAY = date(2025, 11, 25)
TARGETS = (Target("pytorch"), Target("tensorflow"), Target("keras"))
YEARS = load_years()
# Per year: (professional?, frameworks) -> respondents; a person with no framework still
# answers the question (other options), one with None leaves it out.
PEOPLE: dict[int, dict[tuple[bool, tuple[str, ...] | None], int]] = {
    2018: {
        (True, ("tensorflow",)): 5,
        (False, ("pytorch", "tensorflow")): 2,
        (True, ()): 3,
        (False, None): 4,
    },
    2019: {(True, ("pytorch",)): 4, (True, ("tensorflow",)): 6, (False, ("pytorch",)): 1},
    2022: {(True, ("pytorch", "keras")): 7, (False, ("tensorflow", "keras")): 2},
}


def people(year: int) -> list[Respondent]:
    return [
        Respondent(pro, fws or (), fws is not None)
        for (pro, fws), n in PEOPLE[year].items()
        for _ in range(n)
    ]


def signal(*years: int) -> SoSurveySignal:
    return SoSurveySignal(years={y: YEARS[y] for y in years})


def values(batches: Iterable[Batch]) -> dict[tuple[str, str, str], float]:
    return {(v.period, v.framework, v.measure): v.value for b in batches for v in b.values}


def test_each_year_counts_respondents_overall_and_professional(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    for year in PEOPLE:
        write_year(tmp_path, YEARS[year], people(year))
    server = serve(tmp_path)
    ctx = signal_context(server.url, today=TODAY, targets=TARGETS)
    batches = list(signal(*PEOPLE).collect(ctx))

    assert [b.problem for b in batches] == [None, None, None]
    got = values(batches)
    # 2018: the survey asked no professional question; Keras was no option yet.
    assert got[("2018", "tensorflow", USING)] == 7 and got[("2018", "pytorch", USING)] == 2
    assert got[("2018", "pytorch", ANSWERING)] == 10
    assert ("2018", "pytorch", PRO_USING) not in got and ("2018", "keras", USING) not in got
    assert got[("2019", "pytorch", PRO_USING)] == 4 and got[("2019", "pytorch", USING)] == 5
    assert got[("2019", "tensorflow", PRO_ANSWERING)] == 10
    assert got[("2022", "keras", USING)] == 9 and got[("2022", "keras", PRO_USING)] == 7
    assert all(v.complete and v.period.isdigit() for b in batches for v in b.values)
    # The answer kept is what was read: the columns and each distinct answer with its count.
    kept = batches[1].requests[0]
    assert kept.url == f"{zip_url(2019)}#survey_results_public.csv:MiscTechWorkedWith,MainBranch"
    rows = json.loads(kept.body)["answers"]
    assert sum(n for _, _, n in rows) == 11 and kept.status == 200


def test_the_archive_is_read_without_its_other_members_and_macosx_folder(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    data = write_year(tmp_path, YEARS[2019], people(2019))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "__MACOSX/._survey_results_public.csv" in names and len(names) == 4
    ctx = signal_context(serve(tmp_path).url, today=TODAY, targets=TARGETS)
    assert values(signal(2019).collect(ctx))[("2019", "tensorflow", USING)] == 6


def test_a_renamed_column_fails_that_year_in_one_line_and_the_others_are_kept(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    for year in PEOPLE:
        write_year(tmp_path, YEARS[year], people(year))
    # The mapping expects last year's name; the archive has this year's.
    stale = dataclasses.replace(YEARS[2019], column="MiscTechHaveWorkedWith")
    server = serve(tmp_path)
    ctx = signal_context(server.url, today=TODAY, targets=TARGETS)
    years = {y: YEARS[y] for y in PEOPLE} | {2019: stale}
    batches = list(SoSurveySignal(years=years).collect(ctx))

    problems = [b.problem for b in batches if b.problem]
    assert len(problems) == 1 and "\n" not in problems[0]
    assert problems[0].startswith("2019: ")
    assert "2019: column 'MiscTechHaveWorkedWith' missing" in problems[0]
    periods = {v.period for b in batches for v in b.values}
    assert {"2018", "2022"} <= periods and "2019" not in periods


def test_a_cut_off_archive_fails_its_year_only(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_year(tmp_path, YEARS[2018], people(2018))
    write_cut_off(tmp_path, YEARS[2019], people(2019))
    ctx = signal_context(serve(tmp_path).url, today=TODAY, targets=TARGETS)
    batches = list(signal(2018, 2019).collect(ctx))

    problems = [b.problem for b in batches if b.problem]
    assert len(problems) == 1 and "2019: archive cut off or damaged" in problems[0]
    assert {v.period for b in batches for v in b.values} == {"2018"}


def test_a_broken_transfer_is_retried_then_fails_its_year(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_year(tmp_path, YEARS[2019], people(2019))
    server = serve(tmp_path, faults="truncate@survey.stackoverflow.co/datasets/*")
    ctx = signal_context(server.url, today=TODAY, targets=TARGETS)
    batches = list(signal(2019).collect(ctx))

    assert len([r for r in server.requests if "/datasets/" in r]) == 2  # the attempts allowed
    assert batches[0].values == () and batches[0].problem.startswith("2019: ")


def test_a_rerun_asks_only_for_years_not_stored(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    for year in PEOPLE:
        write_year(tmp_path, YEARS[year], people(year))
    server = serve(tmp_path)
    ctx = signal_context(server.url, today=TODAY, targets=TARGETS,
                         last_complete=lambda f, s, m: "2019")  # fmt: skip
    batches = list(signal(*PEOPLE).collect(ctx))
    asked = [r for r in server.requests if not r.endswith("/robots.txt")]
    assert asked == [zip_url(2022).removeprefix("https://")]
    assert {v.period for b in batches for v in b.values} == {"2022"}


def test_the_csv_separators_and_missing_answers_follow_the_year() -> None:
    one = [Respondent(True, ("tensorflow",)), Respondent(False, ())]
    text_2017 = survey_csv(YEARS[2017], one).decode()
    assert "Professional developer" in text_2017
    text_2020 = survey_csv(YEARS[2020], one).decode().splitlines()
    assert text_2020[0].split(",")[0] == "Respondent"
    text_2021 = survey_csv(YEARS[2021], one).decode().splitlines()
    assert text_2021[0].split(",")[0] == "ResponseId"


def test_the_demo_sample_answers_every_published_year(
    tmp_path: Path, serve: Serve, signal_context: MakeSignalContext
) -> None:
    write_sample(tmp_path, load_targets(), TODAY, seed=random.Random(1).randrange(9))
    ctx = signal_context(serve(tmp_path).url, today=TODAY)
    batches = list(SoSurveySignal().collect(ctx))

    assert [b.problem for b in batches if b.problem] == []
    got = values(batches)
    assert {p for p, _, _ in got} == {str(y) for y in range(2017, 2025)}

    def share(year: int, framework: str) -> float:
        return got[(str(year), framework, USING)] / got[(str(year), framework, ANSWERING)]

    assert share(2019, "tensorflow") > share(2019, "pytorch")
    assert share(2024, "pytorch") > share(2024, "tensorflow")
