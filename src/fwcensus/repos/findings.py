"""What a repository reader finds in a file: evidence of frameworks and declared packages.

A ``RepoEvidence`` names a framework (a catalogue id) with the file, line and text it was read
from; its kind sets its weight and how the verdict counts it (``verdict.py``). A ``Declared``
package is a dependency a manifest names that the catalogue does not know (``litgpt``): the
library resolver may still tell its backend (``repos/dependencies.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Kinds of evidence and their weights.
WEIGHTS: dict[str, float] = {
    "requirement": 3.0,  # a declared dependency (any manifest, a rockspec, `pip install`)
    "dependency": 3.0,  # a declared library whose own requirements name the framework
    "docker": 3.0,  # FROM pytorch/pytorch, FROM tensorflow/tensorflow
    "lua-require": 3.0,  # require 'torch' / require 'nn' in Lua code
    "prototxt": 2.0,  # a Caffe network or solver definition
    "import": 1.0,  # one Python file (or notebook) importing the framework
    "include": 1.0,  # one C/C++/CUDA file including the framework's headers
    "matlab-call": 1.0,  # one MATLAB file calling the toolbox's functions
    "weights": 3.0,  # a weights file in the framework's own format, by its name
    "hub-library": 3.0,  # the library a Hugging Face repository declares (library_name)
    "hub-tag": 2.0,  # a framework tag of a Hugging Face repository
}
# Kinds that make a framework used on their own: the repository declares or ships it.
MANIFEST_KINDS = frozenset(
    {"requirement", "dependency", "docker", "lua-require", "prototxt", "weights", "hub-library",
     "hub-tag"}
)  # fmt: skip
# Kinds counted once per code file: a framework is used when several files (or most) use it.
CODE_KINDS = frozenset({"import", "include", "matlab-call"})
# Kinds that stand for the framework only when no other framework is declared: a Caffe
# prototxt beside `torch` in requirements.txt is a model run through OpenCV's DNN module or a
# converted net, not Caffe training.
SUPPORTING_KINDS = frozenset({"prototxt"})


@dataclass(frozen=True)
class RepoEvidence:
    framework: str
    kind: str  # a key of WEIGHTS
    file: str
    line: int  # 1-based; 0 when the file as a whole is the evidence
    text: str  # the line as written (trimmed), or what was found

    @property
    def weight(self) -> float:
        return WEIGHTS[self.kind]


@dataclass(frozen=True)
class Declared:
    """A package a manifest declares that the catalogue does not know."""

    package: str  # as written
    file: str
    line: int
    text: str


Finding = RepoEvidence | Declared


def dedupe(evidence: Iterable[RepoEvidence]) -> list[RepoEvidence]:
    """One piece of evidence per framework and kind (the first): a file importing torch in ten
    places, or a model sharded into eight weights files, is one piece of evidence."""
    seen: set[tuple[str, str]] = set()
    out = []
    for item in evidence:
        key = (item.framework, item.kind)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
