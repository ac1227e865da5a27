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
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.detect.cited_tools import cited_tools
from fwcensus.detect.clauses import Agent, agent, clause_span, subject_after
from fwcensus.detect.footnote_marks import Footnotes
from fwcensus.detect.library_names import Resolve, library_names
from fwcensus.detect.mentions import Kind, Mention, scanner
from fwcensus.detect.methods import EVIDENCE
from fwcensus.detect.name_groups import disjoined, listed
from fwcensus.detect.own_names import own_names
from fwcensus.detect.rules import Context, Finding, decide
from fwcensus.detect.sentences import one_line, sentence_span
from fwcensus.extract.sections import find_sections, section_at
from fwcensus.models import Evidence, Role, Section, SectionKind, Verdict

METHOD = EVIDENCE
# Raised whenever the rules change what they decide: stored verdicts of another version are
# made again by the detect stage.
VERSION = 3
# Longest evidence sentence kept; longer "sentences" are tables or lists.
MAX_SNIPPET = 400
_STRENGTH = {Role.USED: 3, Role.MENTIONED: 2, Role.CITED: 1}
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")


@dataclass(frozen=True)
class Decision:
    """One sentence's verdict on one framework."""

    mention: Mention
    finding: Finding
    evidence: Evidence


def detect(
    pages: Sequence[str],
    sections: Sequence[Section] | None = None,
    resolve: Resolve | None = None,
) -> list[Verdict]:
    """Verdicts for every framework the paper uses, names or cites; ``sections`` are the
    extract stage's spans over these pages (found again when not given); ``resolve`` says
    which framework a library the catalogue does not know runs on (library_names.py)."""
    return verdicts(decisions(pages, sections, resolve))


def decisions(
    pages: Sequence[str],
    sections: Sequence[Section] | None = None,
    resolve: Resolve | None = None,
) -> list[Decision]:
    if sections is None:
        sections = find_sections(pages)
    paper = _Paper.read(pages, sections, resolve)
    found: dict[tuple[str, int, int], Decision] = {}
    for number, text in enumerate(pages, 1):
        by_sentence: dict[tuple[int, int], list[Mention]] = defaultdict(list)
        for mention in sorted(paper.mentions[number], key=lambda m: (m.start, m.end)):
            sentence = sentence_span(text, mention.start, mention.end)
            by_sentence[paper.notes.clamp(number, mention.start, sentence)].append(mention)
        for (first, last), in_sentence in by_sentence.items():
            for decision in paper.decide_sentence(number, text, first, last, in_sentence):
                where = decision.mention
                # One decision per framework and sentence (a footnote is a sentence: what its
                # own text and the sentence carrying its mark say are weighed together).
                note = paper.notes.at(where.page, where.start)
                key = (where.framework, where.page, note.start if note else first)
                held = found.get(key)
                if held is None or _stronger(decision.finding, held.finding):
                    found[key] = decision
    return _code_in_several(list(found.values()), paper.family)


@dataclass(frozen=True)
class _Paper:
    """What the rules read about the whole paper, around each sentence."""

    pages: Sequence[str]
    sections: Sequence[Section]
    year: int | None
    own: frozenset[str]  # names of the paper's own system
    notes: Footnotes
    mentions: dict[int, list[Mention]]  # per page, in the paper's era, marks included
    marked: dict[Mention, Mention]  # a mention placed at a footnote mark -> the one printed
    family: Callable[[str], str]

    @classmethod
    def read(
        cls, pages: Sequence[str], sections: Sequence[Section], resolve: Resolve | None
    ) -> _Paper:
        catalogue = load_catalogue()
        year = paper_year(pages, sections)
        releases = {f.id: f.first_release.year for f in catalogue.frameworks}
        scan = scanner()
        scanned = {number: scan.scan(number, text) for number, text in enumerate(pages, 1)}
        if resolve is not None:
            for number, tools in resolved_libraries(pages, sections, scanned, resolve).items():
                scanned[number] = [*scanned[number], *tools]
        cited = cited_tools(pages, sections, scanned, catalogue.family)
        mentions = {
            number: [m for m in (*found, *cited.get(number, ())) if _in_era(m, year, releases)]
            for number, found in scanned.items()
        }
        notes = Footnotes.of(pages, sections)
        # A framework in a footnote is also judged where the footnote's mark stands: "we
        # implement our model in MXNet2" decides the "2 https://mxnet.apache.org" it marks.
        marked: dict[Mention, Mention] = {}
        for mention in [m for found in mentions.values() for m in found]:
            mark = notes.mark_of(mention)
            if mark is not None:
                at_mark = replace(mention, page=mark.page, start=mark.start, end=mark.end)
                marked[at_mark] = mention
                mentions[mark.page].append(at_mark)
        own = own_names(pages, sections)
        return cls(pages, sections, year, own, notes, mentions, marked, catalogue.family)

    def decide_sentence(
        self, number: int, text: str, first: int, last: int, found: list[Mention]
    ) -> Iterator[Decision]:
        group = _named_once(found, self.family)
        in_list = listed(text, group)
        chosen = disjoined(text, group, self.family)
        for mention in group:
            section = section_at(self.sections, number, mention.start)
            in_references = section is not None and section.kind is SectionKind.REFERENCES
            if in_references and mention.via and not _shows_name(text, mention):
                continue  # a bibliography naming DeepSpeed cites DeepSpeed, not PyTorch
            clause_first, clause_last, inherits = clause_span(text, first, last, mention.start)
            actor = agent(text[clause_first : mention.start], self.own)
            inherited = actor is Agent.NONE and inherits
            if inherited:
                actor = agent(text[first:clause_first], self.own)
            elif actor is Agent.NONE and clause_first == first:
                actor = subject_after(text[mention.end : clause_last], self.own)
            ctx = Context(
                mention=mention,
                text=text,
                sentence_start=first,
                sentence_end=last,
                clause_start=clause_first,
                clause_end=clause_last,
                agent=actor,
                inherited=inherited and actor is not Agent.NONE,
                section=section.kind if section else SectionKind.UNKNOWN,
                label=section.label.casefold() if section else "",
                in_list=mention in in_list,
                in_disjunction=mention in chosen,
                year=self.year,
            )
            finding = decide(ctx)
            printed = self.marked.get(mention)
            if printed is None:
                yield Decision(mention, finding, _evidence(ctx, finding))
            else:  # the evidence points where the framework is printed, quoting both
                evidence = _through_footnote(_evidence(ctx, finding), printed, self)
                yield Decision(printed, finding, evidence)


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


