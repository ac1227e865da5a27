"""Every catalogue framework per venue-year, under each named share definition, and its growth
against the venue's paper count. Computed from the stored verdicts at aggregate/report time (no
table of its own), so it can never disagree with the evidence it is built from.

Definitions (each table and chart says which one it shows):

- ``of-framework-papers``: papers using the framework / papers with text using any catalogue
  framework (multi-label: a paper using two frameworks counts for both, so shares can sum to
  more than 100%); 95% Wilson interval.
- ``of-all-papers``: papers using the framework / all papers with text; 95% Wilson interval.
- ``of-papers-with-code``: papers with code using the framework / papers whose own code
  repository was read. Needs the repository data (``repos`` stage); until a store holds it, no
  row is written (:func:`with_code_papers` is None).

Sources (the ``source`` column; ``text`` is the default and what earlier versions wrote):

- ``text``: the paper's text, under the row's method.
- ``code``: the repository verdict (``used``), among papers with code only:
  ``of-papers-with-code`` and ``of-framework-papers`` (base: papers with code whose repository
  uses any catalogue framework).
- ``combined``: used when the text or the code says used (``repos.verdict.combine``), under
  every definition; its ``of-all-papers`` and ``of-framework-papers`` bases count papers with
  text or code.

Families are merged as in ``fwcensus eval`` (keras -> tensorflow, flax/haiku -> jax, ...): a
paper counts for a family when any member has the role. "Using" is the role ``used``; under
``substring-2019`` that means "named anywhere in the text", the 2019 study's assumption.
"""

from __future__ import annotations

import itertools
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from fwcensus.aggregate.intervals import bootstrap_ratio, wilson
from fwcensus.aggregate.stage import ALL_VENUES
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.models import Record, Selection
from fwcensus.repos.verdict import combine, used_by
from fwcensus.store import Store

OF_FRAMEWORK_PAPERS = "of-framework-papers"
OF_ALL_PAPERS = "of-all-papers"
OF_PAPERS_WITH_CODE = "of-papers-with-code"
DEFINITIONS = {
    "pt-vs-tf": "PyTorch / (PyTorch + TensorFlow) among papers naming exactly one of the two "
    "(the 2019 study's definition); 95% Wilson interval",
    OF_FRAMEWORK_PAPERS: "papers using the framework / papers with text using any catalogue "
    "framework (multi-label: shares may sum past 100%); 95% Wilson interval",
    OF_ALL_PAPERS: "papers using the framework / all papers with text; 95% Wilson interval",
    OF_PAPERS_WITH_CODE: "papers using the framework / papers whose code repository was read "
    "(needs repository data from the repos stage; no rows until a store holds it)",
}
TEXT, CODE, COMBINED = "text", "code", "combined"
SOURCES = {
    TEXT: "the paper's text (under the method)",
    CODE: "the paper's own code repository: the framework is used per the repository verdict "
    "(manifests, Dockerfiles, imports); among papers whose repository was read",
    COMBINED: "used when the text or the code says used; a paper counts when it has text or code",
}
# Definitions each source is written under (text: of-papers-with-code among papers with code).
SOURCE_DEFINITIONS = {
    TEXT: (OF_FRAMEWORK_PAPERS, OF_ALL_PAPERS, OF_PAPERS_WITH_CODE),
    CODE: (OF_FRAMEWORK_PAPERS, OF_PAPERS_WITH_CODE),
    COMBINED: (OF_FRAMEWORK_PAPERS, OF_ALL_PAPERS, OF_PAPERS_WITH_CODE),
}
GROWTH_DEFINITION = (
    "year on year: framework growth = papers using it this year / the venue's previous year "
    "(95% bootstrap interval, 2000 resamples of each year's papers); paper growth = papers "
    "with text this year / previous year; relative growth = framework growth / paper growth "
    "(below 1: the framework did not keep up with the venue's growth)"
)
ROLE_RANK = {"used": 3, "mentioned": 2, "cited": 1}
# Frameworks a method can find at all; other methods find every catalogue family.
METHOD_FRAMEWORKS = {"substring-2019": ("pytorch", "tensorflow")}


def frameworks_of(method: str, frameworks: Sequence[str] | None = None) -> list[str]:
    known = METHOD_FRAMEWORKS.get(method)
    candidates = list(frameworks or families())
    return [f for f in candidates if known is None or f in known]


