"""A big IATI file cut at its record start tags into pieces, each framed as a document of its own.

    file header (prologue and root start tag, byte for byte) + the piece's bytes + root end tag

The validator parses and checks the pieces in a helper thread while it checks the pieces before
(``validate._pieces``); this module only plans the cut and frames a piece, from the file's bytes.
The first piece starts right after the root start tag, the last one runs to the end of the file (its
own root end tag and whatever follows it). A piece's lines start again after the header; each piece
knows the newlines before it (``Piece.newlines``), so its records' findings can be placed on the
file's lines. libxml2 counts lines in 16 bits, but a piece is short: so a file of any length gets
exact lines in one pass.

This is a shortcut, never a second opinion: ``plan`` declines any file it cannot cut safely (a DOCTYPE
or CDATA before the root, no record start tag, a piece longer than libxml2 counts, or of more than
``PIECE_LIMIT`` bytes), and the caller checks that each parsed piece holds exactly the records it
expects. A cut inside a comment or a CDATA section breaks the pieces on both sides of it, so it is
always caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .ranges import start_tag_end

__all__ = ["LINE_LIMIT", "MIN_BYTES", "PIECE_LIMIT", "Piece", "Plan", "frame", "plan"]

# Below this size a file is walked with iterparse: a thread's set-up costs more than it saves.
MIN_BYTES = 256 * 1024
BLOCK = 1024 * 1024  # the file is scanned in blocks: memory stays flat
HEAD_LIMIT = 1024 * 1024  # the root start tag must end within this many bytes
# libxml2 keeps a node's line in 16 bits: a piece with more lines is left to iterparse (by ranges)
LINE_LIMIT = 65_535
# A piece this big means records of megabytes each: iterparse holds one record at a time, a piece
# all of them (and libxml2 parses at most 2 GB from memory)
PIECE_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Piece:
    """Bytes [start, end) of the file, holding ``records`` record start tags, after ``newlines``
    newlines counted from the end of the root start tag."""

    start: int
    end: int
    newlines: int
    records: int


@dataclass(frozen=True, slots=True)
class Plan:
    """How a file is cut: its header (up to the end of the root start tag), its pieces, and the root
    end tag that closes every piece but the last."""

    path: Path
    header: bytes
    pieces: list[Piece]
    footer: bytes

    @property
    def header_line(self) -> int:
        """The line where the header ends and a piece's body begins."""
        return self.header.count(b"\n") + 1


def _header(path: Path, root_tag: str) -> bytes | None:
    """The file's bytes up to the end of its root start tag, or None when a DOCTYPE comes first (its
    checks belong to iterparse) or the start tag is not plainly there."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_LIMIT)
    found = re.search(rb"<" + re.escape(root_tag.encode()) + rb"[\s>/]", head)
    if found is None or b"<!" in head[: found.start()].replace(b"<!--", b""):  # a DOCTYPE or a CDATA
        return None
    end = start_tag_end(head, found.start())
    if end < 0 or head[end - 2:end] == b"/>":
        return None
    return head[:end]


def plan(path: Path, root_tag: str, record_tag: str, per_piece: int) -> Plan | None:
    """The file cut into pieces of ``per_piece`` records, or None when it is small, has fewer than two
    pieces, or cannot be cut safely (see the module docstring)."""
    try:
        if path.stat().st_size < MIN_BYTES:
            return None
        header = _header(path, root_tag)
        if header is None:
            return None
        pieces = _pieces(path, len(header), record_tag, per_piece, header.count(b"\n"))
    except OSError:
        return None  # the walk reports it
    if pieces is None or len(pieces) < 2:
        return None
    return Plan(path, header, pieces, b"</" + root_tag.encode() + b">")


def _pieces(path: Path, begin: int, record_tag: str, per_piece: int, header_newlines: int) -> list[Piece] | None:
    """Scan the file after its header for record start tags, in blocks, counting newlines as it goes."""
    pattern = re.compile(rb"<" + re.escape(record_tag.encode()) + rb"[\s>/]")
    keep = len(record_tag) + 2  # a start tag's bytes as the pattern reads them
    starts: list[int] = [begin]  # the first piece also holds what comes before its first record
    newlines: list[int] = [0]
    records: list[int] = [0]
    lines = 0  # newlines in [begin, counted)
    counted = base = begin
    carry = b""
    with path.open("rb") as handle:
        handle.seek(begin)
        while True:
            block = handle.read(BLOCK)
            text = carry + block
            last = not block
            limit = len(text) if last else len(text) - keep + 1  # matches starting here or later wait
            for found in pattern.finditer(text, 0, len(text)):
                at = found.start()
                if at >= limit:
                    break
                if records[-1] == per_piece:
                    lines += text.count(b"\n", counted - base, at)
                    counted = base + at
                    starts.append(counted)
                    newlines.append(lines)
                    records.append(0)
                records[-1] += 1
            lines += text.count(b"\n", counted - base, limit)
            counted = base + limit
            if last:
                break
            carry = text[limit:]
            base = counted
    if records[0] == 0:
        return None
    inside = [after - before for before, after in zip(newlines, [*newlines[1:], lines], strict=True)]
    if header_newlines + max(inside) + 1 >= LINE_LIMIT:
        return None
    ends = [*starts[1:], counted]
    if max(end - start for start, end in zip(starts, ends, strict=True)) + begin > PIECE_LIMIT:
        return None
    return [Piece(start, end, before, count)
            for start, end, before, count in zip(starts, ends, newlines, records, strict=True)]


def frame(cut: Plan, index: int, handle: BinaryIO) -> bytes:
    """Piece ``index`` framed as a document of its own, read from ``handle`` (the file, open)."""
    piece = cut.pieces[index]
    handle.seek(piece.start)
    body = handle.read(piece.end - piece.start)
    footer = cut.footer if index < len(cut.pieces) - 1 else b""
    return b"".join((cut.header, body, footer))
