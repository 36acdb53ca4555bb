"""Join the part files that workers wrote for the ranges of one input into the file one pass writes.

Every writer that holds many records prints a header from the file's header, then each record on
its own, then a closing: so a part written from a range is the header, the range's records and the
closing, and the whole file is the header once, every part's records in order, the closing once.
Only the glue between records differs by format:

* IATI XML: prologue and root start tag; activities; ``\\n</iati-activities>\\n``;
* JSON: the two header lines; activities joined by ``,\\n``; ``\\n]}\\n`` (``]}\\n`` when empty);
* YAML: the header document; one document per activity; nothing.

The frames of IATI XML and JSON are plain bytes, found here. Telling where a YAML header ends takes a
YAML parser and the writer's own style, so the records format finds that frame itself
(``formats.records.json_yaml.yaml_frame``) and the caller hands ``join`` the finder of the target's
frames: this package sits below the formats and never imports them.

Each part's frame is checked (the same header bytes as the first part's, the writer's own closing);
when one is not as expected, ``join`` returns False and the caller converts the input in one pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._io import atomic_writer
from .json_ranges import FIRST as JSON_FIRST
from .json_ranges import JSON_FOOTER as RANGE_FOOTER
from .json_ranges import SECOND as JSON_SECOND
from .ranges import ROOT_END, ROOT_START, start_tag_end

__all__ = ["FRAMES", "Frame", "FrameOf", "join", "read_ends"]

XML_FOOTER = b"\n" + ROOT_END + b"\n"
JSON_EMPTY_FOOTER = RANGE_FOOTER  # "]}" on its own line: a part without records
JSON_FOOTER = b"\n" + JSON_EMPTY_FOOTER
HEAD_LIMIT = 1024 * 1024  # a header (namespaces, attributes) is never this long
BLOCK = 1024 * 1024  # copies and counts in small blocks: memory stays flat


@dataclass(frozen=True, slots=True)
class Frame:
    """A part file: its header bytes and where its records start and end."""

    path: Path
    head: bytes
    start: int
    end: int


FrameOf = Callable[[Path], "Frame | None"]  # a part's frame in one format, or None when it is not the writer's


def read_ends(path: Path, tail_size: int) -> tuple[bytes, bytes, int]:
    """The file's first ``HEAD_LIMIT`` bytes, its last ``tail_size`` bytes and its size."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(HEAD_LIMIT)
        handle.seek(max(0, size - tail_size))
        tail = handle.read()
    return head, tail, size


def xml_frame(path: Path) -> Frame | None:
    head, tail, size = read_ends(path, len(XML_FOOTER))
    match = ROOT_START.search(head)
    end = start_tag_end(head, match.start()) if match is not None else -1
    if end < 0 or tail != XML_FOOTER:
        return None
    return Frame(path, head[:end], end, size - len(XML_FOOTER))


def json_frame(path: Path) -> Frame | None:
    head, tail, size = read_ends(path, len(JSON_FOOTER))
    first = head.find(b"\n")
    if not head.startswith(JSON_FIRST) or first < 0 or head[first + 1:first + 1 + len(JSON_SECOND)] != JSON_SECOND:
        return None
    end = first + 1 + len(JSON_SECOND)
    if size == end + len(JSON_EMPTY_FOOTER) and tail.endswith(JSON_EMPTY_FOOTER):
        return Frame(path, head[:end], end, end)  # no records
    if tail != JSON_FOOTER or size < end + len(JSON_FOOTER):
        return None
    return Frame(path, head[:end], end, size - len(JSON_FOOTER))


# The frames found from bytes alone; the caller adds those that need their format (YAML).
FRAMES: dict[str, FrameOf] = {"iati-xml": xml_frame, "json": json_frame}


def _part_frame(path: Path, frame_of: FrameOf) -> Frame | None:
    try:
        return frame_of(path)
    except OSError:
        return None


def _copy(out: Any, frame: Frame) -> None:
    with frame.path.open("rb") as handle:
        handle.seek(frame.start)
        left = frame.end - frame.start
        while left > 0:
            block = handle.read(min(BLOCK, left))
            if not block:
                raise OSError(f"{frame.path}: shorter than when it was checked")
            out.write(block)
            left -= len(block)


def join(output: Path, parts: list[Path], target: str, frame_of: FrameOf) -> bool:
    """Write ``parts`` (in order, each written in ``target``, framed as ``frame_of`` finds) joined into
    ``output``, atomically; False (nothing written) when a part's frame is not the writer's or its
    header differs from the first part's."""
    frames: list[Frame] = []
    for path in parts:
        frame = _part_frame(path, frame_of)
        if frame is None or (frames and frame.head != frames[0].head):
            return False
        frames.append(frame)
    if not frames:
        return False
    with atomic_writer(output) as out:
        out.write(frames[0].head)
        if target == "json":
            bodies = [frame for frame in frames if frame.end > frame.start]
            for number, frame in enumerate(bodies):
                out.write(b",\n" if number else b"")
                _copy(out, frame)
            out.write(JSON_FOOTER if bodies else JSON_EMPTY_FOOTER)
        else:
            for frame in frames:
                _copy(out, frame)
            out.write(XML_FOOTER if target == "iati-xml" else b"")
    return True
