"""The activity walker: one streaming pass over a file, record by record, through every layer.

A big plain file is read in pieces of ``CHUNK_SIZE`` records that a helper thread parses and checks
against the XSD while the main thread checks the pieces before (``_pieces``); each piece is a chunk.
Any other file is read with ``lxml.etree.iterparse``, which yields each ``iati-activity`` (or
``iati-organisation``) when its end tag is read; the walker moves it out of the parse tree into a
small container (a chunk), checked against the XSD record by record. The other layers run over the
whole chunk, which is then let go. Only whole records are ever checked (the parser may already be
building the next one under the root), and memory stays flat whatever the file size. The root's
own XSD check runs at the end on what is left of the root, with one stand-in record. Findings for
problems of the file (not of one record) carry the identifier ``"file"``, as in the official report.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from lxml import etree

from .._kinds import KindName, RecordKind, by_name, by_record, by_root
from .._xml import iterparse, parse_file, root_start
from ..bigfile import pieces as cutting
from . import _pieces as pieces
from ._locate import locate_all, source_line, to_finding
from .catalogue import Catalogue, load_catalogue
from .context import Chunk, Hit, Placement, RecordContext, ValidateOptions
from .findings import FILE_IDENTIFIER, Finding, truncate
from .layers import CHUNK_LAYERS, advisory, codelists, extra, schema
from .report import FileReport, render_messages
from .ruleinfo import VERSIONS

__all__ = ["PiecesDeclined", "WalkResult", "walk_file"]

REGISTRY_RECORD = "registry-record"
NO_IDENTIFIER = "noIdentifier"
UPGRADE_HINT = "Convert it with: iaticonv upgrade FILE (2.03)."
FALLBACK_VERSION = VERSIONS[-1]
# Records checked together: big enough that per-call XPath costs vanish, small enough for flat memory.
CHUNK_SIZE = 32
# Big files are parsed piece by piece in a helper thread (``_pieces``); tests turn it off to compare.
USE_PIECES = True
XML_SPACE = " \t\r\n"


@dataclass(slots=True)
class WalkResult:
    """A file's report plus what the batch needs afterwards: its identifiers and unresolved links."""

    report: FileReport
    identifiers: set[str] = field(default_factory=set)
    links: list[advisory.Link] = field(default_factory=list)
    # identifier → (line, record position) of its first record: a walk by ranges reports the
    # duplicates between ranges from it (``ranges.assemble``)
    first_seen: dict[str, tuple[int, int]] = field(default_factory=dict)


def _file_finding(
    catalogue: Catalogue, rule_id: str, file: str, *, line: int | None = None, xpath: str | None = None,
    value: str | None = None, column: int | None = None, **params: Any,
) -> Finding:
    info = catalogue[rule_id]
    return Finding(
        rule_id=rule_id, severity=info.severity, category=info.category, file=file, line=line,
        column=column, xpath=xpath, identifier=FILE_IDENTIFIER, value=truncate(value), params=params,
    )


def _file_hits(hits: Iterable[Hit], catalogue: Catalogue, file: str, root: str) -> list[Finding]:
    found: list[Finding] = []
    for hit in hits:
        xpath = hit.relpath or (f"/{root}" + (f"/@{hit.attribute}" if hit.attribute else ""))
        line = hit.line or (source_line(hit.node) if hit.node is not None else None)
        found.append(_file_finding(catalogue, hit.rule_id, file, line=line, xpath=xpath, value=hit.value,
                                   column=hit.column, **hit.params))
    return found


def _version(root: etree._Element, catalogue: Catalogue, file: str, out: list[Finding]) -> str | None:
    """The version to check with, or None when the file must stop at 0.6.1 (1.0x)."""
    declared = root.get("version")
    if declared in VERSIONS:
        return declared
    shown = repr(declared) if declared is not None else "(none declared)"
    legacy = declared is not None and declared.strip().startswith("1.")
    hint = UPGRADE_HINT if legacy else f"Checked against the {FALLBACK_VERSION} rules so other problems show too."
    out.append(_file_finding(catalogue, "0.6.1", file, line=source_line(root), xpath=f"/{root.tag}/@version",
                             value=declared, version=shown, hint=hint))
    return None if legacy else FALLBACK_VERSION


ByPieces = Literal["try", "only", "no"]


class PiecesDeclined(Exception):
    """``walk_file(..., pieces="only")`` on a file that cannot be walked by pieces (``_pieces``)."""


