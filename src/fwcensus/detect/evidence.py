"""The ``evidence`` method: per paper and framework, the role the framework plays (used,
mentioned, cited) decided sentence by sentence, with every sentence that decided it.

Mentions are found on the cleaned pages (mentions.py), each is placed in its sentence
(sentences.py) and section (the extract stage's sections), and the rules (rules.py) say what
that sentence makes of it. A framework is `used` when any sentence shows the authors' own use,
else `mentioned` when the body names it, else `cited` when only the bibliography does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from fwcensus.detect.catalogue import load_catalogue
from fwcensus.detect.mentions import Mention, scanner
from fwcensus.detect.methods import EVIDENCE
from fwcensus.detect.rules import Context, Finding, decide
from fwcensus.detect.sentences import one_line, sentence_span
from fwcensus.extract.sections import find_sections, section_at
from fwcensus.models import Evidence, Role, Section, SectionKind, Verdict

METHOD = EVIDENCE
# Longest evidence sentence kept; longer "sentences" are tables or lists.
MAX_SNIPPET = 400
_STRENGTH = {Role.USED: 3, Role.MENTIONED: 2, Role.CITED: 1}
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
# What may stand between two names of a list: separators, "and"/"or", a citation.
_LIST_GAP = re.compile(
    r"(?:\s|[,;/&]|\band\b|\bor\b|\bas well as\b|\([^()]{0,40}\)|\[[^\]]{0,20}\])*"
)
MIN_LIST = 3


@dataclass(frozen=True)
class Decision:
    """One sentence's verdict on one framework."""

    mention: Mention
    finding: Finding
    evidence: Evidence


def detect(pages: Sequence[str], sections: Sequence[Section] | None = None) -> list[Verdict]:
    """Verdicts for every framework the paper uses, names or cites; ``sections`` are the
    extract stage's spans over these pages (found again when not given)."""
    return verdicts(decisions(pages, sections))


def decisions(pages: Sequence[str], sections: Sequence[Section] | None = None) -> list[Decision]:
    if sections is None:
        sections = find_sections(pages)
    year = paper_year(pages, sections)
    releases = {f.id: f.first_release.year for f in load_catalogue().frameworks}
    found: dict[tuple[str, int, int], Decision] = {}
    scan = scanner()
    for number, text in enumerate(pages, 1):
        mentions = [m for m in scan.scan(number, text) if _in_era(m, year, releases)]
        by_sentence: dict[tuple[int, int], list[Mention]] = defaultdict(list)
        for mention in mentions:
            by_sentence[sentence_span(text, mention.start, mention.end)].append(mention)
        for (first, last), group in by_sentence.items():
            listed = _listed(text, group)
            for mention in group:
                section = section_at(sections, number, mention.start)
                ctx = Context(
                    mention=mention,
                    text=text,
                    sentence_start=first,
                    sentence_end=last,
                    section=section.kind if section else SectionKind.UNKNOWN,
                    label=section.label.casefold() if section else "",
                    in_list=mention in listed,
                    year=year,
                )
                finding = decide(ctx)
                key = (mention.framework, number, first)
                held = found.get(key)
                if held is None or _stronger(finding, held.finding):
                    found[key] = Decision(mention, finding, _evidence(ctx, finding))
    return list(found.values())


def verdicts(decided: Sequence[Decision]) -> list[Verdict]:
    by_framework: dict[str, list[Decision]] = defaultdict(list)
    for decision in decided:
        by_framework[decision.mention.framework].append(decision)
    result = []
    for framework in sorted(by_framework):
        group = sorted(
            by_framework[framework],
            key=lambda d: (-_STRENGTH[d.finding.role], d.evidence.page, d.evidence.char_start),
        )
        role = group[0].finding.role
        deciding = [d.finding.confidence for d in group if d.finding.role is role]
        result.append(
            Verdict(framework, role, _confidence(deciding), tuple(d.evidence for d in group))
        )
    return result


def paper_year(pages: Sequence[str], sections: Sequence[Section]) -> int | None:
    """The latest year the bibliography cites: a paper is from that year or the next."""
    years = [
        int(match.group())
        for s in sections
        if s.kind is SectionKind.REFERENCES
        for match in _YEAR.finditer(pages[s.page - 1], s.start, s.end)
    ]
    return max(years) if years else None


def _listed(text: str, group: Sequence[Mention]) -> set[Mention]:
    """Mentions in a run of at least MIN_LIST different frameworks named side by side."""
    result: set[Mention] = set()
    run: list[Mention] = []
    for mention in [*group, None]:
        joined = (
            mention is not None
            and run
            and _LIST_GAP.fullmatch(text, run[-1].end, mention.start) is not None
        )
        if mention is not None and (not run or joined):
            run.append(mention)
            continue
        if len({m.framework for m in run}) >= MIN_LIST:
            result.update(run)
        run = [mention] if mention is not None else []
    return result


def _in_era(mention: Mention, year: int | None, releases: dict[str, int]) -> bool:
    if mention.until is not None and (year is None or year > mention.until):
        return False
    # A paper cannot use a framework released after it; the slack covers papers that cite
    # nothing from their own year.
    return year is None or year + 1 >= releases[mention.framework]


def _stronger(a: Finding, b: Finding) -> bool:
    return (_STRENGTH[a.role], a.confidence) > (_STRENGTH[b.role], b.confidence)


def _confidence(scores: Sequence[float]) -> float:
    """Independent sentences agreeing make a verdict surer: 1 - prod(1 - c), capped."""
    doubt = 1.0
    for score in scores:
        doubt *= 1.0 - score
    return round(min(0.99, 1.0 - doubt), 3)


def _evidence(ctx: Context, finding: Finding) -> Evidence:
    sentence = one_line(ctx.sentence)
    if len(sentence) > MAX_SNIPPET:
        sentence = one_line(ctx.text[max(ctx.sentence_start, ctx.mention.start - 150) :][:300])
    return Evidence(
        page=ctx.mention.page,
        char_start=ctx.mention.start,
        char_end=ctx.mention.end,
        snippet=sentence,
        rule=finding.rule,
        section=ctx.section.value,
    )
