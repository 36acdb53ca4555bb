"""Python's full garbage collections, deferred while a file is walked.

A big file's findings are hundreds of thousands of small objects, kept to the end of the walk. The
interpreter runs a full collection each time the objects that survived earlier collections grow by
a quarter, and each one traverses every finding again: 0.2 to 0.3 s of a 100 MB file's 4 s, to
free almost nothing (findings form no cycles). While a file is walked, full collections wait; the
young generations are still collected as usual, and so are the few cycles that lxml's ``iterparse``
leaves behind (one per parse: its parser and its event list refer to each other), at the latest by
the first full collection after the walk. The thresholds are put back as they were, even on an error,
so nesting is harmless.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["full_collections_deferred"]

# gen-1 collections before a full one: far more than a walk makes (the default is 10)
DEFERRED = 1_000_000


@contextmanager
def full_collections_deferred() -> Iterator[None]:
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, DEFERRED))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, full)
