"""The framework catalogue (``frameworks.toml``): which frameworks exist, how papers name them,
and which libraries stand for which framework. Code reads it; it never lists frameworks itself.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    aliases: tuple[str, ...]  # regexes, case-sensitive, word-bounded when compiled
    versioned: tuple[str, ...]  # aliases that count only with a version after them
    aliases_until: tuple[tuple[str, int], ...]  # (alias, last paper year it means this)
    imports: tuple[str, ...]
    packages: tuple[str, ...]
    urls: tuple[str, ...]
    docker: tuple[str, ...]
    compounds: tuple[str, ...]  # lower-case stems naming it inside a library's name
    glued_compounds: tuple[str, ...]  # stems that may start a name glued to lower case
    suffix_compounds: tuple[str, ...]  # stems that may end a name glued after another word
    includes: tuple[str, ...]  # C/C++/CUDA header paths or their leading folders
    lua_requires: tuple[str, ...]  # Lua modules (require, rockspec dependencies)
    matlab_calls: tuple[str, ...]  # MATLAB functions; a trailing * matches any suffix
    weights: tuple[str, ...]  # regexes of its own weights files' names (case-folded)
    hub_tags: tuple[str, ...]  # the Hugging Face Hub's tags for it
    hub_libraries: tuple[str, ...]  # Hub library names running on it that the catalogue lacks
    color: str  # its colour in charts ("" for the report's grey)
    camel_case: bool  # a line-end hyphen inside its name is a split, not a real hyphen
    family: str  # id scoring merges this one into; itself when the file leaves it empty
    first_release: date


@dataclass(frozen=True)
class Library:
    """A library built on one framework; ``framework`` is "" when its backend is unknown."""

    name: str
    aliases: tuple[str, ...]
    imports: tuple[str, ...]
    urls: tuple[str, ...]
    framework: str


@dataclass(frozen=True)
class Catalogue:
    frameworks: tuple[Framework, ...]
    libraries: tuple[Library, ...]
    compound_exclude: frozenset[str] = frozenset()  # lower-case names that only look built on
    compound_since: tuple[tuple[str, int], ...] = ()  # (stem, first paper year it counts)

    def framework(self, framework_id: str) -> Framework:
        for framework in self.frameworks:
            if framework.id == framework_id:
                return framework
        raise KeyError(framework_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f.id for f in self.frameworks)

    def family(self, framework_id: str) -> str:
        """The id that scoring counts ``framework_id`` as (keras -> tensorflow); unknown ids
        (labels may name frameworks the catalogue lacks) stand for themselves."""
        for framework in self.frameworks:
            if framework.id == framework_id:
                return framework.family
        for library in self.libraries:
            if library.name.casefold() == framework_id.casefold() and library.framework:
                return self.family(library.framework)
        return framework_id


@cache
def load_catalogue() -> Catalogue:
    text = resources.files("fwcensus.catalogue").joinpath("frameworks.toml").read_text("utf-8")
    return parse_catalogue(text)


def parse_catalogue(text: str) -> Catalogue:
    data = tomllib.loads(text)
    frameworks = tuple(_framework(entry) for entry in data.get("framework", ()))
    ids = {f.id for f in frameworks}
    libraries = tuple(_library(entry) for entry in data.get("library", ()))
    for library in libraries:
        if library.framework and library.framework not in ids:
            raise ValueError(
                f"library {library.name!r} names unknown framework {library.framework}"
            )
    for framework in frameworks:
        if framework.family not in ids:
            raise ValueError(f"framework {framework.id!r} has unknown family {framework.family}")
        for pattern in (*framework.aliases, *framework.versioned, *framework.weights):
            re.compile(pattern)  # a broken regex fails here, naming nothing worse than the file
        stray = set(framework.glued_compounds + framework.suffix_compounds) - set(
            framework.compounds
        )
        if stray:
            raise ValueError(f"framework {framework.id!r}: {sorted(stray)} are not its compounds")
    since = data.get("compound_since", {})
    assert isinstance(since, dict), "compound_since must be a table"
    return Catalogue(
        frameworks,
        libraries,
        frozenset(str(name).casefold() for name in data.get("compound_exclude", ())),
        tuple((str(stem), int(year)) for stem, year in since.items()),
    )


def _framework(entry: dict[str, object]) -> Framework:
    until = entry.get("aliases_until", {})
    assert isinstance(until, dict)
    return Framework(
        id=str(entry["id"]),
        name=str(entry["name"]),
        aliases=_strings(entry, "aliases"),
        versioned=_strings(entry, "versioned"),
        aliases_until=tuple((str(alias), int(year)) for alias, year in until.items()),
        imports=_strings(entry, "imports"),
        packages=_strings(entry, "packages"),
        urls=_strings(entry, "urls"),
        docker=_strings(entry, "docker"),
        compounds=tuple(stem.casefold() for stem in _strings(entry, "compounds")),
        glued_compounds=tuple(stem.casefold() for stem in _strings(entry, "glued_compounds")),
        suffix_compounds=tuple(stem.casefold() for stem in _strings(entry, "suffix_compounds")),
        includes=_strings(entry, "includes"),
        lua_requires=_strings(entry, "lua_requires"),
        matlab_calls=_strings(entry, "matlab_calls"),
        weights=_strings(entry, "weights"),
        hub_tags=_strings(entry, "hub_tags"),
        hub_libraries=_strings(entry, "hub_libraries"),
        color=str(entry.get("color", "")),
        camel_case=bool(entry.get("camel_case", False)),
        family=str(entry.get("family") or entry["id"]),
        first_release=date.fromisoformat(str(entry["first_release"])),
    )


def _library(entry: dict[str, object]) -> Library:
    return Library(
        name=str(entry["name"]),
        aliases=_strings(entry, "aliases"),
        imports=_strings(entry, "imports"),
        urls=_strings(entry, "urls"),
        framework=str(entry.get("framework", "")),
    )


def _strings(entry: dict[str, object], key: str) -> tuple[str, ...]:
    value = entry.get(key, ())
    assert isinstance(value, list | tuple), f"{key} must be a list"
    return tuple(str(item) for item in value)
