"""Readers of code outside Python: Lua Torch's ``require`` and Caffe's prototxt definitions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from fwcensus.repos.findings import Signal

_LUA_REQUIRE = re.compile(r"""\brequire\s*\(?\s*['"]([\w.]+)['"]""")
_LUA_TORCH = {"torch": "lua-torch", "nn": "lua-torch", "cunn": "lua-torch", "cutorch": "lua-torch",
              "cudnn": "lua-torch", "optim": "lua-torch", "nngraph": "lua-torch"}  # fmt: skip


def read_lua(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        for module in _LUA_REQUIRE.findall(line):
            framework = _LUA_TORCH.get(module.split(".")[0])
            if framework:
                yield Signal(framework, "lua-require", path, number, line.strip()[:200])


def read_prototxt(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*(layers?|input|net|base_lr|solver_mode)\s*[:{]", line):
            yield Signal("caffe", "prototxt", path, number, line.strip()[:200])
            return
