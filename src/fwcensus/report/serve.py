"""``fwcensus report --serve``: the report folder over HTTP on 127.0.0.1, so the page can load
its paper data files (a browser does not let a page opened as a file read the files beside it).
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from types import TracebackType
from typing import Any


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # the reader's terminal is not a request log


class ReportServer:
    """Serves ``directory`` on ``host``:``port`` (0: a free port) in a thread."""

    def __init__(self, directory: Path, port: int = 0, host: str = "127.0.0.1") -> None:
        handler = functools.partial(_Handler, directory=str(directory))
        self.server = http.server.ThreadingHTTPServer((host, port), handler)
        self.host = host
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.server.server_port}/index.html"

    def __enter__(self) -> ReportServer:
        self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def wait(self) -> None:
        """Until the process is interrupted (Ctrl-C)."""
        self.thread.join()
