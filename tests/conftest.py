from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fwcensus.fetch.api import ApiClient
from fwcensus.mirror.faults import parse_faults
from fwcensus.mirror.server import MirrorServer
from fwcensus.plugins import fetch_settings, request_headers
from fwcensus.signals.base import SignalContext
from fwcensus.signals.targets import Target, load_targets
from fwcensus.store import Store

Serve = Callable[..., MirrorServer]
RECORDED = Path(__file__).resolve().parent / "recorded"


@pytest.hookimpl(tryfirst=True)  # before -m selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/recorded/ checks third-party material: marked ``recorded``."""
    for item in items:
        if item.path.is_relative_to(RECORDED):
            item.add_marker(pytest.mark.recorded)


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a mirror server over a folder, optionally with a fault SPEC; stopped after the test."""
    servers: list[MirrorServer] = []

    def start(root: Path, faults: str | None = None, **options: Any) -> MirrorServer:
        plan = parse_faults(faults) if faults else None
        server = MirrorServer(root, faults=plan, **options).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "fwcensus.db") as opened:
        yield opened


MakeSignalContext = Callable[..., SignalContext]


@pytest.fixture
def signal_context() -> Iterator[MakeSignalContext]:
    """A SignalContext talking to a mirror at ``url`` with no pacing and quick retries; the
    clients are closed after the test. Keyword options go to SignalContext (since, today,
    last_complete, targets) or to FetchSettings (read_timeout, attempts, ...)."""
    clients: list[ApiClient] = []

    def make(url: str, *, since: str = "2015-01", today: date = date(2026, 11, 25),
             targets: tuple[Target, ...] | None = None, env: dict[str, str] | None = None,
             sleep: Callable[[float], None] | None = None,
             last_complete: Any = None, **fetch: Any) -> SignalContext:  # fmt: skip
        settings = fetch_settings(mirror=url, rate=0.0, attempts=2, backoff=0.01, **fetch)
        api = ApiClient(settings, request_headers(env or {}), sleep=sleep or (lambda s: None))
        clients.append(api)
        ctx = SignalContext(api, targets or load_targets(), since, today)
        if last_complete is not None:
            ctx.last_complete = last_complete
        return ctx

    yield make
    for api in clients:
        api.close()


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Dask cluster of `dask scheduler` and two `dask worker` processes on 127.0.0.1, shared
    by the bulk tests (a test that kills a worker waits for its nanny to restart it)."""
    from bulk_support import dask_processes

    with dask_processes(tmp_path_factory.mktemp("dask"), workers=2) as running:
        yield running


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An S3 API on 127.0.0.1 where every bucket is requester-pays, with its request log."""
    from support.s3_server import s3_mirror

    log = tmp_path_factory.mktemp("s3") / "requests.jsonl"
    with s3_mirror(log=log) as endpoint:
        yield endpoint, log
