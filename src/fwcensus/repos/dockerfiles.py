"""Reader of Dockerfiles: the base image of each stage and the packages RUN lines install.

Instructions are read whole (lines continued with ``\\`` joined), as Docker reads them. A
``FROM`` image given through an ``ARG`` (``ARG BASE=nvcr.io/nvidia/pytorch:22.04-py3``,
``FROM ${BASE}``) is read with the ARG's default; a stage built on an earlier stage (``FROM
build``) names no image of its own. A package installed by ``pip``/``conda install`` is a
requirement, its evidence the physical line that names it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fwcensus.catalogue.code_names import docker_framework
from fwcensus.repos.findings import Finding, RepoEvidence
from fwcensus.repos.installs import install_specs
from fwcensus.repos.specifiers import requirement

_FROM = re.compile(r"^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.I)
_ARG = re.compile(r"^ARG\s+(\w+)=(\S+)", re.I)
_VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")


Line = tuple[int, str]  # (1-based number, text)


def _instructions(text: str) -> Iterator[list[Line]]:
    """The physical lines of each instruction; comment lines are left out, even inside a
    continued instruction, as Docker does."""
    group: list[Line] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        group.append((number, line))
        if not line.rstrip().endswith("\\"):
            yield group
            group = []
    if group:
        yield group


def read_dockerfile(path: str, text: str) -> Iterator[Finding]:
    args: dict[str, str] = {}
    stages: set[str] = set()
    for group in _instructions(text):
        number, first = group[0][0], group[0][1].strip()
        joined = " ".join(line.strip().rstrip("\\") for _, line in group)
        if arg := _ARG.match(first):
            args[arg.group(1)] = arg.group(2).strip("'\"")
        elif image := _FROM.match(joined):
            name = _expand(image.group(1), args)
            if image.group(2):
                stages.add(image.group(2).casefold())
            framework = None if name.casefold() in stages else docker_framework(name)
            if framework:
                shown = first if name == image.group(1) else f"{first} ({name})"
                yield RepoEvidence(framework, "docker", path, number, shown[:200])
        elif first.upper().startswith("RUN"):
            yield from _installed(path, group, joined)


def _expand(word: str, args: dict[str, str]) -> str:
    """``word`` with ``$NAME``, ``${NAME}`` and ``${NAME:-default}`` read from the ARGs."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        return args.get(name, match.group(2) or "")

    return _VARIABLE.sub(value, word)


def _installed(path: str, group: list[Line], joined: str) -> Iterator[Finding]:
    for spec in install_specs(joined):
        number, line = next((item for item in group if spec in item[1]), group[0])
        found = requirement(path, number, spec, line, declare=True)
        if found:
            yield found
