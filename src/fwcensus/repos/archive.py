"""Read a repository's .tar.gz archive in memory, streamed, never extracted to disk.

The archive is walked once, member by member (``tarfile`` in stream mode), as it arrives.
Only regular files are looked at: symlinks, hard links, devices, FIFOs, absolute paths and any
path with a ``..`` component are refused and counted. The archive's single top folder
(``name-branch/``, as GitHub and GitLab write it) is stripped. Only files that can name a
framework are read (``choose_files`` decides, manifests first), each within the per-file
size cap; the kept files obey ``Caps.max_files`` and ``Caps.max_bytes``, and when the caps are
full a better-ranked file (a manifest) pushes out a worse one, so a manifest at the end of a big
archive still counts. The walk stops (``truncated``) after ``max_members`` members or once
``max_unpacked`` uncompressed bytes would be passed: a gzip bomb costs bounded time and memory.
The gzip layer is inflated here (``tarfile`` reads the plain tar, stream mode ``r|``), so a
stream cut short or with a bad CRC is an error, not a silently shorter archive.

``ArchiveReader`` is a repository reader for hosts read this way (GitLab, Bitbucket, Gitea): each
says how to find the head commit and where the archive at that commit is; the archive is asked
for at the commit, not the branch, so the files read are exactly the stored commit's.
"""

from __future__ import annotations

import io
import tarfile
import zlib
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from fwcensus.errors import ArchiveError
from fwcensus.fetch.client import Body
from fwcensus.repos.github import ApiReader, Caps, RepoUnavailable, Snapshot, choose_files
from fwcensus.repos.links import RepoRef

MAX_MEMBERS = 250_000  # archive members walked before giving up (tree entries, in effect)
MAX_UNPACKED = 2 * 1024**3  # uncompressed bytes walked before giving up
_PIECE = 64 * 1024  # bytes inflated (and read from a file) at a time


@dataclass
class ArchiveContents:
    """What was read of one archive: ``Snapshot``'s fields that an archive can fill."""

    files: dict[str, bytes] = field(default_factory=dict)  # path (top folder stripped) -> data
    files_total: int = 0  # regular files seen (safe ones)
    skipped: int = 0  # files that could speak but were left out by the caps
    truncated: bool = False  # the walk stopped at a cap before the archive's end
    refused: int = 0  # links, devices, absolute or ``..`` paths: never read
    commit: str | None = None  # the commit git wrote into the pax global header, if any

    @property
    def bytes_read(self) -> int:
        return sum(len(v) for v in self.files.values())


class _Gunzip(io.RawIOBase):
    """The uncompressed bytes of a gzip stream that arrives in chunks, read as a file.

    Unlike ``tarfile``'s own ``r|gz``, it notices a stream cut short (the tar reader would just
    see the archive end early), checks gzip's CRC, and counts the bytes it hands out, so the
    uncompressed size is capped however well the archive compresses (a gzip bomb).
    """

    def __init__(self, chunks: Iterable[bytes], max_unpacked: int) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._inflate = zlib.decompressobj(wbits=31)
        self._pending = b""  # compressed bytes not inflated yet
        self._buffer = b""  # inflated bytes not handed out yet
        self._max = max_unpacked
        self.unpacked = 0
        self.over = False  # the cap was reached: the walk stops, the rest is never inflated

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> bytes:
        return bytes(next(self._chunks, b""))

    def _more(self) -> bytes:
        """The next inflated piece; b"" at the clean end of the stream."""
        while True:
            if self._inflate.eof:
                rest = self._inflate.unused_data or self._next_chunk()
                if not rest:
                    return b""
                self._inflate = zlib.decompressobj(wbits=31)  # concatenated gzip members
                self._pending = rest
            if not self._pending:
                self._pending = self._next_chunk()
                if not self._pending:
                    raise ArchiveError("corrupt archive: the gzip stream ends early")
            piece = self._inflate.decompress(self._pending, _PIECE)
            self._pending = self._inflate.unconsumed_tail
            if piece:
                return piece

    # RawIOBase takes any writable buffer; its one caller, the BufferedReader around it, passes
    # a memoryview of bytes, which the slice assignment below needs.
    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        if not self._buffer:
            if self.unpacked >= self._max:
                self.over = True
                return 0
            self._buffer = self._more()
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        self.unpacked += size
        return size


def _chunks_of(data: bytes | IO[bytes] | Iterable[bytes]) -> Iterable[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        return [bytes(data)]
    read = getattr(data, "read", None)
    if read is not None:
        return iter(lambda: read(_PIECE), b"")
    return data


def safe_path(name: str) -> str | None:
    """The member's path when it is safe to consider, else None (absolute, ``..``, empty)."""
    if not name or "\x00" in name or name.startswith(("/", "\\")):
        return None
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts) or ":" in parts[0]:
        return None  # ``..`` anywhere, or a Windows drive (``C:``)
    return "/".join(parts)


