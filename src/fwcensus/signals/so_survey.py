"""The Stack Overflow Developer Survey: the share of respondents who use each framework, per
survey year, overall and among professional developers.

Each year's results are one zip archive, ``GET https://survey.stackoverflow.co/datasets/
stack-overflow-developer-survey-{year}.zip``, holding ``survey_results_public.csv`` (one row
per respondent, one column per question; multi-select answers joined by ``;``, "NA" or empty
for no answer) beside the schema, a README and the questionnaire (some years also a
``__MACOSX/`` folder). The question fwcensus reads, "other frameworks and libraries", changed
its column and its answers' spelling over the years; ``so_survey.toml`` maps each year (tests/
fixtures/signals/so-survey/README.md says where the names come from).

The archive (tens of MB) is streamed into a temporary file; the CSV member is read row by row
straight out of the archive, keeping two columns (the framework question and the professional
one); what is kept as the answer is every distinct (professional, answer) pair with its number
of respondents, from which each value can be computed again. A year's values are final: once
stored, the year is never asked for again.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, partial
from importlib import resources
from typing import IO
from urllib.parse import urlsplit

from fwcensus.hosts import Host
from fwcensus.signals.base import (
    Batch,
    Measure,
    SignalContext,
    SignalError,
    Value,
    extract,
)

ZIP = "https://survey.stackoverflow.co/datasets/stack-overflow-developer-survey-{year}.zip"
HOST = Host(urlsplit(ZIP).netloc)
MEMBER = "survey_results_public.csv"
SERIES = "other-frameworks-and-libraries"
USING = "respondents"
ANSWERING = "respondents-answering"
PRO_USING = "professionals"
PRO_ANSWERING = "professionals-answering"
_NO_ANSWER = frozenset({"", "NA"})
# Free-text answers of later years run past the csv module's default 128 KiB field limit.
csv.field_size_limit(1 << 30)


def zip_url(year: int) -> str:
    return ZIP.format(year=year)


@dataclass(frozen=True)
class SurveyYear:
    year: int
    column: str  # the "other frameworks and libraries" column that year
    answers: Mapping[str, tuple[str, ...]]  # framework -> its spellings that year
    professional_column: str | None = None  # None: the survey asked no such question
    professional: str = ""  # the answer that marks a professional developer


def parse_years(data: Mapping[str, Mapping[str, object]]) -> dict[int, SurveyYear]:
    years = {}
    for key, entry in data.items():
        answers = entry.get("answers", {})
        if not isinstance(answers, dict):
            raise ValueError(f"so_survey.toml [{key}]: answers must be a table")
        years[int(key)] = SurveyYear(
            year=int(key),
            column=str(entry["column"]),
            answers={f: tuple(spellings) for f, spellings in answers.items()},
            professional_column=str(entry["professional_column"])
            if "professional_column" in entry
            else None,
            professional=str(entry.get("professional", "")),
        )
    return years


@cache
def load_years() -> dict[int, SurveyYear]:
    text = resources.files("fwcensus.signals").joinpath("so_survey.toml").read_text("utf-8")
    return parse_years(tomllib.loads(text))


@dataclass
class Tally:
    """What one year's archive says: respondents per (professional, answer) pair."""

    answers: Counter[tuple[bool | None, str]] = field(default_factory=Counter)

    def count(self, spellings: tuple[str, ...], professional: bool | None) -> int:
        """Respondents (all, or only those ``professional`` says) naming any spelling."""
        wanted = set(spellings)
        return sum(
            n
            for (pro, answer), n in self.answers.items()
            if (professional is None or pro is professional)
            and wanted & {item.strip() for item in answer.split(";")}
        )

    def answering(self, professional: bool | None) -> int:
        return sum(
            n for (pro, _), n in self.answers.items() if professional is None or pro is professional
        )

    def body(self, year: SurveyYear) -> bytes:
        rows = sorted(self.answers.items(), key=lambda item: (str(item[0][0]), item[0][1]))
        kept = {
            "year": year.year,
            "columns": [year.column, year.professional_column],
            "answers": [[pro, answer, n] for (pro, answer), n in rows],
        }
        return json.dumps(kept, separators=(",", ":")).encode()