def walk_file(path: Path, options: ValidateOptions, placement: Placement | None = None, *,
              sort: bool = True, pieces: ByPieces = "try") -> WalkResult:
    """Validate one file; bad data becomes findings, never exceptions. With a ``placement`` (a range of
    a bigger file, framed as a file), its records' findings carry the whole file's name, lines and
    positions; the file-level ones are moved by the caller. ``sort=False`` leaves the findings in the
    order the layers made them, for a caller that adds more and sorts once (a big file has hundreds of
    thousands: each sort costs a key per finding). ``_pieces``: walk an IATI file's records by pieces
    when it can (``_pieces``), and else with iterparse ("try"); or raise ``PiecesDeclined`` instead of
    using iterparse ("only": ``ranges.walk_exact`` then walks it by ranges); or never ("no")."""
    started = time.perf_counter()
    catalogue = load_catalogue()
    result = WalkResult(FileReport(path=str(path)))
    try:
        _walk(path, options, catalogue, result, placement, pieces)
    except _Stopped:
        result.report.stopped = True
    except OSError as exc:
        result.report.findings.append(
            _file_finding(catalogue, "2000.0.1", str(path), detail=exc.strerror or str(exc))
        )
    result.report.findings = render_messages(result.report.findings, catalogue)
    if sort:
        result.report.findings.sort(key=Finding.sort_key)
    result.report.seconds = time.perf_counter() - started
    return result


def _syntax(exc: etree.XMLSyntaxError, catalogue: Catalogue, file: str) -> Finding:
    line, column = (exc.position if exc.position else (exc.lineno, None))
    return _file_finding(catalogue, "0.1.1", file, line=line or None, column=column or None,
                         detail=f"{exc.msg} (at line {line})")


def _walk(path: Path, options: ValidateOptions, catalogue: Catalogue, result: WalkResult,
          placement: Placement | None, by_pieces: ByPieces) -> None:
    file, report = str(path), result.report
    if path.is_dir():
        raise IsADirectoryError(21, "is a directory", file)
    try:
        head = root_start(path)
    except etree.XMLSyntaxError as exc:
        report.findings.append(_syntax(exc, catalogue, file))
        return
    tag = etree.QName(head).localname
    if tag == REGISTRY_RECORD:
        _whole_registry_record(path, catalogue, result)
        return
    bare, kind = by_record(tag), by_root(tag)
    if bare is not None and etree.QName(head).namespace is None:
        _bare_record(path, bare, options, catalogue, result)
        return
    if kind is None or etree.QName(head).namespace is not None:
        report.findings.append(_file_finding(catalogue, "0.2.1", file, line=source_line(head),
                                             xpath=f"/{tag}", root=head.tag))  # {namespace}name if any
        return
    report.file_type = tag
    version = _version(head, catalogue, file, report.findings)
    report.iati_version = head.get("version")
    if version is None:
        return
    try:
        _stream(path, kind, version, options, catalogue, result, placement, by_pieces)
    except etree.XMLSyntaxError as exc:
        report.findings.append(_syntax(exc, catalogue, file))


def _whole_registry_record(path: Path, catalogue: Catalogue, result: WalkResult) -> None:
    """Registry records are one small element: validated whole against the registry-record XSD."""
    result.report.file_type = REGISTRY_RECORD
    try:
        root = parse_file(path).getroot()
    except etree.XMLSyntaxError as exc:
        result.report.findings.append(_syntax(exc, catalogue, str(path)))
        return
    result.report.findings += _file_hits(schema.check_whole(root, REGISTRY_RECORD), catalogue, str(path),
                                         REGISTRY_RECORD)


def _bare_record(path: Path, kind: RecordKind, options: ValidateOptions, catalogue: Catalogue,
                 result: WalkResult) -> None:
    """A lone ``iati-activity``/``iati-organisation`` root: not an IATI file (0.2.1), but still checked
    as one record, so the publisher sees every other problem before wrapping it in its root."""
    report, file = result.report, str(path)
    try:
        element = parse_file(path).getroot()
    except etree.XMLSyntaxError as exc:
        report.findings.append(_syntax(exc, catalogue, file))
        return
    tag = kind.record_tag
    report.findings.append(_file_finding(catalogue, "0.2.1", file, line=source_line(element), xpath=f"/{tag}",
                                         root=tag))
    version = element.get("version") if element.get("version") in VERSIONS else FALLBACK_VERSION
    ctx = RecordContext(element=element, kind=kind.name, position=1,
                        identifier=_identifier(element, kind.identifier_tag), version=str(version), file=file,
                        options=options, base=f"/{tag}")
    container = etree.Element(kind.root_tag)
    container.append(element)
    _check_chunk(Chunk(root=container, records=[ctx], kind=kind.name, version=str(version), options=options,
                       record_step=tag), catalogue, result, {})
    report.activities = 1


