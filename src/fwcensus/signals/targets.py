"""The signal targets (``targets.toml``): per framework (a catalogue id), the repositories,
packages, tags and words each industry signal measures, under the fields that signal declares
(``Signal.target_fields``). The fields are the signals' own data, so a new signal adds its own
without a change here; ``registry.targets()`` checks that every field is one a signal reads."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fwcensus.catalogue.frameworks import load_catalogue


@dataclass(frozen=True, init=False)
class Target:
    """What the signals measure for one framework: ``target["pypi"]`` is the packages the
    ``pypi-downloads`` signal counts (empty when the framework has none)."""

    framework: str
    lists: tuple[tuple[str, tuple[str, ...]], ...]  # (field, values), by field

    def __init__(self, framework: str, **fields: Iterable[str]) -> None:
        object.__setattr__(self, "framework", framework)
        lists = tuple(sorted((name, tuple(values)) for name, values in fields.items()))
        object.__setattr__(self, "lists", lists)

    def __getitem__(self, field: str) -> tuple[str, ...]:
        return next((values for name, values in self.lists if name == field), ())

    @property
    def fields(self) -> frozenset[str]:
        """The fields targets.toml gives this framework."""
        return frozenset(name for name, _ in self.lists)


def parse_targets(data: Mapping[str, Mapping[str, list[str]]]) -> tuple[Target, ...]:
    known = set(load_catalogue().ids)
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"targets for {unknown[0]!r}, which is no catalogue framework")
    return tuple(Target(framework, **fields) for framework, fields in data.items())


@cache
def load_targets() -> tuple[Target, ...]:
    text = resources.files("fwcensus.signals").joinpath("targets.toml").read_text("utf-8")
    return parse_targets(tomllib.loads(text))