@dataclass
class PaperFacts:
    """One paper as every count sees it."""

    paper_id: int
    work: int
    source: str
    venue: str
    track: str
    year: int
    fetched: bool
    has_text: bool
    # method -> family -> best role among the family's members
    roles: dict[str, dict[str, str]] = field(default_factory=dict)
    # None: the store holds no repository data; else whether the paper's own repository was read
    has_code: bool | None = None
    # family -> best repository role (used | minor) of the paper's own repository
    code_roles: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.venue if self.track == "main" else f"{self.venue} {self.track}"

    def uses(self, method: str, family: str) -> bool:
        return self.roles.get(method, {}).get(family) == "used"

    def uses_any(self, method: str) -> bool:
        return "used" in self.roles.get(method, {}).values()

    def used(self, method: str, source: str = TEXT) -> set[str]:
        """Families used according to ``source`` (text under ``method``, code, or both as
        :func:`fwcensus.repos.verdict.combine` decides)."""
        text = self.roles.get(method, {}) if self.has_text else {}
        code = self.code_roles if self.has_code else None
        if source == TEXT:
            return {f for f, role in text.items() if role == "used"}
        rows, _conflict = combine(text, code)
        return used_by(rows, source)


@dataclass(frozen=True)
class FrameworkRow:
    venue: str  # label: "ACL", "ACL findings", or "All venues"
    year: int
    method: str
    framework: str  # family id
    definition: str
    papers: int  # numerator: papers using the framework
    base: int  # denominator under the definition
    with_text: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    source: str = TEXT  # text | code | combined


@dataclass(frozen=True)
class GrowthRow:
    venue: str
    year: int
    previous_year: int
    method: str
    framework: str
    papers: int
    previous_papers: int
    with_text: int
    previous_with_text: int
    framework_growth: float | None
    growth_low: float | None
    growth_high: float | None
    paper_growth: float | None
    relative_growth: float | None
    relative_low: float | None
    relative_high: float | None


def families() -> list[str]:
    """Every family of the catalogue, in its order (pytorch, tensorflow, jax, ...)."""
    out: list[str] = []
    for framework in load_catalogue().frameworks:
        if framework.family not in out:
            out.append(framework.family)
    return out


def paper_facts(
    store: Store,
    selection: Selection | None = None,
    *,
    papers: Sequence[Record] | None = None,
    verdicts: Sequence[Record] | None = None,
) -> list[PaperFacts]:
    """Every paper as the counts see it; ``papers`` and ``verdicts`` are the store's rows for
    ``selection`` when the caller has read them already (the report needs them itself)."""
    selection = selection or Selection()
    catalogue = load_catalogue()
    facts = {
        row["paper_id"]: PaperFacts(
            paper_id=row["paper_id"],
            work=row["work_id"] or row["paper_id"],
            source=row["source"],
            venue=row["venue"],
            track=row["track"],
            year=row["year"],
            fetched=row["doc_status"] == "fetched",
            has_text=row["doc_status"] == "fetched" and row["text_status"] == "ok",
        )
        for row in (store.papers.rows(selection) if papers is None else papers)
    }
    for verdict in store.verdicts.rows(selection) if verdicts is None else verdicts:
        paper = facts.get(verdict["paper_id"])
        if paper is None or not paper.has_text:
            continue
        roles = paper.roles.setdefault(verdict["method"], {})
        family = catalogue.family(verdict["framework"])
        if ROLE_RANK[verdict["role"]] > ROLE_RANK.get(roles.get(family, ""), 0):
            roles[family] = verdict["role"]
    known, code_rows = store.repos.paper_code_rows(selection)
    if known:
        for paper in facts.values():
            paper.has_code = False
    for row in code_rows:
        paper = facts.get(row["paper_id"])
        if paper is None:
            continue
        paper.has_code = True
        if row["framework"] is not None:
            family = catalogue.family(row["framework"])
            if row["role"] == "used" or family not in paper.code_roles:
                paper.code_roles[family] = row["role"]
    return list(facts.values())


