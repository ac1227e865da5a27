"""The packages a shell command installs: ``pip install``, ``python -m pip install``, ``conda``
/ ``mamba`` / ``micromamba install``, as Dockerfiles' RUN lines and notebooks' ``!pip install``
cells write them. Options are skipped, with the argument of those that take one (``-r FILE``,
``-c CHANNEL``, ``--index-url URL``); files, URLs and shell variables are not packages."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"&&|\|\||[;|&]")
_INSTALLERS = {"pip", "pip3", "conda", "mamba", "micromamba"}
_PREFIXES = {"RUN", "sudo", "exec", "time", "env", "!", "%"}
# Options of pip and conda install that take the next word as their value.
_WITH_VALUE = {"-r", "--requirement", "-c", "--constraint", "--channel", "-e", "--editable",
               "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-t", "--target",
               "--prefix", "-n", "--name", "-p", "--root", "--src", "--platform", "--python",
               "--python-version", "--trusted-host", "--progress-bar"}  # fmt: skip
_PACKAGE = re.compile(r"[A-Za-z0-9][\w.-]*(\[[\w,.-]*\])?([<>=!~]=?[^\s]*)?")


def install_specs(command: str) -> list[str]:
    """The package specifiers (``torch==1.8``, ``jax[cuda]``) ``command`` installs."""
    specs: list[str] = []
    for part in _SEPARATORS.split(command):
        words = [w.strip("'\"") for w in part.split()]
        start = _install_start(words)
        if start is None:
            continue
        skip = False
        for word in words[start:]:
            if skip:
                skip = False
            elif word.startswith("-"):
                skip = word in _WITH_VALUE
            elif _PACKAGE.fullmatch(word) and "$" not in word:
                specs.append(word)
    return specs


def _install_start(words: list[str]) -> int | None:
    """Where the words after ``<installer> install`` begin, when the command is an installer
    (after a Dockerfile's RUN, ``sudo``, variable assignments or ``python -m``); else None."""
    index = 0
    while index < len(words) and (words[index] in _PREFIXES or "=" in words[index]):
        index += 1
    if index + 1 < len(words) and re.fullmatch(r"python[\d.]*", words[index]):
        index += 2 if words[index + 1] == "-m" else len(words)
    if index + 1 >= len(words):
        return None
    name = words[index].lstrip("!%").rsplit("/", 1)[-1]  # `!pip`, `%pip`, `/opt/conda/bin/pip`
    if name in _INSTALLERS and words[index + 1] == "install":
        return index + 2
    return None
