"""The JUnit XML report: IATI problems shown by CI systems the way they show failing tests.

One ``<testsuite>`` per file; in it one ``<testcase>`` for the file-level checks (named ``file``, as
the official validator names file-level problems) and one per activity or organisation, named by its
identifier so a CI system can follow the same record across builds. Every critical or error finding
becomes one ``<failure>`` of its record's test case; warnings, information and advisories go to the
test case's ``<system-out>``, visible but not failing. Counts follow the usual JUnit meaning:
``tests`` counts test cases and ``failures`` the test cases with at least one ``<failure>``
(``errors``, for tests that could not run, stays 0: a file that cannot be read is a failure of its
``file`` test case, with the reason).

Records without findings are listed by reading the file's identifiers again (streamed); if the file
is gone, only the records with findings appear, and the counts say so consistently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from lxml import etree

from ..catalogue import Catalogue, load_catalogue
from ..findings import FILE_IDENTIFIER, Finding
from ..report import FileReport, Report
from ._titles import iter_records

__all__ = ["render_junit"]

# Characters XML 1.0 cannot carry (control characters); a value quoted from a broken file may hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: object) -> str:
    return _NOT_XML.sub("\ufffd", "" if text is None else str(text))


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _details(finding: Finding, catalogue: Catalogue) -> str:
    info = catalogue.get(finding.rule_id)
    lines = [f"{finding.severity} {finding.rule_id} ({finding.category}): {finding.message}"]
    if finding.line is not None:
        lines.append(f"line: {finding.line}" + (f", column {finding.column}" if finding.column is not None else ""))
    for label, value in (("xpath", finding.xpath), ("value", finding.value), ("source", finding.source),
                         ("guidance", info.link if info is not None else None)):
        if value:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)


def _records(file: FileReport, grouped: Mapping[str, list[Finding]]) -> list[tuple[str, str]]:
    """(identifier, title) of each record, in document order, each identifier once."""
    seen: dict[str, str] = {}
    for identifier, title in iter_records(file.path):
        seen.setdefault(identifier, title)
    for identifier in grouped:  # records the file no longer shows (moved, rewritten) still get their case
        if identifier != FILE_IDENTIFIER:
            seen.setdefault(identifier, "")
    return list(seen.items())


def _testcase(suite: etree._Element, file: FileReport, name: str, title: str, findings: Iterable[Finding],
              catalogue: Catalogue) -> bool:
    case = etree.SubElement(suite, "testcase", classname=_clean(file.path), name=_clean(name))
    out: list[str] = [f"title: {title}"] if title else []
    failed = False
    for finding in findings:
        details = _clean(_details(finding, catalogue))
        if finding.blocking:
            failure = etree.SubElement(case, "failure", message=_clean(f"{finding.rule_id}: {finding.message}"),
                                       type=finding.severity)
            failure.text = details
            failed = True
        else:
            out.append(details)
    if out:
        etree.SubElement(case, "system-out").text = "\n\n".join(out)
    return failed


def _suite(parent: etree._Element, file: FileReport, catalogue: Catalogue) -> tuple[int, int]:
    grouped: dict[str, list[Finding]] = {FILE_IDENTIFIER: []}
    for finding in sorted(file.findings, key=Finding.sort_key):
        key = finding.identifier if finding.identifier not in (None, "") else FILE_IDENTIFIER
        grouped.setdefault(str(key), []).append(finding)
    suite = etree.SubElement(parent, "testsuite", name=_clean(file.path))
    properties = etree.SubElement(suite, "properties")
    for name, value in (("file-type", file.file_type), ("iati-version", file.iati_version),
                        ("records", file.activities)):
        etree.SubElement(properties, "property", name=name, value=_clean(value or ""))
    cases = [(FILE_IDENTIFIER, ""), *_records(file, grouped)]
    failures = sum(_testcase(suite, file, name, title, grouped.get(name, ()), catalogue) for name, title in cases)
    _counts(suite, len(cases), failures, file.seconds)
    return len(cases), failures


def _counts(element: etree._Element, tests: int, failures: int, seconds: float) -> None:
    for name, value in (("tests", tests), ("failures", failures), ("errors", 0), ("skipped", 0)):
        element.set(name, str(value))
    element.set("time", _seconds(seconds))


def render_junit(report: Report, *, catalogue: Catalogue | None = None) -> str:
    """The report as a JUnit XML document (UTF-8 text with an XML declaration)."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    root = etree.Element("testsuites", name="iaticonv validate")
    totals: list[Any] = [_suite(root, file, catalogue) for file in report.files]
    _counts(root, sum(t for t, _ in totals), sum(f for _, f in totals), sum(f.seconds for f in report.files))
    text: str = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text
