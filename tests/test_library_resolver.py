"""The library resolver against a mirror PyPI (and GitHub): what a library runs on, from what it
publishes about itself; its cache; and its use by the repository readers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple
from pathlib import Path

from fwcensus.demo.sites.github_site import write_repo
from fwcensus.fetch.policy import FetchSettings
from fwcensus.libraries import Backend, LibraryResolver, offline_resolver
from fwcensus.libraries.cache import DAY, NEGATIVE_DAYS
from fwcensus.libraries.resolver import MAX_FOLLOWED
from fwcensus.mirror.server import MirrorServer
from fwcensus.models import Paper, Selection
from fwcensus.plugins import fetch_settings
from fwcensus.repos.backends import network_resolver
from fwcensus.repos.hosts import RepoReaders
from fwcensus.repos.inspect_code import code_json, read_own_code
from fwcensus.repos.own_link import own_link
from fwcensus.repos.stage import read_repos
from fwcensus.store import Store

from conftest import Serve
from support.sites.pypi_json_site import write_not_found, write_project

AI = "Topic :: Scientific/Engineering :: Artificial Intelligence"
LITGPT = ["torch>=2.2", "lightning==2.4.0", "jsonargparse[signatures]>=4.27.6",
          "pytest>=8.1.1; extra == 'test'"]  # fmt: skip


def write_index(root: Path) -> None:
    """PyPI as the tests see it: projects of every shape the resolver meets."""
    write_project(root, "quokkagpt", LITGPT, summary="Pretrain, finetune, deploy 20+ LLMs")
    write_not_found(root, "wombat-factory")
    write_project(root, "wombatfactory", ["transformers>=4.41.2", "peft>=0.11", "torch>=1.13.1"])
    write_project(root, "multiback", ["numpy", 'torch; extra == "torch"',
                                      "tensorflow>=2.12; extra == 'tf'",
                                      'jax[cpu]; extra == "jax"'])  # fmt: skip
    write_project(root, "dualfw", ["torch>=1.8", "tensorflow>=2.4"])
    write_project(root, "Deep-Tool", ["mid-lib>=1.0", "requests"])  # canonical name: 301
    write_project(root, "mid-lib", ["lightning>=2.0", "numpy"])
    for name, requires in (("level-a", ["level-b"]), ("level-b", ["level-c"]),
                           ("level-c", ["torch"]), ("cyc-a", ["cyc-b"]),
                           ("cyc-b", ["cyc-a"])):  # fmt: skip
        write_project(root, name, requires)
    write_project(root, "plainutil", ["numpy>=1.20"], summary="Small helpers for files",
                  project_urls={"Source": "https://github.com/ada/plainutil"})  # fmt: skip
    write_project(root, "research-net", None, summary="Neural networks for segmentation",
                  classifiers=[AI],
                  project_urls={"Homepage": "https://ada.example.org",
                                "Source": "https://github.com/ada/research-net"})  # fmt: skip
    write_repo(root, "ada", "research-net", {"requirements.txt": "numpy\ntorch>=1.9\n"})
    write_repo(root, "ada", "unreleased", {"setup.py": "setup(install_requires=['jax'])\n"})
    write_repo(root, "ada", "plainutil", {"requirements.txt": "tensorflow\n"})
    for name in ("numpy", "requests", "nosuchlib", "unreleased"):
        write_not_found(root, name)


def settings(url: str) -> FetchSettings:
    return fetch_settings(mirror=url, rate=0, attempts=2, backoff=0.01)


@contextmanager
def resolver(
    server: MirrorServer, cache: Path | None = None, clock: list[float] | None = None
) -> Iterator[LibraryResolver]:
    now = clock or [1_000_000.0]
    with (
        RepoReaders(settings(server.url)) as readers,
        network_resolver(settings(server.url), readers, cache, clock=lambda: now[0]) as found,
    ):
        yield found


def asked(server: MirrorServer, name: str) -> int:
    return server.requests.count(f"pypi.org/pypi/{name}/json")


def test_requires_dist_names_the_backend(tmp_path: Path, serve: Serve) -> None:
    write_index(tmp_path)
    with resolver(serve(tmp_path)) as libraries:
        assert libraries.resolve("QuokkaGPT") == Backend(
            "quokkagpt", "pytorch", "pypi", "requires_dist: torch>=2.2")  # fmt: skip
        llama = libraries.resolve("Wombat-Factory")  # asked as wombat-factory, then wombatfactory
        assert (llama.library, llama.framework, llama.detail) == (
            "wombat-factory", "pytorch", "requires_dist: peft>=0.11")  # fmt: skip


def test_extras_or_several_frameworks_are_several_backends(tmp_path: Path, serve: Serve) -> None:
    write_index(tmp_path)
    with resolver(serve(tmp_path)) as libraries:
        several = "several backends: jax, tensorflow, torch (extras)"
        assert libraries.resolve("multiback") == Backend("multiback", None, "pypi", several)
        assert libraries.resolve("dualfw") == Backend(
            "dualfw", None, "pypi", "several backends: tensorflow, torch")  # fmt: skip


def test_libraries_required_are_resolved_in_turn(tmp_path: Path, serve: Serve) -> None:
    write_index(tmp_path)
    server = serve(tmp_path)
    with resolver(server) as libraries:
        deep = libraries.resolve("deep_tool")  # 301 to Deep-Tool, which requires mid-lib
        assert (deep.framework, deep.source) == ("pytorch", "pypi")
        assert deep.detail == (
            "requires_dist: mid-lib>=1.0 -> pytorch (requires_dist: lightning>=2.0)"
        )
        assert libraries.resolve("level-a").framework == "pytorch"  # two levels down
        cycle = libraries.resolve("cyc-a")
        assert cycle.framework is None
    assert asked(server, "Deep-Tool") == 1 and asked(server, "deep-tool") == 1


def test_depth_is_bounded(tmp_path: Path, serve: Serve) -> None:
    write_index(tmp_path)
    write_project(tmp_path, "level-top", ["level-a"])  # torch is three levels below
    server = serve(tmp_path)
    with resolver(server) as libraries:
        assert libraries.resolve("level-top").framework is None
        # level-c was never asked: the search stopped two levels down
        assert asked(server, "level-c") == 0
        assert libraries.resolve("level-top").framework is None
    assert asked(server, "level-top") == 2  # a cut-short answer is not kept


def test_not_on_pypi_and_negative_answers_are_kept_then_asked_again(
    tmp_path: Path, serve: Serve
) -> None:
    write_index(tmp_path)
    server = serve(tmp_path)
    clock = [1_000_000.0]
    with resolver(server, tmp_path / "cache", clock) as libraries:
        assert libraries.resolve("nosuchlib") == Backend(
            "nosuchlib", None, "none", "not on PyPI")  # fmt: skip
        libraries.resolve("nosuchlib")
        assert asked(server, "nosuchlib") == 1  # the negative answer was kept
        clock[0] += NEGATIVE_DAYS * DAY + 1
        libraries.resolve("nosuchlib")
        assert asked(server, "nosuchlib") == 2  # and asked again once it was due


def test_answers_are_kept_between_runs(tmp_path: Path, serve: Serve) -> None:
    write_index(tmp_path)
    server = serve(tmp_path)
    with resolver(server, tmp_path / "cache") as libraries:
        first = libraries.resolve("quokkagpt")
    with resolver(server, tmp_path / "cache") as libraries:
        assert libraries.resolve("quokkagpt") == first
        assert libraries.resolve("quokka_gpt") == Backend("quokka-gpt", *astuple(first)[1:])
    assert asked(server, "quokkagpt") == 1
    assert (tmp_path / "cache" / "libraries.sqlite").exists()


def test_pypi_failing_is_not_an_answer(tmp_path: Path, serve: Serve) -> None:
    write_index(tmp_path)
    server = serve(tmp_path, faults="503*2@pypi.org/pypi/quokkagpt/json")
    with resolver(server) as libraries:
        failed = libraries.resolve("quokkagpt")
        assert failed.framework is None and failed.detail.startswith("PyPI did not answer")
        assert libraries.resolve("quokkagpt").framework == "pytorch"  # asked again, not kept


def test_the_repository_tells_when_pypi_does_not(tmp_path: Path, serve: Serve) -> None:
    write_index(tmp_path)
    server = serve(tmp_path)
    with resolver(server) as libraries:
        research = libraries.resolve("research-net")  # an ML project declaring nothing
        assert research == Backend("research-net", "pytorch", "repository",
                                   "repo manifest requirements.txt:2 torch>=1.9")  # fmt: skip
        unreleased = libraries.resolve("unreleased", ["https://github.com/ada/unreleased"])
        assert (unreleased.framework, unreleased.source) == ("jax", "repository")
        plain = libraries.resolve("plainutil")  # not about ML: its repository is not read
        assert plain == Backend("plainutil", None, "pypi",
                                "requires_dist names no framework (numpy)")  # fmt: skip
    assert "api.github.com/repos/ada/plainutil" not in server.requests


def test_the_catalogue_answers_first_and_offline() -> None:
    offline = offline_resolver()
    assert offline.resolve("timm") == Backend("timm", "pytorch", "catalogue",
                                              "catalogue: timm -> pytorch")  # fmt: skip
    assert offline.resolve("PyTorch Lightning").framework == "pytorch"
    transformers = offline.resolve("transformers")
    assert (transformers.framework, transformers.source) == (None, "catalogue")
    assert offline.resolve("quokkagpt") == Backend(
        "quokkagpt", None, "none", "not in the catalogue nor asked yet (offline)")  # fmt: skip


# -- in the repository readers -------------------------------------------------------------------

REPO = {"requirements.txt": "numpy\nquokkagpt==0.4.3\n", "finetune.py": "import quokkagpt\n"}


def test_a_repository_depending_on_a_library_uses_its_backend(
    tmp_path: Path, serve: Serve, store: Store
) -> None:
    write_index(tmp_path)
    write_repo(tmp_path, "ada", "tuned", REPO)
    server = serve(tmp_path)
    url = "https://github.com/ada/tuned"
    with resolver(server) as libraries, RepoReaders(settings(server.url)) as readers:
        view = code_json(read_own_code(readers, own_link((url,), None), libraries),
                         {})  # fmt: skip
    [pytorch] = view["frameworks"]
    assert (pytorch["framework"], pytorch["role"]) == ("pytorch", "used")
    why = "quokkagpt -> pytorch (pypi requires_dist: torch>=2.2)"
    assert pytorch["evidence"] == [
        {"file": "requirements.txt", "line": 2, "kind": "dependency", "text": why}]  # fmt: skip

    pdf = "https://proceedings.mlr.press/v1/a/a.pdf"
    store.papers.upsert([Paper("pmlr", "a", "ICML", 2024, "Tuned", ("Ada Lovelace",), pdf,
                               code_urls=(url,))], "L")  # fmt: skip
    read_repos(store, settings(server.url), Selection())
    [rows] = store.repos.verdict_rows().values()
    assert {(r["framework"], r["role"], r["kind"]) for r in rows} == {
        ("pytorch", "used", "dependency")}  # fmt: skip


def test_without_a_network_the_readers_keep_todays_verdicts(tmp_path: Path, serve: Serve) -> None:
    write_repo(tmp_path, "ada", "tuned", REPO)
    server = serve(tmp_path)
    url = "https://github.com/ada/tuned"
    with RepoReaders(settings(server.url)) as readers:
        view = code_json(read_own_code(readers, own_link((url,), None)), {})
    assert view["frameworks"] == [] and view["commit"] is not None
    assert not [r for r in server.requests if r.startswith("pypi.org")]


def test_only_the_first_requirements_are_followed(tmp_path: Path, serve: Serve) -> None:
    write_index(tmp_path)
    helpers = [f"helper-{i}" for i in range(MAX_FOLLOWED)]
    for helper in helpers:
        write_project(tmp_path, helper, None)
    write_project(tmp_path, "wide", [*helpers, "mid-lib"])  # mid-lib (PyTorch) comes too late
    server = serve(tmp_path)
    with resolver(server) as libraries:
        assert libraries.resolve("wide").framework is None
        libraries.resolve("wide")
    assert asked(server, "mid-lib") == 0 and asked(server, "wide") == 2  # cut short: not kept
