"""Readers of Python package manifests: requirements files, setup.py (by ``ast``, never run),
setup.cfg, pyproject.toml (PEP 621 and Poetry), Pipfile and Pipfile.lock, poetry.lock and conda
environment files. Each yields ``requirement`` evidence per declared catalogue package, and a
``Declared`` package for each other runtime dependency a project states for itself
(requirements files, setup.py's ``install_requires``, PEP 621 and Poetry dependencies, Pipfile
packages, a conda file's pip list); lock files, extras and development groups list what the
project does not itself run on, so their unknown packages are not declared."""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections.abc import Iterator

from fwcensus.repos.findings import Finding
from fwcensus.repos.python_code import read_python
from fwcensus.repos.specifiers import REQUIREMENT_NAME, requirement


def read_requirements(path: str, text: str) -> Iterator[Finding]:
    for number, line in enumerate(text.splitlines(), 1):
        found = requirement(path, number, line.split(" #")[0], line, declare=True)
        if found:
            yield found


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 0


def read_setup_py(path: str, text: str) -> Iterator[Finding]:
    """String constants that name packages (install_requires, extras_require, requires), by
    ``ast`` only: the file is never executed, whatever it would do. The unknown packages of
    ``install_requires`` (given as a list, or as a variable assigned one) are declared."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        yield from read_python(path, text)
        return
    runtime = _install_requires(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if len(value) > 200 or "\n" in value or not _looks_like_requirement(value):
                continue
            found = requirement(path, node.lineno, value, value, declare=id(node) in runtime)
            if found:
                yield found
    yield from read_python(path, text)


def _install_requires(tree: ast.Module) -> set[int]:
    """The ids of the string nodes that setup()'s ``install_requires`` lists."""
    lists = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    found: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg != "install_requires":
                continue
            value = keyword.value
            if isinstance(value, ast.Name):
                value = lists.get(value.id, value)
            if isinstance(value, ast.List | ast.Tuple):
                found |= {id(e) for e in value.elts if isinstance(e, ast.Constant)}
    return found


def _looks_like_requirement(value: str) -> bool:
    return bool(re.fullmatch(r"\s*[A-Za-z0-9][\w.-]*\s*(\[[\w,\s-]*\])?\s*([<>=!~;].*)?", value))


def read_setup_cfg(path: str, text: str) -> Iterator[Finding]:
    in_requires = runtime = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        key = re.match(r"^(install_requires|tests_require|setup_requires)\s*=", stripped)
        if key or stripped.startswith("[options.extras_require"):
            in_requires, runtime = True, bool(key and key.group(1) == "install_requires")
            stripped = stripped.split("=", 1)[1] if "=" in stripped else ""
        elif stripped.startswith("[") or (line[:1].strip() and "=" in line):
            in_requires = False
        if in_requires and stripped:
            found = requirement(path, number, stripped, line, declare=runtime)
            if found:
                yield found


def read_pyproject(path: str, text: str) -> Iterator[Finding]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    specs: list[tuple[str, bool]] = []  # (specifier, a runtime dependency)
    project = data.get("project", {})
    if isinstance(project, dict):
        specs += [(s, True) for s in project.get("dependencies", []) if isinstance(s, str)]
        for group in (project.get("optional-dependencies") or {}).values():
            specs += [(s, False) for s in group if isinstance(s, str)]
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    if isinstance(poetry, dict):
        specs += [(name, True) for name in (poetry.get("dependencies") or {})]
        specs += [(name, False) for name in (poetry.get("dev-dependencies") or {})]
        for group in (poetry.get("group") or {}).values():
            if isinstance(group, dict):
                specs += [(name, False) for name in (group.get("dependencies") or {})]
    for spec, runtime in specs:
        match = REQUIREMENT_NAME.match(spec)
        if match:
            line = line_of(text, match.group(1))
            found = requirement(path, line, spec, spec, declare=runtime)
            if found:
                yield found


def read_conda(path: str, text: str) -> Iterator[Finding]:
    """environment.yml read as lines (no YAML library needed): the items of its
    ``dependencies:`` list ("- pytorch=1.7", "- conda-forge::tensorflow", the "- pip:" sub-list);
    ``channels:`` are where packages come from (a ``pytorch`` channel installs nothing). Only the
    pip sub-list's unknown packages are declared: conda's own names (``cudatoolkit``,
    ``libgcc``) are not PyPI's."""
    section, pip_indent = None, None
    for number, line in enumerate(text.splitlines(), 1):
        key = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if key:
            section, pip_indent = key.group(1), None
            continue
        match = re.match(r"^(\s*)-\s*([^\s#]+)", line)
        if section != "dependencies" or not match:
            continue
        indent = len(match.group(1))
        if pip_indent is not None and indent <= pip_indent:
            pip_indent = None  # the pip sub-list ended
        if match.group(2) == "pip:":
            pip_indent = indent
            continue
        spec = match.group(2).split("::")[-1]
        spec = re.split(r"[=<>!~\[]", spec, maxsplit=1)[0]
        found = requirement(path, number, spec, line, declare=pip_indent is not None)
        if found:
            yield found


def read_pipfile(path: str, text: str) -> Iterator[Finding]:
    if path.casefold().endswith(".lock"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return
        names = [(n, False) for key in ("default", "develop") for n in (data.get(key) or {})]
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            return
        names = [(n, key == "packages") for key in ("packages", "dev-packages")
                 for n in (data.get(key) or {})]  # fmt: skip
    for name, runtime in names:
        line = line_of(text, f'"{name}"') or line_of(text, name)
        found = requirement(path, line, name, name, declare=runtime)
        if found:
            yield found


def read_poetry_lock(path: str, text: str) -> Iterator[Finding]:
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r'^name\s*=\s*"([^"]+)"', line)
        if match:
            found = requirement(path, number, match.group(1), line)
            if found:
                yield found
