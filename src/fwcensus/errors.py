"""Every error fwcensus raises on purpose, under one root, as httpx arranges its own.

An error here is a failure the user can act on, and its message is one line saying what and
where (a URL, a file, an option): the CLI prints that line and nothing else. Anything else that
escapes a command is a bug, and the CLI says so. The tree::

    FwcensusError
    ├── ConfigError             a bad option or setting, a missing key, an unknown name
    ├── RequestError            talking to a server failed
    │   ├── FetchError          a request failed for good (URL, reason, status, attempts)
    │   │   ├── HTTPStatusError     the server answered an error status
    │   │   ├── FetchTimeout        no answer in time, every attempt
    │   │   ├── TooLarge            the body is over the size limit
    │   │   ├── NotAPdf             the body of a PDF link is not a whole PDF
    │   │   └── Disallowed          robots.txt forbids the URL to fwcensus
    │   │       └── RobotsUnavailable   robots.txt could not be read (for now)
    │   ├── RateLimited         too many requests: the API's wait is longer than allowed
    │   │   └── QuotaExhausted      the API's quota is spent
    │   ├── S3Error             the bucket cannot be read (credentials, access, answers)
    │   ├── PyPIError           PyPI could not answer now
    │   └── Retryable           (inside fetch: worth another attempt)
    ├── SourceError             an answer not in the shape its reader knows
    │   ├── ListingError        a source's listing page
    │   ├── CollectError        a venue-year whose listing could not be read
    │   ├── ManifestError       arXiv's bulk manifest
    │   ├── SignalError         an industry signal's API answer
    │   └── NoteProblem         (inside the OpenReview source: one note)
    ├── ExtractError            a PDF without usable text
    │   └── TextUnavailable     a paper or file with no text to show
    ├── RepositoryError         a paper's code repository
    │   ├── RepoUnavailable     deleted, private, blocked, or an answer without what is needed
    │   │   └── HostNotRead     no reader for the repository's host
    │   └── ArchiveError        a corrupt or truncated repository archive
    ├── StoreError              the store cannot be used as it is
    └── EngineError             the Dask cluster cannot be used as it is

``Retryable``, ``NoteProblem`` (and the pattern scan's ``_Open``) never leave the module that
raises them; they are FwcensusErrors so that no custom exception stands outside the tree.
ConfigError and ManifestError are ValueErrors too, as the plain ValueErrors they replace were.

This module imports nothing of fwcensus, nor any third-party library, so the CLI loads it at
start without slowing down.
"""

from __future__ import annotations

from typing import Protocol


class _Located(Protocol):
    """What an error needs of a repository (``repos.links.RepoRef``), named structurally so
    that this module stays below every package that raises from it."""

    @property
    def url(self) -> str: ...


class FwcensusError(Exception):
    """A failure the user can act on; its message is one line."""


class ConfigError(FwcensusError, ValueError):
    """A bad option or setting, a missing key, a name fwcensus does not know."""


# Talking to servers ---------------------------------------------------------------------------


class RequestError(FwcensusError):
    """A request to a server, or a series of them, failed."""


class FetchError(RequestError):
    """A request that failed for good, with a one-line reason."""

    def __init__(self, url: str, reason: str, status: int | None = None, attempts: int = 1):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.attempts = attempts


class HTTPStatusError(FetchError):
    """The server answered an error status (4xx, or 429/5xx on every attempt)."""


class FetchTimeout(FetchError):
    """No answer in time, on every attempt."""


class TooLarge(FetchError):
    """The body is over the size limit (declared, or counted as it arrived)."""


class NotAPdf(FetchError):
    """What a PDF link answered is not a whole PDF (an error page, a login wall, a cut body)."""


class Disallowed(FetchError):
    """robots.txt of the host forbids the URL to our User-Agent."""


class RobotsUnavailable(Disallowed):
    """robots.txt could not be read (5xx, no connection): everything is disallowed for now,
    as RFC 9309 asks, but only until a later run reads it."""


class RateLimited(RequestError):
    """The API's limit would need a longer wait than allowed: stop, resume in a later run."""

    def __init__(self, url: str, reason: str, wait: float | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.wait = wait


class QuotaExhausted(RateLimited):
    """The API's quota is spent (``wait``: seconds until it is back, when the API says): stop
    this signal now, resume in a later run."""


class S3Error(RequestError):
    """A problem with the bucket that the user can act on, in one line."""


class PyPIError(RequestError):
    """PyPI could not answer now (an outage, a broken answer): ask again later."""


# Reading what servers answered ----------------------------------------------------------------


class SourceError(FwcensusError):
    """An answer that does not have the shape its reader knows."""


class ListingError(SourceError):
    """A listing page that does not have the structure its parser knows."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem


class CollectError(SourceError):
    """A venue-year whose listing could not be read; one line, naming the URL."""


class ManifestError(SourceError, ValueError):
    """The manifest cannot be read as arXiv's: one line naming what is wrong."""


class SignalError(SourceError):
    """An answer that cannot be used (an error body with status 200, a malformed payload)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


# Papers and repositories ----------------------------------------------------------------------


class ExtractError(FwcensusError):
    """A PDF without usable text: corrupt, truncated, encrypted, or images only."""


class TextUnavailable(ExtractError):
    """The paper or file has no text to show; the message says why, on one line."""


class RepositoryError(FwcensusError):
    """A paper's code repository cannot be read."""


class RepoUnavailable(RepositoryError):
    """The repository cannot be read: deleted or private (404), blocked (451), forbidden."""

    def __init__(self, repo: _Located, reason: str, status: int | None = None) -> None:
        super().__init__(f"{repo.url}: {reason}")
        self.repo = repo
        self.reason = reason
        self.status = status


class HostNotRead(RepoUnavailable):
    """No reader for the repository's host (an unlisted self-hosted forge, say)."""


class ArchiveError(RepositoryError):
    """The archive cannot be read (corrupt, truncated, not a gzip'd tar): one line says why."""


# Where fwcensus keeps and runs its work -------------------------------------------------------


class StoreError(FwcensusError):
    """The store cannot be used as it is (newer schema, unreadable file)."""


class EngineError(FwcensusError):
    """The cluster cannot be used as it is: one line saying why and what to do."""