def _identifier(element: etree._Element, child: str) -> str:
    found = element.find(child)
    text = (found.text or "").strip() if found is not None else ""
    return text or NO_IDENTIFIER


def _check_chunk(chunk: Chunk, catalogue: Catalogue, result: WalkResult,
                 first_seen: dict[str, tuple[int, int]], *, schema_errors: schema.Placed | None = None) -> None:
    """Every layer on one chunk, once for the whole chunk, and the duplicate identifiers and the
    links. ``schema_errors``: the chunk's XSD errors, placed in its records by the helper thread that
    parsed it (``_pieces``); without them its records are validated here, one by one."""
    out = result.report.findings
    others: list[Finding] = []
    for layer, check in CHUNK_LAYERS:
        if layer == "extra" and not chunk.options.extra:
            continue
        locate_all(check(chunk), catalogue, others)
    for ctx in chunk.records:
        _duplicates(ctx, first_seen, catalogue, others)
    result.links.extend(advisory.collect_chunk(chunk))
    # the XSD's findings go first, as they always have: a file's findings are sorted once, and that
    # sort keeps the order of findings with equal keys
    before = len(out)
    locate_all(schema.chunk_hits(chunk, schema_errors), catalogue, out)
    out += others
    if chunk.options.stop_at_blocking and any(finding.blocking for finding in out[before:]):
        raise _Stopped


class _Stopped(Exception):
    """A chunk gave a blocking finding and the options ask to stop there (``stop_at_blocking``)."""


@dataclass(slots=True)
class _Stream:
    """What one streaming pass tracks besides the findings."""

    first_seen: dict[str, tuple[int, int]] = field(default_factory=dict)  # identifier → (line, position)
    misplaced_line: int | None = None  # a record that came after a non-record element of the root
    position: int = 0


def _stream(path: Path, record: RecordKind, version: str, options: ValidateOptions, catalogue: Catalogue,
            result: WalkResult, placement: Placement | None, by_pieces: ByPieces = "try") -> None:
    root_tag, record_tag, kind, id_tag = record.root_tag, record.record_tag, record.name, record.identifier_tag
    use_pieces = by_pieces != "no" and USE_PIECES
    cut = cutting.plan(path, root_tag, record_tag, CHUNK_SIZE) if use_pieces else None
    if cut is not None and _stream_pieces(cut, record, version, options, catalogue, result, placement):
        return
    if by_pieces == "only":
        raise PiecesDeclined(str(path))
    file, report, state = str(path), result.report, _Stream()
    record_file = placement.file if placement is not None else file
    root: etree._Element | None = None
    chunk: Chunk | None = None
    for event, element in iterparse(path, events=("start", "end"), tag=[root_tag, record_tag]):
        if event == "start":
            if root is None:
                root = element
            continue
        if element is root or element.getparent() is not root:
            continue
        state.position += 1
        _detach(element, root, state)
        if chunk is None:
            chunk = Chunk(root=etree.Element(root_tag), records=[], kind=kind, version=version, options=options,
                          record_step=record_tag)
        chunk.root.append(element)  # out of the parse tree: only whole records are ever checked
        ctx = RecordContext(element=element, kind=kind, position=state.position, version=version, file=record_file,
                            identifier=_identifier(element, id_tag), options=options, placement=placement)
        chunk.records.append(ctx)
        chunk.by_element[element] = ctx
        if len(chunk.records) >= CHUNK_SIZE:
            _check_chunk(chunk, catalogue, result, state.first_seen)
            chunk = None
    if chunk is not None:
        _check_chunk(chunk, catalogue, result, state.first_seen)
    report.activities = state.position
    result.identifiers = set(state.first_seen)
    result.first_seen = state.first_seen
    if root is not None:
        _check_root(root, root_tag, record_tag, version, options, catalogue, result, state)


class _NotPlain(Exception):
    """A piece held something besides its records: the file is walked with iterparse instead."""


