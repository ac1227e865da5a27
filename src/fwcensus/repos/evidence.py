"""Evidence of frameworks read from a repository's files, never by running them.

This module decides which reader a file needs (``file_kind``) and runs it; the readers live
beside it: ``manifests`` (requirements, setup.py via ``ast``, setup.cfg, pyproject, Pipfile,
poetry.lock, conda), ``dockerfiles``, ``python_code`` (imports, notebooks) and ``native_code``
(Lua and rockspecs, Caffe prototxt, C/C++/CUDA includes, MATLAB). Manifests and Dockerfiles
weigh most; an import, include or MATLAB call counts once per file (``findings.WEIGHTS``).
Weights files speak by their name alone, never read (``pytorch_model.bin``, ``*.pt``/``*.pth``
-> PyTorch, ``tf_model.h5``/``saved_model.pb`` -> TensorFlow, ``flax_model.msgpack`` -> Flax
and JAX: each framework's ``weights`` in the catalogue; ``*.safetensors`` is every framework's
format, so it names none); their evidence is the file at line 0, as is a host's own metadata
(a Hugging Face ``library_name`` or tag, read by the catalogue's ``hub_libraries`` and
``hub_tags``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import PurePosixPath

from fwcensus.catalogue.code_names import normalise, weights_frameworks
from fwcensus.repos.dockerfiles import read_dockerfile
from fwcensus.repos.findings import Declared, Finding, RepoEvidence, dedupe
from fwcensus.repos.manifests import (
    read_conda,
    read_pipfile,
    read_poetry_lock,
    read_pyproject,
    read_requirements,
    read_setup_cfg,
    read_setup_py,
)
from fwcensus.repos.native_code import (
    read_c_family,
    read_lua,
    read_matlab,
    read_prototxt,
    read_rockspec,
)
from fwcensus.repos.python_code import read_notebook, read_python

# -- what kind of file ---------------------------------------------------------------------------


def file_kind(path: str) -> str | None:
    """What reader a repository path needs, or None for files that say nothing."""
    p = PurePosixPath(path)
    name = p.name.casefold()
    if re.fullmatch(r"requirements.*\.(txt|in)", name) or (
        p.parent.name.casefold() == "requirements" and name.endswith((".txt", ".in"))
    ):
        return "requirements"
    if name in {"setup.py", "setup.cfg", "pyproject.toml", "pipfile", "pipfile.lock",
                "poetry.lock"}:  # fmt: skip
        return name.replace(".", "_")
    if name in {"environment.yml", "environment.yaml", "conda.yml", "conda.yaml"} or (
        name.startswith("environment") and name.endswith((".yml", ".yaml"))
    ):
        return "conda"
    if name == "dockerfile" or name.startswith("dockerfile.") or name.endswith(".dockerfile"):
        return "dockerfile"
    suffix = p.suffix.casefold()
    return _BY_SUFFIX.get(suffix)


# Code files by their suffix (case-folded). ``.m`` is MATLAB's and Objective-C's: the MATLAB
# reader looks only for toolbox calls, which Objective-C never makes.
_BY_SUFFIX = {
    ".py": "python",
    ".ipynb": "notebook",
    ".lua": "lua",
    ".rockspec": "rockspec",
    ".prototxt": "prototxt",
    ".m": "matlab",
    **dict.fromkeys(
        (".c", ".cc", ".cpp", ".cxx", ".h", ".hh", ".hpp", ".hxx", ".cu", ".cuh"), "c_family"
    ),
}


MANIFEST_FILE_KINDS = frozenset(
    {
        "requirements",
        "setup_py",
        "setup_cfg",
        "pyproject_toml",
        "pipfile",
        "pipfile_lock",
        "poetry_lock",
        "conda",
        "dockerfile",
        "rockspec",
    }
)
# Code in languages whose files are few and speak plainly (a Lua require, a Caffe net, a
# MATLAB call): read before Python. C/C++/CUDA comes last, as a Python repository may vendor
# thousands of headers.
NATIVE_FILE_KINDS = frozenset({"lua", "prototxt", "matlab"})


def read_file(path: str, data: bytes) -> tuple[list[RepoEvidence], list[Declared]]:
    """All the evidence one file gives, and the packages it declares that the catalogue does not
    know (each once); a file that cannot be read gives none (never an error)."""
    kind = file_kind(path)
    if kind is None:
        return [], []
    evidence: list[RepoEvidence] = []
    declared: dict[str, Declared] = {}
    for found in _READERS[kind](path, data.decode("utf-8", "replace")):
        if isinstance(found, RepoEvidence):
            evidence.append(found)
        else:
            declared.setdefault(normalise(found.package), found)
    return dedupe(evidence), list(declared.values())


def evidence_from_file(path: str, data: bytes) -> list[RepoEvidence]:
    return read_file(path, data)[0]


def evidence_from_weights(paths: Iterable[str]) -> list[RepoEvidence]:
    """One piece of evidence per framework whose weights a listing holds (the first such file,
    sorted): a model sharded into eight files is one piece of evidence, not eight."""
    found = (
        RepoEvidence(framework, "weights", path, 0, path)
        for path in sorted(paths)
        for framework in weights_frameworks(PurePosixPath(path).name)
    )
    return dedupe(found)


_READERS: dict[str, Callable[[str, str], Iterator[Finding]]] = {
    "requirements": read_requirements,
    "setup_py": read_setup_py,
    "setup_cfg": read_setup_cfg,
    "pyproject_toml": read_pyproject,
    "pipfile": read_pipfile,
    "pipfile_lock": read_pipfile,
    "poetry_lock": read_poetry_lock,
    "conda": read_conda,
    "dockerfile": read_dockerfile,
    "python": read_python,
    "notebook": read_notebook,
    "lua": read_lua,
    "rockspec": read_rockspec,
    "prototxt": read_prototxt,
    "c_family": read_c_family,
    "matlab": read_matlab,
}
