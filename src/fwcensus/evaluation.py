"""``fwcensus eval``: score both methods against hand labels.

Labels are the long form of ../shared/eval/dev/labels.csv: one row per (file, framework, role)
with role used | uncertain | baseline | mentioned | none. Scoring merges families (keras ->
tensorflow, lasagne -> theano, haiku/flax -> jax: the catalogue's ``family``), and leaves a
(file, family) out when its labels say uncertain or baseline and nothing says used. Two
questions are scored per framework and overall (micro-averaged): was it `used`, and was it
named at all (used, mentioned or cited).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from fwcensus.catalogue.frameworks import Catalogue, load_catalogue
from fwcensus.detect.accuracy import Measured, Rates
from fwcensus.detect.methods import EVIDENCE
from fwcensus.detect.stage import DETECTORS
from fwcensus.detect.substring2019 import METHOD as SUBSTRING_2019
from fwcensus.inspection import FileReport
from fwcensus.models import Role

LABEL_ROLES = ("used", "uncertain", "baseline", "mentioned", "none")
UNSCORED = ("uncertain", "baseline")
QUESTIONS = ("used", "named")
METHODS = (EVIDENCE, SUBSTRING_2019)


@dataclass(frozen=True)
class Truth:
    """One file's labels after merging families."""

    used: frozenset[str]
    named: frozenset[str]  # used or mentioned
    unscored: frozenset[str]  # uncertain or baseline, and not used


@dataclass(frozen=True)
class Prediction:
    used: frozenset[str]
    named: frozenset[str]


@dataclass
class Counts(Rates):
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Disagreement:
    method: str
    question: str
    file: str
    framework: str
    expected: bool
    evidence: tuple[str, ...]  # "p5 body implemented-in: We use ...", the method's reasons


@dataclass
class Score:
    """Counts per (method, question) and framework, plus every disagreement."""

    counts: dict[tuple[str, str], dict[str, Counts]] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)
    files: int = 0
    failed: list[str] = field(default_factory=list)

    def overall(self, method: str, question: str) -> Counts:
        total = Counts()
        for counts in self.counts.get((method, question), {}).values():
            total.tp, total.fp, total.fn = (
                total.tp + counts.tp,
                total.fp + counts.fp,
                total.fn + counts.fn,
            )
        return total


def read_labels(path: Path, catalogue: Catalogue | None = None) -> dict[str, Truth]:
    catalogue = catalogue or load_catalogue()
    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), 2):
            role = (row.get("role") or "").strip()
            if role not in LABEL_ROLES:
                raise ValueError(f"{path}:{number}: role {role!r} is not one of {LABEL_ROLES}")
            file = (row.get("file") or "").strip()
            framework = (row.get("framework") or "").strip().lower()
            roles[file]  # a `none` row still makes the file part of the set
            if framework:
                roles[file][catalogue.family(framework)].add(role)
    return {file: _truth(families) for file, families in roles.items()}


def _truth(families: Mapping[str, set[str]]) -> Truth:
    used = {f for f, r in families.items() if "used" in r}
    unscored = {f for f, r in families.items() if f not in used and r & set(UNSCORED)}
    named = {f for f, r in families.items() if f not in unscored and r & {"used", "mentioned"}}
    return Truth(frozenset(used), frozenset(named), frozenset(unscored))


def predictions(report: FileReport, catalogue: Catalogue | None = None) -> dict[str, Prediction]:
    """What each method says about one file, by family."""
    catalogue = catalogue or load_catalogue()
    used = {catalogue.family(v.framework) for v in report.verdicts if v.role is Role.USED}
    named = {catalogue.family(v.framework) for v in report.verdicts}
    substring = {fw for fw, hit in report.substring_2019.items() if hit}
    return {
        EVIDENCE: Prediction(frozenset(used), frozenset(named)),
        # Under substring-2019 a name anywhere is `used`: the 2019 study's assumption.
        SUBSTRING_2019: Prediction(frozenset(substring), frozenset(substring)),
    }


def score(
    truths: Mapping[str, Truth], reports: Iterable[FileReport], catalogue: Catalogue | None = None
) -> Score:
    catalogue = catalogue or load_catalogue()
    result = Score()
    for report in reports:
        truth = truths[Path(report.file).name]
        result.files += 1
        if not report.ok:
            result.failed.append(f"{Path(report.file).name}: {report.error}")
        predicted = predictions(report, catalogue)
        for method in METHODS:
            for question in QUESTIONS:
                expected = truth.used if question == "used" else truth.named
                said = predicted[method].used if question == "used" else predicted[method].named
                _count(result, method, question, report, expected, said - truth.unscored)
    return result


