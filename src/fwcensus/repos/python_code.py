"""Readers of Python code and notebooks: the frameworks their import statements name.

A file is parsed with ``ast`` (never run); one that does not parse (Python 2, a syntax error) is
scanned line by line for import statements. A notebook's code cells are read the same way, and
their shell lines (``!pip install jax``, ``%pip install``) for the packages they install; a
notebook that is not valid JSON is scanned for import statements inside its JSON strings.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator

from fwcensus.catalogue.code_names import module_framework
from fwcensus.repos.findings import Finding, RepoEvidence
from fwcensus.repos.installs import install_specs
from fwcensus.repos.specifiers import requirement

_IMPORT_LINE = re.compile(r"^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import\b|import\s+([\w., ]+))")
_QUOTED_IMPORT = re.compile(r'"\s*((?:from\s+[\w.]+\s+import|import)\s[^"\\]*)')


def python_imports(text: str) -> Iterator[tuple[str, int, str]]:
    """``(module, line, source line)`` of every import; a file that does not parse (Python 2,
    a syntax error) is scanned line by line instead."""
    lines = text.splitlines()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        for number, line in enumerate(lines, 1):
            match = _IMPORT_LINE.match(line)
            if not match:
                continue
            modules = (
                [match.group(1)]
                if match.group(1)
                else [part.split(" as ")[0].strip() for part in match.group(2).split(",")]
            )
            for module in modules:
                if module:
                    yield module, number, line.strip()
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, _source_line(lines, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module, node.lineno, _source_line(lines, node.lineno)


def _source_line(lines: list[str], number: int) -> str:
    return lines[number - 1].strip()[:200] if 0 < number <= len(lines) else ""


def read_python(path: str, text: str) -> Iterator[RepoEvidence]:
    for module, number, line in python_imports(text):
        framework = module_framework(module)
        if framework:
            yield RepoEvidence(framework, "import", path, number, line)


def read_notebook(path: str, text: str) -> Iterator[Finding]:
    """Code cells of a notebook; one that is not valid JSON is scanned for import lines."""
    try:
        data = json.loads(text)
        cells = data.get("cells") or [c for w in data.get("worksheets", []) for c in w["cells"]]
        sources = [
            "".join(cell.get("source") or cell.get("input") or [])
            if isinstance(cell.get("source") or cell.get("input"), list)
            else str(cell.get("source") or cell.get("input") or "")
            for cell in cells
            if isinstance(cell, dict) and cell.get("cell_type") == "code"
        ]
    except (json.JSONDecodeError, AttributeError, KeyError, TypeError):
        yield from _read_python_lines(path, text)
        return
    for index, source in enumerate(sources, 1):
        code = []  # shell and magic lines blanked, so line numbers stay those of the cell
        for number, line in enumerate(source.splitlines(), 1):
            if not line.lstrip().startswith(("!", "%")):
                code.append(line)
                continue
            code.append("")
            for spec in install_specs(line):
                shown = f"cell {index}: {line.strip()}"
                found = requirement(path, number, spec, shown, declare=True)
                if found:
                    yield found
        for item in read_python(path, "\n".join(code)):
            text_ = f"cell {index}: {item.text}"
            yield RepoEvidence(item.framework, "import", path, item.line, text_)


def _read_python_lines(path: str, text: str) -> Iterator[RepoEvidence]:
    """A notebook that is not valid JSON: import statements inside its JSON strings."""
    for number, line in enumerate(text.splitlines(), 1):
        for statement in _QUOTED_IMPORT.findall(line):
            for item in read_python(path, statement.strip()):
                yield RepoEvidence(item.framework, "import", path, number, statement.strip()[:200])