def read_archive(url: str, archive: IO[bytes], year: SurveyYear) -> Tally:
    """Stream ``survey_results_public.csv`` out of the archive, two columns kept; a missing
    column, member or a cut-off archive raises SignalError naming the year."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            member = _member(zipped)
            if member is None:
                raise SignalError(url, f"{year.year}: no {MEMBER} in the archive")
            with zipped.open(member) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                return _tally(url, csv.reader(text), year)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise SignalError(url, f"{year.year}: archive cut off or damaged ({exc})") from None


def _member(zipped: zipfile.ZipFile) -> str | None:
    for name in zipped.namelist():
        if name.rsplit("/", 1)[-1] == MEMBER and not name.startswith("__MACOSX/"):
            return name
    return None


def _tally(url: str, rows: Iterator[list[str]], year: SurveyYear) -> Tally:
    header = next(rows, [])
    column = _index(url, header, year, year.column)
    pro_column = (
        _index(url, header, year, year.professional_column) if year.professional_column else None
    )
    tally = Tally()
    for row in rows:
        if column >= len(row) or row[column] in _NO_ANSWER:
            continue
        pro = None if pro_column is None else row[pro_column] == year.professional
        tally.answers[(pro, row[column])] += 1
    return tally


def _index(url: str, header: list[str], year: SurveyYear, column: str) -> int:
    try:
        return header.index(column)
    except ValueError:
        raise SignalError(
            url, f"{year.year}: column {column!r} missing from {MEMBER} (renamed?)"
        ) from None


@dataclass(frozen=True)
class SoSurveySignal:
    name: str = "so-survey"
    title: str = "Stack Overflow Developer Survey"
    hosts: tuple[Host, ...] = (HOST,)
    target_fields: tuple[str, ...] = ()
    measures: tuple[Measure, ...] = (
        Measure(
            USING,
            unit="respondents",
            kind="yearly",
            query=f"GET {ZIP}, {MEMBER}: respondents whose 'other frameworks and libraries'"
            " answer (the year's column, so_survey.toml) names the framework",
            description="Survey respondents who said they worked with the framework that year.",
            share_of=ANSWERING,
        ),
        Measure(
            ANSWERING,
            unit="respondents",
            kind="yearly",
            query=f"GET {ZIP}, {MEMBER}: respondents who answered the question",
            description="Respondents who answered the 'other frameworks and libraries' question"
            " (the same number for every framework), the denominator of the share.",
        ),
        Measure(
            PRO_USING,
            unit="respondents",
            kind="yearly",
            query=f"as {USING}, among respondents who are developers by profession",
            description="Professional developers who said they worked with the framework.",
            share_of=PRO_ANSWERING,
        ),
        Measure(
            PRO_ANSWERING,
            unit="respondents",
            kind="yearly",
            query=f"as {ANSWERING}, among respondents who are developers by profession",
            description="Professional developers who answered the question.",
        ),
    )
    caveats: tuple[str, ...] = (
        "Shares are of the respondents who answered the 'other frameworks and libraries'"
        " question, as the survey's own results give them, not of all respondents.",
        "Respondents choose themselves (mostly Stack Overflow's own visitors), and how many"
        " answer changes a lot from year to year; compare shares, not counts.",
        "The question's options change: 2017 offered TensorFlow but no PyTorch, Keras is an"
        " option from 2020 on, and 2025 dropped the question altogether (no value after 2024).",
        "Torch and PyTorch are one option ('Torch/PyTorch'), so the PyTorch share includes the"
        " older Lua Torch.",
        "2018 asked no 'developer by profession' question: no professional share that year.",
        "A survey year is fielded in its first half-year; its values stand for the year.",
    )
    years: Mapping[int, SurveyYear] | None = None  # None: so_survey.toml

    def collect(self, ctx: SignalContext) -> Iterator[Batch]:
        years = self.years if self.years is not None else load_years()
        frameworks = {t.framework for t in ctx.targets}
        for number in sorted(years):
            year = years[number]
            wanted = [f for f in year.answers if f in frameworks and self._missing(ctx, f, year)]
            if number < int(ctx.since[:4]) or not wanted:
                continue
            yield from ctx.guarded(str(number), partial(self._year, ctx, year, wanted))

    @staticmethod
    def _missing(ctx: SignalContext, framework: str, year: SurveyYear) -> bool:
        last = ctx.last_complete(framework, SERIES, USING)
        return last is None or last < str(year.year)

    def _year(self, ctx: SignalContext, year: SurveyYear, wanted: list[str]) -> Iterator[Batch]:
        fetched, archive = ctx.download(zip_url(year.year))
        with archive:
            tally = read_archive(fetched.url, archive, year)
        kept = extract(fetched, f"{MEMBER}:{year.column},{year.professional_column or ''}",
                       tally.body(year))  # fmt: skip
        yield Batch((kept,), tuple(self._values(tally, year, wanted)))

    @staticmethod
    def _values(tally: Tally, year: SurveyYear, wanted: list[str]) -> Iterator[Value]:
        period = str(year.year)
        groups: list[tuple[str, str, bool | None]] = [(USING, ANSWERING, None)]
        if year.professional_column:
            groups.append((PRO_USING, PRO_ANSWERING, True))
        for framework in wanted:
            for using, answering, professional in groups:
                count = tally.count(year.answers[framework], professional)
                yield Value(framework, SERIES, using, period, count)
                yield Value(framework, SERIES, answering, period, tally.answering(professional))


SIGNAL = SoSurveySignal()
