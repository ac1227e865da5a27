"""Which framework a name in code stands for, from the catalogue (``frameworks.toml``) only:
a Python module, a package of any manifest, a Docker image, a C/C++ header, a Lua module, a
MATLAB function, a weights file, a Hugging Face Hub tag or library."""

from __future__ import annotations

import re
from functools import cache

from fwcensus.catalogue.frameworks import load_catalogue


@cache
def _maps() -> tuple[dict[str, str], dict[str, str], tuple[tuple[str, str], ...]]:
    """(import module -> framework, normalised package -> framework, docker image -> framework)."""
    catalogue = load_catalogue()
    imports: dict[str, str] = {}
    packages: dict[str, str] = {}
    docker: list[tuple[str, str]] = []
    for fw in catalogue.frameworks:
        for module in fw.imports:
            if module != "tf":  # "tf" is how code names tensorflow, never a module of its own
                imports.setdefault(module, fw.id)
        for package in fw.packages:
            packages.setdefault(normalise(package), fw.id)
        docker.extend((image.casefold(), fw.id) for image in fw.docker)
    for lib in catalogue.libraries:
        if not lib.framework:
            continue
        for module in lib.imports:
            imports.setdefault(module, lib.framework)
            packages.setdefault(normalise(module), lib.framework)
        packages.setdefault(normalise(lib.name), lib.framework)
    return imports, packages, tuple(docker)


def normalise(name: str) -> str:
    """PEP 503 normalised package name."""
    return re.sub(r"[-_.]+", "-", name).casefold()


def package_framework(name: str) -> str | None:
    return _maps()[1].get(normalise(name))


def module_framework(module: str) -> str | None:
    return _maps()[0].get(module.split(".")[0])


def docker_framework(image: str) -> str | None:
    base = image.casefold().split("@")[0].rsplit(":", 1)[0] if "/" in image else image.casefold()
    for name, framework in _maps()[2]:
        if base == name or base.endswith("/" + name):
            return framework
    return None


def lua_framework(module: str) -> str | None:
    """The framework of a Lua module (``nn``, ``cunn``, ``dpnn.Foo``: its first part)."""
    head = module.split(".")[0]
    return next((fw.id for fw in load_catalogue().frameworks if head in fw.lua_requires), None)


def include_framework(header: str) -> str | None:
    """The framework whose headers ``#include`` names (``caffe/layer.hpp``, ``torch/torch.h``)."""
    for fw in load_catalogue().frameworks:
        for entry in fw.includes:
            if header.startswith(entry) if entry.endswith("/") else header == entry:
                return fw.id
    return None


@cache
def matlab_calls() -> tuple[tuple[re.Pattern[str], str], ...]:
    """``(pattern, framework)`` per MATLAB toolbox: its functions as whole identifiers."""
    found = []
    for fw in load_catalogue().frameworks:
        if not fw.matlab_calls:
            continue
        names = [
            re.escape(n[:-1]) + r"\w*" if n.endswith("*") else re.escape(n) for n in fw.matlab_calls
        ]
        found.append((re.compile(r"(?<![\w.])(?:" + "|".join(names) + r")(?!\w)"), fw.id))
    return tuple(found)


@cache
def _weights() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(pattern), fw.id) for fw in load_catalogue().frameworks for pattern in fw.weights
    )


def weights_frameworks(file_name: str) -> tuple[str, ...]:
    """The frameworks whose own weights format a file of this name is (none for safetensors)."""
    name = file_name.casefold()
    return tuple(dict.fromkeys(fw for pattern, fw in _weights() if pattern.fullmatch(name)))


@cache
def _hub_names() -> tuple[dict[str, str], dict[str, str]]:
    """(Hub tag -> framework, Hub library the catalogue lacks -> framework)."""
    tags: dict[str, str] = {}
    libraries: dict[str, str] = {}
    for fw in load_catalogue().frameworks:
        tags.update(dict.fromkeys(fw.hub_tags, fw.id))
        libraries.update(dict.fromkeys(fw.hub_libraries, fw.id))
    return tags, libraries


def hub_tag_framework(tag: str) -> str | None:
    return _hub_names()[0].get(tag)


def hub_library_framework(library: str) -> str | None:
    """The framework of a Hub ``library_name``: a package the catalogue knows, or a Hub library
    it names."""
    return package_framework(library) or _hub_names()[1].get(library)
