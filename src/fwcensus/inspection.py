"""``fwcensus inspect``: both methods on PDFs given by path, without a store.

The JSON form is the contract between detection and whatever judges it (``fwcensus eval``, the
hidden evaluation): one object per file, keys and values as documented in the README.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fwcensus.detect import evidence, substring2019
from fwcensus.detect.library_names import Resolve
from fwcensus.extract.pool import Limits, extract_many
from fwcensus.models import ExtractedText, TextStatus, Verdict
from fwcensus.repos.own_link import OwnDecision, own_link
from fwcensus.repos.ownership import Authorship


@dataclass(frozen=True)
class FileReport:
    file: str
    ok: bool
    error: str | None
    verdicts: tuple[Verdict, ...]  # the evidence method's
    substring_2019: dict[str, bool]
    # the code links found in the text and which is the authors' own (no network: repositories
    # are read by ``inspect --repos`` and the repos stage)
    code: OwnDecision | None = None


def inspect_files(
    paths: Iterable[Path], limits: Limits, resolve: Resolve | None = None
) -> Iterator[FileReport]:
    """One report per path, in the order given; extraction runs in sandboxed workers;
    ``resolve`` knows the backends of libraries the catalogue does not."""
    ordered = list(paths)
    done = dict(extract_many(((str(path), path) for path in ordered), limits))
    for path in ordered:
        yield inspect_text(str(path), done[str(path)], resolve)


def inspect_text(name: str, text: ExtractedText, resolve: Resolve | None = None) -> FileReport:
    if text.status is not TextStatus.OK:
        return FileReport(name, False, text.error or text.status.value, (), {})
    pages = list(text.pages)
    named = {v.framework for v in substring2019.detect(pages)}
    return FileReport(
        file=name,
        ok=True,
        error=None,
        verdicts=tuple(evidence.detect(pages, text.sections or None, resolve)),
        substring_2019={term: term in named for term in substring2019.TERMS},
        code=own_link((), text),
    )


def text_roles(report: FileReport) -> dict[str, str]:
    return {verdict.framework: verdict.role.value for verdict in report.verdicts}


def report_json(report: FileReport, code: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON contract; ``code`` (from ``inspect --repos``) is added only when given."""
    return {
        "file": report.file,
        "status": "ok" if report.ok else "failed",
        "error": report.error,
        "frameworks": [
            {
                "framework": verdict.framework,
                "role": verdict.role.value,
                "confidence": verdict.confidence,
                "evidence": [
                    {
                        "page": e.page,
                        "section": e.section,
                        "text": e.snippet,
                        "rule": e.rule,
                        "via": e.via,
                    }
                    for e in verdict.evidence
                ],
            }
            for verdict in report.verdicts
        ],
        "substring_2019": report.substring_2019,
        "code_links": code_links_json(report.code) if report.code else [],
        "own_link": own_link_json(report.code) if report.code else None,
        "authorship": authorship_json(report.code.authorship) if report.code else None,
    } | ({"code": code} if code is not None else {})


def code_links_json(decision: OwnDecision) -> list[dict[str, Any]]:
    """The paper's code links, the taken one first: ``own`` marks the one taken as the
    authors' own repository (the one the repos stage would read), ``decision`` says why each
    was taken or not."""
    return [
        {
            "url": link.url,
            "repo": link.repo.url,
            "role": link.role,
            "own": link is decision.taken,
            "score": link.score,
            "reasons": list(link.reasons),
            "page": link.page,
            "section": link.section,
            "decision": decision.why_of(link),
        }
        for link in decision.links
    ]


def own_link_json(decision: OwnDecision) -> dict[str, Any]:
    """The own-link decision: the repository taken (None when none is) and why."""
    taken = decision.taken
    return {
        "repo": taken.repo.url if taken else None,
        "url": taken.url if taken else None,
        "score": taken.score if taken else None,
        "why": decision.why,
    }


def authorship_json(who: Authorship) -> dict[str, Any]:
    """Who the paper's links were judged against, and where that came from."""
    return {
        "source": who.source,
        "authors": list(who.authors),
        "affiliations": list(who.affiliations),
        "emails": list(who.emails),
        "reason": who.reason,
    }


def report_table(report: FileReport) -> str:
    """The readable form of ``fwcensus inspect``: one line per verdict with its first evidence."""
    lines = [report.file + ("" if report.ok else f"  failed: {report.error}")]
    for verdict in report.verdicts:
        first = verdict.evidence[0]
        lines.append(
            f"  {verdict.framework:<13}{verdict.role.value:<10}{verdict.confidence:<6.2f}"
            f"p{first.page} {first.section} {first.rule}: {first.snippet[:100]}"
        )
    if report.ok:
        named = ", ".join(fw for fw, hit in report.substring_2019.items() if hit) or "-"
        lines.append(f"  substring-2019: {named}")
    if report.code is not None:
        lines += own_link_lines(report.code)
    return "\n".join(lines)


def own_link_lines(decision: OwnDecision) -> list[str]:
    """The readable own-link decision: each link with its role and score, taken or rejected
    and why; the authors it was judged against."""
    who = decision.authorship
    lines = [f"  authors ({who.source}): " + (", ".join(who.authors) or str(who.reason))]
    for link in decision.links:
        head = f"  code: {link.url} ({link.role}, score {link.score:.1f})"
        if link is decision.taken:
            lines.append(f"{head} TAKEN: {'; '.join(link.reasons)}")
        else:
            reasons = f" [{'; '.join(link.reasons)}]" if link.reasons else ""
            lines.append(f"{head} rejected: {decision.why_of(link)}{reasons}")
    if decision.taken is None:
        lines.append(f"  own repository: none ({decision.why})")
    return lines
