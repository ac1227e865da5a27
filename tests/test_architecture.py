"""The package map holds (CONTRIBUTING.md): each package imports only what its row allows, no
import cycle between packages, sources that only parse, fetch that knows no plug-in, and no
test-fixture builder in the wheel.

Imports are read from the source with ``ast``, at every level: a function-level (lazy) import
or one under ``TYPE_CHECKING`` ties two packages as surely as one at the top of a module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import fwcensus

PACKAGE = Path(fwcensus.__file__).parent
CONTRIBUTING = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"
ROOT = "fwcensus"  # the package's own __init__ (__version__, HOMEPAGE)

# Everything an import may pull in that touches the network, files or processes beyond reading
# the package's own data: sources turn answers into records and nothing else.
IO_MODULES = ("httpx", "requests", "urllib.request", "http.client", "socket", "aiohttp",
              "hishel", "boto3", "botocore", "s3fs", "sqlite3", "duckdb", "subprocess",
              "shutil", "tempfile")  # fmt: skip
IO_PACKAGES = ("fetch", "store", "collect", "mirror", "plugins", "pipeline", "cli")
# Packages that are plug-ins or gather them: fetch must know none of them.
PLUGIN_PACKAGES = ("sources", "signals", "repos", "libraries", "plugins", "collect")
# The mirror builders the wheel keeps: what `fwcensus demo` serves (demo/signals_sample.py and
# demo/sample.py write with them). Every other builder is test support (tests/support/sites/).
DEMO_SITES = frozenset(
    {
        "demo/sites/adzuna_site.py",
        "demo/sites/conda_site.py",
        "demo/sites/cvf_site.py",
        "demo/sites/devto_site.py",
        "demo/sites/github_site.py",
        "demo/sites/github_stars_site.py",
        "demo/sites/hfhub_site.py",
        "demo/sites/hn_site.py",
        "demo/sites/pwc_site.py",
        "demo/sites/pypi_site.py",
        "demo/sites/so_survey_site.py",
        "demo/sites/stackexchange_site.py",
    }
)


@dataclass(frozen=True)
class Module:
    name: str  # fwcensus.repos.github
    path: Path
    is_package: bool

    @property
    def node(self) -> str:
        """The package (or top-level module) it belongs to: repos, cli, fwcensus itself."""
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 else ROOT


def modules(package: Path = PACKAGE) -> dict[str, Module]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = [ROOT, *path.relative_to(package).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        found[name] = Module(name, path, is_package)
    return found


def imported(module: Module, known: Mapping[str, Module]) -> Iterator[str]:
    """Every module ``module`` imports, anywhere in its code, as absolute names; ``from
    fwcensus.x import name`` names the submodule ``fwcensus.x.name`` when there is one."""
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    for node in ast.walk(ast.parse(module.path.read_text("utf-8"), str(module.path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            yield from (name for name in submodules if name in known)
            if not all(name in known for name in submodules):
                yield base


def package_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Package -> the other fwcensus packages its modules import."""
    known = modules(package)
    graph: dict[str, set[str]] = {module.node: set() for module in known.values()}
    for module in known.values():
        for name in imported(module, known):
            parts = name.split(".")
            if parts[0] != ROOT:
                continue
            target = known.get(".".join(parts[:2])) or known[ROOT]
            if target.node != module.node:
                graph[module.node].add(target.node)
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as its nodes in order (the first repeated at the end), or None."""
    state: dict[str, str] = {}  # node -> "open" while on the path, "done" once explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def closure(starts: list[str], known: Mapping[str, Module]) -> tuple[set[str], dict[str, str]]:
    """The fwcensus modules ``starts`` load, themselves included (a module runs its packages'
    __init__ first: those count too), and every other module they import -> one importer."""
    seen: set[str] = set()
    outside: dict[str, str] = {}
    todo = list(starts)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for target in imported(known[name], known):
            parts = target.split(".")
            if parts[0] != ROOT:
                outside.setdefault(target, name)
            else:
                todo += [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return seen, outside


def does_io(module: str) -> bool:
    return any(module == io or module.startswith(f"{io}.") for io in IO_MODULES)


def reachable(start: str, graph: Mapping[str, set[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return seen


def package_map(text: str) -> dict[str, set[str]]:
    """CONTRIBUTING.md's table: package -> the packages it may import."""
    rows = re.findall(r"^\| `(\w+)` \|.*\|(.*)\|$", text, re.M)
    return {name: set(re.findall(r"`(\w+)`", allowed)) for name, allowed in rows}