def works(papers: Iterable[PaperFacts]) -> list[PaperFacts]:
    """Each work once (a venue paper and its preprint are one): the year of its venue version,
    roles merged over its versions, as the store's "All venues" counts do."""
    grouped: dict[int, list[PaperFacts]] = defaultdict(list)
    for paper in papers:
        grouped[paper.work].append(paper)
    out = []
    for versions in grouped.values():
        venue_years = [p.year for p in versions if p.source != "arxiv"]
        merged = PaperFacts(
            paper_id=min(p.paper_id for p in versions),
            work=versions[0].work,
            source="",
            venue=ALL_VENUES,
            track="main",
            year=min(venue_years) if venue_years else min(p.year for p in versions),
            fetched=any(p.fetched for p in versions),
            has_text=any(p.has_text for p in versions),
        )
        if any(p.has_code is not None for p in versions):
            merged.has_code = any(p.has_code for p in versions)
        for version in versions:
            if not version.has_code:
                continue
            for family, role in version.code_roles.items():
                if role == "used" or family not in merged.code_roles:
                    merged.code_roles[family] = role
        for version in versions:
            for method, roles in version.roles.items():
                target = merged.roles.setdefault(method, {})
                for family, role in roles.items():
                    if ROLE_RANK[role] > ROLE_RANK.get(target.get(family, ""), 0):
                        target[family] = role
        out.append(merged)
    return out


def groups(papers: Sequence[PaperFacts]) -> dict[tuple[str, int], list[PaperFacts]]:
    """Papers per (venue label, year), plus per year over all venues (each work once) when
    there is more than one venue."""
    out: dict[tuple[str, int], list[PaperFacts]] = defaultdict(list)
    for paper in papers:
        out[(paper.label, paper.year)].append(paper)
    if len({p.label for p in papers}) > 1:
        for work in works(papers):
            out[(ALL_VENUES, work.year)].append(work)
    return dict(sorted(out.items()))


def with_code_papers(papers: Sequence[PaperFacts]) -> int | None:
    """For ``of-papers-with-code``: the number of these papers whose own code repository was
    read; None when the store holds no repository data (the repos stage never ran), and then
    :func:`framework_rows` writes no row of that definition nor of the code/combined sources."""
    if all(p.has_code is None for p in papers):
        return None
    return sum(bool(p.has_code) for p in papers)


@dataclass
class Usage:
    """One paper, or one work with its versions merged, reduced to what the counts read: the
    families used per method and source. Versions merge by union (a work uses a family when
    any version does), which is what :func:`works` does with the roles."""

    fetched: bool
    has_text: bool
    has_code: bool | None
    used: dict[tuple[str, str], frozenset[str]]  # (method, source) -> families used

    @classmethod
    def of(cls, paper: PaperFacts, methods: Sequence[str]) -> Usage:
        sources = (TEXT,) if paper.has_code is None else (TEXT, CODE, COMBINED)
        used = {(m, s): frozenset(paper.used(m, s)) for m in methods for s in sources}
        return cls(paper.fetched, paper.has_text, paper.has_code, used)

    def merge(self, other: Usage) -> None:
        self.fetched |= other.fetched
        self.has_text |= other.has_text
        if other.has_code is not None:
            self.has_code = bool(self.has_code) or other.has_code
        for key, families in other.used.items():
            self.used[key] = self.used.get(key, frozenset()) | families

    def sees(self, source: str) -> bool:
        """Whether ``source`` can say anything of this paper."""
        if source == TEXT:
            return self.has_text
        if source == CODE:
            return bool(self.has_code)
        return self.has_text or bool(self.has_code)


@dataclass
class Tally:
    """The counts behind one venue-year's framework and growth rows, added paper by paper, so
    a report can count a million papers holding one venue-year in memory at a time."""

    members: int = 0
    texts: int = 0
    with_code: int | None = None  # None: no paper's repository state is known
    seen: Counter[tuple[str, str]] = field(default_factory=Counter)  # (method, source)
    any_used: Counter[tuple[str, str]] = field(default_factory=Counter)
    users: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # + family
    coded_users: Counter[tuple[str, str, str]] = field(default_factory=Counter)

    def add(self, usage: Usage) -> None:
        self.members += 1
        self.texts += usage.has_text
        if usage.has_code is not None:
            self.with_code = (self.with_code or 0) + usage.has_code
        for (method, source), families in usage.used.items():
            if not usage.sees(source):
                continue
            self.seen[(method, source)] += 1
            self.any_used[(method, source)] += bool(families)
            for family in families:
                self.users[(method, source, family)] += 1
                if usage.has_code:
                    self.coded_users[(method, source, family)] += 1


def tallies(papers: Sequence[PaperFacts], methods: Sequence[str]) -> dict[tuple[str, int], Tally]:
    """A tally per venue-year group of :func:`groups`."""
    out = {}
    for key, members in groups(papers).items():
        tally = out[key] = Tally()
        for paper in members:
            tally.add(Usage.of(paper, methods))
    return out


