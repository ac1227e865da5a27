"""Content-addressed blob folder: every file is named by the sha256 of its bytes.

A blob is first written to ``tmp/`` and renamed into place only once complete, so a killed run
leaves at most a stray temporary file, never a half-written blob under a real name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def read_bytes(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def put_bytes(self, data: bytes) -> str:
        with self.writer() as sink:
            sink.write(data)
        return sink.hexdigest()

    @contextmanager
    def writer(self) -> Iterator[HashingSink]:
        """Yield a sink over a temporary file; on a clean exit it becomes the blob of its hash.

        The hash is computed while streaming, so large downloads are never read twice. An
        exception inside the block discards the temporary file and stores nothing.
        """
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, suffix=".part")
        tmp_path = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as raw:
                sink = HashingSink(raw)
                yield sink
            self._commit(tmp_path, sink.hexdigest())
        finally:
            tmp_path.unlink(missing_ok=True)

    def _commit(self, tmp_path: Path, sha256: str) -> None:
        final = self.path(sha256)
        if final.exists():
            return  # same content already stored: content addressing makes this a no-op
        final.parent.mkdir(exist_ok=True)
        os.replace(tmp_path, final)

    def clean_tmp(self) -> int:
        """Remove temporary files left by a killed run; returns how many were removed."""
        removed = 0
        for stray in self.tmp.glob("*.part"):
            stray.unlink(missing_ok=True)
            removed += 1
        return removed


class HashingSink:
    """A write-only file wrapper that hashes and counts what passes through it."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self.size += len(data)
        return self._raw.write(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
