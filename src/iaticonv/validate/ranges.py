"""One activity file validated by ranges of activities: on several workers, or for exact lines.

The file is cut at ``<iati-activity`` start tags into a few ranges (about ``part_bytes`` each). A
worker copies its range into a temporary file framed by the file's own prologue and root start tag
(byte for byte, so the root-level checks and the header lines are the same) and the root's end tag,
and runs the ordinary walker on it. The parent then shifts lines and activity positions back to the
whole file and drops the repeats of file-level findings.

Ranges must not change the report, so ``assemble`` gives up whenever it could: when a range is not
well-formed (a cut inside a comment or CDATA, or a really broken file) or when the activities counted
when planning are not those the ranges held, it returns None and the caller validates the file
whole. An identifier used in two ranges is reported as a single pass reports it (1.1.2), from what
each range's walk noted of the first record of each identifier.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .._kinds import ACTIVITY
from ..bigfile.ranges import (
    MAX_LINES,
    Cut,
    OnCut,
    activities_before,
    count_lines,
    framed,
    lines_part_bytes,
    plan_cuts,
)
from ._collector import full_collections_deferred
from .catalogue import Catalogue, load_catalogue
from .context import Placement, ValidateOptions
from .findings import FILE_IDENTIFIER, Finding, truncate
from .layers.advisory import Link
from .report import FileReport, render_messages
from .walker import PiecesDeclined, WalkResult, walk_file

__all__ = ["Chunk", "ChunkResult", "assemble", "plan_chunks", "validate_chunk", "walk_exact"]

SYNTAX_RULE = "0.1.1"
DUPLICATE_RULE = "1.1.2"


@dataclass(frozen=True, slots=True)
class Chunk(OnCut):
    """A range to validate (what a worker receives)."""

    cut: Cut
    options: ValidateOptions
    before: int = -1  # activities before the range, counted when planning; -1: not counted


@dataclass(slots=True)
class ChunkResult:
    """A range's walk result (lines and positions still local) and the newlines its body holds."""

    chunk: Chunk
    result: WalkResult
    newlines: int
    moved: bool = False  # lines, positions and file already those of the whole file (see ``validate_chunk``)


def plan_chunks(path: Path, options: ValidateOptions, *, part_bytes: int) -> list[Chunk] | None:
    cuts = plan_cuts(path, part_bytes=part_bytes)
    if not cuts:
        return None
    return [Chunk(cut, options, before) for cut, before in zip(cuts, activities_before(cuts), strict=True)]


def validate_chunk(chunk: Chunk) -> ChunkResult:
    """Worker side: walk the framed range, its findings placed in the whole file.

    Lines shift by the range's newlines before it (exact), positions by the activities counted before
    it when planning, which ``assemble`` checks against what the ranges really held (a count thrown
    off by a comment makes it fall back to a whole-file walk). The records' findings are born placed
    (``Placement``); the few file-level ones (the root's checks) are moved here.
    """
    with full_collections_deferred():
        return _validate_chunk(chunk)


def _validate_chunk(chunk: Chunk) -> ChunkResult:
    if chunk.before < 0:
        with framed(chunk.cut) as (path, newlines):
            return ChunkResult(chunk, walk_file(path, chunk.options, sort=False), newlines)
    cut = chunk.cut
    placement = Placement(file=cut.source, header_line=cut.header_line, lines=cut.line_offset,
                          positions=chunk.before)
    with framed(cut) as (path, newlines):
        result = walk_file(path, chunk.options, placement, sort=False)

    def move(finding: Finding) -> Finding:
        if finding.file == cut.source:  # born placed (a record's finding)
            return finding
        return _shift(finding, file=cut.source, header_line=cut.header_line, lines=cut.line_offset,
                      positions=chunk.before)

    findings = render_messages([move(finding) for finding in result.report.findings], load_catalogue())
    links = [Link(link.target, move(link.finding)) for link in result.links]
    report = dataclasses.replace(result.report, findings=findings)
    return ChunkResult(chunk, WalkResult(report, result.identifiers, links, result.first_seen), newlines, moved=True)


RECORD_PREFIX = ACTIVITY.record_path + "["
_FILE, _LINE, _XPATH, _PARAMS, _MESSAGE = (getattr(Finding, name).__set__
                                           for name in ("file", "line", "xpath", "params", "message"))


def _shift(finding: Finding, *, file: str, header_line: int, lines: int, positions: int) -> Finding:
    """The finding moved from its range to the whole file, in place.

    A range's findings are its own walk's fresh objects that nothing else holds yet, so they are
    moved through the frozen dataclass's slot setters: rebuilding each one cost a third of a second
    per 20,000 findings (a big file has hundreds of thousands).
    """
    _FILE(finding, file)
    if finding.line is not None and finding.line >= header_line:
        _LINE(finding, finding.line + lines)
    xpath = finding.xpath
    if positions and xpath and xpath.startswith(RECORD_PREFIX):
        end = xpath.find("]", len(RECORD_PREFIX))
        digits = xpath[len(RECORD_PREFIX):end]
        if end > 0 and digits.isascii() and digits.isdigit():
            _XPATH(finding, f"{RECORD_PREFIX}{int(digits) + positions}{xpath[end:]}")
    first = finding.params.get("first_line")
    if isinstance(first, int) and first >= header_line:
        _PARAMS(finding, {**finding.params, "first_line": first + lines})
        _MESSAGE(finding, "")  # re-rendered with the whole-file line
    return finding


