"""A small threaded HTTP server that answers real-source URLs from a mirror folder.

A request for ``/HOST/PATH?Q`` is answered from ``file_for(root, HOST, PATH, Q)`` (see
``fwcensus.mirror.urls``), with an optional ``FILE.meta.json`` sidecar supplying the
recorded status and headers, and optional injected faults (see ``fwcensus.mirror.faults``).
Standard library only; binds 127.0.0.1 by default.
"""

from __future__ import annotations

import contextlib
import json
import mimetypes
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from fwcensus.mirror.faults import STATUS_KINDS, Fault, FaultPlan
from fwcensus.mirror.urls import file_for, meta_for

HTML = "text/html; charset=utf-8"
_BY_SUFFIX = {
    ".pdf": "application/pdf",
    ".html": HTML,
    ".htm": HTML,
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/xml",
}
# The body we send is stored decoded and whole, so recorded framing/encoding headers would lie.
_DROPPED_META_HEADERS = {
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "connection",
    "keep-alive",
}
_POLL_SECONDS = 0.05  # how often serve_forever checks for shutdown; bounds stop() latency
_STOP_GRACE_SECONDS = 2.0


@dataclass
class _Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def content_type_for(file: Path, body: bytes) -> str:
    """Guess a Content-Type from the file name, else from the first bytes of the body.

    For a file holding a query answer (``NAME@Q``) only NAME is used for the extension.
    """
    name = file.name.partition("@")[0]
    suffix = Path(name).suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    guessed, _ = mimetypes.guess_type(name, strict=False)
    if guessed:
        return guessed
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[:1] in (b"{", b"["):
        return "application/json"
    if head.startswith(b"<?xml"):
        return "application/xml"
    return HTML


def _page(status: int, message: str) -> _Response:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    title = escape(f"{status} {phrase}".strip())
    body = (
        f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{escape(message)}</p></body></html>\n"
    ).encode()
    return _Response(status, {"Content-Type": HTML}, body)


def _fault_page(fault: Fault) -> _Response:
    resp = _page(int(fault.kind), f"mirror: injected fault {fault.kind}")
    if fault.seconds is not None:
        resp.headers["Retry-After"] = str(int(fault.seconds))
    return resp


def _html_instead_of_pdf() -> _Response:
    """What a publisher's login wall or captcha looks like to a PDF downloader."""
    body = (
        b"<!DOCTYPE html>\n<html><head><title>Access check</title></head><body>"
        b"<h1>One more step</h1><p>Please verify you are a human to continue to this document."
        b"</p></body></html>\n"
    )
    return _Response(200, {"Content-Type": "application/pdf"}, body)


