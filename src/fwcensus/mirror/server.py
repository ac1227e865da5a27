"""A small threaded HTTP server that answers real-source URLs from a mirror folder.

A request for ``/HOST/PATH?Q`` is answered from ``file_for(root, HOST, PATH, Q)`` (see
``fwcensus.mirror.urls``), with an optional ``FILE.meta.json`` sidecar supplying the
recorded status and headers, and optional injected faults (see ``fwcensus.mirror.faults``).
A POST is answered the same way from the file its body selects (``file_for(..., post=BODY)``),
after the same rate limits and faults; its answers carry no validators and are never 304.

Like a real static server it sends ``ETag`` and ``Last-Modified`` with every 200 file answer
and answers ``304 Not Modified`` to a conditional request whose validators still match. To
stand in for real hosts it can also limit each host's request rate (429 with ``Retry-After``
for a request that comes too soon) and add a fixed latency to every answer.
Standard library only; binds 127.0.0.1 by default.
"""

from __future__ import annotations

import contextlib
import email.utils
import hashlib
import json
import math
import mimetypes
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC
from email.message import Message
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from fwcensus.mirror.faults import STATUS_KINDS, Fault, FaultPlan
from fwcensus.mirror.urls import POST_MARK, file_for, meta_for, post_digest

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
# What a 304 keeps of the 200 it stands for (RFC 9110 15.4.5): the validators a cache updates.
_NOT_MODIFIED_HEADERS = {"etag", "last-modified", "cache-control", "expires", "vary"}
_ENTITY_TAG = re.compile(r'\*|(?:W/)?"[^"]*"')
_ETAG_HEX_CHARS = 32  # 128 bits of the sha256: unique enough for any mirror
_POLL_SECONDS = 0.05  # how often serve_forever checks for shutdown; bounds stop() latency
_STOP_GRACE_SECONDS = 2.0


@dataclass(frozen=True)
class LogEntry:
    """One request as the server saw and answered it."""

    time: float  # time.monotonic() when its request line was read
    host: str  # the first path segment, lower-cased: the real host the request was meant for
    target: str  # HOST/PATH[?QUERY], as in MirrorServer.requests
    status: int  # the status sent; 0 when nothing was (drop, hang, stopped while waiting)
    body_bytes: int  # body bytes written: 0 for HEAD and 304, the prefix sent by truncate
    method: str = "GET"


@dataclass
class _Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def parse_host_rates(spec: str) -> dict[str, float]:
    """Parse ``HOST=RATE[,HOST=RATE...]`` (requests per second, > 0) into ``{host: rate}``.

    Hosts are lower-cased (as the mirror's file rule does); an empty SPEC means no limits.
    A bad item raises ValueError with a one-line message naming it.
    """
    rates: dict[str, float] = {}
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        host, sep, text = (x.strip() for x in item.partition("="))
        host = host.lower()
        if not sep or not host or "/" in host:
            raise ValueError(f"bad host rate {item!r} (expected HOST=REQUESTS_PER_SECOND)")
        if host in rates:
            raise ValueError(f"host {host!r} given twice in host rates {spec!r}")
        rates[host] = _rate(text, item)
    return rates


