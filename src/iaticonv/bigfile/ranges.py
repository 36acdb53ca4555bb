"""Cutting one very large file into ranges of activities that workers take one each.

A range is the bytes [start, end) of the file, between two ``<iati-activity`` start tags (or, for
the JSON record layout, two activity lines: ``json_ranges``). A worker reads it framed as a whole
file: the file's own header bytes (prologue and root start tag), the range, and a closing. Lines of
the framed range map back to lines of the whole file (``Cut.file_line``). Used by ``validate``
(``validate.ranges``) and ``convert`` (``batch._convert_ranges``); this module imports neither the
validator nor the converter, so a worker pays only for what it runs.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from .._kinds import ACTIVITY
from .._xml import root_start

__all__ = ["MAX_LINES", "RECORD_START", "ROOT_END", "ROOT_START", "Cut", "OnCut", "activities_before", "balanced_part",
           "count_lines", "framed", "lines_part_bytes", "newlines_before", "plan_cuts", "range_bytes", "start_tag_end"]

_ROOT, _RECORD = ACTIVITY.root_tag.encode(), ACTIVITY.record_tag.encode()  # only activity files are cut
ROOT_START = re.compile(rb"<" + _ROOT + rb"[\s>/]")
RECORD_START = re.compile(rb"<" + _RECORD + rb"[\s>/]")
ROOT_END = b"</" + _ROOT + b">"
BLOCK = 1024 * 1024  # copies and counts in small blocks: memory stays flat
SEARCH_WINDOW = 32 * 1024 * 1024  # no real activity is this long; past it the file gets fewer parts
# libxml2 keeps an element's line in 16 bits: past line 65,535 lxml can only borrow a neighbouring
# text node's line (often one more) or give 65535. A range framed as a file starts counting again,
# so ranges are kept under this many lines and every line of a finding is exact.
MAX_LINES = 60_000


@dataclass(frozen=True, slots=True)
class Cut:
    """Range ``index`` of ``count`` of ``source``: bytes [start, end) framed by the header [0, header_end)."""

    source: str
    index: int
    count: int
    header_end: int
    start: int
    end: int
    header_line: int = 1  # the line where the header ends and the range's body begins, once framed
    line_offset: int = 0  # newlines between the header and the range in the whole file
    body_newlines: int | None = None  # newlines in [start, end), when planning counted them

    @property
    def size(self) -> int:
        return self.end - self.start

    def file_line(self, line: int) -> int:
        """A line of the framed range as a line of the whole file."""
        return line + self.line_offset if line >= self.header_line else line


class OnCut:
    """What a unit of work over one range tells the worker pool and the joiners: its file, size, and
    place among the ranges (read from its ``cut``). Shared by validation and conversion ranges."""

    __slots__ = ()
    cut: Cut

    @property
    def source(self) -> str:
        return self.cut.source

    @property
    def size(self) -> int:
        return self.cut.size

    @property
    def index(self) -> int:
        return self.cut.index

    @property
    def count(self) -> int:
        return self.cut.count


def _root_line(path: Path) -> int | None:
    element = root_start(path)
    line = element.sourceline
    return line if element.tag == ACTIVITY.root_tag and isinstance(line, int) else None


def start_tag_end(data: bytes | mmap.mmap, at: int) -> int:
    """Offset just after the ``>`` closing the start tag at ``at`` (quotes may hold ``>``)."""
    quote = 0
    for offset in range(at, min(len(data), at + 1024 * 1024)):
        byte = data[offset]
        if quote:
            quote = 0 if byte == quote else quote
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return offset + 1
    return -1


def balanced_part(size: int, part_bytes: int, workers: int) -> int:
    """A part size near ``part_bytes`` that cuts ``size`` into a multiple of ``workers`` parts,
    so that no worker is left with one range more than the others at the end."""
    parts = -(-size // part_bytes)
    parts = -(-parts // workers) * workers
    return -(-size // parts)


def _count(path: Path, start: int, end: int, pattern: bytes) -> int:
    """Occurrences of ``pattern`` in bytes [start, end) of ``path``, read in small blocks."""
    found, carry, keep = 0, b"", len(pattern) - 1  # an occurrence cannot fit in the carry alone
    with path.open("rb") as handle:
        handle.seek(start)
        left = end - start
        while left > 0:
            block = handle.read(min(BLOCK, left))
            if not block:
                break
            left -= len(block)
            text = carry + block
            found += text.count(pattern)
            carry = text[-keep:]
    return found


def activities_before(cuts: list[Cut]) -> list[int]:
    """For each range, the ``<iati-activity`` start tags before it (from the file's text, so a
    comment that holds one counts too: users compare with what the ranges really held)."""
    before = [0]
    for cut in cuts[:-1]:
        path = Path(cut.source)
        inside = _count(path, cut.start, cut.end, b"<" + _RECORD) - _count(path, cut.start, cut.end, b"<" + _ROOT)
        before.append(before[-1] + inside)
    return before


def range_bytes(size: int, workers: int, *, limit: int, per_process: int = 8, floor: int = 2 * 1024 * 1024) -> int:
    """The range size for one big file on ``workers`` processes: about ``per_process`` ranges each
    (a worker that starts a second late, or runs slower on a busy machine, then just takes fewer),
    at most ``limit`` (what one worker may hold), at least ``floor`` (each range re-reads the header
    and sets up a walk), in a multiple of the process count."""
    wanted = min(limit, max(min(floor, limit), size // (workers * per_process)))
    return balanced_part(size, wanted, workers)


def plan_cuts(path: Path, *, part_bytes: int) -> list[Cut] | None:
    """The ranges of ``path``, or None when it is small, not an activity file, or its root is odd."""
    try:
        size = path.stat().st_size
        expected_line = _root_line(path) if size >= 2 * part_bytes else None
        if expected_line is None:
            return None
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            match = ROOT_START.search(data, 0, min(size, 1024 * 1024))
            if match is None or data[: match.start()].count(b"\n") + 1 != expected_line:
                return None
            header_end = start_tag_end(data, match.start())
            if header_end < 0:
                return None
            cuts = [header_end]
            parts = max(2, round(size / part_bytes))
            for k in range(1, parts):
                target = header_end + k * (size - header_end) // parts
                start = max(cuts[-1] + 1, target)  # a bounded window: mapped pages count as memory
                found = RECORD_START.search(data, start, min(size, start + SEARCH_WINDOW))
                if found is None:
                    break
                cuts.append(found.start())
    except Exception:  # anything odd: the whole-file pass will report it properly
        return None
    cuts.append(size)
    if len(cuts) < 3:
        return None
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        cuts, newlines = _within_lines(data, cuts, MAX_LINES)
        header_line = _newlines(data, 0, cuts[0]) + 1
    count, before = len(cuts) - 1, 0
    planned: list[Cut] = []
    for i in range(count):
        planned.append(Cut(str(path), i, count, header_end, cuts[i], cuts[i + 1], header_line, before, newlines[i]))
        before += newlines[i]
    return planned


def _newlines(data: mmap.mmap, start: int, end: int) -> int:
    return sum(data[at:min(end, at + BLOCK)].count(b"\n") for at in range(start, end, BLOCK))


def _within_lines(data: mmap.mmap, cuts: list[int], max_lines: int) -> tuple[list[int], list[int]]:
    """``cuts`` with ranges of more than ``max_lines`` lines halved at an activity start, again and
    again (a single activity longer than that stays whole: no cut can help it), and the newlines of
    each final range (counted here anyway: the caller places the ranges' lines without a second pass)."""
    out, newlines = [cuts[0]], []
    todo = list(reversed(list(pairwise(cuts))))
    while todo:
        start, end = todo.pop()
        inside = _newlines(data, start, end)
        if inside > max_lines:
            found = RECORD_START.search(data, (start + end) // 2, end) or RECORD_START.search(data, start + 1, end)
            if found is not None and start < found.start() < end:
                todo.extend([(found.start(), end), (start, found.start())])
                continue
        out.append(end)
        newlines.append(inside)
    return out, newlines


def count_lines(path: Path) -> int:
    """Newlines in the whole file (read in blocks: memory stays flat)."""
    return newlines_before(path, [path.stat().st_size])[0]


def lines_part_bytes(size: int, lines: int) -> int:
    """A range size that gives ranges of about ``MAX_LINES / 2`` lines on a file of ``lines`` lines."""
    return max(1, size // max(2, -(-lines // (MAX_LINES // 2))))


def newlines_before(path: Path, offsets: list[int]) -> list[int]:
    """Newlines in the file before each offset (read in blocks: memory stays flat)."""
    counts: list[int] = []
    seen = position = 0
    with path.open("rb") as handle:
        for offset in offsets:
            while position < offset:
                block = handle.read(min(BLOCK, offset - position))
                if not block:
                    break
                seen += block.count(b"\n")
                position += len(block)
            counts.append(seen)
    return counts


@contextlib.contextmanager
def framed(cut: Cut, *, footer: bytes = ROOT_END, suffix: str = ".xml") -> Iterator[tuple[Path, int]]:
    """A temporary file holding the range framed as a whole file, and the body's newlines (counted
    while copying when planning did not count them).

    The header is copied from the file itself; ``footer`` closes every range but the last (which
    keeps the file's own end): the root's end tag for IATI XML, ``]}`` for the JSON record layout.
    It sits in the system temporary folder (``TMPDIR``) and is removed on exit, error or not.
    """
    counted = cut.body_newlines
    newlines = 0
    fd, name = tempfile.mkstemp(prefix=".iaticonv-range-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out, Path(cut.source).open("rb") as src:
            out.write(src.read(cut.header_end))
            src.seek(cut.start)
            left = cut.size
            while left > 0:
                block = src.read(min(BLOCK, left))
                if not block:
                    break
                if counted is None:
                    newlines += block.count(b"\n")
                out.write(block)
                left -= len(block)
            if cut.index < cut.count - 1:
                out.write(footer)
        yield Path(name), newlines if counted is None else counted
    finally:
        with contextlib.suppress(OSError):
            Path(name).unlink()
