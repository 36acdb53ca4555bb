"""Writing outputs without ever leaving half a file behind, and without touching inputs.

Every output goes to a temporary file in the target's folder and becomes visible in one
``os.replace``: a crash, a full disk or a ``kill -9`` leaves the old file or none, never a truncated
one. The temporary file is a hidden ``.NAME.XXXX.part`` beside the target, removed on any Python-level
failure; only a ``kill -9`` can leave one behind, and never under the output's name. (An anonymous
``O_TMPFILE`` linked in at the end would avoid even that, but linking it through ``/proc/self/fd``
fails in some containers, so the portable way is used.) The new file gets the permissions a plain
``open()`` would give it (or those of the file it replaces), not the owner-only mode of ``mkstemp``.

``check_output_path`` compares paths *and* files (``samefile``), so a hard link or a ``..`` detour to
an input is refused too.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import OutputError

__all__ = ["atomic_writer", "check_output_path", "same_file", "write_bytes_atomic", "write_text_atomic"]


def same_file(left: Path, right: Path) -> bool:
    """Whether two paths name one file: the same resolved path, or a hard link / bind mount of it."""
    with contextlib.suppress(OSError):
        if left.resolve() == right.resolve():
            return True
    try:
        return left.samefile(right)
    except OSError:  # one of them does not exist (yet): not the same file
        return False


def check_output_path(output: Path, inputs: Iterable[Path], *, overwrite: bool) -> None:
    """Refuse an output that is one of the inputs (even through a link), or that exists when ``overwrite`` is off."""
    for item in inputs:
        if same_file(item, output):
            raise OutputError(
                f"{output}: the output path is also an input; iaticonv never overwrites its inputs",
                hint="choose another output path",
            )
    if output.is_file() and not overwrite:
        raise OutputError(f"{output}: already exists", hint="pass --overwrite to replace it")


def _new_file_mode(path: Path) -> int:
    """The mode the output should get: the replaced file's, else 0o666 minus the umask."""
    with contextlib.suppress(OSError):
        return path.stat().st_mode & 0o7777
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _publish(tmp: Path, path: Path) -> None:
    """Make the finished temporary file visible as ``path`` in one rename, and make the rename durable."""
    tmp.replace(path)
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "wb", encoding: str | None = None) -> Iterator[IO[Any]]:
    """Yield a temporary file beside ``path``; on success it replaces ``path`` in one rename.

    A crash or a kill leaves either the old file or none, never a truncated one, because the rename
    is the only step that makes the new content visible.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    file_mode = _new_file_mode(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), file_mode)
            os.fsync(handle.fileno())
        _publish(tmp, path)
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