def resolved_libraries(
    pages: Sequence[str],
    sections: Sequence[Section],
    scanned: Mapping[int, Sequence[Mention]],
    resolve: Resolve,
) -> dict[int, list[Mention]]:
    """Per page, a mention for each tool name the catalogue does not know whose backend
    ``resolve`` knows, placed where the name stands (never over a mention already found)."""
    found: dict[int, list[Mention]] = defaultdict(list)
    for section in sections:
        if section.kind in (SectionKind.REFERENCES, SectionKind.TITLE):
            continue
        taken = scanned.get(section.page, ())
        text = pages[section.page - 1]
        for name in library_names(text, section.start, section.end):
            if any(m.start < name.end and name.start < m.end for m in taken):
                continue
            framework, detail = resolve(name.name)
            if framework is not None:
                mention = Mention(section.page, name.start, name.end, framework,
                                  f"{name.name} -> {framework} ({detail})", Kind.NAME)  # fmt: skip
                found[section.page].append(mention)
    return found


def _shows_name(text: str, mention: Mention) -> bool:
    """Whether the words of a library mention hold the framework's own name ("Mesh
    TensorFlow", "mesh-transformer-jax"), as a reader of the bibliography would see it."""
    printed = text[mention.start : mention.end].casefold()
    framework = load_catalogue().framework(mention.framework)
    return any(stem in printed for stem in (framework.name.casefold(), *framework.compounds))


def _through_footnote(evidence: Evidence, printed: Mention, paper: _Paper) -> Evidence:
    """Evidence decided at a footnote mark: it points where the framework is printed and
    quotes the marked sentence and the footnote."""
    note = paper.notes.at(printed.page, printed.start)
    text = one_line(paper.pages[printed.page - 1][note.start : note.end]) if note else ""
    return replace(
        evidence,
        page=printed.page,
        char_start=printed.start,
        char_end=printed.end,
        snippet=f"{evidence.snippet} [footnote {note.mark if note else ''}: {text[:150]}]",
        section=SectionKind.FOOTNOTE.value,
    )


def _named_once(group: list[Mention], family: Callable[[str], str]) -> list[Mention]:
    """A citation stands for a framework only where the sentence does not name it: in "the
    Caffe source code [22]" the name decides, not its citation."""
    named = {family(m.framework) for m in group if m.kind is not Kind.CITATION}
    return [m for m in group if m.kind is not Kind.CITATION or family(m.framework) not in named]


def _code_in_several(decided: list[Decision], family: Callable[[str], str]) -> list[Decision]:
    """Code of two frameworks on one page is shown for readers, not run: it no longer decides
    use (the experiments' sentences do)."""
    pages: dict[int, set[str]] = defaultdict(set)
    for d in decided:
        if d.mention.kind is Kind.CODE:
            pages[d.mention.page].add(family(d.mention.framework))
    shared = {page for page, families in pages.items() if len(families) >= 2}
    if not shared:
        return decided
    result = []
    for d in decided:
        if d.mention.kind is Kind.CODE and d.mention.page in shared:
            finding = Finding(Role.MENTIONED, "code-in-several-frameworks", 0.6)
            d = Decision(d.mention, finding, replace(d.evidence, rule=finding.rule))
        result.append(d)
    return result


def _in_era(mention: Mention, year: int | None, releases: dict[str, int]) -> bool:
    if mention.until is not None and (year is None or year > mention.until):
        return False
    if mention.since is not None and year is not None and year < mention.since:
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
        via=ctx.mention.via,
    )
