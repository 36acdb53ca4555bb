"""Writing outputs without ever leaving half a file behind, and without touching inputs."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from .errors import OutputError

__all__ = ["atomic_writer", "check_output_path", "write_bytes_atomic", "write_text_atomic"]


def check_output_path(output: Path, inputs: Iterable[Path], *, overwrite: bool) -> None:
    """Refuse an output that is one of the inputs, or that exists when ``overwrite`` is off."""
    out = output.resolve()
    for item in inputs:
        with contextlib.suppress(OSError):
            if item.resolve() == out:
                raise OutputError(
                    f"{output}: the output path is also an input; iaticonv never overwrites its inputs",
                    hint="choose another output path",
                )
    if output.exists() and not overwrite and output.is_file():
        raise OutputError(f"{output}: already exists", hint="pass --overwrite to replace it")


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "wb", encoding: str | None = None) -> Iterator[IO[bytes]]:
    """Yield a temporary file beside ``path``; on success it replaces ``path`` in one rename.

    A crash or a kill leaves either the old file or none, never a truncated one, because the rename
    is the only step that makes the new content visible.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"))
