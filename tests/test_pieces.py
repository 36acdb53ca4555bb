"""A file walked by pieces parsed in a helper thread reports exactly what iterparse's walk reports.

``pieces`` cuts a big file at its record start tags and a helper thread parses each piece with lxml
and checks it against the XSD before the walker takes it. These tests turn the size threshold off and use small
chunks, so that every real file and the official examples are cut into many pieces, and compare every
field of every finding with the iterparse walk of the same file. Odd files — a comment, text or a
CDATA section between or inside records, a broken record, an undeclared entity, a DOCTYPE, a BOM with
CRLF and a legacy encoding, more lines than libxml2 counts — must give the same findings too, whether
the pieces were used or the walker fell back to iterparse; the tests also say which happened.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, REAL_IATI, REAL_IATI_MORE, real_files
from iaticonv.bigfile import pieces as cutting
from iaticonv.validate import _pieces as pieces
from iaticonv.validate import ranges, walker
from iaticonv.validate.context import ValidateOptions
from iaticonv.validate.findings import Finding
from iaticonv.validate.layers import schema

OPTIONS = ValidateOptions(today=dt.date(2026, 11, 28))
SMALL_CHUNK = 2
Row = tuple[Any, ...]


def _row(f: Finding) -> Row:
    return (f.rule_id, f.severity, f.message, f.file, f.line, f.column, f.xpath, f.identifier, f.value,
            sorted((key, str(value)) for key, value in f.params.items()))


def _rows(path: Path) -> list[Row]:
    result = walker.walk_file(path, OPTIONS)
    rows = [_row(f) for f in result.report.findings]
    links = [(link.target, link.finding.line, link.finding.xpath) for link in result.links]
    return [*rows, ("activities", result.report.activities), ("links", links),
            ("first_seen", sorted(result.first_seen.items()))]


def _both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[Row], list[Row], list[bool]]:
    """(findings by iterparse, findings by pieces, whether each piece walk went through)."""
    monkeypatch.setattr(cutting, "MIN_BYTES", 0)
    monkeypatch.setattr(walker, "CHUNK_SIZE", SMALL_CHUNK)
    monkeypatch.setattr(walker, "USE_PIECES", False)
    by_iterparse = _rows(path)
    monkeypatch.setattr(walker, "USE_PIECES", True)
    used: list[bool] = []
    walk_pieces = walker._stream_pieces

    def spy(*args: Any, **kwargs: Any) -> bool:
        went = walk_pieces(*args, **kwargs)
        used.append(went)
        return went

    monkeypatch.setattr(walker, "_stream_pieces", spy)
    return by_iterparse, _rows(path), used


SOURCES = [EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, *real_files()]


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_real_files_give_the_same_findings_by_pieces(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    by_iterparse, by_pieces, _used = _both_ways(path, monkeypatch)
    assert by_pieces == by_iterparse


def _plain_enough(path: Path) -> bool:
    """Whether the walk should go by pieces, from the parsed file: more records than one piece holds,
    and nothing but records and whitespace under the root."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, huge_tree=True)).getroot()
    record = {"iati-activities": "iati-activity", "iati-organisations": "iati-organisation"}.get(str(root.tag))
    return (record is not None and len(root) > SMALL_CHUNK and not (root.text or "").strip()
            and all(child.tag == record and not (child.tail or "").strip() for child in root))


def test_the_real_files_that_can_be_are_walked_by_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison above is only worth something if the pieces were really used: every file with
    more than one piece and nothing but records under its root is walked by pieces (most of the real
    files with several records), and every other file by iterparse."""
    walked, expected = [], []
    for path in SOURCES:
        _by_iterparse, _by_pieces, used = _both_ways(path, monkeypatch)
        assert used in ([], [False], [True])
        if used == [True]:
            walked.append(path.name)
        if _plain_enough(path):
            expected.append(path.name)
    assert walked == expected
    assert len(walked) >= 12


# --- the cut itself -------------------------------------------------------------------------------


@pytest.mark.parametrize("block", [61, 4096, 1024 * 1024])
@pytest.mark.parametrize("path", [EXAMPLE_ACTIVITY, *sorted(REAL_IATI.glob("*.xml"))], ids=lambda path: path.name)
def test_pieces_start_at_record_start_tags_with_their_newlines(path: Path, block: int,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Scanned in blocks of any size (a start tag split across two blocks included), the pieces are
    what one regular expression over the whole file finds."""
    monkeypatch.setattr(cutting, "MIN_BYTES", 0)
    monkeypatch.setattr(cutting, "BLOCK", block)
    data = path.read_bytes()
    cut = cutting.plan(path, "iati-activities", "iati-activity", 3)
    starts = [found.start() for found in re.finditer(rb"<iati-activity[\s>/]", data)]
    if len(starts) <= 3:
        assert cut is None
        return
    assert cut is not None
    header_end = len(cut.header)
    assert data[:header_end] == cut.header and data[header_end - 1:header_end] == b">"
    assert [piece.start for piece in cut.pieces] == [header_end, *starts[3::3]]
    assert [piece.end for piece in cut.pieces] == [*starts[3::3], len(data)]
    assert [piece.records for piece in cut.pieces] == [len(starts[at:at + 3]) for at in range(0, len(starts), 3)]
    assert [piece.newlines for piece in cut.pieces] == [data.count(b"\n", header_end, piece.start)
                                                        for piece in cut.pieces]


