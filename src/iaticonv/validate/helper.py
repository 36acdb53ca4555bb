"""The validator's helper thread: a chunk's XSD check runs there, beside the main thread.

libxml2 validates a chunk's records (``layers._xsd_native``) in a thread of its own
(``_helper_native``: a POSIX thread per chunk that never takes the GIL) while the main thread runs the
Python layers on the same chunk; both only read it. The main thread joins the job when the chunk's
other layers are done, before the chunk is let go.

Why not a Python thread: it must get the GIL back to start and to end each job, waiting up to the
interpreter's switch interval (5 ms) each time while the main thread computes; a chunk's check
takes about 1.5 ms. Why only the XSD check: it computes. The rulesets' compiled walk was tried here
too and made the whole slower on the 100 MB bench file (the helper spent 0.6 s on it, the main thread
saved 0.15 s): that walk mostly waits on memory, and on the other core it only moves those waits,
which the main thread's layers then meet again.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Protocol

from .._speedups import compiled

__all__ = ["Started", "start"]


class Started(Protocol):
    def join(self) -> None: ...


class _Here:
    """The steps run in the calling thread, at ``join`` (when the compiled helper is not built)."""

    def __init__(self, owners: Sequence[Any]) -> None:
        self.owners = list(owners)

    def join(self) -> None:
        for owner in self.owners:
            owner.run_here()
        self.owners = []


@functools.cache
def native() -> Any:
    """The compiled helper thread, or None when it is not built or turned off."""
    return compiled("validate._helper_native")


def start(owners: Sequence[Any]) -> Started:
    """Start the steps of ``owners`` (compiled checks with ``step()`` and ``run_here()``), in order,
    in a new helper thread; ``join`` waits for them. Without the compiled helper they run at ``join``."""
    module = native()
    if module is None or not owners:
        return _Here(owners)
    job: Started = module.Job(list(owners))
    job.start()  # type: ignore[attr-defined]
    return job
