"""The signal targets (``targets.toml``): per framework, the repositories, packages, tags and
words each industry signal measures."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Target:
    framework: str
    github: tuple[str, ...] = ()
    pypi: tuple[str, ...] = ()
    pypi_companions: tuple[str, ...] = ()
    stackoverflow: tuple[str, ...] = ()
    devto: tuple[str, ...] = ()
    huggingface: tuple[str, ...] = ()
    hn: tuple[str, ...] = ()
    conda: tuple[str, ...] = ()
    conda_companions: tuple[str, ...] = ()
    pwc: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    jobs_exclude: tuple[str, ...] = ()

    def hn_pattern(self) -> re.Pattern[str] | None:
        if not self.hn:
            return None
        return re.compile("|".join(f"(?:{p})" for p in self.hn), re.IGNORECASE)


_FIELDS = tuple(f for f in Target.__dataclass_fields__ if f != "framework")


def parse_targets(data: dict[str, dict[str, list[str]]]) -> tuple[Target, ...]:
    targets = []
    for framework, fields in data.items():
        unknown = set(fields) - set(_FIELDS)
        if unknown:
            raise ValueError(f"targets of {framework}: unknown field(s) {sorted(unknown)}")
        targets.append(Target(framework, **{k: tuple(v) for k, v in fields.items()}))
    return tuple(targets)


@cache
def load_targets() -> tuple[Target, ...]:
    text = resources.files("fwcensus.signals").joinpath("targets.toml").read_text("utf-8")
    return parse_targets(tomllib.loads(text))
