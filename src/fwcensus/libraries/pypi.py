"""What PyPI publishes about a project, through its JSON API (``GET
https://pypi.org/pypi/{name}/json``), read through the project's ApiClient (mirror, politeness,
retries, HTTP cache).

The answer's ``info`` holds the latest release's metadata as uploaded: ``requires_dist`` (PEP
508 requirement strings, ``null`` when none were declared; a requirement of an extra carries
the marker ``extra == "name"``), ``home_page`` and ``project_urls`` (where its repository is),
``summary``, ``keywords`` and ``classifiers``. A name that is not the project's canonical one
is answered with a 301 to it (the client follows); an unknown project with a 404.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import quote

from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508

from fwcensus.errors import PyPIError
from fwcensus.fetch.api import ApiClient
from fwcensus.fetch.client import FetchError
from fwcensus.hosts import Host

PYPI = "https://pypi.org/pypi"
# The JSON API is a documented API; the project pages beside it are not asked for.
HOSTS = (Host("pypi.org", api=(f"{PYPI}/",)),)
_EXTRA = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")
_AI = "Topic :: Scientific/Engineering :: Artificial Intelligence"
_ML_WORDS = re.compile(
    r"deep[ -]learning|neural|machine[ -]learning|\bmodels?\b|transformers?\b|\bLLMs?\b"
    r"|diffusion|reinforcement|computer vision|\bNLP\b|language model",
    re.I,
)


@dataclass(frozen=True)
class Requirement:
    name: str  # the project it names, as written
    text: str  # the requirement string as PyPI lists it
    extra: str | None  # the extra it belongs to; None for a requirement of every install


@dataclass(frozen=True)
class Project:
    name: str  # as PyPI spells it
    version: str
    requires: tuple[Requirement, ...]
    urls: tuple[str, ...]  # home_page, then project_urls, as listed
    summary: str
    keywords: str
    classifiers: tuple[str, ...]

    def looks_ml(self) -> bool:
        """Whether the project says it is about machine learning (an AI classifier, or its
        summary or keywords): a library whose requirements name no framework is worth reading
        in its repository only then, not for numpy or requests."""
        words = f"{self.summary} {self.keywords}"
        return _AI in self.classifiers or bool(_ML_WORDS.search(words))


def project_url(name: str) -> str:
    return f"{PYPI}/{quote(name, safe='')}/json"


def parse_project(data: object) -> Project:
    """A project from the JSON API's answer; PyPIError when it lacks its ``info``."""
    info = data.get("info") if isinstance(data, dict) else None
    if not isinstance(info, dict) or not isinstance(info.get("name"), str):
        raise PyPIError("answer without info.name")
    requires = tuple(
        found for text in info.get("requires_dist") or () if (found := _requirement(text))
    )
    links = info.get("project_urls")
    urls = [info.get("home_page"), *(links.values() if isinstance(links, dict) else ())]
    classifiers = info.get("classifiers") or ()
    return Project(
        name=info["name"],
        version=str(info.get("version") or ""),
        requires=requires,
        urls=tuple(u for u in urls if isinstance(u, str) and u.startswith("http")),
        summary=str(info.get("summary") or ""),
        keywords=str(info.get("keywords") or ""),
        classifiers=tuple(c for c in classifiers if isinstance(c, str)),
    )


def _requirement(text: object) -> Requirement | None:
    if not isinstance(text, str):
        return None
    try:
        parsed = Pep508(text)
    except InvalidRequirement:
        return None  # metadata PyPI accepted long ago that no installer reads today
    extra = _EXTRA.search(str(parsed.marker)) if parsed.marker else None
    return Requirement(parsed.name, text, extra.group(1) if extra else None)


class PyPI:
    """``project(name)`` through an ApiClient the caller owns."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api

    def project(self, name: str) -> Project | None:
        """The project PyPI knows by ``name``; None when it knows none (404). Other failures
        (5xx after retries, a rate limit, a broken answer) raise PyPIError."""
        url = project_url(name)
        try:
            body = self.api.get(url).body
        except FetchError as exc:
            if exc.status == 404:
                return None
            raise PyPIError(f"{url}: {exc.reason}") from None
        try:
            return parse_project(json.loads(body))
        except (json.JSONDecodeError, PyPIError) as exc:
            raise PyPIError(f"{url}: {exc}") from None
