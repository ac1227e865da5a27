"""Tasks on a Dask cluster: an existing one (``dask scheduler`` + ``dask worker``, Kubernetes, a
cloud service) by its scheduler's address, or a LocalCluster of worker processes on this machine.

Each worker runs one task at a time on one thread (one core): a task that starts processes of
its own (the PDF sandbox) needs workers that may have children, so a LocalCluster is started
with ``distributed.worker.daemon`` off, and workers of an existing cluster are checked for it
(``DASK_DISTRIBUTED__WORKER__DAEMON=False`` when they are started, or ``dask worker
--no-nanny``). A worker that dies has its task run again on another one (the scheduler does
it; after ``distributed.scheduler.allowed-failures`` deaths the task fails); the caller gets one
result per task, whatever ran twice.

distributed is imported inside the functions: the CLI loads this module only for bulk runs.
"""

from __future__ import annotations

import logging
import multiprocessing
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from fwcensus.errors import EngineError

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int], None]
log = logging.getLogger(__name__)

CONNECT_SECONDS = 10.0
DAEMON_HINT = (
    "start the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False in their environment (or"
    " dask worker --no-nanny): each task starts a sandboxed process per PDF"
)


@dataclass(frozen=True)
class Cluster:
    client: Any  # distributed.Client
    scheduler: str
    dashboard: str | None
    workers: int
    local: bool


@contextmanager
def dask_cluster(scheduler: str | None, workers: int) -> Iterator[Cluster]:
    """Connect to ``scheduler`` (``tcp://HOST:PORT``), or start a LocalCluster of ``workers``
    single-threaded processes, and close what was opened on the way out."""
    import dask
    from distributed import Client, LocalCluster

    with ExitStack() as stack:
        if scheduler:
            try:
                client = stack.enter_context(Client(scheduler, timeout=CONNECT_SECONDS))
            except (OSError, TimeoutError) as exc:
                raise EngineError(
                    f"cannot reach the Dask scheduler at {scheduler} within"
                    f" {CONNECT_SECONDS:g} s ({type(exc).__name__}): is `dask scheduler` running"
                    " there, and the address right?"
                ) from None
        else:
            with dask.config.set({"distributed.worker.daemon": False}):
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address="127.0.0.1:0",
                    )
                )
            client = stack.enter_context(Client(cluster))
        info = client.scheduler_info()
        running = Cluster(
            client=client,
            scheduler=client.scheduler.address,
            dashboard=client.dashboard_link if info.get("services", {}).get("dashboard") else None,
            workers=len(info.get("workers", {})),
            local=not scheduler,
        )
        log.info("Dask scheduler at %s (%s, %d workers, dashboard %s)", running.scheduler,
                 "local" if running.local else "existing", running.workers,
                 running.dashboard or "none")  # fmt: skip
        yield running


def check_workers(cluster: Cluster, facts: Callable[[], dict[str, Any]]) -> None:
    """Raise EngineError unless every worker can start processes and ``facts()`` (run on each
    worker and here) says the same there as here: the same code judging the same way."""
    if not cluster.workers:
        return  # tasks wait for workers to join; nothing to check yet
    try:
        answers = cluster.client.run(_worker_facts, facts)
    except Exception as exc:  # a worker without fwcensus fails to unpickle the function
        raise EngineError(
            f"the Dask workers cannot run fwcensus ({type(exc).__name__}: {exc}): install"
            " fwcensus[bulk] where they run"
        ) from None
    mine = facts()
    for address, theirs in sorted(answers.items()):
        if theirs.pop("daemon"):
            raise EngineError(f"worker {address} cannot start processes: {DAEMON_HINT}")
        if theirs != mine:
            differ = ", ".join(f"{k}={theirs.get(k)!r}" for k in mine if theirs.get(k) != mine[k])
            raise EngineError(f"worker {address} runs another fwcensus than this one: {differ}")


def _worker_facts(facts: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    return {**facts(), "daemon": multiprocessing.current_process().daemon}


def run_tasks(
    cluster: Cluster,
    function: Callable[[T, Progress], R],
    tasks: Sequence[T],
    keys: Sequence[str],
    on_progress: Callable[[str, int], None],
    retries: int = 2,
) -> Iterator[tuple[str, T, R | BaseException]]:
    """Run ``function(task, progress)`` for every task, one Dask task each (named by ``keys``),
    and yield ``(key, task, result or exception)`` as they finish. A task's ``progress(n)`` calls
    reach ``on_progress(key, done_so_far)`` here; a task run again after its worker died
    reports from zero again, so ``done_so_far`` is per attempt. An exception is retried
    ``retries`` times before it is yielded."""
    from distributed import as_completed

    client = cluster.client
    topic = f"fwcensus-progress-{uuid.uuid4().hex}"
    client.subscribe_topic(topic, lambda event: on_progress(event[1]["key"], event[1]["done"]))
    try:
        futures = {
            client.submit(
                _on_worker, function, task, topic, key, key=key, retries=retries, pure=False
            ): (key, task)
            for task, key in zip(tasks, keys, strict=True)
        }
        for future in as_completed(futures):
            key, task = futures.pop(future)
            if future.status == "error":
                yield key, task, future.exception()
            else:
                yield key, task, future.result()
            future.release()
    finally:
        client.unsubscribe_topic(topic)


def _on_worker(function: Callable[[T, Progress], R], task: T, topic: str, key: str) -> R:
    from distributed import get_worker

    worker = get_worker()
    done = 0

    def progress(n: int) -> None:
        nonlocal done
        done += n
        worker.log_event(topic, {"key": key, "done": done})

    return function(task, progress)
