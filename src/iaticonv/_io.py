"""Writing outputs without ever leaving half a file behind, without touching inputs; no zip bombs in.

Every output goes to a temporary file in the target's folder and becomes visible in one
``os.replace``: a crash, a full disk or a ``kill -9`` leaves the old file or none, never a truncated
one. The temporary file is a hidden ``.NAME.XXXX.part`` beside the target, removed on any Python-level
failure; only a ``kill -9`` can leave one behind, and never under the output's name. (An anonymous
``O_TMPFILE`` linked in at the end would avoid even that, but linking it through ``/proc/self/fd``
fails in some containers, so the portable way is used.) The new file gets the permissions a plain
``open()`` would give it (or those of the file it replaces), not the owner-only mode of ``mkstemp``.

``check_output_path`` compares paths *and* files (``samefile``), so a hard link or a ``..`` detour to
an input is refused too.

``check_archive`` is the one input-side check here: an ``.xlsx`` is a zip whose shared-string table
spreadsheet readers load whole, so a 2 MB file can ask for gigabytes. The sizes a zip declares are
enforced by ``zipfile`` when it inflates, so checking them before reading is enough.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import InputError, OutputError

__all__ = ["atomic_writer", "check_archive", "check_output_path", "same_file", "write_bytes_atomic",
           "write_text_atomic"]

MIB = 1 << 20


def _worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/")


def check_archive(path: Path, *, streamed: Callable[[str], bool] = _worksheet, max_ratio: int = 100,
                  small: int = 16 * MIB, max_whole: int = 512 * MIB) -> None:
    """Refuse a zip whose parts that are read whole would inflate far beyond the file (a zip bomb).

    Parts named by ``streamed`` (an ``.xlsx``'s worksheets, read row by row) cost time, not memory,
    and are not limited. Any other part may not exceed ``max_whole`` bytes, nor inflate more than
    ``max_ratio`` times once larger than ``small`` (real workbooks compress 5 to 20 times).
    A file that is not a zip at all is left for the reader to report in its own words.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    for part in parts:
        size, packed = part.file_size, max(part.compress_size, 1)
        if streamed(part.filename) or (size <= max_whole and (size <= small or size <= max_ratio * packed)):
            continue
        raise InputError(f"{part.filename} inflates from {packed:,} to {size:,} bytes ({size // packed}×): "
                         "refused as a likely zip bomb", file=path,
                         hint="re-save the workbook from a spreadsheet program, or export CSV")


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


def _publish(tmp: Path, path: Path, *, durable: bool = True) -> None:
    """Make the finished temporary file visible as ``path`` in one rename, and make the rename durable."""
    tmp.replace(path)
    if not durable:
        return
    with contextlib.suppress(OSError):
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


@contextlib.contextmanager
def atomic_writer(path: Path, mode: str = "wb", encoding: str | None = None, *,
                  durable: bool = True) -> Iterator[IO[Any]]:
    """Yield a temporary file beside ``path``; on success it replaces ``path`` in one rename.

    A crash or a kill leaves either the old file or none, never a truncated one, because the rename
    is the only step that makes the new content visible. ``durable=False`` skips the ``fsync`` calls,
    for scratch files removed within the run (the parts of a file converted by ranges).
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
            if durable:
                os.fsync(handle.fileno())
        _publish(tmp, path, durable=durable)
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
