"""Framework signals read from a repository's files, never by running them.

Each signal names a framework (a catalogue id), the file and line it was read from, what kind of
signal it is and its weight. Manifests (requirements, setup.py, pyproject, conda, Pipfile) and
Dockerfiles weigh most; an import counts once per file. setup.py is parsed with ``ast`` and never
executed; a Python file that does not parse is scanned line by line for import statements.
Weights files speak by their name alone, never read (``pytorch_model.bin``, ``*.pt``/``*.pth`` ->
PyTorch, ``tf_model.h5``/``saved_model.pb`` -> TensorFlow, ``flax_model.msgpack`` -> Flax and
JAX; ``*.safetensors`` is every framework's format, so it names none); their evidence is the
file at line 0, as is a host's own metadata (a Hugging Face ``library_name`` or tag).
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

from fwcensus.detect.catalogue import load_catalogue

# Kinds of signal and their weights.
WEIGHTS: dict[str, float] = {
    "requirement": 3.0,  # a declared dependency (any manifest)
    "docker": 3.0,  # FROM pytorch/pytorch, FROM tensorflow/tensorflow
    "lua-require": 3.0,  # require 'torch' / require 'nn' in Lua code
    "prototxt": 2.0,  # a Caffe network definition
    "import": 1.0,  # one Python file (or notebook) importing the framework
    "weights": 3.0,  # a weights file in the framework's own format, by its name
    "hub-library": 3.0,  # the library a Hugging Face repository declares (library_name)
    "hub-tag": 2.0,  # a framework tag of a Hugging Face repository
}
MANIFEST_KINDS = frozenset(
    {"requirement", "docker", "lua-require", "prototxt", "weights", "hub-library", "hub-tag"}
)

_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_IMPORT_LINE = re.compile(r"^\s*(?:from\s+([A-Za-z_][\w.]*)\s+import\b|import\s+([\w., ]+))")
_LUA_REQUIRE = re.compile(r"""\brequire\s*\(?\s*['"]([\w.]+)['"]""")
_DOCKER_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", re.I)
# Weights file names (case-folded) -> the frameworks whose own format they are.
_WEIGHTS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"pytorch_model(-\d+-of-\d+)?\.bin|.+\.pth?"), ("pytorch",)),
    (re.compile(r"tf_model\.h5|saved_model\.pbtxt?"), ("tensorflow",)),
    (re.compile(r"flax_model(-\d+-of-\d+)?\.msgpack"), ("flax", "jax")),
    (re.compile(r".+\.keras|keras_metadata\.pb"), ("keras",)),
    (re.compile(r".+\.pdparams"), ("paddlepaddle",)),
)
_LUA_TORCH = {"torch": "lua-torch", "nn": "lua-torch", "cunn": "lua-torch", "cutorch": "lua-torch",
              "cudnn": "lua-torch", "optim": "lua-torch", "nngraph": "lua-torch"}  # fmt: skip


@dataclass(frozen=True)
class Signal:
    framework: str
    kind: str  # a key of WEIGHTS
    file: str
    line: int  # 1-based; 0 when the file as a whole is the signal
    text: str  # the line as written (trimmed), or what was found

    @property
    def weight(self) -> float:
        return WEIGHTS[self.kind]


@cache
def _maps() -> tuple[dict[str, str], dict[str, str], tuple[tuple[str, str], ...]]:
    """(import module -> framework, normalised package -> framework, docker image -> framework)."""
    catalogue = load_catalogue()
    imports: dict[str, str] = {}
    packages: dict[str, str] = {}
    docker: list[tuple[str, str]] = []
    for fw in catalogue.frameworks:
        for module in fw.imports:
            if module != "tf":  # "tf" is how code names tensorflow, never a module of its own
                imports.setdefault(module, fw.id)
        for package in fw.packages:
            packages.setdefault(_norm(package), fw.id)
        docker.extend((image.casefold(), fw.id) for image in fw.docker)
    for lib in catalogue.libraries:
        if not lib.framework:
            continue
        for module in lib.imports:
            imports.setdefault(module, lib.framework)
            packages.setdefault(_norm(module), lib.framework)
        packages.setdefault(_norm(lib.name), lib.framework)
    return imports, packages, tuple(docker)


def _norm(name: str) -> str:
    """PEP 503 normalised package name."""
    return re.sub(r"[-_.]+", "-", name).casefold()


