"""Write Stack Overflow Developer Survey archives into a mirror folder, in the real layout.

One zip per year at the ``so-survey`` signal's URL (``zip_url``), holding
``survey_results_public.csv`` (a header row of question columns, one row per respondent,
multi-select answers joined by ``;`` -- ``"; "`` in 2017 -- and "NA" for no answer in
2018-2020, empty later), ``survey_results_schema.csv`` (column, question text), a README and,
for 2018 and 2019, the ``__MACOSX/`` resource-fork entries those archives carry. The columns are
a trimmed set of each year's real ones around the framework question named in so_survey.toml;
every respondent and answer is synthetic.
"""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fwcensus.mirror.urls import write_mirror_file
from fwcensus.signals.so_survey import MEMBER, SurveyYear, load_years, zip_url
from fwcensus.signals.targets import Target

# Other options of the question, so a respondent's answer reads as the real ones do.
_OTHER_OPTIONS = (".NET", "Node.js", "Pandas", "NumPy", "Apache Spark", "Flutter", "React Native")
_NOT_PROFESSIONAL = ("I am learning to code", "I code primarily as a hobby")
_NOT_PROFESSIONAL_2017 = ("Student", "Professional non-developer who sometimes writes code")


@dataclass(frozen=True)
class Respondent:
    professional: bool
    frameworks: tuple[str, ...]  # the framework ids whose answer this respondent gave
    answered: bool = True  # False: left the question out (no framework either)


def _id_column(year: int) -> str:
    return "Respondent" if year <= 2020 else "ResponseId"


def _no_answer(year: int) -> str:
    return "NA" if 2018 <= year <= 2020 else ""


def header(year: SurveyYear) -> list[str]:
    """A trimmed set of the year's real columns, the framework question among them."""
    columns = [_id_column(year.year)]
    if year.professional_column:
        columns.append(year.professional_column)
    columns += ["Country", "EdLevel" if year.year >= 2019 else "FormalEducation"]
    columns += [year.column, "DatabaseWorkedWith" if year.year < 2021 else "DatabaseHaveWorkedWith"]
    return columns


def survey_csv(year: SurveyYear, respondents: Sequence[Respondent], seed: int = 0) -> bytes:
    rng = random.Random(f"so-survey:{year.year}:{seed}")
    separator = "; " if year.year == 2017 else ";"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = header(year)
    writer.writerow(columns)
    others = _NOT_PROFESSIONAL_2017 if year.year == 2017 else _NOT_PROFESSIONAL
    for number, person in enumerate(respondents, start=1):
        items = [year.answers[f][0] for f in person.frameworks if f in year.answers]
        # Someone who answered names at least one option; someone who did not, none.
        if person.answered:
            items += rng.sample(_OTHER_OPTIONS, rng.randrange(0 if items else 1, 3))
        rng.shuffle(items)
        row = {
            _id_column(year.year): str(number),
            "Country": rng.choice(("Germany", "India", "United States", "Brazil", "Poland")),
            "EdLevel": "Bachelor's degree",
            "FormalEducation": "Bachelor's degree",
            year.column: separator.join(items) or _no_answer(year.year),
            "DatabaseWorkedWith": "PostgreSQL",
            "DatabaseHaveWorkedWith": "PostgreSQL",
        }
        if year.professional_column:
            row[year.professional_column] = (
                year.professional if person.professional else rng.choice(others)
            )
        writer.writerow([row[c] for c in columns])
    return out.getvalue().encode("utf-8")


def survey_zip(year: SurveyYear, table: bytes) -> bytes:
    """The year's archive around ``table`` (the respondents' CSV)."""
    schema = io.StringIO()
    writer = csv.writer(schema, lineterminator="\n")
    writer.writerow(["Column", "QuestionText"])
    writer.writerow([year.column, "Which other frameworks and libraries have you worked with?"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"README_{year.year}.txt", f"Survey results {year.year} (sample).\n")
        archive.writestr(MEMBER, table)
        archive.writestr("survey_results_schema.csv", schema.getvalue())
        if year.year in (2018, 2019):
            archive.writestr(f"__MACOSX/._{MEMBER}", b"\x00\x05\x16\x07")
    return buffer.getvalue()


def write_year(
    root: Path, year: SurveyYear, respondents: Sequence[Respondent], seed: int = 0
) -> bytes:
    """Write the year's archive where the mirror serves it; return its bytes."""
    data = survey_zip(year, survey_csv(year, respondents, seed))
    write_mirror_file(root, zip_url(year.year), data)
    return data


def respondents(
    rng: random.Random, count: int, shares: Mapping[str, float], professional: float = 0.6
) -> list[Respondent]:
    """``count`` respondents, each using each framework with the probability in ``shares``;
    a fifth of those using none leave the question out."""
    made = []
    for _ in range(count):
        frameworks = tuple(f for f, share in shares.items() if rng.random() < share)
        answered = bool(frameworks) or rng.random() >= 0.2
        made.append(Respondent(rng.random() < professional, frameworks, answered))
    return made


# Demo shape: TensorFlow leads until 2020, PyTorch overtakes it by 2023; Keras follows TF.
def _sample_shares(year: int) -> dict[str, float]:
    age = year - 2017
    return {
        "tensorflow": max(0.05, 0.09 + 0.015 * min(age, 3) - 0.012 * max(0, age - 3)),
        "pytorch": min(0.14, 0.01 + 0.02 * age),
        "keras": max(0.04, 0.08 - 0.006 * age),
    }


SAMPLE_RESPONDENTS = 600


def write_sample(root: Path, targets: tuple[Target, ...], today: date, seed: int = 0) -> None:
    """Every survey year of so_survey.toml published by ``today`` (results come out mid-year)."""
    rng = random.Random(f"so-survey-sample:{seed}")
    wanted = {t.framework for t in targets}
    for number, year in sorted(load_years().items()):
        if (number, 7) > (today.year, today.month):
            continue
        shares = {f: s for f, s in _sample_shares(number).items() if f in wanted}
        write_year(root, year, respondents(rng, SAMPLE_RESPONDENTS, shares), seed)
