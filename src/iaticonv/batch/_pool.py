"""Run units of work on N worker processes and hand each result back as soon as it is ready.

Workers are started with ``spawn`` (never ``fork``): a forked child would inherit the parent's lxml
state, open files and threads, which is unsafe; a spawned one imports iaticonv afresh and shares
nothing. Each unit is a small picklable job (paths and options, never lxml objects), and the
biggest units are submitted first so the last minutes of a run are not one big file on one core.
With one job, or one unit, the work runs in this process: no start-up cost, same results.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Generic, TypeVar

__all__ = ["PARALLEL_MIN_BYTES", "Done", "choose_workers", "default_jobs", "run_units"]

J = TypeVar("J")
R = TypeVar("R")


def default_jobs() -> int:
    """The CPUs this process may use (its affinity mask, which containers and ``taskset`` narrow)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


PARALLEL_MIN_BYTES = 4 * 1024 * 1024
IN_FLIGHT = 4  # units queued per spawned worker, so it never waits while this process works on one


def choose_workers(jobs: int | None, total_bytes: int) -> int:
    """``--jobs N`` as asked; by default every CPU, but one process for a small batch.

    Starting a spawned worker (imports, the Standard's schemas) costs about a second, more than
    validating a few small files, so below ``PARALLEL_MIN_BYTES`` of input the default is serial.
    """
    if jobs is not None:
        return max(1, jobs)
    return default_jobs() if total_bytes >= PARALLEL_MIN_BYTES else 1


class Done(Generic[J, R]):
    """One finished unit: its job and either its result or the error that stopped it."""

    __slots__ = ("error", "job", "result")

    def __init__(self, job: J, result: R | None, error: BaseException | None) -> None:
        self.job = job
        self.result = result
        self.error = error


def _in_process(fn: Callable[[J], R], jobs: Sequence[J]) -> Iterator[Done[J, R]]:
    for job in jobs:
        try:
            yield Done(job, fn(job), None)
        except Exception as exc:  # a bug in one unit must not stop the others
            yield Done(job, None, exc)


def run_units(
    fn: Callable[[J], R], jobs: Sequence[J], *, workers: int, weight: Callable[[J], int] | None = None
) -> Generator[Done[J, R], None, None]:
    """Yield a ``Done`` for every job, in completion order.

    ``fn`` must be a module-level function (spawned workers import it by name). With ``workers``
    N, this process and N - 1 spawned ones share the work (see ``_shared``). When a worker dies
    (killed, out of memory) the pool cannot say which unit it held, and every unit still queued fails
    with it. Those units are run again on a fresh pool; if that breaks too, each one left is run in
    a pool of its own, so only the unit that kills its worker fails, with that reason.
    """
    order = sorted(jobs, key=weight, reverse=True) if weight is not None else list(jobs)
    if workers <= 1 or len(order) <= 1:
        yield from _in_process(fn, order)
        return
    pending = yield from _shared(fn, list(enumerate(order)), workers - 1)
    for _round in range(2):
        if not pending:
            return
        pending = yield from _pool_round(fn, pending, min(workers, len(pending)))
    for item in pending:
        for _index, job in (yield from _pool_round(fn, [item], 1)):
            yield Done(job, None, RuntimeError("a worker process died while working on it"))


def _worker_share(remaining: int, spawned: int) -> int:
    """Units the spawned workers may hold: a few each, but never more than their share of what is
    left, so with few big units (the ranges of one file) this process gets its own."""
    return min(IN_FLIGHT * spawned, -(-remaining * spawned // (spawned + 1)))


def _shared(
    fn: Callable[[J], R], queue: list[tuple[int, J]], spawned: int
) -> Generator[Done[J, R], None, list[tuple[int, J]]]:
    """``spawned`` worker processes and this one share the units; returns those a dead worker left.

    Starting a worker costs about a second (imports, the Standard's schemas), and this process is
    already warm and otherwise idle while it waits: so with ``--jobs 2`` it works beside one spawned
    worker. Workers take the biggest units first, a few each in flight so they never wait; this
    process takes the smallest ones, so it is soon back to hand out work and report progress.
    """
    work = deque(queue)
    executor = ProcessPoolExecutor(max_workers=spawned, mp_context=multiprocessing.get_context("spawn"))
    in_flight: dict[Future[R], tuple[int, J]] = {}
    left: list[tuple[int, J]] = []
    clean = False
    try:
        while work or in_flight:
            while work and not left and len(in_flight) < _worker_share(len(work) + len(in_flight), spawned):
                index, job = work.popleft()
                in_flight[executor.submit(fn, job)] = (index, job)
            for future in [f for f in in_flight if f.done()]:
                index, job = in_flight.pop(future)
                try:
                    yield Done(job, future.result(), None)
                except BrokenProcessPool:
                    left.append((index, job))
                except Exception as exc:
                    yield Done(job, None, exc)
            if work and not left:
                _index, job = work.pop()
                try:
                    yield Done(job, fn(job), None)
                except Exception as exc:  # a bug in one unit must not stop the others
                    yield Done(job, None, exc)
            elif in_flight:
                wait(in_flight, return_when=FIRST_COMPLETED)
            elif left:
                break  # the pool is broken: what is left goes to fresh pools
        clean = True
    except GeneratorExit:  # the caller stopped early (a range failed): queued units are dropped, running
        clean = True       # ones finish, so nothing writes into folders the caller is about to remove
        raise
    finally:
        executor.shutdown(wait=clean, cancel_futures=True)
    return [*left, *work]


def _pool_round(
    fn: Callable[[J], R], jobs: list[tuple[int, J]], workers: int
) -> Generator[Done[J, R], None, list[tuple[int, J]]]:
    """Run ``jobs`` on one pool; return those left unfinished when a worker died."""
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    futures: dict[Future[R], tuple[int, J]] = {}
    broken: list[tuple[int, J]] = []
    clean = False
    try:
        futures = {executor.submit(fn, job): (index, job) for index, job in jobs}
        waiting = set(futures)
        while waiting:
            finished, waiting = wait(waiting, return_when=FIRST_COMPLETED)
            for future in finished:
                index, job = futures[future]
                try:
                    yield Done(job, future.result(), None)
                except BrokenProcessPool:
                    broken.append((index, job))
                except Exception as exc:
                    yield Done(job, None, exc)
        clean = True
    finally:
        # After Ctrl-C, do not wait for the units in flight: their outputs are atomic anyway.
        executor.shutdown(wait=clean, cancel_futures=True)
    return broken
