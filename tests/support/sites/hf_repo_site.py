"""Write Hugging Face Hub repository answers (models, Spaces, datasets) into a mirror folder.

``GET https://huggingface.co/api/{models|spaces|datasets}/{repo_id}?blobs=true`` is answered with
the fields ``huggingface_hub`` reads into ModelInfo / SpaceInfo / DatasetInfo
(huggingface/huggingface_hub src/huggingface_hub/hf_api.py @ 1fb0107): ``_id``, ``id``,
``author``, ``sha``, ``lastModified``, ``createdAt``, ``private``, ``gated``, ``disabled``,
``likes``, ``tags``, ``cardData`` and ``siblings[{rfilename, blobId, size, lfs{size, sha256,
pointerSize}}]`` (sizes and blob ids because of ``blobs=true``); models add ``modelId``,
``library_name``, ``pipeline_tag``, ``downloads``, ``config``; Spaces ``sdk`` and ``runtime``;
datasets ``downloads`` and ``description``. The listing fields and their formats (``_id`` a
24-hex ObjectId, dates ``2024-05-01T08:25:31.000Z``) are those of the recorded listing in
shared/fixtures-real/signals/huggingface-hub. Small files are served at
``/[spaces/|datasets/]{repo_id}/resolve/{sha}/{path}``; weights are listed (as LFS files) but
never written, so a request for one would fail. A missing or private repository answers 401
with ``X-Error-Code: RepoNotFound`` and ``{"error": "Repository not found"}``; a gated one's
files answer 401 with ``X-Error-Code: GatedRepo``. Repositories and values are synthetic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from fwcensus.mirror.urls import write_json_answer, write_mirror_file

WEB = "https://huggingface.co"
_DATE = "2023-06-01T10:00:00.000Z"
_POINTER_SIZE = 134  # bytes of a git-lfs pointer file


def _git_blob(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _sibling(path: str, data: bytes) -> dict[str, Any]:
    return {"rfilename": path, "blobId": _git_blob(data), "size": len(data)}


def _weights_sibling(path: str, size: int) -> dict[str, Any]:
    sha256 = hashlib.sha256(f"{path}:{size}".encode()).hexdigest()
    return {"rfilename": path, "blobId": hashlib.sha1(sha256.encode()).hexdigest(), "size": size,
            "lfs": {"size": size, "sha256": sha256, "pointerSize": _POINTER_SIZE}}  # fmt: skip


def _kind_fields(kind: str, repo_id: str, library_name: str | None) -> dict[str, Any]:
    if kind == "models":
        return {"modelId": repo_id, "library_name": library_name, "downloads": 1234,
                "pipeline_tag": "image-classification", "config": {"model_type": "resnet"},
                "spaces": []}  # fmt: skip
    if kind == "spaces":
        return {"sdk": "gradio", "subdomain": repo_id.replace("/", "-").casefold(),
                "runtime": {"stage": "RUNNING", "hardware": {"current": "cpu-basic",
                                                             "requested": "cpu-basic"}},
                "models": [], "datasets": []}  # fmt: skip
    return {"downloads": 321, "description": "A dataset of things."}


def write_hf_repo(
    root: Path,
    repo_id: str,
    files: Mapping[str, bytes | str],
    kind: str = "models",
    weights: Mapping[str, int] | None = None,
    library_name: str | None = None,
    tags: Sequence[str] = (),
    gated: bool = False,
) -> str:
    """Write one repository's metadata and small ``files``; ``weights`` (path -> size) are only
    listed. ``kind`` is models, spaces or datasets. Return the head commit sha."""
    blobs = {p: d.encode() if isinstance(d, str) else d for p, d in files.items()}
    sha = hashlib.sha1(f"hf:{kind}/{repo_id}:{sorted(blobs)}:{sorted(weights or {})}".encode())
    commit = sha.hexdigest()
    siblings = [_sibling(p, d) for p, d in sorted(blobs.items())]
    siblings += [_weights_sibling(p, n) for p, n in sorted((weights or {}).items())]
    body: dict[str, Any] = {
        "_id": hashlib.md5(repo_id.encode()).hexdigest()[:24],
        "id": repo_id,
        "author": repo_id.split("/")[0],
        "sha": commit,
        "lastModified": _DATE,
        "private": False,
        "gated": "manual" if gated else False,
        "disabled": False,
        "likes": 12,
        "tags": list(tags),
        "cardData": {"license": "mit", "tags": [t for t in tags if ":" not in t]},
        "siblings": siblings,
        "createdAt": "2022-03-02T23:29:04.000Z",
        **_kind_fields(kind, repo_id, library_name),
    }
    write_json_answer(root, f"{WEB}/api/{kind}/{repo_id}?blobs=true", body)
    prefix = "" if kind == "models" else f"{kind}/"
    for path, data in blobs.items():
        url = f"{WEB}/{prefix}{repo_id}/resolve/{commit}/{path}"
        if gated:
            write_json_answer(root, url, {"error": f"Access to {repo_id} is restricted."},
                              status=401, headers={"X-Error-Code": "GatedRepo"})  # fmt: skip
        else:
            write_mirror_file(root, url, data)
    return commit


def write_hf_not_found(root: Path, repo_id: str, kind: str = "models") -> Path:
    """A missing or private repository, as the Hub answers it to an anonymous client."""
    return write_json_answer(root, f"{WEB}/api/{kind}/{repo_id}?blobs=true",
                             {"error": "Repository not found"}, status=401,
                             headers={"X-Error-Code": "RepoNotFound"})  # fmt: skip
