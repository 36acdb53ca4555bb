"""The validator's one helper thread: compiled work on a chunk runs there with the GIL released.

Why a thread and not a process: the chunk's XSD check reads the chunk's libxml2 nodes where they lie,
without the GIL, while the main thread runs the Python layers on the same chunk; a process would have
to be sent the chunk. Both threads only read it. Jobs run one at a time, in the order they were given.

Only work that computes pays here. The XSD check does (a sixth of a big file's time left the main
thread). The rulesets' compiled walk was tried and gained nothing measurable: it waits on memory,
and on another core it only moves those waits, which the main thread then meets again.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import TypeVar

__all__ = ["submit"]

T = TypeVar("T")


@cache
def _thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="iaticonv-validate")


def submit(job: Callable[[], T]) -> Future[T]:
    """Run ``job`` in the helper thread, after the jobs given before it."""
    return _thread().submit(job)
