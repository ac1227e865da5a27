"""A requirement specifier of any manifest (``torch>=1.7``, ``x @ git+...#egg=torch``) as the
evidence it is: a framework the catalogue knows, or a package to ask the library resolver about."""

from __future__ import annotations

import re

from fwcensus.catalogue.code_names import normalise, package_framework
from fwcensus.repos.findings import Declared, RepoEvidence

REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# Packaging tools a manifest names beside the real dependencies; never a library's backend.
_TOOLS = frozenset({"python", "pip", "setuptools", "wheel", "cython", "setuptools-scm"})


def requirement(
    path: str, line_no: int, spec: str, raw: str, declare: bool = False
) -> RepoEvidence | Declared | None:
    """The evidence of one requirement specifier (``torch>=1.7``, ``x @ git+...#egg=torch``);
    with ``declare``, a package the catalogue does not know is returned as ``Declared``."""
    spec = spec.strip()
    if not spec or spec.startswith(("#", "-", "--")):
        return None
    match = REQUIREMENT_NAME.match(spec.split("#egg=")[-1] if "#egg=" in spec else spec)
    if not match:
        return None
    framework = package_framework(match.group(1))
    if framework is not None:
        return RepoEvidence(framework, "requirement", path, line_no, raw.strip()[:200])
    if declare and normalise(match.group(1)) not in _TOOLS:
        return Declared(match.group(1), path, line_no, raw.strip()[:200])
    return None
