"""Progress on stderr while a batch runs: files, activities, MB, rate and time left.

Progress is for people watching a terminal: it is off with ``--quiet``, and off when stderr is not a
terminal (a log file, a CI job) unless ``--progress`` asks for it, and then it is a plain line every
few seconds rather than a bar redrawn in place. It never touches stdout, which carries data. The bar
advances by bytes, because a 60 MB file and a 6 KB file are not the same amount of work; files and
activities are counted beside it.
"""

from __future__ import annotations

import sys
import time
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

__all__ = ["BatchProgress", "progress_wanted"]

LINE_EVERY = 5.0  # seconds between two progress lines when stderr is a log, not a terminal


def progress_wanted(*, quiet: bool, progress: bool | None) -> bool:
    """``--quiet`` wins; then ``--progress``/``--no-progress``; otherwise only on a terminal."""
    if quiet:
        return False
    if progress is not None:
        return progress
    return sys.stderr.isatty()


class BatchProgress:
    """A context manager showing one bar for the whole batch (a no-op when disabled)."""

    def __init__(self, label: str, *, files: int, total_bytes: int, enabled: bool,
                 console: Console | None = None) -> None:
        self.enabled = enabled
        self.files_total = files
        self.files_done = 0
        self.activities = 0
        self._bytes_total = max(total_bytes, 1)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._console = console or Console(stderr=True)
        self._lines = enabled and not self._console.is_terminal  # a log: a plain line now and then
        self._label = label
        self._bytes_done = 0
        self._started = time.monotonic()
        self._last_line = 0.0
        if enabled and not self._lines:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[files]} files"),
                TextColumn("{task.fields[activities]} activities"),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=self._console,
                transient=True,
            )
            self._task = self._progress.add_task(label, total=self._bytes_total, files=f"0/{files}", activities=0)

    def __enter__(self) -> BatchProgress:
        if self._progress is not None:
            self._progress.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()

    def skipped(self, *, files: int, activities: int) -> None:
        """Count files a previous run already did (they move the counters, not the bar)."""
        self.files_done += files
        self.activities += activities
        self._refresh(0)

    def advance(self, *, size: int, activities: int, file_done: bool = True) -> None:
        """Count one finished unit (a file, or a range of a big file with ``file_done=False``)."""
        self.files_done += 1 if file_done else 0
        self.activities += activities
        self._refresh(size)

    def _refresh(self, size: int) -> None:
        self._bytes_done += size
        if self._lines:
            self._line()
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, advance=size, files=f"{self.files_done}/{self.files_total}",
                                  activities=self.activities)

    def _line(self) -> None:
        now = time.monotonic()
        if now - self._last_line < LINE_EVERY and self.files_done < self.files_total:
            return
        self._last_line = now
        elapsed = max(now - self._started, 1e-9)
        rate = self._bytes_done / elapsed
        left = (self._bytes_total - self._bytes_done) / rate if rate > 0 else 0.0
        self._console.print(
            f"{self._label}: {self.files_done}/{self.files_total} files, {self.activities} activities, "
            f"{self._bytes_done / 1e6:.1f}/{self._bytes_total / 1e6:.1f} MB, {rate / 1e6:.2f} MB/s, "
            f"about {left:.0f}s left", markup=False, highlight=False)