def _count(
    result: Score,
    method: str,
    question: str,
    report: FileReport,
    expected: frozenset[str],
    said: frozenset[str],
) -> None:
    table = result.counts.setdefault((method, question), {})
    for framework in expected | said:
        counts = table.setdefault(framework, Counts())
        if framework in expected and framework in said:
            counts.tp += 1
            continue
        if framework in said:
            counts.fp += 1
        else:
            counts.fn += 1
        result.disagreements.append(
            Disagreement(
                method,
                question,
                Path(report.file).name,
                framework,
                expected=framework in expected,
                evidence=_reasons(report, framework, method),
            )
        )


def _reasons(report: FileReport, family: str, method: str) -> tuple[str, ...]:
    if method != EVIDENCE:
        return ()
    catalogue = load_catalogue()
    return tuple(
        f"{v.framework} {v.role.value}: p{e.page} {e.section} {e.rule}: {e.snippet[:160]}"
        for v in report.verdicts
        if catalogue.family(v.framework) == family
        for e in v.evidence[:3]
    )


def measurements(result: Score, labels: str, held_out: bool) -> list[Measured]:
    """The ``used`` counts of each method, as the accuracy file stores them."""
    out = []
    for method in METHODS:
        counts = result.overall(method, "used")
        out.append(
            Measured(
                labels=labels,
                papers=result.files,
                method=method,
                detector=DETECTORS[method],
                tp=counts.tp,
                fp=counts.fp,
                fn=counts.fn,
                measured_on=date.today().isoformat(),
                held_out=held_out,
            )
        )
    return out


def render(result: Score, rules: Mapping[str, int] | None = None) -> str:
    lines = [f"{result.files} files scored"]
    lines += [f"  extraction failed: {line}" for line in result.failed]
    for question in QUESTIONS:
        lines.append("")
        lines.append(f"== {question} ==")
        lines.append(
            f"{'framework':<14}" + "".join(f"{m + ' P/R/F1 (tp fp fn)':>40}" for m in METHODS)
        )
        frameworks = sorted(
            {fw for method in METHODS for fw in result.counts.get((method, question), {})}
        )
        for framework in [*frameworks, "OVERALL"]:
            cells = []
            for method in METHODS:
                if framework == "OVERALL":
                    counts = result.overall(method, question)
                else:
                    counts = result.counts.get((method, question), {}).get(framework, Counts())
                cells.append(_cell(counts))
            lines.append(f"{framework:<14}" + "".join(f"{cell:>40}" for cell in cells))
    if rules:
        lines.append("")
        lines.append("== evidence rules (sentences decided) ==")
        lines += [f"{rule:<18}{count:>6}" for rule, count in rules.items()]
    lines.append("")
    lines.append("== disagreements ==")
    for d in sorted(result.disagreements, key=lambda d: (d.method, d.question, d.file)):
        kind = "missed" if d.expected else "false"
        lines.append(f"[{d.method} {d.question}] {d.file} {d.framework}: {kind}")
        lines += [f"    {reason}" for reason in d.evidence]
    return "\n".join(lines)


def _cell(counts: Counts) -> str:
    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:.2f}"

    return (
        f"{fmt(counts.precision)}/{fmt(counts.recall)}/{fmt(counts.f1)}"
        f" ({counts.tp} {counts.fp} {counts.fn})"
    )


def file_paths(truths: Mapping[str, Truth], pdf_dir: Path) -> list[Path]:
    """The PDFs the labels name, in label order; a missing one is an error the user can fix."""
    missing = [name for name in truths if not (pdf_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"{pdf_dir}: {len(missing)} labelled PDFs missing, e.g. {', '.join(missing[:3])}"
        )
    return [pdf_dir / name for name in truths]


def rule_counts(reports: Sequence[FileReport]) -> dict[str, int]:
    """How often each rule decided a sentence, over all files (for the closing note)."""
    counts: dict[str, int] = defaultdict(int)
    for report in reports:
        for verdict in report.verdicts:
            for e in verdict.evidence:
                counts[e.rule] += 1
    return dict(sorted(counts.items(), key=lambda item: -item[1]))
