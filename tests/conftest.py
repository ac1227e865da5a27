from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fwcensus.mirror.faults import parse_faults
from fwcensus.mirror.server import MirrorServer
from fwcensus.store import Store

Serve = Callable[..., MirrorServer]


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
