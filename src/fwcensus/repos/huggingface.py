"""Read a Hugging Face repository (a model, a Space or a dataset) through the Hub API, without
downloading weights or executing anything.

``GET https://huggingface.co/api/{models|spaces|datasets}/{owner}/{name}?blobs=true`` gives the
head commit (``sha``), every file (``siblings[{rfilename, blobId, size, lfs}]``, sizes because of
``blobs=true``, as ``huggingface_hub``'s ``files_metadata`` asks), ``library_name`` and ``tags``
(the Hub adds framework tags such as ``pytorch``, ``tf``, ``jax`` from the files it sees). The
files that can name a framework are read at that commit from
``https://huggingface.co/[spaces/|datasets/]{owner}/{name}/resolve/{sha}/{path}``; weights are
judged by their names only. A missing, private or gated repository answers 401 (with
``X-Error-Code: RepoNotFound``) or 404; a gated repository's metadata is public but its files
are not, so it is judged by its listing and metadata. ``HF_TOKEN``, when set, is sent to
huggingface.co only. The Hub does not report a default branch: the API answers for ``main``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from fwcensus.catalogue.code_hosts import HUGGING_FACE
from fwcensus.catalogue.code_names import hub_library_framework, hub_tag_framework
from fwcensus.repos.evidence import evidence_from_weights
from fwcensus.repos.findings import RepoEvidence
from fwcensus.repos.github import ApiReader, RepoUnavailable, Snapshot, choose_files
from fwcensus.repos.links import HF_KINDS, RepoRef

WEB = f"https://{HUGGING_FACE.name}"


def hub_path(repo: RepoRef) -> tuple[str, str]:
    """``(models | spaces | datasets, repo id)``: a Space or dataset carries its kind in the
    owner (``spaces/owner``), a model none."""
    kind, _, owner = repo.owner.partition("/")
    if kind in HF_KINDS and owner:
        return kind, f"{owner}/{repo.name}"
    return "models", f"{repo.owner}/{repo.name}"


def hub_evidence(
    meta: Mapping[str, Any], paths: list[str], source: str
) -> tuple[RepoEvidence, ...]:
    """The weights files by name, the declared library and the framework tags; ``source`` (the
    metadata's API path) is the evidence's file for the latter two."""
    found = evidence_from_weights(paths)
    library = meta.get("library_name")
    framework = hub_library_framework(library) if isinstance(library, str) else None
    if framework:
        found.append(RepoEvidence(framework, "hub-library", source, 0, f"library_name: {library}"))
    tags = meta.get("tags")
    listed = tags if isinstance(tags, list) else []
    for tag in dict.fromkeys(t for t in listed if isinstance(t, str)):
        tagged = hub_tag_framework(tag)
        if tagged:
            found.append(RepoEvidence(tagged, "hub-tag", source, 0, f"tag: {tag}"))
    return tuple(found)


class HuggingFaceReader(ApiReader):
    """``read(RepoRef) -> Snapshot`` for huggingface.co models, Spaces and datasets."""

    REASONS: ClassVar[Mapping[int, str]] = {
        **ApiReader.REASONS,
        401: "not found, private or gated (HTTP 401)",
    }

    DEFAULT_HOST = HUGGING_FACE.name
    HOSTS = (HUGGING_FACE,)

    def snapshot(self, repo: RepoRef) -> Snapshot:
        kind, repo_id = hub_path(repo)
        source = f"api/{kind}/{repo_id}"
        meta = self._json(repo, f"{WEB}/{source}?blobs=true")
        sha = meta.get("sha") if isinstance(meta, dict) else None
        siblings = meta.get("siblings") if isinstance(meta, dict) else None
        if not isinstance(sha, str) or not sha or not isinstance(siblings, list):
            raise RepoUnavailable(repo, "Hub answer without sha or siblings")
        files = [
            (str(s["rfilename"]), int(s.get("size") or 0))
            for s in siblings
            if isinstance(s, dict) and isinstance(s.get("rfilename"), str)
        ]
        evidence = hub_evidence(meta, [path for path, _ in files], source)
        snapshot = Snapshot(repo, sha, None, "main", len(files), False, metadata_evidence=evidence)
        prefix = "" if kind == "models" else f"{kind}/"
        base = f"{WEB}/{prefix}{repo_id}/resolve/{sha}/"
        self._read_files(snapshot, choose_files(files), lambda path: base + quote(path))
        return snapshot