# -- the checks ----------------------------------------------------------------------------------


def test_each_package_imports_only_what_the_map_allows() -> None:
    allowed = package_map(CONTRIBUTING.read_text("utf-8"))
    graph = package_graph()
    assert sorted(allowed) == sorted(graph), "CONTRIBUTING.md maps other packages than exist"
    beyond = {name: sorted(graph[name] - allowed[name]) for name in graph}
    assert not {name: extra for name, extra in beyond.items() if extra}, (
        "imports CONTRIBUTING.md's package map does not allow (change the map first)"
    )


def test_the_map_is_read_as_written() -> None:
    text = "| `a` | owns `x.toml` | `b`, `c` |\n| `b` | more | nothing |\n"
    assert package_map(text) == {"a": {"b", "c"}, "b": set()}


def test_no_import_cycle_between_packages() -> None:
    cycle = find_cycle(package_graph())
    assert cycle is None, "import cycle between packages: " + " -> ".join(cycle or ())


def test_the_cycle_finder_sees_a_lazy_import(tmp_path: Path) -> None:
    """A package that imports back only inside a function still closes a cycle."""
    for name, code in {
        "__init__.py": "",
        "a/__init__.py": "from fwcensus.b import thing\n",
        "b/__init__.py": "thing = 1\n",
        "b/late.py": "def f():\n    from fwcensus.a import x\n",
        "c.py": "from . import b\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(code)
    graph = package_graph(tmp_path)
    assert graph["c"] == {"b"}  # a relative import is resolved as well
    assert find_cycle(graph) == ["a", "b", "a"]


def test_sources_import_nothing_that_does_io() -> None:
    """A source parses answers: neither it nor anything it imports asks the network or the
    store (the collect stage fetches for it)."""
    known = modules()
    seen, outside = closure([name for name in known if name.startswith(f"{ROOT}.sources")], known)
    packages = {known[name].node for name in seen}
    assert not packages & set(IO_PACKAGES), f"sources reach {sorted(packages & set(IO_PACKAGES))}"
    io = {name: by for name, by in outside.items() if does_io(name)}
    assert not io, f"sources import modules that do I/O (module: importer): {io}"


def test_the_io_check_sees_what_a_source_would_reach(tmp_path: Path) -> None:
    for name, code in {
        "__init__.py": "",
        "sources/__init__.py": "",
        "sources/page.py": "from fwcensus.sources import helper\n",
        "sources/helper.py": "def get():\n    import urllib.request\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(code)
    known = modules(tmp_path)
    _, outside = closure([f"{ROOT}.sources.page"], known)
    assert [name for name in outside if does_io(name)] == ["urllib.request"]


def test_fetch_knows_no_plugin() -> None:
    """Hosts, rates and tokens reach fetch in its settings (fwcensus.plugins): fetch itself,
    and all it imports, stay clear of every plug-in."""
    graph = package_graph()
    reached = reachable("fetch", graph)
    assert not reached & set(PLUGIN_PACKAGES), sorted(reached & set(PLUGIN_PACKAGES))


def test_the_wheel_holds_no_test_fixture_builder() -> None:
    builders = {
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
        if path.stem.endswith("_site") or path.stem in {"s3_server", "moto_server"}
    }  # fmt: skip
    assert builders == DEMO_SITES, (
        f"test-only builders in the package: {sorted(builders - DEMO_SITES)}; they belong in"
        " tests/support/sites/"
    )


def test_every_site_the_package_keeps_is_served_by_the_demo() -> None:
    """The list above cannot rot: each builder it keeps is one ``fwcensus demo`` runs."""
    known = modules()
    served, _ = closure([f"{ROOT}.demo.run"], known)
    kept = {f"{ROOT}.{path.removesuffix('.py').replace('/', '.')}" for path in DEMO_SITES}
    assert kept <= served, f"kept but not served by the demo: {sorted(kept - served)}"


@pytest.mark.parametrize("test_only", ["support", "tests", "moto", "pytest"])
def test_the_package_imports_no_test_code(test_only: str) -> None:
    known = modules()
    importing = sorted(
        module.name for module in known.values()
        if any(name.split(".")[0] == test_only for name in imported(module, known))
    )  # fmt: skip
    assert importing == []
