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

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..validate.catalogue import load_catalogue
from ..validate.context import ValidateOptions
from ..validate.findings import FILE_IDENTIFIER, Finding
from ..validate.layers.advisory import Link
from ..validate.report import FileReport, render_messages
from ..validate.walker import WalkResult, walk_file
from .cuts import ROOT_START, Cut, balanced_part, framed, newlines_before, plan_cuts, start_tag_end

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

RECORD_XPATH = re.compile(r"^/iati-activities/iati-activity\[(\d+)\]")
SYNTAX_RULE = "0.1.1"


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


def plan_chunks(path: Path, options: ValidateOptions, *, part_bytes: int) -> list[Chunk] | None:
    cuts = plan_cuts(path, part_bytes=part_bytes)
    return [Chunk(cut, options) for cut in cuts] if cuts else None


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
