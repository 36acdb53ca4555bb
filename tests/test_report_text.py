"""The text report: grouped by file and record, one line per finding, colours only when asked.

Checked on the reports of the real published files and the official example: every finding shows
up once, under its record, with its line, id, message and XPath; the coloured form is the plain form
plus ANSI styles; text from a file cannot move a terminal's cursor, and tabs line up by columns.
"""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

from conftest import EXAMPLE_ACTIVITY, real_files
from iaticonv.validate import ValidateOptions, validate_paths
from iaticonv.validate.render.formats import write_report
from iaticonv.validate.render.text import iter_text, render_text
from iaticonv.validate.report import Report

ANSI = re.compile(r"\x1b\[[0-9;]*m")
FINDING_LINE = re.compile(r"^  (critical|error   |warning |info    |advisory) (\S+)\s+(line \d+|no line)  (.*)$")


def _real_report() -> Report:
    return validate_paths([*real_files(), EXAMPLE_ACTIVITY], ValidateOptions())


def test_every_finding_is_listed_once_under_its_record() -> None:
    report = _real_report()
    lines = render_text(report).splitlines()
    listed = [FINDING_LINE.match(line) for line in lines]
    assert sum(1 for match in listed if match) == len(report.findings)
    # walk the text: each finding line sits under the heading of its own record
    expected = {(f.identifier if f.identifier != "file" else "File level", f.rule_id, f.line, f.message)
                for f in report.findings}
    current, seen = "", set()
    for line, match in zip(lines, listed, strict=True):
        if match:
            where = match[3]
            seen.add((current, match[2], int(where[5:]) if where != "no line" else None, match[4]))
        elif line.startswith(" ") and not line.startswith("  "):
            current = line[1:]
    assert seen == expected
    assert lines[-1].startswith("INVALID: ") and f"{report.summary['error']} error" in lines[-1]


def test_xpath_follows_its_finding() -> None:
    report = validate_paths([EXAMPLE_ACTIVITY], ValidateOptions())
    lines = render_text(report).splitlines()
    for index, line in enumerate(lines):
        if FINDING_LINE.match(line) and index + 1 < len(lines) and lines[index + 1].startswith(" " * 32):
            assert lines[index + 1].strip().startswith("/iati-activities/")
    xpaths = {f.xpath for f in report.findings if f.xpath}
    assert xpaths <= {line.strip() for line in lines}


def test_colour_is_the_plain_text_plus_styles() -> None:
    report = _real_report()
    coloured = render_text(report, color=True)
    plain = render_text(report)
    assert "\x1b[" not in plain
    assert ANSI.sub("", coloured) == plain
    assert "\x1b[33mwarning \x1b[0m" in coloured and "\x1b[1;31merror   \x1b[0m" in coloured


def test_streamed_text_is_the_rendered_text() -> None:
    report = _real_report()
    buffer = io.BytesIO()
    write_report(report, "text", buffer)
    assert buffer.getvalue() == render_text(report).encode("utf-8")
    assert len(list(iter_text(report))) > len(report.files)  # pieces, not one string


def test_text_from_a_file_cannot_move_the_cursor(tmp_path: Path) -> None:
    hostile = tmp_path / "controls.xml"
    hostile.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="2.03"><iati-activity>'
        "<iati-identifier> X&#13;&#9;Y 中&#9;Z</iati-identifier></iati-activity></iati-activities>\n",
        encoding="utf-8",
    )
    report = validate_paths([hostile], ValidateOptions())
    text = render_text(report)
    assert "\r" not in text and "\t" not in text
    heading = next(line for line in text.splitlines() if line.startswith(" X"))
    # " X" then a tab to column 8, "Y", a space, a wide character (2 columns), then a tab to column 16
    assert heading == " X" + " " * 6 + "Y 中" + " " * 4 + "Z"


def test_a_finding_without_line_or_xpath() -> None:
    report = validate_paths([EXAMPLE_ACTIVITY], ValidateOptions())
    bare = dataclasses.replace(report.findings[0], line=None, xpath=None, message="m")
    text = render_text(Report(files=[dataclasses.replace(report.files[0], findings=[bare])]))
    assert f"  {bare.severity:<8} {bare.rule_id:<9}    no line  m\n" in text