def package_framework(name: str) -> str | None:
    return _maps()[1].get(_norm(name))


def module_framework(module: str) -> str | None:
    return _maps()[0].get(module.split(".")[0])


def docker_framework(image: str) -> str | None:
    base = image.casefold().split("@")[0].rsplit(":", 1)[0] if "/" in image else image.casefold()
    for name, framework in _maps()[2]:
        if base == name or base.endswith("/" + name):
            return framework
    return None


# -- what kind of file ---------------------------------------------------------------------------


def file_kind(path: str) -> str | None:
    """What reader a repository path needs, or None for files that say nothing."""
    p = PurePosixPath(path)
    name = p.name.casefold()
    if re.fullmatch(r"requirements.*\.(txt|in)", name) or (
        p.parent.name.casefold() == "requirements" and name.endswith((".txt", ".in"))
    ):
        return "requirements"
    if name in {"setup.py", "setup.cfg", "pyproject.toml", "pipfile", "pipfile.lock",
                "poetry.lock"}:  # fmt: skip
        return name.replace(".", "_")
    if name in {"environment.yml", "environment.yaml", "conda.yml", "conda.yaml"} or (
        name.startswith("environment") and name.endswith((".yml", ".yaml"))
    ):
        return "conda"
    if name == "dockerfile" or name.startswith("dockerfile.") or name.endswith(".dockerfile"):
        return "dockerfile"
    if name.endswith(".py"):
        return "python"
    if name.endswith(".ipynb"):
        return "notebook"
    if name.endswith(".lua"):
        return "lua"
    if name.endswith(".prototxt"):
        return "prototxt"
    return None


MANIFEST_FILE_KINDS = frozenset(
    {
        "requirements",
        "setup_py",
        "setup_cfg",
        "pyproject_toml",
        "pipfile",
        "pipfile_lock",
        "poetry_lock",
        "conda",
        "dockerfile",
    }
)


def signals_from_file(path: str, data: bytes) -> list[Signal]:
    """Every signal one file gives; a file that cannot be read gives none (never an error)."""
    kind = file_kind(path)
    if kind is None:
        return []
    text = data.decode("utf-8", "replace")
    reader = _READERS[kind]
    return _dedupe(reader(path, text))


def weights_frameworks(path: str) -> tuple[str, ...]:
    """The frameworks whose own weights format a file's name is (none for safetensors)."""
    name = PurePosixPath(path).name.casefold()
    return next((fws for pattern, fws in _WEIGHTS if pattern.fullmatch(name)), ())


def signals_from_weights(paths: Iterable[str]) -> list[Signal]:
    """One signal per framework whose weights a listing holds (the first such file, sorted):
    a model sharded into eight files is one piece of evidence, not eight."""
    found = (
        Signal(framework, "weights", path, 0, path)
        for path in sorted(paths)
        for framework in weights_frameworks(path)
    )
    return _dedupe(found)


def _dedupe(signals: Iterable[Signal]) -> list[Signal]:
    seen: set[tuple[str, str]] = set()
    out = []
    for signal in signals:
        key = (signal.framework, signal.kind)
        if key in seen:  # one signal per framework and kind per file
            continue
        seen.add(key)
        out.append(signal)
    return out


# -- readers -------------------------------------------------------------------------------------


def _requirement(path: str, line_no: int, spec: str, raw: str) -> Signal | None:
    spec = spec.strip()
    if not spec or spec.startswith(("#", "-", "--")):
        return None
    match = _REQ_NAME.match(spec.split("#egg=")[-1] if "#egg=" in spec else spec)
    if not match:
        return None
    framework = package_framework(match.group(1))
    if framework is None:
        return None
    return Signal(framework, "requirement", path, line_no, raw.strip()[:200])


