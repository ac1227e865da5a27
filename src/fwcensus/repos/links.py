"""A paper's code links, each scored as the authors' own repository or not.

Candidates come from the source's metadata (``Paper.code_urls``) and from the URLs the extract
stage found in the text. Each is scored from where it stands (metadata, abstract, title page,
footnote, references), the words nearest it ("our code is available at" vs "we build on the
official implementation of"; for a URL in a footnote, also the sentence carrying the footnote's
mark: "our code is publicly available.2"), and ownership (``repos.ownership``: the owner an
author or the authors' organisation, the name the title's). Authors, affiliations and e-mails
come from the first page where the listing has none. A single code link in the abstract, the
first-page footnotes or a "code is available" sentence gains a point. Links to frameworks and
libraries (``github.com/pytorch/pytorch``, any URL in the catalogue) are never the paper's own.
Every reason is kept as evidence with its points; ``repos.own_link`` takes the decision.

Which hosts are code forges, and of what kind, is decided here (``forges``): the public ones
(GitHub, GitLab.com, Bitbucket, Codeberg, Hugging Face) and the self-hosted GitLab and Gitea
instances the user lists in ``FWCENSUS_GITLAB_HOSTS`` / ``FWCENSUS_GITEA_HOSTS`` (comma
separated). A link to a host that only looks like a forge (``gitlab.inria.fr``, ``git.rwth-
aachen.de``) is still recognised as a repository link, so the paper's own code is known even when
it cannot be read; nothing guesses such a host's software. GitLab paths keep their subgroups
(``group/sub/project``, ``/-/tree/...`` cut off); a Hugging Face Space or dataset keeps its kind
in the owner (``spaces/owner``), so its URL and its store key stay distinct from a model's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property

from fwcensus.catalogue.code_hosts import PUBLIC_FORGES
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.extract.footnotes import (
    Footnote,
    FootnoteRef,
    citing_ref,
    find_footnotes,
    footnote_at,
    footnote_refs,
)
from fwcensus.extract.front_matter import read_front_matter
from fwcensus.extract.links import completing_annotation
from fwcensus.extract.sections import section_at
from fwcensus.models import ExtractedText, SectionKind, TextLink
from fwcensus.repos.ownership import Authorship, ownership

LISTED_FORGES = {"gitlab": "FWCENSUS_GITLAB_HOSTS", "gitea": "FWCENSUS_GITEA_HOSTS"}
HF_KINDS = ("spaces", "datasets")  # a model's URL has no kind segment
_URL = re.compile(
    r"^(?:https?://)?(?:www\.)?([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,})"
    r"(?::\d+)?((?:/[\w.~-]+)+)",
    re.I,
)
# Self-hosted forges are mostly GitLab; such a host is recognised, never read unless listed.
_LOOKS_SELF_HOSTED = re.compile(r"^(?:gitlab|git)\.", re.I)
_SEGMENT = re.compile(r"[A-Za-z0-9][\w.-]*")
_NOT_OWNERS = {"orgs", "topics", "features", "about", "sponsors", "marketplace", "settings",
               "datasets", "spaces", "docs", "papers", "blog", "models", "users", "groups",
               "explore", "help", "search", "organizations", "collections", "posts", "learn",
               "tasks", "login", "join", "pricing", "dashboard", "account", "site"}  # fmt: skip
# GitLab's old routes without ``/-/`` (``group/project/tree/master``) end the project path.
_GITLAB_ROUTES = {"tree", "blob", "raw", "commits", "commit", "issues", "merge_requests",
                  "wikis", "archive", "tags", "branches", "releases", "pipelines",
                  "jobs"}  # fmt: skip
_OWN = re.compile(
    r"\b(?:our|the)\s+(?:source\s+)?(?:code|implementation|models?|project|repository|data"
    r"(?:set)?s?)\b[^.]{0,60}\b(?:is|are|will be|has been|have been)\s+(?:publicly\s+|made\s+)?"
    r"(?:available|released|public)|\bcodes?\s+(?:and\s+\w+\s+)?(?:is|are)\s+(?:publicly\s+)?"
    r"available|\b(?:we|will)\s+(?:publicly\s+)?(?:release|open[- ]source|make)\b|\bproject\s+page"
    r"|\bour\s+(?:code|implementation|repository)\b"
    r"|^\s*(?:(?:source\s+)?code|implementation|project(?:\s+page)?|software)(?:\s+and\s+\w+)?\s*:"
    r"|\bcodes?\s+(?:is\s+)?at\b|\bcan be (?:found|accessed|downloaded)\b"
    r"|\b(?:is|are) (?:released|open[- ]sourced)\b",
    re.I | re.M,
)
_THIRD = re.compile(
    r"\b(?:based on|built (?:up)?on|borrowed from|adapted from|taken from|provided by|released"
    r" by|official (?:code|implementation) (?:of|from|for)|implementation (?:of|from|by)|we use"
    r"|uses|baselines?|their|publicly available (?:code|implementation) of|downloaded from"
    r"|starting point|forked from|modified from)\b|\b[A-Z][\w-]*['\u2019]s\s+(?:\w+\s+)?(?:code"
    r"|implementation|repository|repo)\b",
    re.I,
)
_NOT_NAMES = frozenset({"the", "for", "and", "with", "from", "via", "code", "official"})
# Wording that fits the authors' own code but also others' ("X is available at"): it counts
# for a little, and only when nothing stronger is said.
_AVAILABLE = re.compile(
    r"\b(?:available|released|hosted|published|accessible)\s+(?:online\s+)?(?:at|on|from|in"
    r"|via)\b|^\s*(?:github|repository|repo|website|homepage)\s*:",
    re.I | re.M,
)
_WINDOW = 160  # characters either side of a URL read for its wording
OWN_AT = 2.0  # the score from which a link is the authors' own
OWN_WORDS, THIRD_WORDS = 3.0, -2.0  # "our code is available" / "based on", "we use"
_FIRST_PAGES = 2  # footnotes this early are the title page's (LaTeX moves them a page on)


@dataclass(frozen=True)
class RepoRef:
    host: str
    owner: str
    name: str
    path: str = ""  # a folder inside the repository (a monorepo's project); "": all of it

    @property
    def url(self) -> str:
        base = f"https://{self.host}/{self.owner}/{self.name}"
        return f"{base}/tree/HEAD/{self.path}" if self.path else base


@dataclass(frozen=True)
class CodeLink:
    url: str  # as found
    repo: RepoRef
    role: str  # "own" | "framework" | "third-party"
    score: float
    reasons: tuple[str, ...]  # evidence: each clue that moved the score
    source: str  # "metadata" | "text" | "annotation" | "both"
    page: int | None = None
    section: str | None = None
    snippet: str | None = None


def forges(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """host -> forge kind: the public forges, then the self-hosted ones the user listed."""
    env = os.environ if env is None else env
    found = dict(PUBLIC_FORGES)
    for kind, variable in LISTED_FORGES.items():
        for host in env.get(variable, "").split(","):
            if host.strip():
                found[host.strip().casefold()] = kind
    return found


def parse_repo(url: str, known: Mapping[str, str] | None = None) -> RepoRef | None:
    """The repository a URL points into, on a forge of ``known`` (``forges()`` by default) or
    on a host that looks like a self-hosted forge; None for any other URL."""
    match = _URL.match(url.strip())
    if not match:
        return None
    host = match.group(1).casefold()
    kind = (forges() if known is None else known).get(host)
    if kind is None and not _LOOKS_SELF_HOSTED.match(host):
        return None
    parts = [p for p in match.group(2).split("/") if p]
    hub_kind = kind == "huggingface" and parts[0] in HF_KINDS
    if hub_kind:
        owner_parts, name = parts[:2], (parts[2] if len(parts) > 2 else "")
    elif kind in (None, "gitlab"):
        owner_parts, name = _gitlab_path(parts)
    else:
        owner_parts, name = parts[:1], (parts[1] if len(parts) > 1 else "")
    name = re.sub(r"\.git$", "", name).rstrip(".")
    owners = owner_parts[1:] if hub_kind else owner_parts
    if not name or not owners or owners[0].casefold() in _NOT_OWNERS:
        return None
    if not all(_SEGMENT.fullmatch(p) for p in owners) or not re.fullmatch(r"[\w.-]+", name):
        return None
    folder = _github_folder(parts) if kind == "github" else ""
    return RepoRef(host, "/".join(owner_parts), name, folder)


def _github_folder(parts: list[str]) -> str:
    """The folder a GitHub link points into: ``tree/REF/a/b`` -> ``a/b``, ``blob/REF/a/x.py``
    -> ``a`` (the file's folder); "" for the repository itself or a path with ``.``/``..``."""
    if len(parts) < 5 or parts[2] not in ("tree", "blob"):
        return ""
    folder = parts[4:-1] if parts[2] == "blob" else parts[4:]
    if any(p in (".", "..") for p in folder):
        return ""
    return "/".join(folder).rstrip(".")  # a link ending a sentence


def _gitlab_path(parts: list[str]) -> tuple[list[str], str]:
    """``(group and subgroups, project)``: the path ends at ``-`` or at an old route word."""
    if "-" in parts:
        parts = parts[: parts.index("-")]
    else:
        cut = next((i for i, p in enumerate(parts) if i >= 2 and p in _GITLAB_ROUTES), None)
        parts = parts[:cut]
    if len(parts) < 2:
        return [], ""
    return parts[:-1], parts[-1]


@cache
def _framework_prefixes() -> tuple[tuple[str, str], ...]:
    catalogue = load_catalogue()
    found = [(url.casefold(), fw.id) for fw in catalogue.frameworks for url in fw.urls]
    found += [
        (url.casefold(), lib.framework or lib.name)
        for lib in catalogue.libraries
        for url in lib.urls
    ]
    # Longest first: "github.com/pytorch/fairseq" (a library) before "github.com/pytorch".
    return tuple(sorted(((u, f) for u, f in found if "/" in u), key=lambda p: -len(p[0])))


def framework_of(repo: RepoRef) -> str | None:
    """The catalogue framework or library whose own repository (or organisation) this is."""
    return _framework_match(repo)[0]


def _framework_match(repo: RepoRef) -> tuple[str | None, bool]:
    """``(framework, whole organisation)``: the catalogue framework or library whose
    repository this is, and whether the catalogue names only its organisation
    (``github.com/PaddlePaddle``), where other projects live too."""
    path = f"{repo.host}/{repo.owner}/{repo.name}".casefold()
    for prefix, framework in _framework_prefixes():
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            organisation = prefix.count("/") == 1 and repo.name.casefold() not in _main_repos()
            return framework, organisation
    return None, False


@cache
def _main_repos() -> frozenset[str]:
    """Repository names that are a framework itself inside its organisation (pytorch/pytorch,
    PaddlePaddle/Paddle, jax-ml/jax)."""
    names: set[str] = set()
    for fw in load_catalogue().frameworks:
        names.update({fw.id, fw.name.replace(" ", "").casefold(), *fw.compounds})
    return frozenset(names)


def _window(
    page: str, start: int, end: int, bounds: tuple[int, int] | None = None
) -> tuple[str, str]:
    """The words before and after a URL: its own sentence (and the clause after it), inside
    ``bounds`` when it stands in a footnote (the body above is not the footnote's wording)."""
    low, high = bounds or (0, len(page))
    before = page[max(low, start - _WINDOW) : start]
    after = page[end : min(high, end + _WINDOW // 2)]
    before = re.split(r"(?<=[.!?])\s+(?=[A-Z])", before)[-1]
    return before, after


@dataclass(frozen=True)
class _Paper:
    """What a paper's links are judged against; its footnotes are read only when a repository
    link is printed in the text."""

    who: Authorship
    title: str
    text: ExtractedText | None

    @property
    def pages(self) -> tuple[str, ...]:
        return self.text.pages if self.text else ()

    @cached_property
    def footnotes(self) -> tuple[Footnote, ...]:
        if self.text is None:
            return ()
        return tuple(find_footnotes(self.text.pages, self.text.sections))

    @cached_property
    def refs(self) -> tuple[FootnoteRef, ...]:
        if self.text is None:
            return ()
        return tuple(footnote_refs(self.text.pages, self.text.sections, self.footnotes))


def authorship(
    authors: Sequence[str], title: str, text: ExtractedText | None
) -> tuple[Authorship, str]:
    """Who wrote the paper and its title: the listing's when it has them, else the first
    page's (``fwcensus inspect``, arXiv); affiliations and e-mails always from the first page."""
    front = read_front_matter(text.pages, text.sections) if text and text.pages else None
    return Authorship.of(authors, front), title or (front.title if front else "")


def _wording(before: str, after: str) -> tuple[str, re.Match[str]] | None:
    """``("own" | "third", match)``: the wording nearest the URL decides ("Our implementation
    uses Apex's code (URL)" is Apex's; "based on X, our code is at URL" is theirs)."""
    found = []
    for kind, pattern in (("own", _OWN), ("third", _THIRD)):
        last = None
        for match in pattern.finditer(before):
            last = match
        if last is not None:
            found.append((len(before) - last.end(), kind, last))
    own_after = _OWN.search(after[:40])
    if own_after:
        found.append((own_after.start(), "own", own_after))
    if not found:
        return None
    _, kind, match = min(found, key=lambda item: item[0])
    return kind, match


def score_link(
    repo: RepoRef,
    source: str,
    section: str | None,
    page_no: int | None,
    context: tuple[str, str] | None,
    who: Authorship,
    title: str = "",
    cited: tuple[str, str] | None = None,
) -> tuple[str, float, tuple[str, ...]]:
    """``(role, score, reasons)`` for one occurrence of a repository link; ``cited`` is the
    sentence carrying the mark of the footnote the link stands in, and its wording counts."""
    framework, organisation = _framework_match(repo)
    if framework and not organisation:
        return "framework", -10.0, (f"framework repository ({framework})",)
    score, reasons = 0.0, []

    def add(points: float, why: str) -> None:
        nonlocal score
        score += points
        reasons.append(f"{why} ({points:+g})")

    if source == "metadata":
        add(4, "given by the source's metadata")
    if framework:  # a project inside a framework's organisation: its team's own papers link it
        add(-2, f"in the organisation of {framework}")
    if section == SectionKind.REFERENCES:
        add(-5, "in the references (a cited work's code)")
    elif section in (SectionKind.ABSTRACT, SectionKind.TITLE, SectionKind.FRONT):
        add(2, f"in the {section}")
    elif section == SectionKind.FOOTNOTE and page_no is not None and page_no <= _FIRST_PAGES:
        add(2, "footnote on the first pages")
    elif page_no == 1:
        add(1, "on the first page")
    said = False
    for where, words in (("", context), ("footnote mark in ", cited)):
        wording = _wording(*words) if words else None
        if wording is not None:
            kind, match = wording
            points = OWN_WORDS if kind == "own" else THIRD_WORDS
            add(points, f"{where}wording: {match.group(0).strip()!r}")
            said = True
    available = None if said or context is None else _AVAILABLE.search(context[0][-60:])
    if available:
        add(1, f"wording: {available.group(0).strip()!r}")
    if not who.authors:
        reasons.append("authors unknown, owner not compared (+0)")  # Authorship.reason says why
    tie = ownership(repo.owner, repo.name, who)
    if tie is not None:
        add(*tie)
    name_tokens = _tokens(repo.name)
    title_tokens = _tokens(title)
    if name_tokens & title_tokens or _acronym(title) in {t for t in name_tokens}:
        add(1, "repository name matches the title")
    role = "own" if score >= OWN_AT else "third-party"
    return role, score, tuple(reasons)


def _tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", text.casefold()) if len(t) >= 3} - _NOT_NAMES


def _acronym(title: str) -> str:
    head = title.split(":")[0].strip()
    return head.casefold() if head and " " not in head else ""


def find_code_links(
    code_urls: Iterable[str],
    text: ExtractedText | None,
    authors: Sequence[str] = (),
    title: str = "",
    known: Mapping[str, str] | None = None,
) -> list[CodeLink]:
    """One CodeLink per repository (its best-scoring occurrence), best first; ``known`` forges
    as ``parse_repo`` takes them. Authors and title come from the listing, else from the
    first page."""
    known = forges() if known is None else known
    paper = _Paper(*authorship(authors, title, text), text)
    found: dict[RepoRef, CodeLink] = {}

    def keep(link: CodeLink) -> None:
        key = RepoRef(link.repo.host, link.repo.owner.casefold(), link.repo.name.casefold())
        old = found.get(key)
        if old is None or link.score > old.score:
            found[key] = link

    for url in code_urls:
        repo = parse_repo(url, known)
        if repo:
            role, score, reasons = score_link(repo, "metadata", None, None, None, paper.who,
                                              paper.title)  # fmt: skip
            keep(CodeLink(url, repo, role, score, reasons, "metadata"))
    printed = text.links if text is not None else ()
    completions = {id(link): completing_annotation(link, printed) for link in printed}
    completed = {id(full) for full in completions.values() if full is not None}
    for link in printed:
        full = completions[id(link)]
        repo = parse_repo((full or link).url, known)
        if repo is not None and id(link) not in completed:
            scored = _text_link(link, repo, paper)
            keep(scored if full is None else replace(scored, url=full.url, source="both"))
    return _single_prominent(sorted(found.values(), key=lambda c: (-c.score, c.page or 0)))


def _text_link(link: TextLink, repo: RepoRef, paper: _Paper) -> CodeLink:
    """A link printed in the text (or behind an annotation, where it is printed in a form the
    URL reader missed), scored where it stands; a link inside a footnote is a footnote's, and the
    sentence carrying its mark speaks for it."""
    page = paper.pages[link.page - 1] if 0 < link.page <= len(paper.pages) else ""
    section = str(link.section) if link.section else None
    context = cited = snippet = None
    span: tuple[int, int] | None = None
    if link.start is not None and link.end is not None:
        span = (link.start, link.end)
    elif paper.text is not None:
        span = _printed_remnant(page, repo)
        where = section_at(paper.text.sections, link.page, span[0]) if span else None
        section = str(where.kind) if where else section
    if span is not None:
        start, end = span
        note = footnote_at(paper.footnotes, link.page, start)
        if note is not None:
            section = str(SectionKind.FOOTNOTE)
            ref = citing_ref(paper.refs, note)
            if ref is not None:
                cited = _window(paper.pages[ref.page - 1], ref.start, ref.start)
        bounds = (note.start, note.end) if note else None
        context = _window(page, start, end, bounds)
        snippet = (context[0] + page[start:end] + context[1]).strip()
    role, score, reasons = score_link(
        repo, "text", section, link.page, context, paper.who, paper.title, cited
    )
    return CodeLink(link.url, repo, role, score, reasons, link.source, link.page, section,
                    " ".join((snippet or "").split())[:300] or None)  # fmt: skip


def _printed_remnant(page: str, repo: RepoRef) -> tuple[int, int] | None:
    """Where a link known only from its annotation is printed after all, in a form the URL
    reader missed (a scheme whose ligature was lost, "hps://github.com/owner/..."; underscores
    printed as spaces): its "owner/name", else "host/owner", found exactly once on the page."""
    lowered = page.casefold()
    for needle in (f"{repo.owner}/{repo.name}", f"{repo.host}/{repo.owner}/"):
        needle = needle.casefold()
        first = lowered.find(needle)
        if first >= 0 and lowered.find(needle, first + 1) < 0:
            return first, first + len(needle)
    return None


def _prominent(link: CodeLink) -> bool:
    """Where a paper gives its own code: the title page, its footnotes, or a sentence saying
    the code is available."""
    first_page = link.section in (SectionKind.ABSTRACT, SectionKind.TITLE, SectionKind.FRONT) or (
        link.section == SectionKind.FOOTNOTE and (link.page or 0) <= _FIRST_PAGES
    )
    said = any(_is_wording(r, OWN_WORDS) for r in link.reasons)
    return link.role != "framework" and (first_page or said)


def _is_wording(reason: str, points: float) -> bool:
    """Whether ``reason`` is a wording of the link (or of its footnote's mark) worth ``points``."""
    return reason.startswith(("wording:", "footnote mark in wording:")) and reason.endswith(
        f"({points:+g})"
    )


def _single_prominent(links: list[CodeLink]) -> list[CodeLink]:
    """A single code link in the abstract, the first-page footnotes or a "code is available"
    sentence is the paper's own unless its wording says otherwise."""
    prominent = [link for link in links if _prominent(link)]
    if len(prominent) != 1 or any(_is_wording(r, THIRD_WORDS) for r in prominent[0].reasons):
        return links
    only = prominent[0]
    score = only.score + 1
    bonus = "the only code link in the abstract, first-page footnotes and 'code is available'"
    better = replace(only, role="own" if score >= OWN_AT else only.role, score=score,
                     reasons=(*only.reasons, f"{bonus} sentences (+1)"))  # fmt: skip
    return sorted((better if link is only else link for link in links),
                  key=lambda c: (-c.score, c.page or 0))  # fmt: skip
