"""Code evidence for ``fwcensus inspect --repos``: read a paper's own repository now (no store)
and set what it uses beside what the paper's text says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fwcensus.fetch.api import RateLimited
from fwcensus.libraries.resolver import LibraryResolver, offline_resolver
from fwcensus.repos.dependencies import code_evidence
from fwcensus.repos.github import RepoUnavailable, Snapshot
from fwcensus.repos.hosts import RepoReader
from fwcensus.repos.own_link import OwnDecision
from fwcensus.repos.verdict import RepoVerdict, combine, repo_verdicts

EVIDENCE_SHOWN = 8  # files and lines shown per framework


@dataclass(frozen=True)
class CodeView:
    repo: str | None  # the authors' own repository, if the paper links one
    commit: str | None
    error: str | None
    verdicts: tuple[RepoVerdict, ...]
    moved_to: str | None = None  # where the host says the repository lives now
    read: Mapping[str, Any] | None = None  # what was read (``read_summary``)


def read_summary(snapshot: Snapshot) -> dict[str, Any]:
    """What a verdict rests on: the files listed and read, the bytes, the files the caps left
    out, whether the host cut the tree, and the folder read when the link named one."""
    return {
        "folder": snapshot.repo.path or None,
        "files_total": snapshot.files_total,
        "files_read": len(snapshot.files),
        "bytes_read": snapshot.bytes_read,
        "files_skipped": snapshot.skipped,
        "tree_truncated": snapshot.tree_truncated,
    }


def read_own_code(
    reader: RepoReader, decision: OwnDecision, resolver: LibraryResolver | None = None
) -> CodeView:
    """The paper's own repository, as ``decision`` took it, read by ``reader`` (the host
    registry, ``RepoReaders``, so every host the stage reads is read here too; a host it has no
    reader for says so), the libraries it declares resolved by ``resolver`` (the catalogue
    only when None)."""
    own = decision.taken
    if own is None:
        return CodeView(None, None, None, ())
    try:
        snapshot = reader.read(own.repo)
    except (RepoUnavailable, RateLimited) as exc:
        return CodeView(own.repo.url, None, str(exc), ())
    moved_to = snapshot.repo.url if snapshot.linked is not None else None
    evidence = code_evidence(snapshot, resolver or offline_resolver())
    verdicts = tuple(repo_verdicts(evidence))
    return CodeView(own.repo.url, snapshot.commit, None, verdicts, moved_to, read_summary(snapshot))


def code_json(view: CodeView, text_roles: Mapping[str, str]) -> dict[str, Any]:
    """The additive ``code`` field of ``inspect --json --repos``."""
    read = view.commit is not None
    rows, conflict = combine(
        text_roles, {v.framework: v.role for v in view.verdicts} if read else None
    )
    return {
        "repo": view.repo,
        "commit": view.commit,
        "error": view.error,
        "frameworks": [
            {
                "framework": v.framework,
                "role": v.role,
                "score": v.score,
                "evidence": [
                    {"file": s.file, "line": s.line, "kind": s.kind, "text": s.text}
                    for s in v.evidence[:EVIDENCE_SHOWN]
                ],
            }
            for v in view.verdicts
        ],
        "combined": [
            {
                "framework": r.framework,
                "text_role": r.text_role,
                "code_role": r.code_role,
                "role": r.role,
                "agreement": r.agreement,
            }
            for r in rows
        ],
        "conflict": conflict,
        "moved_to": view.moved_to,
        "read": view.read,
    }


def code_table(code: Mapping[str, Any]) -> str:
    """The readable lines ``inspect --repos`` adds under a file: text and code side by side."""
    if code["repo"] is None:
        return "\n  code: nothing read (no link taken as the authors' own)"
    lines = [f"\n  code: {code['repo']} @ {code['commit'] or code['error']}"]
    if code["moved_to"]:
        lines.append(f"\n    moved to {code['moved_to']}")
    if code["read"]:
        read = code["read"]
        cut = ", tree cut by the host" if read["tree_truncated"] else ""
        lines.append(
            f"\n    read {read['files_read']} of {read['files_total']} files"
            f" ({read['bytes_read']} bytes, {read['files_skipped']} left out by the caps{cut})"
        )
    for row in code["combined"]:
        lines.append(
            f"\n    {row['framework']:<13} text {row['text_role'] or '-':<10}"
            f" code {row['code_role'] or '-':<6} {row['agreement']}"
        )
    if code["conflict"]:
        lines.append("\n    text and code disagree")
    return "".join(lines)
