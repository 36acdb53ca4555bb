"""One very large activity file validated by several workers, each taking a range of activities.

The file is cut at ``<iati-activity`` start tags into a few ranges (about ``part_bytes`` each). A
worker copies its range into a temporary file framed by the file's own prologue and root start tag
(byte for byte, so the root-level checks and the header lines are the same) and the root's end tag,
and runs the ordinary walker on it. The parent then shifts lines and activity positions back to the
whole file and drops the repeats of file-level findings.

This is an optimisation that must not change the report, so it gives up whenever it could: when a
range is not well-formed (a cut inside a comment or CDATA, or a really broken file) or when one
identifier occurs in two ranges (the duplicate check 1.1.2 works within one pass), ``assemble``
returns None and the caller validates the file whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import mmap
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._xml import iterparse
from ..validate.catalogue import load_catalogue
from ..validate.context import ValidateOptions
from ..validate.findings import FILE_IDENTIFIER, Finding
from ..validate.layers.advisory import Link
from ..validate.report import FileReport, render_messages
from ..validate.walker import WalkResult, walk_file

__all__ = [
    "ROOT_START",
    "Chunk",
    "ChunkResult",
    "Cut",
    "assemble",
    "balanced_part",
    "framed",
    "newlines_before",
    "plan_chunks",
    "plan_cuts",
    "start_tag_end",
    "validate_chunk",
]

ROOT_START = re.compile(rb"<iati-activities[\s>/]")
RECORD_START = re.compile(rb"<iati-activity[\s>/]")
RECORD_XPATH = re.compile(r"^/iati-activities/iati-activity\[(\d+)\]")
BLOCK = 16 * 1024 * 1024
SEARCH_WINDOW = 32 * 1024 * 1024  # no real activity is this long; past it the file gets fewer parts
SYNTAX_RULE = "0.1.1"


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

    @property
    def size(self) -> int:
        return self.end - self.start

    def file_line(self, line: int) -> int:
        """A line of the framed range as a line of the whole file."""
        return line + self.line_offset if line >= self.header_line else line


@dataclass(frozen=True, slots=True)
class Chunk:
    """A range to validate (what a worker receives)."""

    cut: Cut
    options: ValidateOptions

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


@dataclass(slots=True)
class ChunkResult:
    """A range's walk result (lines and positions still local) and the newlines its body holds."""

    chunk: Chunk
    result: WalkResult
    newlines: int


def _root_line(path: Path) -> int | None:
    for _event, element in iterparse(path, events=("start",)):
        line = element.sourceline
        return line if element.tag == "iati-activities" and isinstance(line, int) else None
    return None


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
    count = len(cuts) - 1
    offsets = newlines_before(path, cuts)
    return [Cut(str(path), i, count, header_end, cuts[i], cuts[i + 1], offsets[0] + 1, offsets[i] - offsets[0])
            for i in range(count)]


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


def plan_chunks(path: Path, options: ValidateOptions, *, part_bytes: int) -> list[Chunk] | None:
    cuts = plan_cuts(path, part_bytes=part_bytes)
    return [Chunk(cut, options) for cut in cuts] if cuts else None


@contextlib.contextmanager
def framed(cut: Cut, *, footer: bytes = b"</iati-activities>", suffix: str = ".xml") -> Iterator[tuple[Path, int]]:
    """A temporary file holding the range framed as a whole file, and the body's newlines.

    The header is copied from the file itself; ``footer`` closes every range but the last (which
    keeps the file's own end): the root's end tag for IATI XML, ``]}`` for the JSON record layout.
    It sits in the system temporary folder (``TMPDIR``) and is removed on exit, error or not.
    """
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
                newlines += block.count(b"\n")
                out.write(block)
                left -= len(block)
            if cut.index < cut.count - 1:
                out.write(footer)
        yield Path(name), newlines
    finally:
        with contextlib.suppress(OSError):
            Path(name).unlink()


def validate_chunk(chunk: Chunk) -> ChunkResult:
    """Worker side: walk the framed range."""
    with framed(chunk.cut) as (path, newlines):
        result = walk_file(path, chunk.options)
    return ChunkResult(chunk, result, newlines)


FINDING_FIELDS = tuple(field.name for field in dataclasses.fields(Finding))


def _shift(finding: Finding, *, file: str, header_line: int, lines: int, positions: int) -> Finding:
    """The finding moved from its range to the whole file (built directly: ``dataclasses.replace``
    costs ten times more, and a big file has a million findings)."""
    changes: dict[str, Any] = {"file": file}
    if finding.line is not None and finding.line >= header_line:
        changes["line"] = finding.line + lines
    if finding.xpath and positions:
        changes["xpath"] = RECORD_XPATH.sub(lambda m: f"/iati-activities/iati-activity[{int(m[1]) + positions}]",
                                            finding.xpath, count=1)
    first = finding.params.get("first_line")
    if isinstance(first, int) and first >= header_line:
        changes["params"] = {**finding.params, "first_line": first + lines}
        changes["message"] = ""  # re-rendered with the whole-file line
    values = {name: getattr(finding, name) for name in FINDING_FIELDS}
    values.update(changes)
    return Finding(**values)


def assemble(path: Path, parts: list[ChunkResult]) -> WalkResult | None:
    """The whole file's result from its ranges, or None when only a whole-file walk can be trusted."""
    parts = sorted(parts, key=lambda part: part.chunk.index)
    seen_ids: set[str] = set()
    for part in parts:
        if any(f.rule_id == SYNTAX_RULE for f in part.result.report.findings) or seen_ids & part.result.identifiers:
            return None
        seen_ids |= part.result.identifiers
    with path.open("rb") as handle:
        header_line = handle.read(parts[0].chunk.cut.header_end).count(b"\n") + 1
    file, lines, positions = str(path), 0, 0
    findings: list[Finding] = []
    links: list[Link] = []
    file_level: set[tuple[object, ...]] = set()
    for part in parts:
        for finding in part.result.report.findings:
            moved = _shift(finding, file=file, header_line=header_line, lines=lines, positions=positions)
            if moved.identifier == FILE_IDENTIFIER:
                key = (moved.rule_id, moved.line, moved.xpath, moved.value, moved.message)
                if key in file_level:
                    continue
                file_level.add(key)
            findings.append(moved)
        links += [Link(link.target, _shift(link.finding, file=file, header_line=header_line, lines=lines,
                                           positions=positions)) for link in part.result.links]
        lines += part.newlines
        positions += part.result.report.activities
    first = parts[0].result.report
    report = FileReport(path=file, file_type=first.file_type, iati_version=first.iati_version, activities=positions,
                        seconds=sum(part.result.report.seconds for part in parts),
                        findings=sorted(render_messages(findings, load_catalogue()), key=Finding.sort_key))
    return WalkResult(report, seen_ids, links)
