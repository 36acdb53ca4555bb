"""Turn what the user typed (files, folders, globs) into one sorted, de-duplicated work list.

Each item remembers the folder it was found under, so outputs mirror the input tree
(``in/2024/a.csv`` → ``out/2024/a.xml``) and two inputs never write the same output. A path that
does not exist, or a glob that matches nothing, stays in the list: the batch then reports it as a
failed input by name instead of letting it vanish from the run.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .._speedups import warn_if_slow
from ..errors import UsageError

__all__ = ["Accept", "WorkItem", "collect_inputs", "looks_readable"]

GLOB_CHARS = frozenset("*?[")
STATE_PREFIX = ".iaticonv-"


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One input file, its path relative to the folder it came from (for naming outputs) and its size."""

    path: Path
    rel: Path
    size: int

    @property
    def exists(self) -> bool:
        return self.path.is_file()


def _wanted(path: Path, extensions: frozenset[str] | None) -> bool:
    """Hidden files (our state file, atomic-write temporaries, editor debris) are never inputs."""
    if any(part.startswith(".") for part in path.parts[-1:]):
        return False
    return extensions is None or path.suffix.lower() in extensions


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


Accept = Callable[[Path], bool]


def _expand(arg: Path, extensions: frozenset[str] | None, accept: Accept) -> list[WorkItem]:
    if arg.is_dir():
        found = sorted(p for p in arg.rglob("*") if p.is_file() and _wanted(p, extensions)
                       and not any(part.startswith(".") for part in p.relative_to(arg).parts[:-1]) and accept(p))
        return [WorkItem(p, p.relative_to(arg), _size(p)) for p in found]
    text = str(arg)
    if not arg.exists() and GLOB_CHARS & set(text):
        # glob.glob, not Path.glob: a user's pattern may be absolute or climb out with ../
        matches = sorted(Path(m) for m in glob.glob(text, recursive=True))  # noqa: PTH207
        files = [m for m in matches if m.is_file() and _wanted(m, extensions) and accept(m)]
        if files:
            return [WorkItem(m, Path(m.name), _size(m)) for m in files]
    return [WorkItem(arg, Path(arg.name), _size(arg))]


def collect_inputs(
    args: Iterable[Path], *, extensions: Iterable[str] | None = None, for_outputs: bool = False,
    accept: Accept | None = None,
) -> list[WorkItem]:
    """Files named by ``args``: files as given, folders searched recursively, globs expanded.

    ``extensions`` (``{".xml"}``) filters what folders and globs contribute; a file named explicitly
    is always kept, and so is one ``accept`` (a content sniffer) would refuse: folders and globs only
    contribute files it accepts. The list is sorted by path and holds each file once, however named.
    With ``for_outputs``, two inputs that would name the same output file are a usage error.
    """
    allowed = frozenset(e.lower() for e in extensions) if extensions is not None else None
    seen: dict[Path, WorkItem] = {}
    for arg in args:
        for item in _expand(Path(arg), allowed, accept or (lambda _path: True)):
            key = item.path.resolve() if item.path.exists() else item.path.absolute()
            seen.setdefault(key, item)
    items = sorted(seen.values(), key=lambda item: str(item.path))
    if for_outputs:
        _refuse_clashes(items)
    warn_if_slow(sum(item.size for item in items))
    return items


def _refuse_clashes(items: list[WorkItem]) -> None:
    clashes: dict[Path, list[Path]] = {}
    for item in items:
        clashes.setdefault(item.rel.with_suffix(""), []).append(item.path)
    for rel, paths in clashes.items():
        if len(paths) > 1:
            names = ", ".join(str(p) for p in paths)
            raise UsageError(f"several inputs would write the same output {rel}: {names}",
                             hint="pass their common folder instead of the files, so outputs keep the sub-folders")


def looks_readable(path: Path) -> bool:
    """Whether a file found in a folder is an input: its content looks like its extension's format.

    A LICENSE.txt beside GAC profile pages and an organisation file beside activity files are left
    out. A ``.xml`` file that is not XML at all is kept, though: it is probably a broken download,
    and the batch must report it by name rather than pass over it in silence.
    """
    from ..formats import FORMATS  # here, so a validation worker never imports the converter

    suffix = path.suffix.lower()
    infos = [f for f in FORMATS.values() if f.reader and suffix in f.extensions]
    sniffers = [info.sniff for info in infos if info.sniff is not None]
    if len(sniffers) < len(infos) or not sniffers:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return True  # kept, so the batch reports why it cannot be read
    if any(sniff(head, suffix) for sniff in sniffers):
        return True
    return suffix == ".xml" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
