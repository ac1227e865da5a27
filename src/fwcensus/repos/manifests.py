"""Readers of Python package manifests: requirements files, setup.py (by ``ast``, never run),
setup.cfg, pyproject.toml (PEP 621 and Poetry), Pipfile and Pipfile.lock, poetry.lock and conda
environment files. Each yields a ``requirement`` signal per declared catalogue package."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections.abc import Iterator

from fwcensus.repos.findings import Signal
from fwcensus.repos.names import REQUIREMENT_NAME, requirement
from fwcensus.repos.python_code import read_python


def read_requirements(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        found = requirement(path, number, line.split(" #")[0], line)
        if found:
            yield found


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 0


def read_setup_py(path: str, text: str) -> Iterator[Signal]:
    """String constants inside install_requires/extras_require/requires lists, by ``ast`` only:
    the file is never executed, whatever it would do."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        yield from read_python(path, text)
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if len(value) > 200 or "\n" in value:
                continue
            found = requirement(path, node.lineno, value, value)
            if found and _looks_like_requirement(value):
                yield found
    yield from read_python(path, text)


def _looks_like_requirement(value: str) -> bool:
    return bool(re.fullmatch(r"\s*[A-Za-z0-9][\w.-]*\s*(\[[\w,\s-]*\])?\s*([<>=!~;].*)?", value))


def read_setup_cfg(path: str, text: str) -> Iterator[Signal]:
    in_requires = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if re.match(r"^(install_requires|tests_require|setup_requires)\s*=", stripped) or (
            stripped.startswith("[options.extras_require")
        ):
            in_requires = True
            stripped = stripped.split("=", 1)[1] if "=" in stripped else ""
        elif stripped.startswith("[") or (line[:1].strip() and "=" in line):
            in_requires = False
        if in_requires and stripped:
            found = requirement(path, number, stripped, line)
            if found:
                yield found


def read_pyproject(path: str, text: str) -> Iterator[Signal]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    specs: list[str] = []
    project = data.get("project", {})
    if isinstance(project, dict):
        specs += [s for s in project.get("dependencies", []) if isinstance(s, str)]
        for group in (project.get("optional-dependencies") or {}).values():
            specs += [s for s in group if isinstance(s, str)]
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    if isinstance(poetry, dict):
        for key in ("dependencies", "dev-dependencies"):
            specs += list((poetry.get(key) or {}).keys())
        for group in (poetry.get("group") or {}).values():
            if isinstance(group, dict):
                specs += list((group.get("dependencies") or {}).keys())
    for spec in specs:
        match = REQUIREMENT_NAME.match(spec)
        if match:
            found = requirement(path, line_of(text, match.group(1)), spec, spec)
            if found:
                yield found


def read_conda(path: str, text: str) -> Iterator[Signal]:
    """environment.yml read as lines (no YAML library needed): the items of its
    ``dependencies:`` list ("- pytorch=1.7", "- conda-forge::tensorflow", the "- pip:" sub-list);
    ``channels:`` are where packages come from (a ``pytorch`` channel installs nothing)."""
    section = None
    for number, line in enumerate(text.splitlines(), 1):
        key = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if key:
            section = key.group(1)
            continue
        match = re.match(r"^\s*-\s*([^\s#]+)", line)
        if section != "dependencies" or not match:
            continue
        spec = match.group(1).split("::")[-1]
        spec = re.split(r"[=<>!~\[]", spec, maxsplit=1)[0]
        found = requirement(path, number, spec, line)
        if found:
            yield found


def read_pipfile(path: str, text: str) -> Iterator[Signal]:
    if path.casefold().endswith(".lock"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return
        names = [n for key in ("default", "develop") for n in (data.get(key) or {})]
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return
        names = [n for key in ("packages", "dev-packages") for n in (data.get(key) or {})]
    for name in names:
        found = requirement(path, line_of(text, f'"{name}"') or line_of(text, name), name, name)
        if found:
            yield found


def read_poetry_lock(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r'^name\s*=\s*"([^"]+)"', line)
        if match:
            found = requirement(path, number, match.group(1), line)
            if found:
                yield found
