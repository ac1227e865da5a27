"""What a plug-in declares about the hosts it asks: a documented API or pages, the budget the
host publishes, the keys a user may set and the headers they travel in.

Sources, industry signals, repository readers and the PyPI JSON API each declare their hosts
(``hosts``, or ``HOSTS`` on a reader class); ``fwcensus.plugins`` gathers the declarations into
one ``HostTable``, and the fetch settings and request headers are built from it. This module
holds declarations only and imports nothing of fwcensus, so every package may use it and fetch
never needs to know a plug-in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

# real host -> the headers its requests carry (fetch.api.HeadersFor has the same shape)
HeadersFor = Callable[[str], Mapping[str, str]]


@dataclass(frozen=True)
class Credential:
    """A key the user may set in the environment, and how requests carry it."""

    env: str  # the environment variable that holds it
    header: str = ""  # the request header it travels in ("Authorization")
    prefix: str = ""  # what precedes it in that header ("Bearer ")
    query: str = ""  # or the query parameter it travels in, put there by the plug-in
    # True: the plug-in adds it to its own requests (BigQuery's token goes with the project it
    # bills, so the signal checks both first); False: the fetch client sends the header.
    own: bool = False

    @property
    def sent_by_client(self) -> bool:
        return bool(self.header) and not self.own


@dataclass(frozen=True)
class Host:
    name: str  # "api.github.com"
    # URL prefixes of documented APIs on this host: used under their own terms and rate limits,
    # so robots.txt (which keeps crawlers out of pages) is not consulted for them. An API's
    # robots.txt often disallows it for exactly that reason while its documentation invites
    # programs in (GitLab's default robots.txt: "Disallow: /api"). Pages, listings and PDFs of
    # the same host still obey robots.txt.
    api: tuple[str, ...] = ()
    # Requests per second the host publishes; it holds even when the general rate is higher.
    # None: the general rate (fetch/politeness.py).
    rate: float | None = None
    credentials: tuple[Credential, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()  # sent with every request to the host


@dataclass(frozen=True)
class HostTable:
    """Every host declared, each once."""

    hosts: tuple[Host, ...] = ()

    @classmethod
    def of(cls, declared: Iterable[Host]) -> HostTable:
        """One entry per host name. Plug-ins sharing a host (GitHub's API: the repository
        reader and the stars signal) share its declaration; two that differ are an error, as
        the host would get one budget or the other depending on who asked first."""
        by_name: dict[str, Host] = {}
        for host in declared:
            seen = by_name.setdefault(host.name, host)
            if seen != host:
                raise ValueError(f"{host.name} is declared twice, differently: {seen} and {host}")
        return cls(tuple(by_name.values()))

    def rates(self) -> dict[str, float]:
        return {host.name: host.rate for host in self.hosts if host.rate is not None}

    def api_prefixes(self) -> tuple[str, ...]:
        return tuple(prefix for host in self.hosts for prefix in host.api)

    def headers_for(self, env: Mapping[str, str]) -> HeadersFor:
        """Each host's own headers and the keys set in ``env`` that the client sends, to their
        host only (a token never travels to another host)."""
        table: dict[str, dict[str, str]] = {}
        for host in self.hosts:
            headers = dict(host.headers)
            for credential in host.credentials:
                value = env.get(credential.env)
                if value and credential.sent_by_client:
                    headers[credential.header] = credential.prefix + value
            if headers:
                table[host.name] = headers

        def headers_for(host: str) -> Mapping[str, str]:
            return table.get(host, {})

        return headers_for
