"""The JSON report written piece by piece is the very text of ``json.dumps(report.to_dict(), indent=2)``.

The streamed writer (``render.json.iter_json``) exists so that a report with hundreds of thousands of
findings is never one dict and one string in memory; these tests hold it to the plain rule on real
reports: many files at once, one file, a file without findings, and findings with odd text.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, real_files
from iaticonv.validate import ValidateOptions, validate_paths
from iaticonv.validate.render.formats import write_report
from iaticonv.validate.render.json import iter_json, render_json
from iaticonv.validate.report import Report


def _plain(report: Report) -> bytes:
    return (json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def test_streamed_report_of_every_real_file_is_the_plain_json() -> None:
    report = validate_paths([*real_files(), EXAMPLE_ACTIVITY], ValidateOptions())
    assert len(report.findings) > 2000 * 2  # several pieces of findings, so the joins between them count
    assert b"".join(iter_json(report)) == _plain(report)
    assert json.loads(render_json(report))["summary"] == report.summary


@pytest.mark.parametrize("path", [EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION], ids=lambda p: Path(p).name)
def test_streamed_report_of_one_file_is_the_plain_json(path: Path) -> None:
    report = validate_paths([path], ValidateOptions())
    buffer = io.BytesIO()
    write_report(report, "json", buffer)
    assert buffer.getvalue() == _plain(report)


def test_report_without_findings_and_findings_with_odd_text() -> None:
    report = validate_paths([EXAMPLE_ACTIVITY], ValidateOptions())
    empty = Report(files=[dataclasses.replace(file, findings=[]) for file in report.files], standard=report.standard)
    assert b"".join(iter_json(empty)) == _plain(empty)
    odd_values = ['quote " backslash \\ tab \t', "line\nbreak", "é ü 中文 \u2028", "\x7f", ""]
    odd = [dataclasses.replace(finding, value=value)
           for finding, value in zip(report.findings, odd_values, strict=False)]
    with_odd = Report(files=[dataclasses.replace(report.files[0], findings=odd)], standard=report.standard)
    assert b"".join(iter_json(with_odd)) == _plain(with_odd)


def test_a_batch_orjson_refuses_is_written_finding_by_finding() -> None:
    """A lone surrogate (from a file whose text had one) makes orjson refuse the whole batch: the
    batch is then written item by item by the standard encoder, still the plain report's bytes."""
    report = validate_paths([EXAMPLE_ACTIVITY], ValidateOptions())
    findings = list(report.findings)
    findings[1] = dataclasses.replace(findings[1], value="half \ud800 pair")
    odd = Report(files=[dataclasses.replace(report.files[0], findings=findings)], standard=report.standard)
    plain = (json.dumps(odd.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8", "surrogatepass")
    assert b"".join(iter_json(odd)) == plain
