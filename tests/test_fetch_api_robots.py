"""robots.txt keeps crawlers out of pages, not programs out of documented APIs: GitLab's own
default robots.txt says "Disallow: /api", yet its API is read (gitlab.com and a self-hosted
instance alike), while pages of the same host stay disallowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from fwcensus.fetch.client import FetchError, HttpClient
from fwcensus.fetch.policy import FetchSettings
from fwcensus.mirror.urls import write_mirror_file
from fwcensus.plugins import fetch_settings
from fwcensus.repos.gitlab import GitLabReader
from fwcensus.repos.links import RepoRef

from conftest import Serve
from support.sites.gitlab_site import write_gitlab_repo

# The lines of GitLab's default public/robots.txt that matter here (gitlabhq/gitlabhq).
GITLAB_ROBOTS = "User-Agent: *\nDisallow: /search\nDisallow: /api\nDisallow: /*/-/archive/\n"


def settings(url: str) -> FetchSettings:
    return fetch_settings(mirror=url, rate=0, attempts=1)


@pytest.mark.parametrize("host", ["gitlab.com", "git.example.org"])
def test_a_forges_api_is_read_though_its_robots_txt_disallows_api(
    tmp_path: Path, serve: Serve, host: str
) -> None:
    commit = write_gitlab_repo(tmp_path, "ada", "code", {"train.py": "import torch\n"}, host=host)
    write_mirror_file(tmp_path, f"https://{host}/robots.txt", GITLAB_ROBOTS)
    server = serve(tmp_path)
    with GitLabReader(settings(server.url), host=host) as reader:
        snap = reader.read(RepoRef(host, "ada", "code"))
    assert snap.commit == commit and "train.py" in snap.files
    assert f"{host}/robots.txt" not in server.requests  # never consulted for the API

    with HttpClient(settings(server.url)) as client:
        with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
            client.get(f"https://{host}/ada/code/-/archive/main/code-main.tar.gz")
        with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
            client.get(f"https://{host}/api/v4/projects")  # not an API this client was given


def test_documented_apis_skip_robots_txt_and_pages_obey_it(tmp_path: Path, serve: Serve) -> None:
    write_mirror_file(tmp_path, "https://api.github.com/robots.txt", "User-agent: *\nDisallow: /\n")
    write_mirror_file(tmp_path, "https://api.github.com/repos/a/b", "{}")
    write_mirror_file(
        tmp_path, "https://pages.example.org/robots.txt", "User-agent: *\nDisallow: /\n"
    )
    write_mirror_file(tmp_path, "https://pages.example.org/list.html", "<html></html>")
    server = serve(tmp_path)
    with HttpClient(settings(server.url)) as client:
        assert client.get("https://api.github.com/repos/a/b").body == b"{}"
        with pytest.raises(FetchError, match=r"disallowed by robots\.txt"):
            client.get("https://pages.example.org/list.html")
    assert "api.github.com/robots.txt" not in server.requests
    assert "pages.example.org/robots.txt" in server.requests