def _read_requirements(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        found = _requirement(path, number, line.split(" #")[0], line)
        if found:
            yield found


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 0


def _read_setup_py(path: str, text: str) -> Iterator[Signal]:
    """String constants inside install_requires/extras_require/requires lists, by ``ast`` only:
    the file is never executed, whatever it would do."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        yield from _read_python(path, text)
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if len(value) > 200 or "\n" in value:
                continue
            found = _requirement(path, node.lineno, value, value)
            if found and _looks_like_requirement(value):
                yield found
    yield from _read_python(path, text)


def _looks_like_requirement(value: str) -> bool:
    return bool(re.fullmatch(r"\s*[A-Za-z0-9][\w.-]*\s*(\[[\w,\s-]*\])?\s*([<>=!~;].*)?", value))


def _read_setup_cfg(path: str, text: str) -> Iterator[Signal]:
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
            found = _requirement(path, number, stripped, line)
            if found:
                yield found


def _read_pyproject(path: str, text: str) -> Iterator[Signal]:
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
        match = _REQ_NAME.match(spec)
        if match:
            found = _requirement(path, _line_of(text, match.group(1)), spec, spec)
            if found:
                yield found


def _read_conda(path: str, text: str) -> Iterator[Signal]:
    """environment.yml read as lines (no YAML library needed): "- pytorch=1.7", "- pip:" items,
    "- conda-forge::tensorflow"."""
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r"^\s*-\s*([^\s#]+)", line)
        if not match:
            continue
        spec = match.group(1).split("::")[-1]
        spec = re.split(r"[=<>!~\[]", spec, maxsplit=1)[0]
        found = _requirement(path, number, spec, line)
        if found:
            yield found


def _read_pipfile(path: str, text: str) -> Iterator[Signal]:
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
        found = _requirement(path, _line_of(text, f'"{name}"') or _line_of(text, name), name, name)
        if found:
            yield found


def _read_poetry_lock(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        match = re.match(r'^name\s*=\s*"([^"]+)"', line)
        if match:
            found = _requirement(path, number, match.group(1), line)
            if found:
                yield found


def _read_dockerfile(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        match = _DOCKER_FROM.match(line)
        if match:
            framework = docker_framework(match.group(1))
            if framework:
                yield Signal(framework, "docker", path, number, line.strip()[:200])
        elif re.search(r"\b(?:pip3?|conda)\s+install\b", line):
            for word in re.findall(r"(?<![\w/-])([A-Za-z][\w.-]*)(?:[=<>~!]=?[\w.*]+)?", line):
                found = _requirement(path, number, word, line)
                if found:
                    yield found


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


def _read_python(path: str, text: str) -> Iterator[Signal]:
    for module, number, line in python_imports(text):
        framework = module_framework(module)
        if framework:
            yield Signal(framework, "import", path, number, line)


def _read_notebook(path: str, text: str) -> Iterator[Signal]:
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
        code = "\n".join(
            "" if line.lstrip().startswith(("!", "%")) else line for line in source.splitlines()
        )  # shell and magic lines blanked, so line numbers stay those of the cell
        for signal in _read_python(path, code):
            text_ = f"cell {index}: {signal.text}"
            yield Signal(signal.framework, "import", path, signal.line, text_)


_QUOTED_IMPORT = re.compile(r'"\s*((?:from\s+[\w.]+\s+import|import)\s[^"\\]*)')


def _read_python_lines(path: str, text: str) -> Iterator[Signal]:
    """A notebook that is not valid JSON: import statements inside its JSON strings."""
    for number, line in enumerate(text.splitlines(), 1):
        for statement in _QUOTED_IMPORT.findall(line):
            for signal in _read_python(path, statement.strip()):
                yield Signal(signal.framework, "import", path, number, statement.strip()[:200])


def _read_lua(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        for module in _LUA_REQUIRE.findall(line):
            framework = _LUA_TORCH.get(module.split(".")[0])
            if framework:
                yield Signal(framework, "lua-require", path, number, line.strip()[:200])


def _read_prototxt(path: str, text: str) -> Iterator[Signal]:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"^\s*(layers?|input|net|base_lr|solver_mode)\s*[:{]", line):
            yield Signal("caffe", "prototxt", path, number, line.strip()[:200])
            return


_READERS = {
    "requirements": _read_requirements,
    "setup_py": _read_setup_py,
    "setup_cfg": _read_setup_cfg,
    "pyproject_toml": _read_pyproject,
    "pipfile": _read_pipfile,
    "pipfile_lock": _read_pipfile,
    "poetry_lock": _read_poetry_lock,
    "conda": _read_conda,
    "dockerfile": _read_dockerfile,
    "python": _read_python,
    "notebook": _read_notebook,
    "lua": _read_lua,
    "prototxt": _read_prototxt,
}