def assemble(path: Path, parts: list[ChunkResult], *, sort: bool = True) -> WalkResult | None:
    """The whole file's result from its ranges, or None when only a whole-file walk can be trusted.
    The ranges' findings come unsorted (``validate_chunk``); they are sorted here once, unless
    ``sort=False`` leaves that to a caller that adds more.

    An identifier first seen in an earlier range gets the 1.1.2 finding a single pass gives at its
    first record in this range (built from the range's ``first_seen``), and this range's own
    repeats of it point at the first line in the file, as in a single pass.
    """
    parts = sorted(parts, key=lambda part: part.chunk.index)
    if any(f.rule_id == SYNTAX_RULE for part in parts for f in part.result.report.findings):
        return None
    with path.open("rb") as handle:
        header_line = handle.read(parts[0].chunk.cut.header_end).count(b"\n") + 1
    catalogue = load_catalogue()
    file, lines, positions = str(path), 0, 0
    findings: list[Finding] = []
    links: list[Link] = []
    file_level: set[tuple[object, ...]] = set()
    first: dict[str, tuple[int, int]] = {}  # identifier → (line, position) in the whole file
    for part in parts:
        if part.moved and part.chunk.before != positions:
            return None  # the planned count of activities was off: positions cannot be trusted
        repeated: dict[str, int] = {}  # identifier first seen in an earlier range → its first line
        for identifier, (line, position) in part.result.first_seen.items():
            whole = (part.chunk.cut.file_line(line) if part.moved
                     else line + lines if line >= header_line else line, position + positions)
            if identifier in first:
                repeated[identifier] = first[identifier][0]
                findings.append(_duplicate(catalogue, file, identifier, whole, repeated[identifier]))
            else:
                first[identifier] = whole
        for finding in part.result.report.findings:
            moved = finding if part.moved else _shift(finding, file=file, header_line=header_line, lines=lines,
                                                      positions=positions)
            if moved.identifier == FILE_IDENTIFIER:
                key = (moved.rule_id, moved.line, moved.xpath, moved.value, moved.message)
                if key in file_level:
                    continue
                file_level.add(key)
            if moved.rule_id == DUPLICATE_RULE and moved.identifier in repeated:
                moved = dataclasses.replace(moved, message="",
                                            params={**moved.params, "first_line": repeated[moved.identifier]})
            findings.append(moved)
        links += part.result.links if part.moved else [
            Link(link.target, _shift(link.finding, file=file, header_line=header_line, lines=lines,
                                     positions=positions)) for link in part.result.links]
        lines += part.newlines
        positions += part.result.report.activities
    findings = render_messages(findings, catalogue)  # only those without a message yet
    first_report = parts[0].result.report
    report = FileReport(path=file, file_type=first_report.file_type, iati_version=first_report.iati_version,
                        activities=positions, seconds=sum(part.result.report.seconds for part in parts),
                        findings=sorted(findings, key=Finding.sort_key) if sort else findings)
    return WalkResult(report, set(first), links, first)


def _duplicate(catalogue: Catalogue, file: str, identifier: str, where: tuple[int, int], first_line: int) -> Finding:
    """The 1.1.2 finding a single pass gives at a record whose identifier an earlier range had."""
    info = catalogue[DUPLICATE_RULE]
    line, position = where
    return Finding(rule_id=DUPLICATE_RULE, severity=info.severity, category=info.category, file=file, line=line,
                   xpath=f"{RECORD_PREFIX}{position}]/{ACTIVITY.identifier_tag}[1]", identifier=identifier,
                   value=truncate(identifier), params={"first_line": first_line})


def walk_exact(path: Path, options: ValidateOptions, *, sort: bool = True) -> WalkResult:
    """``walk_file``, with exact line numbers on a file longer than libxml2 counts exactly.

    libxml2 keeps an element's line in 16 bits: past line 65,535 a one-pass walk can only borrow a
    neighbour's line (often one more) or give 65535. A big file is walked by pieces when it can be
    (``_pieces``: exact lines in one pass). Else a file of more than ``MAX_LINES`` lines is walked
    here by ranges of fewer lines, one after another, which gives the same findings with exact
    lines; when the ranges cannot stand for the file (``assemble``), it is walked whole.
    ``sort`` as for ``walk_file``.
    """
    with full_collections_deferred():
        return _walk_exact(path, options, sort=sort)


def _walk_exact(path: Path, options: ValidateOptions, *, sort: bool) -> WalkResult:
    try:
        size = path.stat().st_size
    except OSError:
        return walk_file(path, options, sort=sort)  # the walk reports an unreadable file
    big = size >= 2 * MAX_LINES
    if big:  # by pieces if it can: exact lines in one pass (``_pieces``)
        with contextlib.suppress(PiecesDeclined):
            return walk_file(path, options, sort=sort, pieces="only")
    try:
        lines = count_lines(path) if big else 0
    except OSError:
        lines = 0  # the walk reports an unreadable file
    if lines > MAX_LINES:
        cuts = plan_cuts(path, part_bytes=lines_part_bytes(size, lines))
        if cuts:
            result = assemble(path, list(_in_turn(cuts, options)), sort=sort)
            if result is not None:
                return result
    return walk_file(path, options, sort=sort, pieces="no" if big else "try")


def _in_turn(cuts: list[Cut], options: ValidateOptions) -> Iterator[ChunkResult]:
    """Each range walked after the one before it, its records' positions counted on from what the
    earlier ranges held: exact, and no pass over the file to count start tags (``plan_chunks`` counts
    them for ranges that run at the same time, on workers)."""
    before = 0
    for cut in cuts:
        part = validate_chunk(Chunk(cut, options, before))
        before += part.result.report.activities
        yield part
