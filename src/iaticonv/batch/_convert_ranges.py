"""One very large file converted by several workers, a range of activities each.

Each worker converts its range (framed as a whole file: ``bigfile.ranges`` cuts IATI XML at activity start
tags, ``bigfile.json_ranges`` cuts the JSON record layout at activity lines) into a part file written by the
ordinary writer; the parent then joins the parts (``bigfile.join``): the header once, every part's
records in order, the closing once. Writers print each record on its own from the same header, so
the joined file is the one a single pass writes (tests compare the bytes). The readers' notes are
moved to the lines of the whole file, and a note about the header (which every range repeats) is
kept once. When anything is off (a range fails, a part does not have the writer's frame, a note
whose order a range could change) the parent converts the file whole, so errors are reported
exactly as a single pass reports them.

Sources: IATI XML and the JSON record layout. Targets: IATI XML, JSON and YAML (the formats whose
writers print one record after another).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..bigfile.join import FRAMES as BYTE_FRAMES
from ..bigfile.join import FrameOf, join
from ..bigfile.json_ranges import JSON_FOOTER, plan_json_cuts
from ..bigfile.ranges import ROOT_END, Cut, OnCut, framed, plan_cuts
from ..errors import IaticonvError
from ..formats import detect_format, format_info
from ..formats.base import ReadNote
from ..formats.convert import convert
from ..formats.iati_xml.exact_lines import in_header, moved
from ..formats.records.json_yaml import yaml_frame
from ._outcome import FileOutcome
from ._split import SPOOL_PREFIX

__all__ = ["ConvertChunk", "convert_chunk", "join_parts", "plan_convert_chunks", "read_notes"]

# How a range of each cuttable format (``FormatInfo.cuttable``) is found and framed as a file of its own:
# the planner of its cuts and the footer that closes a range.
CUTTERS = {"iati-xml": (plan_cuts, ROOT_END), "json": (plan_json_cuts, JSON_FOOTER)}
# How a part written in each joinable format (``FormatInfo.joinable``) is framed for joining: from its
# bytes alone (``bigfile.join``), or, for YAML, by the format that wrote it.
FRAMES: dict[str, FrameOf] = {**BYTE_FRAMES, "yaml": yaml_frame}
# A root child that is not an activity is noted when the next activity is read, or at the root's end:
# at a cut, a range notes it before the next range's notes, a single pass after. Order matters, so
# such a file is converted whole.
ORDER_SENSITIVE = frozenset({"read.not-an-activity"})
READ_NOTES = "read_notes"


@dataclass(frozen=True, slots=True)
class ConvertChunk(OnCut):
    """A range to convert into ``part`` (inside a private folder beside the output)."""

    cut: Cut
    part: str
    reader_options: dict[str, object]
    writer_options: dict[str, object]
    source_format: str = "iati-xml"
    target: str = "iati-xml"


def plan_convert_chunks(source: Path, output: Path, *, source_format: str | None, target: str, part_bytes: int,
                        reader_options: dict[str, object],
                        writer_options: dict[str, object]) -> list[ConvertChunk] | None:
    """Ranges for the conversion of a big file; None when it does not apply (formats, size, layout)."""
    try:
        source_name = source_format or detect_format(source).name
    except IaticonvError:
        return None
    source_info, target_info = format_info(source_name), format_info(target)
    if not source_info.cuttable or not target_info.joinable or target_info.whole_path:
        return None
    cuts = CUTTERS[source_name][0](source, part_bytes=part_bytes)
    if not cuts:
        return None
    output.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=output.parent))
    extension = format_info(target).extensions[0]
    return [ConvertChunk(cut, str(folder / f"part{cut.index:05d}{extension}"), reader_options, writer_options,
                         source_name, target) for cut in cuts]


def convert_chunk(chunk: ConvertChunk) -> FileOutcome:
    """Worker side: convert the framed range into its part file.

    The outcome's ``notes`` are the batch's one-line notes; ``extra["read_notes"]`` the readers'
    notes themselves, moved to the whole file (what a single conversion reports).
    """
    started = time.perf_counter()
    footer, suffix = CUTTERS[chunk.source_format][1], format_info(chunk.source_format).extensions[0]
    try:
        with framed(chunk.cut, footer=footer, suffix=suffix) as (path, _newlines):
            result = convert([path], Path(chunk.part), source=chunk.source_format, target=chunk.target,
                             overwrite=True, reader_options=dict(chunk.reader_options),
                             writer_options=dict(chunk.writer_options), durable=False)
    except IaticonvError as exc:  # not the file's own words: the parent redoes the file whole
        return FileOutcome(source=chunk.source, status="failed", reason=str(exc), cacheable=False)
    if any(note.code in ORDER_SENSITIVE for note in result.notes):
        return FileOutcome(source=chunk.source, status="failed", cacheable=False,
                           reason="a note whose place a range could change: converted whole")
    notes = [moved(note, chunk.cut) for note in result.notes
             if chunk.cut.index == 0 or not in_header(note, chunk.cut)]
    return FileOutcome(source=chunk.source, status="ok", activities=result.records, outputs=[chunk.part],
                       notes=[f"{n.activity or '?'}: {n.message} [{n.code}]" for n in notes], size=chunk.size,
                       seconds=time.perf_counter() - started, extra={READ_NOTES: notes})


def read_notes(parts: list[FileOutcome]) -> list[ReadNote]:
    """The readers' notes of a file's parts, in order (see ``convert_chunk``)."""
    ordered = sorted(parts, key=lambda part: part.outputs[0] if part.outputs else "")
    return [note for part in ordered for note in part.extra.get(READ_NOTES, [])]


def join_parts(output: Path, parts: list[FileOutcome], *, overwrite: bool, target: str = "iati-xml"
               ) -> FileOutcome | None:
    """Join the parts of one file into ``output`` (atomically); None when they cannot be joined.

    The caller removes the parts' private folder afterwards, joined or not.
    """
    if any(part.status != "ok" or not part.outputs for part in parts) or (output.exists() and not overwrite):
        return None  # the whole-file conversion then says what is wrong, in its own words
    parts = sorted(parts, key=lambda part: part.outputs[0])  # part00000.xml, part00001.xml…
    if not join(output, [Path(part.outputs[0]) for part in parts], target, FRAMES[target]):
        return None
    return FileOutcome(source=parts[0].source, status="ok", outputs=[str(output)],
                       activities=sum(p.activities for p in parts), notes=[n for p in parts for n in p.notes],
                       seconds=sum(p.seconds for p in parts), extra={READ_NOTES: read_notes(parts)})
