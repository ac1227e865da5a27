"""Which of a paper's code links is the authors' own repository.

Candidates come from the source's metadata (``Paper.code_urls``) and from the URLs the extract
stage found in the text. Each is scored from where it stands (metadata, abstract, title page,
footnote, references), the words around it ("our code is available at" vs "we build on the
official implementation of"), and ownership (the owner or name matching an author or the title).
Links to frameworks and libraries (``github.com/pytorch/pytorch``, any URL in the catalogue) are
never the paper's own. Every reason is kept as evidence.

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
from dataclasses import dataclass
from functools import cache

from fwcensus.detect.catalogue import load_catalogue
from fwcensus.models import ExtractedText, SectionKind

# host -> kind of forge; the kind picks the reader (repos/hosts.py) and how a path is parsed.
PUBLIC_FORGES: dict[str, str] = {
    "github.com": "github",
    "gitlab.com": "gitlab",
    "bitbucket.org": "bitbucket",
    "codeberg.org": "gitea",
    "huggingface.co": "huggingface",
}
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
    r"(?:available|released|public)|\bcode\s+(?:and\s+\w+\s+)?(?:is|are)\s+(?:publicly\s+)?"
    r"available|\b(?:we|will)\s+(?:publicly\s+)?(?:release|open[- ]source|make)\b|\bproject\s+page"
    r"|\bour\s+(?:code|implementation|repository)\b|^\s*(?:code|source code|project)\s*:",
    re.I,
)
_THIRD = re.compile(
    r"\b(?:based on|built (?:up)?on|borrowed from|adapted from|taken from|provided by|released"
    r" by|official (?:code|implementation) (?:of|from|for)|implementation (?:of|from|by)|we use"
    r"|baselines?|their|publicly available (?:code|implementation) of|downloaded from)\b",
    re.I,
)
_WINDOW = 160  # characters either side of a URL read for its wording


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
    reasons: tuple[str, ...]  # evidence: each signal that moved the score
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
    return tuple((u, f) for u, f in found if "/" in u)


def framework_of(repo: RepoRef) -> str | None:
    """The catalogue framework or library whose own repository (or organisation) this is."""
    path = f"{repo.host}/{repo.owner}/{repo.name}".casefold()
    for prefix, framework in _framework_prefixes():
        if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
            return framework
    return None


def _window(page: str, start: int, end: int) -> tuple[str, str]:
    before = page[max(0, start - _WINDOW) : start]
    after = page[end : end + _WINDOW // 2]
    # Only the sentence holding the URL (and the clause just after it) counts.
    before = re.split(r"(?<=[.!?])\s+(?=[A-Z])", before)[-1]
    return before, after


def _tokens(text: str) -> set[str]:
    return {t for t in re.findall(r"[a-z0-9]+", text.casefold()) if len(t) >= 3}


def score_link(
    repo: RepoRef,
    source: str,
    section: str | None,
    page_no: int | None,
    context: tuple[str, str] | None,
    authors: Sequence[str] = (),
    title: str = "",
) -> tuple[str, float, tuple[str, ...]]:
    """``(role, score, reasons)`` for one occurrence of a repository link."""
    framework = framework_of(repo)
    if framework:
        return "framework", -10.0, (f"framework repository ({framework})",)
    score, reasons = 0.0, []

    def add(points: float, why: str) -> None:
        nonlocal score
        score += points
        reasons.append(f"{why} ({points:+g})")

    if source == "metadata":
        add(4, "given by the source's metadata")
    if section == SectionKind.REFERENCES:
        add(-5, "in the references (a cited work's code)")
    elif section in (SectionKind.ABSTRACT, SectionKind.TITLE, SectionKind.FRONT):
        add(2, f"in the {section}")
    elif section == SectionKind.FOOTNOTE and page_no is not None and page_no <= 2:
        add(2, "footnote on the first pages")
    elif page_no == 1:
        add(1, "on the first page")
    if context is not None:
        before, after = context
        own = _OWN.search(before) or _OWN.search(after[:40])
        third = _THIRD.search(before[-90:])
        if own:
            add(3, f"wording: {own.group(0).strip()!r}")
        if third and not own:
            add(-2, f"wording: {third.group(0).strip()!r}")
    owner_tokens = _tokens(repo.owner) | _tokens(repo.name)
    surnames = {a.split()[-1].casefold() for a in authors if a.split()}
    if any(s in t or t in s for s in surnames if len(s) >= 3 for t in owner_tokens):
        add(1, "owner or name matches an author")
    name_tokens = _tokens(repo.name)
    title_tokens = _tokens(title)
    if name_tokens & title_tokens or _acronym(title) in {t for t in name_tokens}:
        add(1, "repository name matches the title")
    role = "own" if score >= 2 else "third-party"
    return role, score, tuple(reasons)


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
    as ``parse_repo`` takes them."""
    known = forges() if known is None else known
    found: dict[RepoRef, CodeLink] = {}

    def keep(link: CodeLink) -> None:
        key = RepoRef(link.repo.host, link.repo.owner.casefold(), link.repo.name.casefold())
        old = found.get(key)
        if old is None or link.score > old.score:
            found[key] = link

    for url in code_urls:
        repo = parse_repo(url, known)
        if repo:
            role, score, reasons = score_link(repo, "metadata", None, None, None, authors, title)
            keep(CodeLink(url, repo, role, score, reasons, "metadata"))
    if text is not None:
        for link in text.links:
            repo = parse_repo(link.url, known)
            if repo is None:
                continue
            page = text.pages[link.page - 1] if 0 < link.page <= len(text.pages) else ""
            context = snippet = None
            if link.start is not None and link.end is not None and page:
                context = _window(page, link.start, link.end)
                snippet = (context[0] + page[link.start : link.end] + context[1]).strip()
            section = str(link.section) if link.section else None
            role, score, reasons = score_link(
                repo, "text", section, link.page, context, authors, title
            )
            keep(CodeLink(link.url, repo, role, score, reasons, link.source, link.page,
                          section, " ".join((snippet or "").split())[:300] or None))  # fmt: skip
    return sorted(found.values(), key=lambda c: (-c.score, c.page or 0))


def own_repository(
    links: Sequence[CodeLink], known: Mapping[str, str] | None = None
) -> CodeLink | None:
    """The authors' own repository: the best-scoring link judged ``own``, on a host we read
    before one we do not, and on a code host before Hugging Face (a model or Space shows what it
    ships; the code shows what it was built with). ``links`` come best first."""
    readable = forges() if known is None else known

    def rank(link: CodeLink) -> tuple[bool, bool]:
        kind = readable.get(link.repo.host)
        return kind is None, kind == "huggingface"

    return min((link for link in links if link.role == "own"), key=rank, default=None)