def _rate(text: str, item: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        raise ValueError(f"bad rate {text!r} in host rate {item!r}") from None
    if not (rate > 0 and math.isfinite(rate)):
        raise ValueError(f"rate must be a positive number in host rate {item!r}")
    return rate


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


def _too_soon(host: str, rate: float) -> _Response:
    resp = _page(429, f"mirror: {host} takes at most {rate:g} requests per second")
    resp.headers["Retry-After"] = "1"
    return resp


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


def _response_for(root: Path, target: str, post: bytes | None = None) -> _Response:
    """The normal (fault-free) answer for request target ``HOST/PATH[?Q]``, POSTed with body
    ``post`` if given."""
    path, _, query = target.partition("?")
    host, _, rest = path.partition("/")
    if not host:
        return _page(404, "mirror: request /HOST/PATH[?QUERY], e.g. /example.org/index.html")
    asked = target if post is None else f"{target} (POST body {POST_MARK}{post_digest(post)})"
    try:
        file = file_for(root, host, rest, query, post)
    except ValueError as exc:
        return _page(400, f"mirror: {exc}")
    except OSError as exc:  # e.g. a query too long for a file name
        return _page(404, f"mirror: no file for {asked}: {exc.strerror}")
    try:
        meta = _load_meta(file)
        stored = _read(file) if file.is_file() else None
    except (ValueError, OSError) as exc:
        return _page(500, f"mirror: cannot read {file.name}: {exc}")
    if stored is None and meta is None:
        return _page(404, f"mirror: no file for {asked}")
    body = b"" if stored is None else stored[0]  # no file: a recorded bare answer, e.g. a 403
    resp = _Response(200, {"Content-Type": content_type_for(file, body)}, body)
    if meta is not None:
        resp.status = meta[0]
        for name, value in meta[1].items():
            if name.lower() in _DROPPED_META_HEADERS:
                continue
            _set_header(resp.headers, name, value)
    if resp.status == 200 and stored is not None and post is None:
        # Added after the sidecar so its recorded validators win.
        for name, value in _validators(*stored).items():
            if _header(resp.headers, name) is None:
                resp.headers[name] = value
    return resp


def _read(file: Path) -> tuple[bytes, float]:
    """The file's bytes and the mtime of exactly those bytes."""
    with file.open("rb") as f:
        return f.read(), os.fstat(f.fileno()).st_mtime


def _validators(body: bytes, mtime: float) -> dict[str, str]:
    etag = hashlib.sha256(body).hexdigest()[:_ETAG_HEX_CHARS]
    return {"ETag": f'"{etag}"', "Last-Modified": email.utils.formatdate(mtime, usegmt=True)}


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def _set_header(headers: dict[str, str], name: str, value: str) -> None:
    for old in [k for k in headers if k.lower() == name.lower()]:
        del headers[old]
    headers[name] = value


def _conditional(resp: _Response, request: Message) -> _Response:
    """``304 Not Modified`` instead of a 200 whose validators the client already holds."""
    if resp.status != 200 or not _not_modified(resp.headers, request):
        return resp
    kept = {k: v for k, v in resp.headers.items() if k.lower() in _NOT_MODIFIED_HEADERS}
    return _Response(304, kept)


def _not_modified(headers: Mapping[str, str], request: Message) -> bool:
    """RFC 9110 13.2.2 for GET/HEAD: If-None-Match decides when sent, else If-Modified-Since."""
    if_none_match = request.get("If-None-Match")
    if if_none_match is not None:
        etag = _header(headers, "ETag")
        return etag is not None and _etag_listed(etag, if_none_match)
    since = _http_date(request.get("If-Modified-Since"))
    modified = _http_date(_header(headers, "Last-Modified"))
    # A date in the future is invalid and ignored, so a skewed client clock cannot pin a 304.
    return since is not None and modified is not None and modified <= since <= time.time()


def _etag_listed(etag: str, if_none_match: str) -> bool:
    """Weak comparison, as If-None-Match uses: ``W/"x"`` matches ``"x"``."""
    ours = etag.strip().removeprefix("W/")
    return any(
        tag == "*" or tag.removeprefix("W/") == ours for tag in _ENTITY_TAG.findall(if_none_match)
    )


def _http_date(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):  # an invalid date is ignored, as RFC 9110 says
        return None
    # HTTP dates are GMT; "-0000" parses as naive and must not be read as local time.
    return when.replace(tzinfo=when.tzinfo or UTC).timestamp()


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

    # Set as soon as the request line is in: the arrival time rate limits and the log go by,
    # and the host and target the log names (the raw path until _handle has read it).
    _arrived: float = 0.0
    _host: str = ""
    _target: str = ""

    def parse_request(self) -> bool:
        self._arrived = time.monotonic()
        ok = super().parse_request()
        self._host, self._target = "", self.path
        return ok

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length") or "0"
        if not length.isdigit():
            # Without a length the body cannot be told from the next request on the connection.
            self.close_connection = True
            self._reply(_page(400, f"mirror: bad Content-Length {length!r}"))
            return
        self._handle(self.rfile.read(int(length)))

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.mirror.verbose:
            super().log_message(format, *args)

    def _handle(self, post: bytes | None = None) -> None:
        """Answer the request; ``post`` is a POST's body (None for GET and HEAD)."""
        mirror = self.server.mirror
        if not self.path.startswith("/"):
            self._reply(_page(400, "mirror: request target must start with /"))
            return
        target = self.path[1:]
        host = target.partition("?")[0].partition("/")[0].lower()
        self._host, self._target = host, target
        mirror._record(target)
        self._answer(mirror, host, target, post)

    def _answer(self, mirror: MirrorServer, host: str, target: str, post: bytes | None) -> None:
        # The rate limit stands in front, as a real host's does: a refused request reaches no
        # fault rule and uses up none of their counts.
        refused = mirror._refuse(host, self._arrived)
        if refused is not None:
            return self._reply(refused)
        fault = mirror.faults.pick(target) if mirror.faults else None
        if fault is None:
            return self._reply(self._current(target, post))
        if fault.kind in STATUS_KINDS:
            return self._reply(_fault_page(fault))
        if fault.kind == "html":
            return self._reply(_html_instead_of_pdf())
        if fault.kind == "truncate":
            resp = _response_for(mirror.root, target, post)
            size = len(resp.body) // 2 if fault.size is None else fault.size
            self.close_connection = True
            return self._reply(resp, limit=size)
        if fault.kind == "delay":
            if mirror._stopping.wait(fault.seconds):
                return self._send_nothing()
            return self._reply(self._current(target, post))
        if fault.kind == "hang":
            mirror._stopping.wait(fault.seconds)
            return self._send_nothing()
        if fault.kind == "drop":
            return self._send_nothing()
        raise AssertionError(f"unhandled fault kind {fault.kind!r}")  # parse_faults knows all

    def _current(self, target: str, post: bytes | None) -> _Response:
        resp = _response_for(self.server.mirror.root, target, post)
        # Validators describe a resource a GET reads; a POST's answer is never a 304.
        return resp if post is not None else _conditional(resp, self.headers)

    def _send_nothing(self) -> None:
        self.close_connection = True
        self._log(0, 0)

    def _reply(self, resp: _Response, limit: int | None = None) -> None:
        """Send ``resp`` after the server's latency (its body cut to ``limit`` bytes)."""
        mirror = self.server.mirror
        if mirror.latency > 0 and mirror._stopping.wait(mirror.latency):
            return self._send_nothing()
        body = b"" if self.command == "HEAD" else resp.body[:limit]
        # Logged before the client can read a byte of the answer: whoever has the answer finds
        # its request in the log. A write that fails corrects the entry.
        entry = self._log(resp.status, len(body))
        headers_sent = False
        try:
            self.send_response(resp.status)
            for name, value in resp.headers.items():
                self.send_header(name, value)
            if resp.status != 304:  # a 304 has no body, and its length would be the 200's
                self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            headers_sent = True
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up; nothing left to tell it
            # How much of a failed write arrived is unknowable: no body bytes are counted.
            failed = replace(entry, status=resp.status if headers_sent else 0, body_bytes=0)
            mirror._amend(entry, failed)

    def _log(self, status: int, body_bytes: int) -> LogEntry:
        entry = LogEntry(self._arrived, self._host, self._target, status, body_bytes,
                         self.command)  # fmt: skip
        self.server.mirror._log(entry)
        return entry


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
    (the same string fault GLOBs match), POSTs as GETs (``log`` tells them apart). ``log``
    holds a ``LogEntry`` per request, appended once its answer is written (so in order of
    completion; ``time`` gives the arrival order); ``stop()`` waits for answers in flight,
    so after it the log is complete.

    ``host_rates`` (``{host: requests per second}``) limits hosts as real ones do: a request
    arriving less than ``1/rate`` seconds after that host's previous accepted request gets 429
    with ``Retry-After: 1`` and is counted in ``violations[host]``. ``latency`` delays every
    answer by that many seconds (each connection has its own thread, so the delays overlap).
    """

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultPlan | None = None,
        *,
        verbose: bool = False,
        host_rates: Mapping[str, float] | None = None,
        latency: float = 0.0,
    ) -> None:
        self.root = Path(root)
        if not self.root.is_dir():
            raise NotADirectoryError(f"mirror root is not a directory: {self.root}")
        if not (latency >= 0 and math.isfinite(latency)):
            raise ValueError(f"latency must be a non-negative number of seconds, not {latency}")
        rates = {h.lower(): r for h, r in (host_rates or {}).items()}
        for name, rate in rates.items():
            if not (rate > 0 and math.isfinite(rate)):
                raise ValueError(f"rate for host {name!r} must be positive, not {rate}")
        self.host = host
        self.port = port
        self.faults = faults
        self.verbose = verbose
        self.host_rates: dict[str, float] = rates
        self.latency = latency
        self.requests: list[str] = []
        self.log: list[LogEntry] = []
        self.violations: dict[str, int] = {}
        self._last_accepted: dict[str, float] = {}
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
        # The bound address as the socket gives it (server_address's type also allows bytes).
        host, port = self._httpd.socket.getsockname()[:2]
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
        self._stopping.set()  # wakes hang/delay faults and answers waiting out the latency
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

    def _log(self, entry: LogEntry) -> None:
        with self._lock:
            self.log.append(entry)

    def _amend(self, entry: LogEntry, corrected: LogEntry) -> None:
        with self._lock:
            self.log[next(i for i, e in enumerate(self.log) if e is entry)] = corrected

    def _refuse(self, host: str, arrived: float) -> _Response | None:
        """The 429 for a request that came too soon after ``host``'s last accepted one."""
        rate = self.host_rates.get(host)
        if rate is None:
            return None
        with self._lock:
            last = self._last_accepted.get(host)
            if last is None or arrived - last >= 1 / rate:
                self._last_accepted[host] = arrived
                return None
            self.violations[host] = self.violations.get(host, 0) + 1
        return _too_soon(host, rate)

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
    host_rates: Mapping[str, float] | None = None,
    latency: float = 0.0,
) -> None:
    """Serve ``root`` in the foreground until KeyboardInterrupt.

    Prints ``mirror serving ROOT at URL`` (flushed) once listening.
    """
    server = MirrorServer(
        root, host, port, faults, verbose=verbose, host_rates=host_rates, latency=latency
    ).start()
    try:
        print(f"mirror serving {root} at {server.url}", file=sys.stdout, flush=True)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
