"""Libraries a repository depends on, resolved to the framework they run on.

A manifest naming a package the catalogue does not know (``requirements.txt: litgpt``) is
asked of the library resolver (``fwcensus.libraries``); a backend found becomes a
``dependency`` evidence, weighed like a requirement, whose text says why:
``litgpt -> pytorch (pypi requires_dist: torch>=2.2)``. At most ``MAX_RESOLVED`` packages are
asked per repository, in the order its files were read (manifests first), which bounds what
one repository costs; the resolver's cache makes the common ones free after the first time.
"""

from __future__ import annotations

from collections.abc import Iterable

from fwcensus.libraries.resolver import LibraryResolver, library_key
from fwcensus.repos.findings import Declared, RepoEvidence
from fwcensus.repos.github import Snapshot

MAX_RESOLVED = 40  # distinct declared packages asked per repository


def dependency_evidence(
    declared: Iterable[Declared], resolver: LibraryResolver
) -> list[RepoEvidence]:
    """One piece of evidence per (file, framework) whose backend the resolver tells."""
    asked: set[str] = set()
    seen: set[tuple[str, str]] = set()
    found = []
    for package in declared:
        key = library_key(package.package)
        if key in asked:
            continue
        if len(asked) >= MAX_RESOLVED:
            break
        asked.add(key)
        backend = resolver.resolve(package.package)
        if backend.framework is None or (package.file, backend.framework) in seen:
            continue
        seen.add((package.file, backend.framework))
        text = f"{key} -> {backend.framework} ({backend.source} {backend.detail})"
        found.append(
            RepoEvidence(backend.framework, "dependency", package.file, package.line, text)
        )
    return found


def code_evidence(snapshot: Snapshot, resolver: LibraryResolver) -> list[RepoEvidence]:
    """All the evidence of a snapshot: its files', its host's metadata, its resolved libraries."""
    evidence, declared = snapshot.findings()
    return evidence + dependency_evidence(declared, resolver)