def read_tar_gz(
    data: bytes | IO[bytes] | Iterable[bytes],
    caps: Caps | None = None,
    max_members: int = MAX_MEMBERS,
    max_unpacked: int = MAX_UNPACKED,
) -> ArchiveContents:
    """Walk a .tar.gz (bytes, a binary file, or chunks as they arrive) and keep what can speak.

    Raises ArchiveError, with a one-line reason, for an archive that is not a readable tar.gz.
    """
    caps = caps or Caps()
    out = ArchiveContents()
    top: str | None = None
    members = 0
    stream = _Gunzip(_chunks_of(data), max_unpacked)
    try:
        with tarfile.open(fileobj=io.BufferedReader(stream, _PIECE), mode="r|") as tar:
            for member in tar:
                members += 1
                if members > max_members or member.offset_data + member.size > max_unpacked:
                    out.truncated = True
                    break
                if out.commit is None and isinstance(tar.pax_headers.get("comment"), str):
                    out.commit = tar.pax_headers["comment"].strip() or None
                path = safe_path(member.name)
                if path is None or not (member.isfile() or member.isdir()):
                    out.refused += 1  # symlink, hard link, device, FIFO, unsafe path
                    continue
                if top is None:
                    top = path.split("/")[0]
                if member.isdir():
                    continue
                head, sep, rest = path.partition("/")
                if sep and head == top:
                    path = rest
                out.files_total += 1
                _consider(tar, member, path, caps, out)
            out.truncated = out.truncated or stream.over
            if not out.truncated:
                while stream.read(_PIECE):  # the rest (padding, gzip's CRC) must be whole too
                    pass
    except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ArchiveError(f"corrupt archive: {reason}") from None
    return out


def _consider(
    tar: tarfile.TarFile, member: tarfile.TarInfo, path: str, caps: Caps, out: ArchiveContents
) -> None:
    if not choose_files([(path, member.size)]):
        return  # says nothing about frameworks (or lives in node_modules, a venv, ...)
    if member.size > caps.max_file_bytes or member.size > caps.max_bytes:
        out.skipped += 1
        return
    stream = tar.extractfile(member)  # a view on the stream, in memory: nothing is written
    if stream is None:
        out.refused += 1
        return
    out.files[path] = stream.read(member.size)
    if len(out.files) <= caps.max_files and out.bytes_read <= caps.max_bytes:
        return
    # Over a cap: keep the best-ranked files (manifests first) that fit, drop the rest.
    ranked = choose_files([(p, len(d)) for p, d in out.files.items()])
    kept: dict[str, bytes] = {}
    budget = caps.max_bytes
    for name, size in ranked:
        if len(kept) < caps.max_files and size <= budget:
            kept[name] = out.files[name]
            budget -= size
        else:
            out.skipped += 1
    out.files = kept


class ArchiveReader(ApiReader):
    """A host whose repositories are read through their .tar.gz archive at the head commit:
    the repository's metadata names the default branch, the branch names its head commit."""

    @abstractmethod
    def meta_url(self, repo: RepoRef) -> str:
        """The repository's metadata."""

    @abstractmethod
    def branch_url(self, repo: RepoRef, branch: str) -> str:
        """One branch, with its head commit."""

    @abstractmethod
    def archive_url(self, repo: RepoRef, commit: str) -> str:
        """Where the host serves the archive of ``repo`` at ``commit``."""

    def branch_of(self, meta: dict[str, Any]) -> str | None:
        """The default branch the metadata names; None for an empty repository."""
        branch = meta.get("default_branch")
        return str(branch) if branch else None

    def commit_of(self, branch: dict[str, Any]) -> str | None:
        """The head commit the branch answer names."""
        commit = branch.get("commit")
        return str(commit["id"]) if isinstance(commit, dict) and commit.get("id") else None

    def head(self, repo: RepoRef) -> tuple[int | None, str, str]:
        """``(the host's numeric id or None, default branch, head commit sha)``."""
        meta = self._json(repo, self.meta_url(repo))
        if not isinstance(meta, dict):
            raise RepoUnavailable(repo, "repository answer is not an object")
        branch = self.branch_of(meta)
        if branch is None:
            raise RepoUnavailable(repo, "empty repository (no default branch)")
        answer = self._json(repo, self.branch_url(repo, branch))
        commit = self.commit_of(answer) if isinstance(answer, dict) else None
        if commit is None:
            raise RepoUnavailable(repo, f"no commit for branch {branch}")
        repo_id = meta.get("id")
        return (repo_id if type(repo_id) is int else None), branch, commit

    def archive(self, repo: RepoRef, commit: str) -> ArchiveContents:
        url = self.archive_url(repo, commit)

        def consume(body: Body) -> ArchiveContents:
            return read_tar_gz(body.iter_bytes(), self.caps)

        try:
            return self._request(repo, url, consume)
        except ArchiveError as exc:
            raise RepoUnavailable(repo, f"{exc} at {url}") from None

    def snapshot(self, repo: RepoRef) -> Snapshot:
        repo_id, branch, commit = self.head(repo)
        contents = self.archive(repo, commit)
        return Snapshot(repo, commit, repo_id, branch, contents.files_total,
                        contents.truncated, dict(contents.files), contents.skipped)  # fmt: skip
