"""Reader notes name exact lines past line 65,535 (#3): libxml2's own lines are not exact there.

A 2.01 file of GAC's real activities, indented and repeated past 140,000 lines, is read with the upgrade
on: each activity's results have no indicator, so each gets a note naming the activity's line and, in
its text, the result's line. Every line is checked against the standard library's expat parser, which
counts lines in full. The same read without the correction is checked to be wrong (so this test can
fail), and conversion reports the corrected notes through both paths (direct and typed).
"""

from __future__ import annotations

import copy
import re
import xml.parsers.expat
from pathlib import Path
from unittest import mock

import pytest
from lxml import etree

from conftest import REAL_IATI
from iaticonv.formats.convert import convert
from iaticonv.formats.iati_xml import xml_io as iati_xml
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader

GAC_201 = REAL_IATI / "gac-CA-3-sample-3-activities-v2.01.xml"
RESULT_LINE = re.compile(r"\(line (\d+)\)")
NOTE = "upgrade.result-without-indicator"


@pytest.fixture(scope="module")
def long_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = etree.parse(str(GAC_201)).getroot()
    activities = list(root.iter("iati-activity"))
    head = etree.tostring(root, encoding="unicode").split("<iati-activity ", 1)[0]
    path = tmp_path_factory.mktemp("long") / "gac-long-2.01.xml"
    lines, copies = 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n")
        while lines < 140_000:
            for activity in activities:
                twin = copy.deepcopy(activity)
                identifier = twin.find("iati-identifier")
                identifier.text = f"{identifier.text}-{copies}"
                etree.indent(twin, space=" ", level=1)
                text = " " + etree.tostring(twin, encoding="unicode") + "\n"
                out.write(text)
                lines += text.count("\n")
                copies += 1
        out.write("</iati-activities>\n")
    return path


def _expat_lines(path: Path) -> list[tuple[int, list[int]]]:
    """Each activity's start-tag line and its results' lines, as expat counts them."""
    found: list[tuple[int, list[int]]] = []
    parser = xml.parsers.expat.ParserCreate()

    def start(name: str, _attributes: object) -> None:
        if name == "iati-activity":
            found.append((parser.CurrentLineNumber, []))
        elif name == "result" and found:
            found[-1][1].append(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    with path.open("rb") as handle:
        parser.ParseFile(handle)
    return found


def _noted(notes: list[iati_xml.ReadNote]) -> list[tuple[int | None, list[int]]]:
    """Per activity (in order): the line its notes name, and the result lines their texts name."""
    by_line: dict[int | None, list[int]] = {}
    for note in notes:
        if note.code == NOTE:
            by_line.setdefault(note.line, []).extend(int(m) for m in RESULT_LINE.findall(note.message))
    return list(by_line.items())


def _read(path: Path) -> list[iati_xml.ReadNote]:
    reader = IatiXmlReader(path)
    for _element in reader.activity_elements():
        pass
    return reader.notes


def test_notes_past_line_65535_name_exact_lines(long_file: Path) -> None:
    expected = [(line, results) for line, results in _expat_lines(long_file) if results]
    assert expected[-1][0] > 130_000  # far past what libxml2 counts exactly
    assert _noted(_read(long_file)) == expected


def test_without_the_correction_the_lines_are_wrong(long_file: Path) -> None:
    expected = [(line, results) for line, results in _expat_lines(long_file) if results]
    with mock.patch.object(iati_xml, "exact_notes", lambda path, notes, read: notes):
        first_read = _noted(_read(long_file))
    wrong = [pair for pair, truth in zip(first_read, expected, strict=True) if pair != truth]
    assert wrong and all(max(truth[0], *truth[1]) >= 65_535 for pair, truth in zip(first_read, expected, strict=True)
                         if pair != truth)  # libxml2 is exact below 65,535


@pytest.mark.parametrize("target", ["json", "iati-xml"])
def test_conversion_reports_the_exact_lines(long_file: Path, tmp_path: Path, target: str) -> None:
    """json goes through the direct path, iati-xml through typed records: both report the reader's notes."""
    output = tmp_path / ("out.json" if target == "json" else "out.xml")
    result = convert([long_file], output, target=target)
    assert _noted(result.notes) == _noted(_read(long_file))