def framework_rows(
    papers: Sequence[PaperFacts], methods: Sequence[str], frameworks: Sequence[str] | None = None
) -> list[FrameworkRow]:
    """Rows per venue-year, method, family, source and definition: ``text`` rows under
    ``of-framework-papers`` and ``of-all-papers`` always (as before); once the store holds
    repository data, ``of-papers-with-code`` rows and the ``code`` and ``combined`` sources."""
    return rows_of_tallies(tallies(papers, methods), methods, frameworks)


def rows_of_tallies(
    counted: Mapping[tuple[str, int], Tally],
    methods: Sequence[str],
    frameworks: Sequence[str] | None = None,
) -> list[FrameworkRow]:
    rows = []
    for (venue, year), tally in counted.items():
        with_code = tally.with_code
        sources = [TEXT] if with_code is None else [TEXT, CODE, COMBINED]
        for method in methods:
            for source in sources:
                bases = {
                    OF_FRAMEWORK_PAPERS: tally.any_used[(method, source)],
                    OF_ALL_PAPERS: tally.seen[(method, source)],
                    OF_PAPERS_WITH_CODE: with_code or 0,
                }
                for family in frameworks_of(method, frameworks):
                    for definition in SOURCE_DEFINITIONS[source]:
                        if definition == OF_PAPERS_WITH_CODE and with_code is None:
                            continue
                        base = bases[definition]
                        among = (
                            tally.coded_users if definition == OF_PAPERS_WITH_CODE else tally.users
                        )
                        k = among[(method, source, family)]
                        interval = wilson(k, base)
                        rows.append(
                            FrameworkRow(
                                venue=venue,
                                year=year,
                                method=method,
                                framework=family,
                                definition=definition,
                                papers=k,
                                base=base,
                                with_text=tally.texts,
                                share=k / base if base else None,
                                ci_low=interval[0] if interval else None,
                                ci_high=interval[1] if interval else None,
                                source=source,
                            )
                        )
    return rows


def growth_rows(
    papers: Sequence[PaperFacts], methods: Sequence[str], frameworks: Sequence[str] | None = None
) -> list[GrowthRow]:
    """Each framework's year-on-year growth beside the venue's, from one year the venue was
    held to the next (ICCV: odd years)."""
    return growth_of_tallies(tallies(papers, methods), methods, frameworks)


def growth_of_tallies(
    counted: Mapping[tuple[str, int], Tally],
    methods: Sequence[str],
    frameworks: Sequence[str] | None = None,
) -> list[GrowthRow]:
    by_venue: dict[str, list[int]] = defaultdict(list)
    for venue, year in counted:
        by_venue[venue].append(year)
    rows = []
    for venue, years in by_venue.items():
        years.sort()
        for previous, year in itertools.pairwise(years):
            now, before = counted[(venue, year)], counted[(venue, previous)]
            if not now.texts or not before.texts:
                continue
            paper_growth = now.texts / before.texts
            for method in methods:
                for family in frameworks_of(method, frameworks):
                    k1 = now.users[(method, TEXT, family)]
                    k0 = before.users[(method, TEXT, family)]
                    if not k1 and not k0:
                        continue
                    seed = zlib.crc32(f"{venue}|{year}|{method}|{family}".encode())
                    sizes = ((k1, now.texts), (k0, before.texts))
                    growth = bootstrap_ratio(*sizes, seed=seed)
                    relative = bootstrap_ratio(*sizes, factor=1 / paper_growth, seed=seed)
                    rows.append(
                        GrowthRow(
                            venue=venue,
                            year=year,
                            previous_year=previous,
                            method=method,
                            framework=family,
                            papers=k1,
                            previous_papers=k0,
                            with_text=now.texts,
                            previous_with_text=before.texts,
                            framework_growth=k1 / k0 if k0 else None,
                            growth_low=growth[0] if growth else None,
                            growth_high=growth[1] if growth else None,
                            paper_growth=paper_growth,
                            relative_growth=k1 / k0 / paper_growth if k0 else None,
                            relative_low=relative[0] if relative else None,
                            relative_high=relative[1] if relative else None,
                        )
                    )
    return rows


def methods_in(papers: Sequence[PaperFacts]) -> list[str]:
    found = {m for p in papers for m in p.roles}
    order = ["substring-2019", "evidence"]
    return [m for m in order if m in found] + sorted(found - set(order))


def as_records(rows: Iterable[Any]) -> list[dict[str, Any]]:
    return [asdict(r) for r in rows]
