"""One very large IATI XML file converted to IATI XML by several workers, a range of activities each.

This is what upgrading a big 2.01 file to 2.03 needs. Each worker converts its range (framed as a
whole file, see ``ranges``) into a part file written by the ordinary IATI XML writer; the parent then
joins the parts: the first part's prologue and root start tag, every part's activities in order, the
end tag. The writer prints each activity on its own from the same header, so the joined file is the
one a single pass writes (a test compares the bytes). When anything is off (a range fails, a part
does not have the expected frame) the parent converts the file whole, so errors are reported exactly
as a single pass reports them. Only IATI XML to IATI XML: other writers frame records differently.
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .._io import atomic_writer
from ..errors import IaticonvError
from ..formats import detect_format
from ..formats.convert import convert
from .outcome import FileOutcome
from .ranges import ROOT_START, Cut, framed, plan_cuts, start_tag_end
from .split import SPOOL_PREFIX

__all__ = ["ConvertChunk", "join_parts", "plan_convert_chunks"]

FOOTER = b"\n</iati-activities>\n"
BLOCK = 16 * 1024 * 1024
LINE = re.compile(r"(\bline )(\d+)")


@dataclass(frozen=True, slots=True)
class ConvertChunk:
    """A range to convert into ``part`` (inside a private folder beside the output)."""

    cut: Cut
    part: str
    reader_options: dict[str, object]
    writer_options: dict[str, object]

    @property
    def source(self) -> str:
        return self.cut.source

    @property
    def size(self) -> int:
        return self.cut.size


def plan_convert_chunks(source: Path, output: Path, *, source_format: str | None, target: str, part_bytes: int,
                        reader_options: dict[str, object],
                        writer_options: dict[str, object]) -> list[ConvertChunk] | None:
    """Ranges for an IATI XML → IATI XML conversion of a big file; None when it does not apply."""
    if target != "iati-xml" or (source_format or detect_format(source).name) != "iati-xml":
        return None
    cuts = plan_cuts(source, part_bytes=part_bytes)
    if not cuts:
        return None
    output.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=output.parent))
    return [ConvertChunk(cut, str(folder / f"part{cut.index:05d}.xml"), reader_options, writer_options)
            for cut in cuts]


def convert_chunk(chunk: ConvertChunk) -> FileOutcome:
    """Worker side: convert the framed range into its part file."""
    started = time.perf_counter()
    try:
        with framed(chunk.cut) as (path, _newlines):
            result = convert([path], Path(chunk.part), source="iati-xml", target="iati-xml", overwrite=True,
                             reader_options=dict(chunk.reader_options), writer_options=dict(chunk.writer_options))
    except IaticonvError as exc:  # not the file's own words: the parent redoes the file whole
        return FileOutcome(source=chunk.source, status="failed", reason=str(exc), cacheable=False)
    notes = [f"{n.activity or '?'}: {_lines(n.message, chunk.cut)} [{n.code}]" for n in result.notes]
    return FileOutcome(source=chunk.source, status="ok", activities=result.records, outputs=[chunk.part],
                       notes=notes, size=chunk.size, seconds=time.perf_counter() - started)


def _lines(message: str, cut: Cut) -> str:
    """A reader's note names lines of the framed range ("(line 54)"): name those of the whole file."""
    return LINE.sub(lambda m: f"{m[1]}{cut.file_line(int(m[2]))}", message)


def _body(part: Path, prefix: bytes | None) -> tuple[bytes, int, int] | None:
    """(prefix, start, end) of a part's activities, or None when its frame is not the writer's."""
    with part.open("rb") as handle:
        head = handle.read(1024 * 1024)
        handle.seek(max(0, part.stat().st_size - len(FOOTER)))
        tail = handle.read()
    match = ROOT_START.search(head)
    end = start_tag_end(head, match.start()) if match is not None else -1
    if end < 0 or tail != FOOTER or (prefix is not None and head[:end] != prefix):
        return None
    return head[:end], end, part.stat().st_size - len(FOOTER)


def join_parts(output: Path, parts: list[FileOutcome], *, overwrite: bool) -> FileOutcome | None:
    """Join the parts of one file into ``output`` (atomically); None when they cannot be joined.

    The caller removes the parts' private folder afterwards, joined or not.
    """
    if any(part.status != "ok" for part in parts) or (output.exists() and not overwrite):
        return None  # the whole-file conversion then says what is wrong, in its own words
    parts = sorted(parts, key=lambda part: part.outputs[0])  # part00000.xml, part00001.xml…
    frames: list[tuple[Path, int, int]] = []
    prefix: bytes | None = None
    for part in parts:
        frame = _body(Path(part.outputs[0]), prefix)
        if frame is None:
            return None
        prefix = frame[0]
        frames.append((Path(part.outputs[0]), frame[1], frame[2]))
    assert prefix is not None
    with atomic_writer(output) as out:
        out.write(prefix)
        for path, start, end in frames:
            with path.open("rb") as handle:
                handle.seek(start)
                left = end - start
                while left > 0:
                    block = handle.read(min(BLOCK, left))
                    out.write(block)
                    left -= len(block)
        out.write(FOOTER)
    return FileOutcome(source=parts[0].source, status="ok", outputs=[str(output)],
                       activities=sum(p.activities for p in parts), notes=[n for p in parts for n in p.notes],
                       seconds=sum(p.seconds for p in parts))
