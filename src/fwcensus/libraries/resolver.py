"""Which framework a library runs on, from what it publishes about itself.

``LibraryResolver.resolve(name, urls)`` asks, in order, and stops at the first answer:

1. the catalogue (``frameworks.toml``): a framework's own packages and the ``[[library]]``
   entries; a library the catalogue lists without a backend (Transformers) has none;
2. the cache (``cache.py``): earlier answers, negative ones asked again after a while;
3. PyPI (``pypi.py``), under the name as given, PEP 503-normalised, then with its separators
   removed (``LLaMA-Factory`` -> ``llama-factory``, ``llamafactory``): a requirement without an
   ``extra`` marker naming a catalogue framework is the backend; several frameworks, or
   frameworks offered only as extras, are "several backends" (no framework);
4. the library's unconditional requirements that are themselves libraries, resolved the same
   way (up to ``MAX_FOLLOWED`` of them, ``MAX_DEPTH`` levels down, cycles cut): a library
   requiring ``lightning`` runs on PyTorch;
5. its repository, read as the repos stage reads code (never run): a GitHub (or other forge)
   URL the caller gives, or the project's own URLs on PyPI when it says it is about machine
   learning (``Project.looks_ml``: numpy's repository is not worth reading). Its manifests
   decide; without them, code using one framework family in at least ``CODE_FILES`` files
   (``repos/backends.py``).
   Only the library asked is read this way, not its dependencies, which keeps the requests
   a lookup costs bounded.

Every answer names its evidence (``Backend.detail``). Network requests go through the
project's ApiClient and repository readers (mirror, politeness, retries): the repos stage hands
the resolver its readers as a ``CodeReader`` (``repos/backends.py``, where ``network_resolver``
builds the resolver that asks PyPI and reads repositories). ``offline_resolver`` knows the
catalogue only, as fwcensus did before it asked anyone.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from fwcensus.catalogue.code_names import normalise, package_framework
from fwcensus.catalogue.frameworks import load_catalogue
from fwcensus.errors import PyPIError, RateLimited
from fwcensus.libraries.backend import Backend
from fwcensus.libraries.cache import CACHE_FILE, LibraryCache

if TYPE_CHECKING:  # the HTTP client is loaded only by the callers that go to the network
    from fwcensus.libraries.pypi import Project, PyPI

MAX_DEPTH = 2  # levels of dependencies followed below the library asked
MAX_FOLLOWED = 8  # unconditional requirements followed per library

Evidence = tuple[str, str, str]  # (detail, framework, what names it)

log = logging.getLogger(__name__)


class CodeReader(Protocol):
    """Reads a library's own code repository (step 5), as the repos stage reads papers'."""

    def backend(self, key: str, urls: Sequence[str]) -> tuple[Backend | None, bool]:
        """The backend the first readable repository among ``urls`` names; ``(None, True)``
        when none can be read, ``(None, False)`` when a rate limit stopped the read."""
        ...


def library_key(name: str) -> str:
    """PEP 503 normalised, with spaces as separators too (``PyTorch Lightning``)."""
    return re.sub(r"[-_.\s]+", "-", name.strip()).casefold()


def name_variants(name: str) -> list[str]:
    """The names PyPI is asked under: normalised, then with the separators removed."""
    return list(dict.fromkeys((library_key(name), re.sub(r"[-_.\s]+", "", name).casefold())))


@cache
def _without_backend() -> dict[str, str]:
    """Normalised names and imports of catalogue libraries with no single backend -> name."""
    found: dict[str, str] = {}
    for library in load_catalogue().libraries:
        if not library.framework:
            for name in (library.name, *library.imports):
                found[library_key(name)] = library.name
    return found


def catalogue_backend(name: str) -> Backend | None:
    key = library_key(name)
    for candidate in (key, normalise(name)):
        framework = package_framework(candidate)
        if framework:
            return Backend(key, framework, "catalogue", f"catalogue: {name} -> {framework}")
    if key in _without_backend():
        listed = _without_backend()[key]
        return Backend(key, None, "catalogue", f"catalogue: {listed} runs on several backends")
    return None


def one_backend(key: str, source: str, found: Sequence[Evidence]) -> Backend:
    """The backend when the evidence names one framework family (the family when it names
    several members of one, keras and tensorflow); else "several backends"."""
    catalogue = load_catalogue()
    families = {catalogue.family(framework) for _, framework, _ in found}
    if len(families) == 1:
        frameworks = {framework for _, framework, _ in found}
        framework = frameworks.pop() if len(frameworks) == 1 else families.pop()
        return Backend(key, framework, source, found[0][0])
    names = ", ".join(sorted({named for _, _, named in found}))
    return Backend(key, None, source, f"several backends: {names}")


class LibraryResolver:
    def __init__(
        self,
        pypi: PyPI | None = None,
        code: CodeReader | None = None,
        cache: LibraryCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.pypi = pypi
        self.code = code
        self.cache = cache or LibraryCache(None)
        self.clock = clock

    def resolve(self, name: str, urls: Sequence[str] = ()) -> Backend:
        """The backend of the library ``name`` (``urls``: where its code is, if known)."""
        return self._lookup(name, tuple(urls), 0, frozenset())[0]

    def answer(self, name: str) -> tuple[str | None, str]:
        """``(framework, detail)`` for ``name``: the form detection asks in."""
        backend = self.resolve(name)
        return backend.framework, backend.detail

    def _lookup(
        self, name: str, urls: tuple[str, ...], depth: int, active: frozenset[str]
    ) -> tuple[Backend, bool]:
        """``(answer, complete)``: complete when nothing was left unasked (a depth or fan-out
        limit, a failure, a cycle), so the answer may be kept."""
        key = library_key(name)
        known = catalogue_backend(name)
        if known is not None:
            return known, True
        if key in active:
            return Backend(key, None, "none", "a dependency cycle"), False
        now = self.clock()
        for variant in name_variants(name):  # "lit_gpt" is answered by what "litgpt" got
            kept = self.cache.get(variant, urls, now)
            if kept is not None:
                log.debug("library %s: cached: %s (%s)", name, kept.framework, kept.detail)
                return replace(kept, library=key), True
        if self.pypi is None and self.code is None:
            log.debug("library %s: not cached (offline: not asked)", name)
            return Backend(key, None, "none", "not in the catalogue nor asked yet (offline)"), True
        answer, complete = self._ask(key, name, urls, depth, active | {key})
        log.debug("library %s: not cached; asked: %s (%s)%s", name, answer.framework,
                  answer.detail, "" if complete else ", not kept: incomplete")  # fmt: skip
        if complete:
            self.cache.put(answer, urls, now)
        return answer, complete

    def _ask(
        self, key: str, name: str, urls: tuple[str, ...], depth: int, active: frozenset[str]
    ) -> tuple[Backend, bool]:
        project = None
        if self.pypi is not None:
            try:
                project = self._project(name)
            except (PyPIError, RateLimited) as exc:
                log.info("library %s: PyPI did not answer: %s", name, exc)
                return Backend(key, None, "none", f"PyPI did not answer: {exc}"), False
        complete = True
        if project is not None:
            found, complete = self._from_requirements(key, project, depth, active)
            if found is not None:
                return found, complete
        wanted = project is not None and (bool(urls) or project.looks_ml())
        where = (*urls, *(project.urls if project is not None and wanted else ()))
        if project is None:
            nothing = Backend(key, None, "none", "not on PyPI")
        else:
            nothing = Backend(key, None, "pypi", _said(project))
        if not where:
            return nothing, complete
        if depth > 0:  # repositories are read for the library asked only
            return nothing, False
        if self.code is None:
            return nothing, complete
        read, ok = self.code.backend(key, where)
        complete = complete and ok
        if read is None:
            return nothing, complete
        if read.framework is None:
            read = Backend(key, None, read.source, f"{nothing.detail}; {read.detail}")
        return read, complete

    def _project(self, name: str) -> Project | None:
        assert self.pypi is not None
        for variant in name_variants(name):
            project = self.pypi.project(variant)
            if project is not None:
                return project
        return None

    def _from_requirements(
        self, key: str, project: Project, depth: int, active: frozenset[str]
    ) -> tuple[Backend | None, bool]:
        runtime = [r for r in project.requires if r.extra is None]
        direct = [
            (f"requires_dist: {r.text}", fw, r.name)
            for r in runtime
            if (fw := package_framework(r.name))
        ]
        if direct:
            return one_backend(key, "pypi", direct), True
        optional = _extras_backend(key, project)
        if optional is not None:
            return optional, True
        if depth >= MAX_DEPTH:
            return None, not runtime
        complete = len(runtime) <= MAX_FOLLOWED
        found: list[Evidence] = []
        for requirement in runtime[:MAX_FOLLOWED]:
            child, ok = self._lookup(requirement.name, (), depth + 1, active)
            complete = complete and ok
            if child.framework:
                detail = f"requires_dist: {requirement.text} -> {child.framework} ({child.detail})"
                found.append((detail, child.framework, requirement.name))
        return (one_backend(key, "pypi", found) if found else None), complete


def _extras_backend(key: str, project: Project) -> Backend | None:
    """Frameworks a library offers only as extras (``torch; extra == "torch"``): an install
    picks one, so the library has no backend of its own."""
    catalogue = load_catalogue()
    extras = [(r, fw) for r in project.requires if r.extra and (fw := package_framework(r.name))]
    if len({catalogue.family(fw) for _, fw in extras}) > 1:
        names = ", ".join(sorted({r.name for r, _ in extras}))
        return Backend(key, None, "pypi", f"several backends: {names} (extras)")
    if extras:
        return Backend(key, None, "pypi", f"a backend only as an extra: {extras[0][0].text}")
    return None


def _said(project: Project) -> str:
    """What PyPI's answer said when it named no framework."""
    if not project.requires:
        return f"{project.name} {project.version} declares no requirements"
    runtime = [r.name for r in project.requires if r.extra is None][:6]
    return f"requires_dist names no framework ({', '.join(runtime) or 'only extras'})"


def offline_resolver() -> LibraryResolver:
    """The catalogue's hand list only: no network, nothing kept."""
    return LibraryResolver()


@contextmanager
def cached_resolver(cache_folder: Path | None) -> Iterator[LibraryResolver]:
    """The catalogue and what earlier runs learned (``cache_folder``): no network, so a stage
    that must not reach out (detect) still knows the libraries the repos stage looked up."""
    if cache_folder is None or not (cache_folder / CACHE_FILE).is_file():
        yield offline_resolver()
        return
    cache_ = LibraryCache(cache_folder)
    try:
        yield LibraryResolver(cache=cache_)
    finally:
        cache_.close()
