"""Which of a paper's code links is the authors' own repository, and why the others are not.

One decision, shared by ``fwcensus inspect --repos`` and the repos stage: the link scored
``own`` (``links.score_link``) that ranks first: on a host fwcensus reads before one it does not,
on a code host before Hugging Face (a model or Space shows what it ships; the code shows what it
was built with), then by score. Two different repositories ranking equal are a tie, and a tie is
no decision: no own repository, with the reason, rather than a guess. Every link not taken says
why, with the scores that decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from fwcensus.models import ExtractedText
from fwcensus.repos.links import OWN_AT, CodeLink, authorship, find_code_links, forges
from fwcensus.repos.ownership import Authorship


@dataclass(frozen=True)
class Judged:
    link: CodeLink
    why: str  # why it was taken, or why not


@dataclass(frozen=True)
class OwnDecision:
    taken: CodeLink | None
    why: str  # why this link is the authors' own, or why no link is
    rejected: tuple[Judged, ...]  # every other link, best first
    authorship: Authorship

    @property
    def links(self) -> tuple[CodeLink, ...]:
        """Every link, the taken one first."""
        return (*([self.taken] if self.taken else []), *(j.link for j in self.rejected))

    def why_of(self, link: CodeLink) -> str:
        if link is self.taken:
            return self.why
        return next(j.why for j in self.rejected if j.link is link)


def own_link(
    code_urls: Iterable[str],
    text: ExtractedText | None,
    authors: Sequence[str] = (),
    title: str = "",
    known: Mapping[str, str] | None = None,
) -> OwnDecision:
    """The paper's links found and scored (``links.find_code_links``) and the decision."""
    links = find_code_links(code_urls, text, authors, title, known)
    return decide(links, authorship(authors, title, text)[0], known)


def decide(
    links: Sequence[CodeLink], who: Authorship, known: Mapping[str, str] | None = None
) -> OwnDecision:
    """The authors' own repository among ``links``, or none with the reason."""
    readable = forges() if known is None else known

    def rank(link: CodeLink) -> tuple[bool, bool, float]:
        kind = readable.get(link.repo.host)
        return kind is None, kind == "huggingface", -link.score

    candidates = sorted((link for link in links if link.role == "own"), key=rank)
    if not candidates:
        return OwnDecision(None, _none_convincing(links), _reject(links, None), who)
    best = candidates[0]
    tied = [c for c in candidates[1:] if rank(c) == rank(best)]
    if tied:
        names = ", ".join(link.repo.url for link in (best, *tied))
        why = f"tie: {names} all score {best.score:g}; no link taken"
        return OwnDecision(None, why, _reject(links, None, why), who)
    why = f"taken as the authors' own: score {best.score:g} ({'; '.join(best.reasons)})"
    following = candidates[1] if len(candidates) > 1 else None
    if following is not None:
        why += f"; next own candidate {following.repo.url} ranks lower"
    return OwnDecision(best, why, _reject([x for x in links if x is not best], best), who)


def _none_convincing(links: Sequence[CodeLink]) -> str:
    if not links:
        return "no code link in the paper"
    scored = [link for link in links if link.role != "framework"]
    if not scored:
        return "only framework or library repositories are linked"
    best = max(scored, key=lambda link: link.score)
    return (
        f"no link convincing: the best, {best.repo.url}, scores {best.score:g}"
        f" (the authors' own needs {OWN_AT:g})"
    )


def _reject(
    links: Iterable[CodeLink], taken: CodeLink | None, tie: str | None = None
) -> tuple[Judged, ...]:
    judged = []
    for link in links:
        if link.role == "framework":
            why = "a framework's or library's own repository"
        elif tie is not None and link.role == "own":
            why = tie
        elif link.role != "own":
            why = f"score {link.score:g} is below {OWN_AT:g}"
        elif taken is not None and link.score < taken.score:
            why = f"score {link.score:g} is below the taken link's {taken.score:g}"
        else:
            why = "ranks after the taken link (a host not read, or Hugging Face after code)"
        judged.append(Judged(link, why))
    return tuple(judged)
