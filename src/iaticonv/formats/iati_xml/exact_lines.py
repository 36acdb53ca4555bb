"""Exact lines for the notes of an IATI XML reader on a file longer than libxml2 counts exactly.

libxml2 keeps an element's line in 16 bits: past line 65,535 lxml can only borrow a neighbouring text
node's line (often one more) or give 65535, so a one-pass read would name wrong lines in its notes
(a stray root child, an upgrade that could not carry a result over). When a note names such a line,
the file is read again by ranges of fewer than ``MAX_LINES`` lines, each framed as a file of its own
(``bigfile.ranges``), whose lines are exact and map back to the whole file. The second read must give the same
notes but for their lines, or the first read's notes stand: it can only correct lines, never change
what is said. Ranges are also how ``convert --jobs`` reads a big file, so the moving of notes from a
range to the whole file is shared with it (``batch._convert_ranges``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

from ...bigfile.ranges import MAX_LINES, Cut, count_lines, framed, lines_part_bytes, plan_cuts
from ...errors import IaticonvError
from ..base import ReadNote

__all__ = ["HEADER_NOTES", "exact_notes", "in_header", "moved"]

LINE = re.compile(r"(\bline )(\d+)")
HEADER_NOTES = frozenset({"read.no-version"})  # what readers say about the root, which every range repeats
EXACT_BELOW = 65_535  # libxml2's lines are exact below this


def moved(note: ReadNote, cut: Cut) -> ReadNote:
    """A reader's note names the framed range and its lines ("(line 54)"): name the whole file's."""
    message = LINE.sub(lambda m: f"{m[1]}{cut.file_line(int(m[2]))}", note.message)
    line = cut.file_line(note.line) if note.line is not None else None
    return dataclasses.replace(note, message=message, line=line, file=cut.source if note.file else note.file)


def in_header(note: ReadNote, cut: Cut) -> bool:
    """A note about the header (the root's missing version…): every range repeats it; the first keeps it.

    The root start tag's line is also where a range's body begins once framed, so notes on it are
    told apart by code.
    """
    return note.code in HEADER_NOTES or (note.line is not None and note.line < cut.header_line)


def _doubtful(note: ReadNote) -> bool:
    lines = [int(m[2]) for m in LINE.finditer(note.message)]
    if note.line is not None:
        lines.append(note.line)
    return any(line >= EXACT_BELOW for line in lines)


def _said(note: ReadNote) -> ReadNote:
    """The note without its lines: what the two reads must agree on."""
    return dataclasses.replace(note, line=None, message=LINE.sub(lambda m: f"{m[1]}?", note.message))


def exact_notes(path: Path, notes: list[ReadNote], read_notes: Callable[[Path], list[ReadNote]]) -> list[ReadNote]:
    """``notes`` of a one-pass read of ``path``, with exact lines where libxml2's may be wrong.

    ``read_notes`` reads a framed range the way the first read did and returns its notes.
    """
    if not any(_doubtful(note) for note in notes):
        return notes
    try:
        size = path.stat().st_size
        lines = count_lines(path)
        cuts = plan_cuts(path, part_bytes=lines_part_bytes(size, lines)) if lines > MAX_LINES else None
        if not cuts:
            return notes
        again: list[ReadNote] = []
        for cut in cuts:
            with framed(cut) as (range_path, _newlines):
                again.extend(moved(note, cut) for note in read_notes(range_path)
                             if cut.index == 0 or not in_header(note, cut))
    except (OSError, IaticonvError):
        return notes
    if [_said(note) for note in again] != [_said(note) for note in notes]:
        return notes  # the ranges do not say the same (a note whose place a cut changes): keep the first read
    return again
