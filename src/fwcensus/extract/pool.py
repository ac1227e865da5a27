"""Run one extraction per PDF in worker processes with a time limit and a memory limit.

A hostile or broken PDF can hang the parser or eat memory; it must cost one failed document,
never the run. pebble kills a worker past its time limit and replaces a worker that died;
the memory limit is an address-space rlimit set in each worker, so an allocation past it fails
inside that worker alone.
"""

from __future__ import annotations

import ctypes
import faulthandler
import multiprocessing
import resource
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager, suppress
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from fwcensus.extract.limits import Limits
from fwcensus.extract.pdf_text import extract_pages
from fwcensus.models import ExtractedText, TextStatus


def _limit_memory(memory_mb: int) -> None:
    # A worker killed by a hostile file is reported in one line by _outcome; a traceback dump
    # inherited from the parent (pytest enables faulthandler) would only add noise.
    faulthandler.disable()
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def extract_many(
    items: Iterable[tuple[str, Path]],
    limits: Limits,
    work: Callable[[Path], ExtractedText] = extract_pages,
) -> Iterator[tuple[str, ExtractedText]]:
    """Yield ``(key, text)`` for each ``(key, path)`` as workers finish, in any order."""
    pending: dict[Future[ExtractedText], str] = {}
    backlog = iter(items)
    in_flight = max(1, limits.workers) * 2  # bounded: 150,000 futures at once would not be
    with ProcessPool(
        max_workers=max(1, limits.workers),
        initializer=_limit_memory,
        initargs=(limits.memory_mb,),
    ) as pool:
        while True:
            for key, path in backlog:
                future = pool.schedule(work, args=(path,), timeout=limits.seconds)
                pending[future] = key
                if len(pending) >= in_flight:
                    break
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for finished in done:
                yield pending.pop(finished), _outcome(finished, limits)


def _sandboxed(memory_mb: int) -> None:
    _limit_memory(memory_mb)
    # Die with the fork server, which exits when its caller does: a Dask worker killed by
    # its nanny or by hand must not leave a PDF being read by nobody.
    with suppress(OSError, AttributeError):  # prctl is Linux's
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


PR_SET_PDEATHSIG = 1  # linux/prctl.h


@contextmanager
def sandbox(
    limits: Limits, work: Callable[[Path | bytes], ExtractedText] = extract_pages
) -> Iterator[Callable[[Path | bytes], ExtractedText]]:
    """Yield ``extract(pdf)``: one PDF (a path or its bytes) at a time in one worker process
    under ``limits``, for a caller that is itself one of many workers (a Dask worker) and owns
    one core: nothing is read ahead, so extraction and detection never run at once.

    The worker is forked from a fork server, never from the caller: forking a process that
    runs threads (a Dask worker does) can copy a lock some other thread holds.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([work.__module__])
    with ProcessPool(
        max_workers=1, initializer=_sandboxed, initargs=(limits.memory_mb,), context=context
    ) as pool:

        def extract(pdf: Path | bytes) -> ExtractedText:
            return _outcome(pool.schedule(work, args=(pdf,), timeout=limits.seconds), limits)

        yield extract


_OUT_OF_MEMORY_SIGNALS = frozenset({-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS})


def _outcome(future: Future[ExtractedText], limits: Limits) -> ExtractedText:
    try:
        return future.result()
    except FutureTimeout:
        reason = f"time limit exceeded ({limits.seconds:g} s)"
    except MemoryError:
        reason = f"memory limit exceeded ({limits.memory_mb} MB)"
    except ProcessExpired as exc:
        reason = f"worker died (exit code {exc.exitcode})"
        if exc.exitcode in _OUT_OF_MEMORY_SIGNALS:
            # pdfium aborts when an allocation fails: past the address-space limit, that is
            # the memory limit at work (a decompression bomb, a huge image), not a crash.
            name = signal.Signals(-exc.exitcode).name
            reason = f"memory limit exceeded ({limits.memory_mb} MB): worker killed by {name}"
    except Exception as exc:  # anything a hostile file provokes stays with that file
        reason = f"extraction error: {type(exc).__name__}: {' '.join(str(exc).split())}"
    return ExtractedText(TextStatus.FAILED, error=reason)
