"""Readers of code outside Python, for frameworks that never show in a Python manifest: Lua
Torch (``require 'nn'``, a ``.rockspec``'s dependencies), Caffe (prototxt nets and solvers),
C/C++/CUDA includes (Caffe layers, libtorch and PyTorch extensions, TensorFlow ops) and MATLAB
toolboxes (MatConvNet, the Deep Learning Toolbox). Which name means which framework comes from
the catalogue; these readers only know each language's syntax."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fwcensus.catalogue.code_names import include_framework, lua_framework, matlab_calls
from fwcensus.repos.findings import RepoEvidence

_LUA_REQUIRE = re.compile(r"""\brequire\s*\(?\s*['"]([\w.]+)['"]""")
# A rockspec's `dependencies = { "torch >= 7.0", "nn" }`: the table and its strings.
_ROCKSPEC_DEPENDENCIES = re.compile(r"\bdependencies\s*=\s*\{([^}]*)\}", re.S)
_LUA_STRING = re.compile(r"""["']\s*([\w.-]+)[^"']*["']""")
# Keys that open a Caffe net (layer, input) or solver (net, base_lr, ...) in protobuf text.
_CAFFE_KEY = re.compile(
    r"^\s*(?:layers?\s*\{|input(?:_shape|_dim)?\s*[:{]|(?:train_|test_)?net\s*:"
    r"|(?:base_lr|lr_policy|solver_mode|max_iter)\s*:)"
)
_INCLUDE = re.compile(r"""^\s*#\s*include\s*[<"]([^>"]+)[>"]""")


def read_lua(path: str, text: str) -> Iterator[RepoEvidence]:
    for number, line in enumerate(text.splitlines(), 1):
        for module in _LUA_REQUIRE.findall(line):
            framework = lua_framework(module)
            if framework:
                yield RepoEvidence(framework, "lua-require", path, number, line.strip()[:200])


def read_rockspec(path: str, text: str) -> Iterator[RepoEvidence]:
    """The rock's declared dependencies (``"torch >= 7.0"``), each a requirement."""
    for table in _ROCKSPEC_DEPENDENCIES.finditer(text):
        for item in _LUA_STRING.finditer(table.group(1)):
            framework = lua_framework(item.group(1))
            if framework:
                number = text.count("\n", 0, table.start(1) + item.start()) + 1
                yield RepoEvidence(framework, "requirement", path, number, item.group(0).strip())


def read_prototxt(path: str, text: str) -> Iterator[RepoEvidence]:
    """A Caffe net or solver: the first line holding one of their keys."""
    for number, line in enumerate(text.splitlines(), 1):
        if _CAFFE_KEY.match(line):
            yield RepoEvidence("caffe", "prototxt", path, number, line.strip()[:200])
            return


def read_c_family(path: str, text: str) -> Iterator[RepoEvidence]:
    """``#include`` lines of C, C++ and CUDA sources and headers."""
    for number, line in enumerate(text.splitlines(), 1):
        match = _INCLUDE.match(line)
        framework = include_framework(match.group(1)) if match else None
        if framework:
            yield RepoEvidence(framework, "include", path, number, line.strip()[:200])


def read_matlab(path: str, text: str) -> Iterator[RepoEvidence]:
    """Calls of a toolbox's functions in MATLAB code, comments left out."""
    for number, line in enumerate(_matlab_code_lines(text), 1):
        for pattern, framework in matlab_calls():
            if pattern.search(line):
                yield RepoEvidence(framework, "matlab-call", path, number, line.strip()[:200])


def _matlab_code_lines(text: str) -> Iterator[str]:
    """Each line with its comment blanked (``%`` outside a string, ``%{ ... %}`` blocks), so
    line numbers stay the file's."""
    in_block = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in ("%{", "%}"):
            in_block = stripped == "%{"
            yield ""
        elif in_block:
            yield ""
        else:
            yield _without_comment(line)


def _without_comment(line: str) -> str:
    quoted = False
    for index, char in enumerate(line):
        if char == "'":
            quoted = not quoted
        elif char == "%" and not quoted:
            return line[:index]
    return line
