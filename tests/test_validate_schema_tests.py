"""The 694 official IATI schema tests: should-pass files get no schema finding, should-fail files at least one.

The fixtures are IATI-Schemas' own unit tests (activities, organisations and registry records), read
from ../shared. A schema finding is 0.3.1; files without a supported version also get 0.6.1, which is
not a schema finding and is checked against the 2.03 XSD anyway, so the verdict still shows.
A few files have a lone record as root: 0.2.1, and the record is still validated on its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SCHEMA_TESTS
from iaticonv.validate import ValidateOptions, validate_file

FILES = sorted(SCHEMA_TESTS.rglob("*.xml"))
OPTIONS = ValidateOptions(extra=False)


def _expected(path: Path) -> bool:
    parts = path.relative_to(SCHEMA_TESTS).parts
    return "should-pass" in parts


def test_all_694_schema_tests_are_present() -> None:
    assert len(FILES) == 694
    assert sum(_expected(p) for p in FILES) == 239


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SCHEMA_TESTS)))
def test_schema_verdict(path: Path) -> None:
    report = validate_file(path, OPTIONS)
    schema = [f for f in report.findings if f.rule_id == "0.3.1"]
    assert not [f for f in report.findings if f.rule_id in {"0.1.1", "2000.0.1"}]
    bare_root = report.file_type is None
    # six organisation tests have a lone <iati-organisation> root: not IATI (0.2.1) yet still schema-checked
    assert bare_root == any(f.rule_id == "0.2.1" for f in report.findings)
    if _expected(path):
        assert schema == [], [f.message for f in schema]
    else:
        assert schema, f"{path} should fail the schema"
        assert all(f.line for f in schema)
        assert all(f.xpath and f.xpath.startswith("/") for f in schema)


def test_registry_records_are_recognised() -> None:
    folder = SCHEMA_TESTS / "registry-tests"
    for path in sorted(folder.rglob("*.xml")):
        assert validate_file(path, OPTIONS).file_type == "registry-record"
