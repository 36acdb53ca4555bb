"""Ranges of a big JSON record file, cut between activity lines, for workers to convert.

The JSON writer puts the header on the first line, ``"activities": [`` on the second, then one
activity per line (``,`` ending every line but the last) and ``]}`` on a line of its own. The
reader streams exactly that layout, line by line, and stops at the ``]}`` line. So a range of
activity lines, framed by the file's own two header lines and a ``]}`` line, is a JSON file the
reader reads as it reads those lines in the whole file (a trailing ``,`` is dropped either way).

Only that exact layout is cut; anything else (other whitespace, ``\\r\\n`` line ends, a ``]}`` line
before the end, no ``]}`` at all) returns None, and the caller converts the file in one pass, so
what the reader says about it is what a single pass says.
"""

from __future__ import annotations

import mmap
from pathlib import Path

from .._kinds import ACTIVITY
from .ranges import Cut, newlines_before

__all__ = ["JSON_FOOTER", "plan_json_cuts"]

BOM = b"\xef\xbb\xbf"
FIRST = b'{"' + ACTIVITY.root_tag.encode() + b'": '
SECOND = b'"activities": [\n'
CLOSE = b"\n]}"
JSON_FOOTER = b"]}\n"
SEARCH_WINDOW = 32 * 1024 * 1024  # no activity line is this long; past it the file gets fewer parts
SCAN_BLOCK = 1024 * 1024
HEAD_LIMIT = 1024 * 1024  # a header line (namespaces, attributes) is never this long


def _header_end(data: mmap.mmap) -> int:
    """Offset just after the ``"activities": [`` line, or -1 when the file does not start the streamed way."""
    start = len(BOM) if data[: len(BOM)] == BOM else 0
    if data[start:start + len(FIRST)] != FIRST:
        return -1
    first_end = data.find(b"\n", start, start + HEAD_LIMIT)  # bounded: mapped pages count as memory
    if first_end < 1 or data[first_end - 1:first_end] != b"," or b"\r" in data[start:first_end]:
        return -1
    second_end = first_end + 1 + len(SECOND)
    return second_end if data[first_end + 1:second_end] == SECOND else -1


def _plain_body(path: Path, header_end: int, size: int) -> bool:
    """Whether the body has no ``\\r`` and its only ``]}`` line is the file's last line: the reader
    stops at the first one, so a range after an earlier one would convert activities a single pass
    never reads. Read in small blocks: mapped pages would count as this process's memory."""
    closings = 0
    carry = b""
    with path.open("rb") as handle:
        handle.seek(header_end - 1)
        while block := handle.read(SCAN_BLOCK):
            if b"\r" in block:
                return False
            closings += (carry + block).count(CLOSE)  # an occurrence cannot fit in the 2-byte carry alone
            carry = block[-2:]
        handle.seek(max(0, size - 4))
        tail = handle.read()
    return closings == 1 and (tail.endswith(CLOSE) or tail == CLOSE + b"\n")


def plan_json_cuts(path: Path, *, part_bytes: int) -> list[Cut] | None:
    """Ranges of ``path`` (about ``part_bytes`` each), or None when it is small or not in the streamed layout."""
    try:
        size = path.stat().st_size
        if size < 2 * part_bytes:
            return None
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            header_end = _header_end(data)
            if header_end < 0 or data[header_end:header_end + 1] != b"{":
                return None
            if not _plain_body(path, header_end, size):
                return None
            cuts = [header_end]
            parts = max(2, round(size / part_bytes))
            for k in range(1, parts):
                target = max(cuts[-1] + 1, header_end + k * (size - header_end) // parts)
                found = data.find(b"\n{", target - 1, min(size, target + SEARCH_WINDOW))
                if found < 0:
                    break
                cuts.append(found + 1)
    except (OSError, ValueError):  # anything odd: the one-pass conversion will report it properly
        return None
    if len(cuts) < 2:
        return None
    cuts.append(size)
    count = len(cuts) - 1
    newlines = newlines_before(path, cuts)
    return [Cut(str(path), i, count, header_end, cuts[i], cuts[i + 1], newlines[0] + 1, newlines[i] - newlines[0])
            for i in range(count)]
