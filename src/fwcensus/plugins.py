"""Every plug-in fwcensus has, and the fetch settings and request headers built from what they
declare about their hosts (``fwcensus.hosts``).

The plug-ins are the sources (``sources.registry``), the industry signals (``signals.registry``),
the repository readers (``repos.hosts``) and the PyPI JSON API the library resolver asks. Fetch
knows no host by name: the CLI, the pipeline and the demo hand it the settings made here, so
fetch never imports a plug-in and no package imports back into the ones that use it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from fwcensus.fetch.settings import FetchSettings
from fwcensus.hosts import HeadersFor, Host, HostTable
from fwcensus.libraries import pypi
from fwcensus.repos.hosts import READERS
from fwcensus.signals import registry as signal_registry
from fwcensus.sources.registry import SOURCES


def declared_hosts() -> tuple[Host, ...]:
    """Every plug-in's hosts, as each declares them (a shared host once per plug-in)."""
    signals = [signal_registry.load(name) for name in signal_registry.names()]
    return (
        *(host for source in SOURCES for host in source.hosts),
        *(host for signal in signals for host in signal.hosts),
        *(host for reader in READERS.values() for host in reader.HOSTS),
        *pypi.HOSTS,
    )


@cache
def host_table() -> HostTable:
    return HostTable.of(declared_hosts())


def fetch_settings(**values: Any) -> FetchSettings:
    """FetchSettings with the declared hosts' published rates and documented APIs; ``values``
    set the rest (mirror, rate, timeouts...) and may replace those too."""
    table = host_table()
    declared = {"host_rates": table.rates(), "api_prefixes": table.api_prefixes()}
    return FetchSettings(**{**declared, **values})


def request_headers(env: Mapping[str, str] | None = None) -> HeadersFor:
    """Each declared host's headers and the keys in ``env`` (default: the process environment)
    the client sends, each to its own host."""
    return host_table().headers_for(os.environ if env is None else env)
