"""Editing a record mapping by path, for tests that break records one value at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = ["apply_edits", "replace_at", "value_paths"]


def value_paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path (keys and list indexes) in ``data``, the empty path of ``data`` itself first."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from value_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from value_paths(value, (*prefix, index))


def replace_at(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``path`` (the last key may be new); ``data`` is unchanged."""
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = value if len(path) == 1 else replace_at(data[path[0]], path[1:], value)
    return copy


def apply_edits(data: Any, edits: list[tuple[tuple[Any, ...], Any]]) -> Any:
    """``data`` with each (path, value) of ``edits`` applied in turn; an edit whose place an earlier
    edit removed is skipped (random edits often replace a branch another one goes into)."""
    for path, value in edits:
        try:
            data = replace_at(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    return data
