"""The repository hosts fwcensus reads, and the reader for each: one registry, so the repos
stage and ``inspect --repos`` pick readers the same way.

Which host is which kind of forge comes from ``links.forges()``: github.com, gitlab.com,
bitbucket.org, codeberg.org (Gitea/Forgejo), huggingface.co, and the self-hosted GitLab and
Gitea instances listed in ``FWCENSUS_GITLAB_HOSTS`` / ``FWCENSUS_GITEA_HOSTS``. A reader is made
the first time its host is asked for, one per host, and all are closed together. A repository on
any other host (one that only looks like a forge, ``gitlab.inria.fr`` unlisted) raises
HostNotRead with the reason, and nothing is requested: no host's software is guessed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Protocol, Self

import httpx

from fwcensus.fetch.policy import FetchSettings
from fwcensus.repos.bitbucket import BitbucketReader
from fwcensus.repos.gitea import GiteaReader
from fwcensus.repos.github import ApiReader, Caps, GitHubReader, HostNotRead, Snapshot
from fwcensus.repos.gitlab import GitLabReader
from fwcensus.repos.huggingface import HuggingFaceReader
from fwcensus.repos.links import LISTED_FORGES, RepoRef, forges


class RepoReader(Protocol):
    def read(self, repo: RepoRef) -> Snapshot: ...


# forge kind -> the reader class for one host of that kind
READERS: dict[str, type[ApiReader]] = {
    "github": GitHubReader,
    "gitlab": GitLabReader,
    "bitbucket": BitbucketReader,
    "gitea": GiteaReader,
    "huggingface": HuggingFaceReader,
}


def not_read_reason(host: str) -> str:
    listed = " or ".join(LISTED_FORGES.values())
    return (
        f"{host} is not a host fwcensus reads (a self-hosted GitLab or Gitea is read once"
        f" listed in {listed})"
    )


class RepoReaders:
    """``read(RepoRef) -> Snapshot`` on every known host, each through its own reader."""

    def __init__(
        self,
        settings: FetchSettings,
        caps: Caps | None = None,
        known: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.known = forges() if known is None else dict(known)
        self._settings, self._caps = settings, caps
        self._sleep, self._clock, self._transport = sleep, clock, transport
        self._readers: dict[str, ApiReader] = {}

    def reads(self, host: str) -> bool:
        return self.known.get(host) in READERS

    def read(self, repo: RepoRef) -> Snapshot:
        reader = self._readers.get(repo.host)
        if reader is None:
            if not self.reads(repo.host):
                raise HostNotRead(repo, not_read_reason(repo.host))
            reader = self._readers[repo.host] = READERS[self.known[repo.host]](
                self._settings, self._caps, host=repo.host, sleep=self._sleep,
                clock=self._clock, transport=self._transport,
            )  # fmt: skip
        return reader.read(repo)

    @property
    def rate_waits(self) -> int:
        return sum(reader.rate_waits for reader in self._readers.values())

    def close(self) -> None:
        for reader in self._readers.values():
            reader.close()
        self._readers.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