def _load_meta(file: Path) -> tuple[int, dict[str, str]] | None:
    meta = meta_for(file)
    if not meta.is_file():
        return None
    data: Any = json.loads(meta.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{meta}: expected a JSON object")
    headers = data.get("headers") or {}
    if not isinstance(headers, dict):
        raise ValueError(f"{meta}: 'headers' must be an object")
    return int(data.get("status", 200)), {str(k): str(v) for k, v in headers.items()}


def _response_for(root: Path, target: str) -> _Response:
    """The normal (fault-free) answer for request target ``HOST/PATH[?Q]``."""
    path, _, query = target.partition("?")
    host, _, rest = path.partition("/")
    if not host:
        return _page(404, "mirror: request /HOST/PATH[?QUERY], e.g. /example.org/index.html")
    try:
        file = file_for(root, host, rest, query)
    except ValueError as exc:
        return _page(400, f"mirror: {exc}")
    except OSError as exc:  # e.g. a query too long for a file name
        return _page(404, f"mirror: no file for {target}: {exc.strerror}")
    try:
        meta = _load_meta(file)
        body = file.read_bytes() if file.is_file() else None
    except (ValueError, OSError) as exc:
        return _page(500, f"mirror: cannot read {file.name}: {exc}")
    if body is None:
        if meta is None:
            return _page(404, f"mirror: no file for {target}")
        body = b""  # a recorded answer without a body, e.g. a bare 403
    resp = _Response(200, {"Content-Type": content_type_for(file, body)}, body)
    if meta is not None:
        resp.status = meta[0]
        for name, value in meta[1].items():
            if name.lower() in _DROPPED_META_HEADERS:
                continue
            for old in [k for k in resp.headers if k.lower() == name.lower()]:
                del resp.headers[old]
            resp.headers[name] = value
    return resp


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, like the real hosts the fetcher talks to
    server_version = "fwcensus-mirror"
    # Headers and body go out in separate writes; Nagle + delayed ACK would add ~40 ms each.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.server.mirror._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.mirror._track(self.connection, add=False)

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.mirror.verbose:
            super().log_message(format, *args)

    def _handle(self) -> None:
        mirror = self.server.mirror
        if not self.path.startswith("/"):
            self._send(_page(400, "mirror: request target must start with /"))
            return
        target = self.path[1:]
        mirror._record(target)
        fault = mirror.faults.pick(target) if mirror.faults else None
        if fault is None:
            self._send(_response_for(mirror.root, target))
        elif fault.kind in STATUS_KINDS:
            self._send(_fault_page(fault))
        elif fault.kind == "drop":
            self.close_connection = True
        elif fault.kind == "hang":
            mirror._stopping.wait(fault.seconds)
            self.close_connection = True
        elif fault.kind == "delay":
            if mirror._stopping.wait(fault.seconds):
                self.close_connection = True
            else:
                self._send(_response_for(mirror.root, target))
        elif fault.kind == "html":
            self._send(_html_instead_of_pdf())
        elif fault.kind == "truncate":
            resp = _response_for(mirror.root, target)
            size = len(resp.body) // 2 if fault.size is None else fault.size
            self._send(resp, limit=size)
            self.close_connection = True
        else:  # parse_faults only builds known kinds
            raise AssertionError(f"unhandled fault kind {fault.kind!r}")

    def _send(self, resp: _Response, limit: int | None = None) -> None:
        try:
            self.send_response(resp.status)
            for name, value in resp.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(resp.body if limit is None else resp.body[:limit])
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up; nothing left to tell it


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Do not join handler threads on close: keep-alive and hanging ones would block stop().
    block_on_close = False

    def __init__(self, address: tuple[str, int], mirror: MirrorServer) -> None:
        self.mirror = mirror
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if self.mirror.verbose:
            super().handle_error(request, client_address)


class MirrorServer:
    """Serve ``root`` (laid out as HOST/PATH) over HTTP in a background thread.

    ``requests`` lists every request target received, in order, as ``HOST/PATH[?QUERY]``
    (the same string fault GLOBs match).
    """

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultPlan | None = None,
        *,
        verbose: bool = False,
    ) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise NotADirectoryError(f"mirror root is not a directory: {self.root}")
        self.host = host
        self.port = port
        self.faults = faults
        self.verbose = verbose
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._handlers: list[threading.Thread] = []
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. ``http://127.0.0.1:PORT``."""
        if self._httpd is None:
            raise RuntimeError("mirror server is not started")
        host, port = self._httpd.server_address[:2]
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"
        return f"http://{host}:{port}"

    def start(self) -> MirrorServer:
        """Bind and serve in a daemon thread; return self."""
        if self._httpd is not None:
            raise RuntimeError("mirror server already started")
        self._stopping.clear()
        self._httpd = _HTTPServer((self.host, self.port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": _POLL_SECONDS},
            name=f"mirror-{self.url}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wake hanging/delayed handlers and close all connections."""
        httpd, thread = self._httpd, self._thread
        if httpd is None or thread is None:
            return
        self._stopping.set()  # wakes hang/delay faults
        httpd.shutdown()
        with self._lock:
            conns, handlers = list(self._connections), list(self._handlers)
        for conn in conns:
            # Wakes handler threads blocked reading the next keep-alive request.
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        thread.join()
        # Handlers end promptly now; the deadline only guards against a stuck one.
        deadline = time.monotonic() + _STOP_GRACE_SECONDS
        for handler in handlers:
            if handler is not threading.current_thread():
                handler.join(max(0.0, deadline - time.monotonic()))
        self._httpd = self._thread = None

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def wait(self) -> None:
        """Block until the server thread ends (Ctrl-C interrupts the wait)."""
        if self._thread is not None:
            self._thread.join()

    def _record(self, target: str) -> None:
        with self._lock:
            self.requests.append(target)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if not add:
                self._connections.discard(conn)
                return
            self._connections.add(conn)
            self._handlers = [t for t in self._handlers if t.is_alive()]
            self._handlers.append(threading.current_thread())
            if self._stopping.is_set():
                # Accepted while stop() was running, after it closed the others.
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


def serve(
    root: Path,
    host: str,
    port: int,
    faults: FaultPlan | None,
    *,
    verbose: bool = False,
) -> None:
    """Serve ``root`` in the foreground until KeyboardInterrupt.

    Prints ``mirror serving ROOT at URL`` (flushed) once listening.
    """
    server = MirrorServer(root, host, port, faults, verbose=verbose).start()
    try:
        print(f"mirror serving {root} at {server.url}", file=sys.stdout, flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
