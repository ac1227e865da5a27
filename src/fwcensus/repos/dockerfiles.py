"""Reader of Dockerfiles: the base image (``FROM pytorch/pytorch``) and the packages that
``pip install`` / ``conda install`` lines name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fwcensus.repos.findings import Signal
from fwcensus.repos.manifests import requirement
from fwcensus.repos.names import docker_framework

_DOCKER_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", re.I)


def read_dockerfile(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        match = _DOCKER_FROM.match(line)
        if match:
            framework = docker_framework(match.group(1))
            if framework:
                yield Signal(framework, "docker", path, number, line.strip()[:200])
        elif re.search(r"\b(?:pip3?|conda)\s+install\b", line):
            for word in re.findall(r"(?<![\w/-])([A-Za-z][\w.-]*)(?:[=<>~!]=?[\w.*]+)?", line):
                found = requirement(path, number, word, line)
                if found:
                    yield found
