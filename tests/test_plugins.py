"""Plug-ins describe themselves: the fetch settings and request headers are built from the
hosts the sources, signals, repository readers and the PyPI JSON API declare, and the signals'
targets are checked against the fields the signals read."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from fwcensus.fetch.settings import FetchSettings
from fwcensus.hosts import Credential, Host, HostTable
from fwcensus.plugins import declared_hosts, fetch_settings, host_table, request_headers
from fwcensus.repos.hosts import READERS
from fwcensus.signals import registry
from fwcensus.signals.targets import Target, parse_targets
from fwcensus.sources.registry import venue_years


def test_fetch_alone_knows_no_host() -> None:
    assert (FetchSettings().host_rates, FetchSettings().api_prefixes) == ({}, ())


def test_the_settings_carry_the_published_rates_and_apis_the_plugins_declare() -> None:
    settings = fetch_settings(rate=2.0)
    assert settings.rate == 2.0
    assert settings.host_rates["export.arxiv.org"] == pytest.approx(1 / 3)  # the arXiv source
    assert settings.host_rates["api2.openreview.net"] == pytest.approx(500 / 3600)
    assert settings.host_rates["api.github.com"] == pytest.approx(5000 / 3600)  # reader, stars
    assert settings.host_rates["api.adzuna.com"] == pytest.approx(25 / 60)  # the jobs signal
    assert "https://api.stackexchange.com/" in settings.api_prefixes
    assert "https://pypi.org/pypi/" in settings.api_prefixes  # the library resolver's
    assert "openaccess.thecvf.com" not in settings.host_rates  # pages get the general rate
    declared = {h.name: h.rate for h in declared_hosts() if h.rate is not None}
    assert settings.host_rates == declared
    assert fetch_settings(host_rates={}).host_rates == {}  # a caller may still replace them


def test_every_listing_is_on_a_host_its_source_declares() -> None:
    for venue_year in venue_years(named_only_too=True):
        names = {host.name for host in venue_year.source.hosts}
        for url in venue_year.urls:
            assert urlsplit(url).netloc in names, (venue_year.source.name, url)


def test_every_plugin_declares_hosts_and_the_signals_their_fields() -> None:
    signals = [registry.load(name) for name in registry.names()]
    assert all(isinstance(h, Host) for s in signals for h in s.hosts)
    assert all(reader.HOSTS for reader in READERS.values())
    # Each field a signal reads is one targets.toml gives (or the signal reads none).
    given = {field for target in registry.targets() for field in target.fields}
    read = {field for signal in signals for field in signal.target_fields}
    assert given == read


def test_a_field_no_signal_reads_is_refused() -> None:
    with pytest.raises(ValueError, match="no signal reads 'pypy'"):
        registry.checked((Target("pytorch", pypy=("torch",)),))


def test_targets_name_catalogue_frameworks_only() -> None:
    with pytest.raises(ValueError, match="no catalogue framework"):
        parse_targets({"torchx": {"pypi": ["torchx"]}})


def test_a_host_is_declared_once_or_alike() -> None:
    table = HostTable.of(h for h in declared_hosts())
    assert len({h.name for h in table.hosts}) == len(table.hosts) == len(host_table().hosts)
    with pytest.raises(ValueError, match="declared twice"):
        HostTable.of([Host("a.example", rate=1.0), Host("a.example", rate=2.0)])


def test_keys_go_to_their_host_only_and_only_those_the_client_sends() -> None:
    env = {"GITHUB_TOKEN": "gh", "HF_TOKEN": "hf", "BIGQUERY_TOKEN": "bq", "STACKEXCHANGE_KEY": "k"}
    headers = request_headers(env)
    assert headers("api.github.com")["Authorization"] == "Bearer gh"
    assert headers("huggingface.co") == {"Authorization": "Bearer hf"}
    assert headers("dev.to") == {"Accept": "application/vnd.forem.api-v1+json"}
    # BigQuery's token goes with its project (the signal sends it); Stack Exchange's key in the
    # query string: the client adds neither.
    assert headers("bigquery.googleapis.com") == {} and headers("api.stackexchange.com") == {}
    assert headers("raw.githubusercontent.com") == {} and headers("example.org") == {}
    assert "Authorization" not in request_headers({})("api.github.com")
    own = Credential("X_TOKEN", header="Authorization", prefix="Bearer ", own=True)
    assert (
        HostTable((Host("x.example", credentials=(own,)),)).headers_for({"X_TOKEN": "t"})(
            "x.example"
        )
        == {}
    )
