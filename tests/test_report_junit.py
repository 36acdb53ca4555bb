"""The JUnit report: valid JUnit XML whose counts agree with the report and with the files themselves.

Record identifiers are read from the files here independently (plain lxml), so the test cases are
checked against the data, not against the renderer's own reading of it.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_ACTIVITY, REAL_IATI
from iaticonv._xml import parse_bytes, parse_file
from iaticonv.cli.main import run
from iaticonv.validate import FileReport, Finding, Report, ValidateOptions, validate_paths
from iaticonv.validate.render.junit import render_junit

FILES = [REAL_IATI / "gac-CA-3-sample-3-activities-v2.01.xml", REAL_IATI / "worldbank-activity.xml", EXAMPLE_ACTIVITY]

SUITE_CHILDREN = {"properties", "testcase", "system-out", "system-err"}
CASE_CHILDREN = {"failure", "error", "skipped", "system-out", "system-err"}


def _identifiers(path: Path) -> list[str]:
    """Activity identifiers in document order, each once (what the test cases must be)."""
    seen: dict[str, None] = {}
    for activity in parse_file(path).getroot().iterfind("iati-activity"):
        seen.setdefault((activity.findtext("iati-identifier") or "").strip())
    return list(seen)


def _int(element: etree._Element, name: str) -> int:
    return int(element.get(name, "x"))


@pytest.fixture(scope="module")
def report() -> Report:
    report = validate_paths(FILES, ValidateOptions())
    assert report.summary["critical"] and report.summary["error"], "the chosen files carry critical and error findings"
    return report


def test_counts_agree_with_the_report_and_the_files(report: Report) -> None:
    root = parse_bytes(render_junit(report).encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [str(path) for path in FILES]
    for suite, file, path in zip(suites, report.files, FILES, strict=True):
        assert {child.tag for child in suite} <= SUITE_CHILDREN
        cases = suite.findall("testcase")
        assert [case.get("name") for case in cases] == ["file", *_identifiers(path)]
        assert {case.get("classname") for case in cases} == {str(path)}
        assert _int(suite, "tests") == len(cases)
        assert _int(suite, "failures") == sum(1 for case in cases if case.find("failure") is not None)
        assert _int(suite, "errors") == sum(1 for case in cases if case.find("error") is not None) == 0
        assert _int(suite, "skipped") == 0
        assert float(suite.get("time", "x")) >= 0
        for case in cases:
            assert {child.tag for child in case} <= CASE_CHILDREN
        # one failure per critical/error finding, in the test case of its record
        failures = Counter((case.get("name"), failure.get("message", "").split(":")[0], failure.get("type"))
                           for case in cases for failure in case.iterfind("failure"))
        expected = Counter((f.identifier if f.identifier != "file" else "file", f.rule_id, f.severity)
                           for f in file.findings if f.blocking)
        assert failures == expected
        # the other findings are reported, not failed
        for finding in file.findings:
            if not finding.blocking:
                [case] = [c for c in cases if c.get("name") == (finding.identifier or "file")]
                assert finding.message in (case.findtext("system-out") or "")
    for name in ("tests", "failures", "errors", "skipped"):
        assert _int(root, name) == sum(_int(suite, name) for suite in suites)
    assert _int(root, "failures") > 0


def test_unreadable_file_fails_its_file_case(tmp_path: Path) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<iati-activities version='2.03'><iati-activity>")
    root = parse_bytes(render_junit(validate_paths([broken], ValidateOptions())).encode("utf-8"))
    [suite] = root.findall("testsuite")
    [case] = suite.findall("testcase")
    assert (case.get("name"), suite.get("tests"), suite.get("failures")) == ("file", "1", "1")
    assert case.find("failure").get("message", "").startswith("0.1.1:")  # type: ignore[union-attr]


def test_counts_stay_consistent_when_the_file_is_gone(tmp_path: Path) -> None:
    copy = tmp_path / "gac.xml"
    shutil.copy(FILES[0], copy)
    report = validate_paths([copy], ValidateOptions())
    copy.unlink()
    root = parse_bytes(render_junit(report).encode("utf-8"))
    cases = root.findall("testsuite/testcase")
    with_findings = {f.identifier for f in report.findings if f.identifier != "file"}
    assert {case.get("name") for case in cases} == {"file", *with_findings}
    assert root.get("tests") == str(len(cases))


def test_characters_xml_cannot_carry_are_replaced() -> None:
    finding = Finding(rule_id="0.1.1", severity="critical", category="iati", message="bad \x01 byte",
                      file="x.xml", identifier="file", value="\x0b")
    text = render_junit(Report(files=[FileReport(path="x\x02.xml", findings=[finding])]))
    root = parse_bytes(text.encode("utf-8"))
    assert root.find("testsuite").get("name") == "x\ufffd.xml"  # type: ignore[union-attr]
    assert "bad \ufffd byte" in (root.findtext("testsuite/testcase/failure") or "")


def test_cli_writes_junit(tmp_path: Path) -> None:
    out = tmp_path / "junit.xml"
    assert run(["validate", "--format", "junit", "-o", str(out), str(FILES[0])]) == 1
    root = parse_file(out).getroot()
    failing = {f.identifier for f in validate_paths([FILES[0]], ValidateOptions()).findings if f.blocking}
    assert root.get("failures") == str(len(failing)) and len(root.findall(".//failure")) >= len(failing) > 0
