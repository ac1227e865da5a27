"""Write PyPI JSON API answers (``https://pypi.org/pypi/{project}/json``) into a mirror folder,
in the structure PyPI serves, for projects of the tests' own making.

The body follows the example answer of PyPI's JSON API documentation (pypi/warehouse,
docs/api/json.md): ``info`` (``author``, ``author_email``, ``bugtrack_url``, ``classifiers``,
``description``, ``description_content_type``, ``docs_url``, ``download_url``, ``downloads``,
``dynamic``, ``home_page``, ``keywords``, ``license``, ``license_expression``,
``license_files``, ``maintainer``, ``maintainer_email``, ``name``, ``package_url``,
``platform``, ``project_url``, ``project_urls``, ``provides_extra``, ``release_url``,
``requires_dist``, ``requires_python``, ``summary``, ``version``, ``yanked``,
``yanked_reason``), ``last_serial``, ``releases`` (deprecated, one entry here), ``urls`` (the
release's files with their digests) and ``vulnerabilities``. ``requires_dist`` is ``null`` for
a release that declares no requirement, as warehouse renders it. The headers are those the
documentation and warehouse's view set (JSON content type, ``X-PyPI-Last-Serial``, a 15-minute
``Cache-Control``, CORS). A name other than the project's own answers 301 to it, as warehouse's
view does; an unknown project 404 with ``{"message": "Not Found"}``.
tests/fixtures/pypi-json/README.md says what rests on what.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from fwcensus.libraries.pypi import project_url
from fwcensus.mirror.urls import write_json_answer

_HEADERS = {
    "Cache-Control": "max-age=900, public",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-PyPI-Last-Serial",
}
_FILES = "https://files.pythonhosted.org/packages"
_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")


def _serial(name: str) -> int:
    return 20_000_000 + int(hashlib.sha1(name.encode()).hexdigest()[:6], 16)


def _file(name: str, version: str) -> dict[str, object]:
    filename = f"{re.sub(r'[-.]+', '_', name).lower()}-{version}-py3-none-any.whl"
    sha256 = hashlib.sha256(filename.encode()).hexdigest()
    blake = hashlib.blake2b(filename.encode(), digest_size=32).hexdigest()
    md5 = hashlib.md5(filename.encode()).hexdigest()
    return {
        "comment_text": "",
        "digests": {"blake2b_256": blake, "md5": md5, "sha256": sha256},
        "downloads": -1,
        "filename": filename,
        "has_sig": False,
        "md5_digest": md5,
        "packagetype": "bdist_wheel",
        "python_version": "py3",
        "requires_python": ">=3.8",
        "size": 48_213,
        "upload_time": "2024-05-02T09:14:31",
        "upload_time_iso_8601": "2024-05-02T09:14:31.482113Z",
        "url": f"{_FILES}/{blake[:2]}/{blake[2:4]}/{blake[4:]}/{filename}",
        "yanked": False,
        "yanked_reason": None,
    }


def project_body(
    name: str,
    version: str,
    requires_dist: Sequence[str] | None,
    summary: str = "",
    project_urls: Mapping[str, str] | None = None,
    home_page: str = "",
    classifiers: Sequence[str] = (),
    keywords: str = "",
) -> dict[str, object]:
    """The JSON API's answer for a project whose latest release is ``version``."""
    extras = sorted({m for r in requires_dist or () for m in _EXTRA.findall(r)})
    files = [_file(name, version)]
    return {
        "info": {
            "author": "",
            "author_email": "Ada Lovelace <ada@example.org>",
            "bugtrack_url": None,
            "classifiers": list(classifiers),
            "description": f"# {name}\n\n{summary}\n",
            "description_content_type": "text/markdown",
            "docs_url": None,
            "download_url": "",
            "downloads": {"last_day": -1, "last_month": -1, "last_week": -1},
            "dynamic": None,
            "home_page": home_page,
            "keywords": keywords,
            "license": None,
            "license_expression": "Apache-2.0",
            "license_files": ["LICENSE"],
            "maintainer": "",
            "maintainer_email": "",
            "name": name,
            "package_url": f"https://pypi.org/project/{name}/",
            "platform": None,
            "project_url": f"https://pypi.org/project/{name}/",
            "project_urls": dict(project_urls) if project_urls else None,
            "provides_extra": extras or None,
            "release_url": f"https://pypi.org/project/{name}/{version}/",
            "requires_dist": list(requires_dist) if requires_dist else None,
            "requires_python": ">=3.8",
            "summary": summary,
            "version": version,
            "yanked": False,
            "yanked_reason": None,
        },
        "last_serial": _serial(name),
        "releases": {version: files},
        "urls": files,
        "vulnerabilities": [],
    }


def write_project(
    root: Path,
    name: str,
    requires_dist: Sequence[str] | None,
    version: str = "1.0.0",
    summary: str = "",
    project_urls: Mapping[str, str] | None = None,
    classifiers: Sequence[str] = (),
) -> Path:
    """Write ``name``'s answer, and the 301 that a request under its normalised name gets
    when ``name`` is spelled otherwise."""
    body = project_body(name, version, requires_dist, summary, project_urls,
                        classifiers=classifiers)  # fmt: skip
    headers = {**_HEADERS, "X-PyPI-Last-Serial": str(_serial(name))}
    file = write_json_answer(root, project_url(name), body, 200, headers)
    normalised = re.sub(r"[-_.]+", "-", name).lower()
    if normalised != name:
        write_json_answer(root, project_url(normalised), {"message": "Moved Permanently"}, 301,
                          {**_HEADERS, "Location": f"/pypi/{name}/json"})  # fmt: skip
    return file


def write_not_found(root: Path, name: str) -> Path:
    return write_json_answer(root, project_url(name), {"message": "Not Found"}, 404, _HEADERS)
