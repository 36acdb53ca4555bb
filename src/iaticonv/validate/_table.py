"""A registry table: names → entries, in order, built once and never changed.

The catalogue of rules, the table of iaticonv's own checks and the report and catalogue formats are
all this one shape. ``extend`` returns a new table, so a caller's or a test's additions never alter
what another run sees, and nothing changes a table at import time.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Self, TypeVar

__all__ = ["Table"]

T = TypeVar("T")


class Table(Mapping[str, T]):
    """A read-only mapping of names to entries, in the order given."""

    def __init__(self, entries: Mapping[str, T]) -> None:
        self._entries: dict[str, T] = dict(entries)

    def __getitem__(self, name: str) -> T:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def extend(self, **entries: T) -> Self:
        """This table with ``entries`` added after its own (or in place of those of the same name)."""
        extended = copy.copy(self)
        extended._entries = {**self._entries, **entries}
        return extended