def test_a_framed_piece_lines_move_by_the_newlines_before_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cutting, "MIN_BYTES", 0)
    path = REAL_IATI / "beis-activity.xml"
    cut = cutting.plan(path, "iati-activities", "iati-activity", 2)
    assert cut is not None and len(cut.pieces) > 2
    whole = etree.parse(str(path)).getroot()
    expected = [element.sourceline for element in whole.iter("iati-activity", "transaction", "narrative")]
    found: list[int] = []
    with path.open("rb") as handle:
        for index, piece in enumerate(cut.pieces):
            root = etree.fromstring(cutting.frame(cut, index, handle))
            assert root.sourceline == whole.sourceline  # the header's lines are the file's
            found += [element.sourceline + piece.newlines
                      for element in root.iter("iati-activity", "transaction", "narrative")]
    assert found == expected


# --- the helper thread ----------------------------------------------------------------------------


def _cut(path: Path, per_piece: int, monkeypatch: pytest.MonkeyPatch) -> cutting.Plan:
    monkeypatch.setattr(cutting, "MIN_BYTES", 0)
    cut = cutting.plan(path, "iati-activities", "iati-activity", per_piece)
    assert cut is not None
    return cut


def test_the_helper_thread_gives_each_piece_as_lxml_parses_it_with_its_xsd_errors_placed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each piece comes in order, parsed in another thread, as the framed piece parses here, with the
    XSD errors of its records placed as the main thread would place them."""
    path = REAL_IATI_MORE / "multi-publisher-dportal-covid.xml"  # hundreds of XSD errors
    cut = _cut(path, 32, monkeypatch)
    version = etree.parse(str(path)).getroot().get("version") or "2.03"
    threads: list[str] = []

    def check(root: etree._Element) -> schema.Placed | None:
        threads.append(threading.current_thread().name)
        return schema.place_errors(schema.load_schema("iati-activities", version), root, "iati-activity")

    parsed = list(pieces.read(cut, check))
    assert len(parsed) == len(cut.pieces) > 2
    assert threading.current_thread().name not in threads and len(set(threads)) == 1
    placed = 0
    with path.open("rb") as handle:
        for index, done in enumerate(parsed):
            expected = etree.fromstring(cutting.frame(cut, index, handle), etree.XMLParser(**pieces.PARSE_OPTIONS))
            assert done.root is not None
            assert etree.tostring(done.root) == etree.tostring(expected)
            assert [e.sourceline for e in done.root.iter()] == [e.sourceline for e in expected.iter()]
            assert done.schema_errors == schema.place_errors(schema.load_schema("iati-activities", version),
                                                             expected, "iati-activity")
            placed += len(done.schema_errors or [])
    assert placed > 0


def test_a_piece_that_does_not_parse_comes_without_a_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capfd: pytest.CaptureFixture[str]) -> None:
    header, bodies = _activities()
    bodies[4] = bodies[4].replace(b"</title>", b"</titel>", 1)
    cut = _cut(_write(tmp_path, header, bodies), 2, monkeypatch)
    checked: list[etree._Element] = []
    parsed = list(pieces.read(cut, lambda root: checked.append(root) or []))
    assert [done.root is None for done in parsed] == [index == 2 for index in range(len(cut.pieces))]
    assert parsed[2].schema_errors is None and len(checked) == len(cut.pieces) - 1
    assert capfd.readouterr().err == ""  # libxml2's messages are not printed


def test_a_walk_that_stops_early_stops_the_helper_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    cut = _cut(REAL_IATI / "beis-activity.xml", 1, monkeypatch)
    assert len(cut.pieces) > pieces.AHEAD + 2
    checked: list[int] = []
    reader = pieces.read(cut, lambda root: checked.append(1) or [])
    next(reader)
    reader.close()
    assert len(checked) <= pieces.AHEAD + 2  # taken, waiting, being parsed: nothing after the close
    assert not [thread for thread in threading.enumerate() if thread.name.startswith("iaticonv-pieces")]


# --- odd files --------------------------------------------------------------------------------------


def _activities() -> tuple[bytes, list[bytes]]:
    """The root start tag and the activities of a real file, as bytes."""
    data = (REAL_IATI / "beis-activity.xml").read_bytes()
    header_end = data.index(b">", data.index(b"<iati-activities")) + 1
    starts = [found.start() for found in re.finditer(rb"<iati-activity[\s>/]", data)]
    closing = data.rindex(b"</iati-activities>")
    bodies = [data[start:end].rstrip() for start, end in zip(starts, [*starts[1:], closing], strict=True)]
    return data[:header_end], bodies


def _write(tmp_path: Path, header: bytes, bodies: list[bytes], *, between: dict[int, bytes] | None = None,
           name: str = "odd.xml") -> Path:
    between = between or {}
    parts = [header]
    for index, body in enumerate(bodies):
        parts += [b"\n", between.get(index, b""), body]
    parts.append(b"\n</iati-activities>\n")
    path = tmp_path / name
    path.write_bytes(b"".join(parts))
    return path


def _same(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    by_iterparse, by_pieces, used = _both_ways(path, monkeypatch)
    assert by_pieces == by_iterparse
    return used


def test_a_plain_file_is_walked_by_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, bodies = _activities()
    assert _same(_write(tmp_path, header, bodies), monkeypatch) == [True]


@pytest.mark.parametrize("between", [
    b"<!-- a comment between two activities -->\n",
    b"<!-- <iati-activity> in a comment -->\n",
    b"<?pi a processing instruction?>\n",
    b"stray text\n",
    b"<other-element/>\n",
])
def test_anything_between_records_sends_the_file_to_iterparse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             between: bytes) -> None:
    header, bodies = _activities()
    assert _same(_write(tmp_path, header, bodies, between={5: between}), monkeypatch) == [False]


@pytest.mark.parametrize(("old", "new"), [
    (b"</title>", b"</title><description><narrative><![CDATA[<iati-activity> in CDATA]]></narrative></description>"),
    (b"</title>", b"</titel>"),  # a broken record
    (b"</title>", b"</title>&nbsp;"),  # an undeclared entity
])
def test_a_record_that_breaks_the_cut_or_the_parse_gives_iterparse_findings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: bytes, new: bytes) -> None:
    header, bodies = _activities()
    assert old in bodies[7]
    bodies[7] = bodies[7].replace(old, new, 1)
    assert _same(_write(tmp_path, header, bodies), monkeypatch) == [False]


def test_a_doctype_is_left_to_iterparse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, bodies = _activities()
    header = header.replace(b"<iati-activities", b"<!DOCTYPE iati-activities>\n<iati-activities", 1)
    path = _write(tmp_path, header, bodies)
    monkeypatch.setattr(cutting, "MIN_BYTES", 0)
    assert cutting.plan(path, "iati-activities", "iati-activity", SMALL_CHUNK) is None
    assert _same(path, monkeypatch) == []


def test_a_bom_crlf_and_a_legacy_encoding_are_walked_by_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, bodies = _activities()
    text = b"\n".join(bodies).decode("utf-8")
    latin = "".join(char if ord(char) < 256 else "?" for char in text) + "<!-- é -->"
    header = header.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"').replace(b"\n", b"\r\n")
    if b"encoding=" not in header:
        header = b'<?xml version="1.0" encoding="ISO-8859-1"?>\r\n' + header
    body = latin.replace("\n", "\r\n").encode("iso-8859-1")
    path = tmp_path / "latin.xml"
    path.write_bytes(header + b"\r\n" + body + b"\r\n</iati-activities>\r\n")
    used = _same(path, monkeypatch)
    assert used == [False]  # the comment after the last record: iterparse
    path.write_bytes(header + b"\r\n" + body.replace(b"<!-- \xe9 -->", b"") + b"\r\n</iati-activities>\r\n")
    assert _same(path, monkeypatch) == [True]


def test_a_piece_longer_than_libxml2_counts_is_left_to_iterparse(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    header, bodies = _activities()
    path = _write(tmp_path, header, bodies, between={len(bodies) - 1: b"\n" * cutting.LINE_LIMIT})
    monkeypatch.setattr(cutting, "MIN_BYTES", 0)
    assert cutting.plan(path, "iati-activities", "iati-activity", SMALL_CHUNK) is None
    shorter = _write(tmp_path, header, bodies, between={len(bodies) - 1: b"\n" * (cutting.LINE_LIMIT // 2)},
                     name="shorter.xml")
    assert cutting.plan(shorter, "iati-activities", "iati-activity", SMALL_CHUNK) is not None


def test_a_piece_of_huge_records_is_left_to_iterparse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    header, bodies = _activities()
    path = _write(tmp_path, header, bodies)
    monkeypatch.setattr(cutting, "MIN_BYTES", 0)
    biggest = max(piece.end - piece.start for piece in cutting.plan(path, "iati-activities", "iati-activity", 2).pieces)
    monkeypatch.setattr(cutting, "PIECE_LIMIT", len(header) + biggest)
    assert cutting.plan(path, "iati-activities", "iati-activity", 2) is not None
    monkeypatch.setattr(cutting, "PIECE_LIMIT", len(header) + biggest - 1)
    assert cutting.plan(path, "iati-activities", "iati-activity", 2) is None


def test_a_file_longer_than_libxml2_counts_gets_exact_lines_by_pieces(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Past line 65,535 a one-pass iterparse cannot give exact lines, so such a file used to be walked
    by ranges; by pieces it is walked in one pass, and the findings (lines of repeated identifiers in
    other pieces included) are those of the ranges."""
    header, bodies = _activities()
    path = _write(tmp_path, header, bodies * 12, name="long.xml")
    assert path.read_bytes().count(b"\n") > 70_000
    monkeypatch.setattr(walker, "USE_PIECES", False)
    by_ranges = ranges.walk_exact(path, OPTIONS)
    monkeypatch.setattr(walker, "USE_PIECES", True)
    declined: list[str] = []
    walk_file = walker.walk_file

    def spy(*args: Any, **kwargs: Any) -> Any:
        try:
            return walk_file(*args, **kwargs)
        except walker.PiecesDeclined as exc:
            declined.append(str(exc))
            raise

    monkeypatch.setattr(ranges, "walk_file", spy)
    by_pieces = ranges.walk_exact(path, OPTIONS)
    assert declined == []
    assert max(f.line or 0 for f in by_pieces.report.findings) > 65_535
    assert any(f.rule_id == "1.1.2" and int(f.params["first_line"]) < (f.line or 0) - 65_535
               for f in by_pieces.report.findings)
    assert [_row(f) for f in by_pieces.report.findings] == [_row(f) for f in by_ranges.report.findings]
    assert by_pieces.report.activities == by_ranges.report.activities == len(bodies) * 12
    assert by_pieces.first_seen == by_ranges.first_seen


def test_an_organisation_file_of_many_records_is_walked_by_pieces(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Organisation files get pieces too: every real organisation, five times each (1.1.2 is reported
    for activities only, by pieces as in one pass)."""
    parts: list[bytes] = []
    for path in sorted(REAL_IATI_MORE.glob("*organisation*.xml")):
        data = path.read_bytes()
        found = re.search(rb"<iati-organisation[\s>]", data)
        assert found is not None
        start, end = found.start(), data.rindex(b"</iati-organisations>")
        parts += [data[start:end].rstrip()] * 5
    data = (REAL_IATI_MORE / "XM-DAC-46004-adb-organisation.xml").read_bytes()
    header = data[:data.index(b">", data.index(b"<iati-organisations")) + 1]
    path = tmp_path / "organisations.xml"
    path.write_bytes(header + b"\n" + b"\n".join(parts) + b"\n</iati-organisations>\n")
    by_iterparse, by_pieces, used = _both_ways(path, monkeypatch)
    assert used == [True]
    assert by_pieces == by_iterparse
    assert ("activities", len(parts)) in by_pieces
    records_findings = [row for row in by_pieces if len(row) > 7 and row[7] not in (None, "file")]
    assert len(records_findings) > len(parts)