def _stream_pieces(cut: cutting.Plan, record: RecordKind, version: str, options: ValidateOptions, catalogue: Catalogue,
                   result: WalkResult, placement: Placement | None) -> bool:
    """``_stream``'s walk over pieces that a helper thread parses and checks against the XSD, ahead of
    the main thread's checks (``_pieces``): the same chunks, findings and order. False, with nothing
    added to ``result``, when a piece does not parse or holds anything but its records: then only
    iterparse can tell what is wrong, and where."""
    root_tag, record_tag, kind, id_tag = record.root_tag, record.record_tag, record.name, record.identifier_tag
    report, state = result.report, _Stream()
    whole = placement or Placement(file=str(cut.path), header_line=cut.header_line, lines=0, positions=0)
    kept_findings, kept_links = len(report.findings), len(result.links)
    check = schema.piece_check(root_tag, version, record_tag)
    try:
        root = etree.fromstring(cut.header + cut.footer, etree.XMLParser(**pieces.PARSE_OPTIONS))
        with contextlib.closing(pieces.read(cut, check)) as parsed:
            for piece, done in zip(cut.pieces, parsed, strict=True):
                if done.root is None or not _plain(done.root, record_tag, piece.records):
                    raise _NotPlain
                chunk = _piece_chunk(done.root, piece, whole, state, kind, version, options, id_tag, record_tag)
                _check_chunk(chunk, catalogue, result, state.first_seen, schema_errors=done.schema_errors)
                del chunk, done  # lxml frees the piece now, not after the next one has come
    except (etree.XMLSyntaxError, OSError, _NotPlain):
        del report.findings[kept_findings:]
        del result.links[kept_links:]
        return False
    report.activities = state.position
    result.identifiers = set(state.first_seen)
    result.first_seen = state.first_seen
    _check_root(root, root_tag, record_tag, version, options, catalogue, result, state)
    return True


def _piece_chunk(piece_root: etree._Element, piece: cutting.Piece, whole: Placement, state: _Stream, kind: KindName,
                 version: str, options: ValidateOptions, id_tag: str, record_tag: str) -> Chunk:
    """A parsed piece's records as a chunk, their findings placed on the file's lines."""
    chunk = Chunk(root=piece_root, records=[], kind=kind, version=version, options=options, record_step=record_tag)
    where = Placement(file=whole.file, header_line=whole.header_line, lines=whole.lines + piece.newlines,
                      positions=whole.positions, piece_lines=piece.newlines)
    for element in piece_root:
        state.position += 1
        ctx = RecordContext(element=element, kind=kind, position=state.position, version=version, file=whole.file,
                            identifier=_identifier(element, id_tag), options=options, placement=where)
        chunk.records.append(ctx)
        chunk.by_element[element] = ctx
    return chunk


def _plain(piece_root: etree._Element, record_tag: str, records: int) -> bool:
    """The piece holds exactly its ``records`` records and XML whitespace around them."""
    if len(piece_root) != records or (piece_root.text or "").strip(XML_SPACE):
        return False
    return all(child.tag == record_tag and not (child.tail or "").strip(XML_SPACE) for child in piece_root)


def _detach(element: etree._Element, root: etree._Element, state: _Stream) -> None:
    """Drop comments before a finished record and note a record that follows a non-record element."""
    previous = element.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        before = previous.getprevious()
        root.remove(previous)
        previous = before
    if previous is not None and state.misplaced_line is None:
        state.misplaced_line = source_line(element)


def _check_root(root: etree._Element, root_tag: str, record_tag: str, version: str, options: ValidateOptions,
                catalogue: Catalogue, result: WalkResult, state: _Stream) -> None:
    """The root's own checks, on what is left of it: attributes and non-record children."""
    file, out = str(result.report.path), result.report.findings
    if state.position:
        root.insert(0, etree.Element(record_tag))  # stands for the records, already checked one by one
    out += _file_hits(schema.check_root(root, version, record_tag), catalogue, file, root_tag)
    if state.misplaced_line is not None:
        out.append(_file_finding(catalogue, "0.3.1", file, line=state.misplaced_line, xpath=f"/{root_tag}",
                                 detail=f"Element '{record_tag}': This element is not expected "
                                 "(it follows an element that must come after every record)."))
    out += _file_hits(codelists.check_root(root, version, options.extra), catalogue, file, root_tag)
    if options.extra:
        out += _file_hits(extra.check_root(root, version), catalogue, file, root_tag)


def _duplicates(ctx: RecordContext, first_seen: dict[str, tuple[int, int]], catalogue: Catalogue,
                out: list[Finding]) -> None:
    """1.1.2: an identifier seen before in this file (organisation files are checked the same way)."""
    if ctx.identifier == NO_IDENTIFIER:
        return
    id_node = ctx.element.find(by_name(ctx.kind).identifier_tag)
    if ctx.identifier not in first_seen:
        line = source_line(id_node if id_node is not None else ctx.element) or 0
        first_seen[ctx.identifier] = (ctx.placement.walk_line(line) if ctx.placement is not None else line,
                                      ctx.position)
        return
    if ctx.kind != "activity":
        return
    first_line = first_seen[ctx.identifier][0]
    if ctx.placement is not None:
        first_line = ctx.placement.from_walk(first_line) or first_line
    hit = Hit(rule_id="1.1.2", node=id_node, value=ctx.identifier, params={"first_line": first_line})
    out.append(to_finding(hit, ctx, catalogue))
