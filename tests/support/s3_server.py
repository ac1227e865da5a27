"""An S3 API on 127.0.0.1 that behaves like arXiv's requester-pays bucket (tests, benchmarks).

moto's server answers the S3 API; a WSGI layer in front of it does what moto does not:

- a read (GET, HEAD) of a requester-pays bucket (``--payer-bucket NAME``, ``*`` for all)
  without ``x-amz-request-payer: requester`` gets 403 AccessDenied, as AWS answers it;
- requests signed with a refused access key (``--deny-key``) get 403 AccessDenied;
- ``--slowdown KEY=N``: the first N reads of KEY get 503 SlowDown;
- every request is logged (``--log FILE``, one JSON object per line) for tests to read.

Run ``python tests/support/s3_server.py --port 0``: it prints ``listening on URL`` once it
accepts connections. moto is a test dependency (``pip install -e '.[test]'``).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PAYER_HEADER = "HTTP_X_AMZ_REQUEST_PAYER"
_ACCESS_KEY = re.compile(r"Credential=([^/]+)/")
STARTUP_SECONDS = 30.0

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class FaultLayer:
    def __init__(
        self,
        app: WsgiApp,
        payer_buckets: Sequence[str],
        deny_keys: Sequence[str],
        slowdown: dict[str, int],
        log: Path | None,
    ) -> None:
        self.app = app
        self.payer_buckets = set(payer_buckets)
        self.deny_keys = set(deny_keys)
        self.slowdown = slowdown
        self.reads: Counter[str] = Counter()
        self.log = log
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        method = environ["REQUEST_METHOD"]
        bucket, _, key = environ.get("PATH_INFO", "/").lstrip("/").partition("/")
        payer = environ.get(PAYER_HEADER) == "requester"
        found = _ACCESS_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
        access_key = found.group(1) if found else None
        reading = method in ("GET", "HEAD") and bool(key)
        with self.lock:
            if reading:
                self.reads[f"{bucket}/{key}"] += 1
            count = self.reads[f"{bucket}/{key}"]
        status = None
        paying = bucket in self.payer_buckets or "*" in self.payer_buckets
        unpaid = reading and paying and not payer
        if access_key in self.deny_keys or unpaid:
            status = (403, "AccessDenied", "Access Denied")
        elif reading and count <= self.slowdown.get(f"{bucket}/{key}", 0):
            status = (503, "SlowDown", "Please reduce your request rate.")
        self._log(method, bucket, key, payer, status[0] if status else None)
        if status is None:
            return self.app(environ, start_response)
        code, error, message = status
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f"<Error><Code>{error}</Code><Message>{message}</Message></Error>"
        ).encode()
        reason = "Forbidden" if code == 403 else "Service Unavailable"
        start_response(
            f"{code} {reason}",
            [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
        )
        return [b"" if method == "HEAD" else body]

    def _log(self, method: str, bucket: str, key: str, payer: bool, refused: int | None) -> None:
        if self.log is None:
            return
        line = {"method": method, "bucket": bucket, "key": key, "payer": payer,
                "refused": refused, "at": time.time()}  # fmt: skip
        with self.lock, self.log.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")


def serve(host: str, port: int, layer_args: dict[str, Any]) -> None:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request on stderr
    app = FaultLayer(DomainDispatcherApplication(create_backend_app), **layer_args)
    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"listening on http://{host}:{server.server_port}", flush=True)
    server.serve_forever()


def parse_slowdown(specs: Iterable[str]) -> dict[str, int]:
    """``BUCKET/KEY=N`` -> the first N reads of that object answer 503 SlowDown."""
    out: dict[str, int] = {}
    for spec in specs:
        target, sep, count = spec.rpartition("=")
        if not sep or not count.isdigit():
            raise ValueError(f"--slowdown wants BUCKET/KEY=N, not {spec!r}")
        out[target] = int(count)
    return out


@contextmanager
def s3_mirror(
    *,
    payer_buckets: Sequence[str] = ("*",),
    deny_keys: Sequence[str] = (),
    slowdown: Sequence[str] = (),
    log: Path | None = None,
) -> Iterator[str]:
    """Start the server in a subprocess on a free port; yield its endpoint URL."""
    # Run by path: the server needs nothing of fwcensus nor of the tests' other modules.
    command = [sys.executable, __file__, "--port", "0"]
    command += [arg for bucket in payer_buckets for arg in ("--payer-bucket", bucket)]
    command += [arg for key in deny_keys for arg in ("--deny-key", key)]
    command += [arg for spec in slowdown for arg in ("--slowdown", spec)]
    command += ["--log", str(log)] if log else []
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        yield _wait_for_address(process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_address(process: subprocess.Popen[str]) -> str:
    output = process.stdout
    assert output is not None
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(output.readline()), daemon=True)
    reader.start()
    reader.join(STARTUP_SECONDS)
    line = found[0] if found else ""
    if not line.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"the S3 mirror did not start (exit code {process.poll()})")
    return line.removeprefix("listening on ").strip()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--payer-bucket", action="append", default=[])
    parser.add_argument("--deny-key", action="append", default=[])
    parser.add_argument("--slowdown", action="append", default=[])
    parser.add_argument("--log", type=Path)
    args = parser.parse_args(argv)
    layer_args = {
        "payer_buckets": args.payer_bucket,
        "deny_keys": args.deny_key,
        "slowdown": parse_slowdown(args.slowdown),
        "log": args.log,
    }
    serve(args.host, args.port, layer_args)


if __name__ == "__main__":
    main()
