"""Layers 1–3 and 5–6 on real inputs: the official example (edited where a test needs a defect) and real files.

Every edited fixture starts from ../shared's official example activity, so the rest of the file is a
realistic, schema-valid activity; each test changes one thing and asserts on (id, line, XPath).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import EXAMPLE_ACTIVITY, EXAMPLE_ORGANISATION, REAL_IATI
from iaticonv.validate import Finding, ValidateOptions, validate_file, validate_paths

EXAMPLE = EXAMPLE_ACTIVITY.read_text(encoding="utf-8")
OFFICIAL = ValidateOptions(extra=False)


def edited(tmp_path: Path, old: str, new: str, *, name: str = "edited.xml", count: int = 1) -> Path:
    assert EXAMPLE.count(old) >= count, old
    path = tmp_path / name
    path.write_text(EXAMPLE.replace(old, new, count), encoding="utf-8")
    return path


def ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


def where(findings: list[Finding], rule_id: str) -> list[tuple[int | None, str | None]]:
    return [(f.line, f.xpath) for f in findings if f.rule_id == rule_id]


# --- layer 1: well-formed, root, version -------------------------------------------------------------

def test_broken_xml_is_0_1_1_with_its_line(tmp_path: Path) -> None:
    path = edited(tmp_path, "<capital-spend percentage=\"88.8\" />", "<capital-spend percentage=\"88.8\">")
    report = validate_file(path, OFFICIAL)
    broken = [f for f in report.findings if f.rule_id == "0.1.1"]
    assert len(broken) == 1
    assert broken[0].severity == "critical" and broken[0].identifier == "file"
    assert broken[0].line is not None and broken[0].line > 261
    assert not report.valid and report.blocking


def test_empty_and_truncated_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xml"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(EXAMPLE[: len(EXAMPLE) // 2], encoding="utf-8")
    report = validate_paths([empty, truncated], OFFICIAL)
    assert [ids(f.findings)[-1:] for f in report.files] == [["0.1.1"], ["0.1.1"]]


def test_wrong_root_is_0_2_1(tmp_path: Path) -> None:
    path = tmp_path / "html.xml"
    path.write_text("<html><body/></html>", encoding="utf-8")
    report = validate_file(path, OFFICIAL)
    assert ids(report.findings) == ["0.2.1"]
    assert "<html>" in report.findings[0].message


def test_version_1_stops_with_upgrade_pointer(tmp_path: Path) -> None:
    path = edited(tmp_path, 'version="2.03"', 'version="1.05"')
    report = validate_file(path)
    assert ids(report.findings) == ["0.6.1"]
    assert "iaticonv upgrade" in report.findings[0].message
    assert not report.valid


def test_unknown_version_is_0_6_1_and_still_checked(tmp_path: Path) -> None:
    path = edited(tmp_path, 'version="2.03"', 'version="xx"')
    found = ids(validate_file(path, OFFICIAL).findings)
    assert "0.6.1" in found and "9.1.1" in found and "9.40.1" in found


@pytest.mark.parametrize("version", ["2.01", "2.02"])
def test_older_versions_use_their_own_schema(tmp_path: Path, version: str) -> None:
    # tag was added in 2.03: the 2.01/2.02 XSD rejects it, the 2.03 one does not
    path = edited(tmp_path, 'version="2.03"', f'version="{version}"')
    report = validate_file(path, OFFICIAL)
    assert report.iati_version == version
    schema = [f for f in report.findings if f.rule_id == "0.3.1"]
    assert any("'tag'" in f.message for f in schema)
    assert "0.3.1" not in ids(validate_file(EXAMPLE_ACTIVITY, OFFICIAL).findings)


def test_missing_file_is_a_finding_and_the_batch_goes_on(tmp_path: Path) -> None:
    report = validate_paths([tmp_path / "nope.xml", EXAMPLE_ORGANISATION], OFFICIAL)
    assert ids(report.files[0].findings) == ["2000.0.1"]
    assert "nope.xml" in report.files[0].path
    assert report.files[1].valid and report.files[1].file_type == "iati-organisations"


def test_folder_is_expanded(tmp_path: Path) -> None:
    edited(tmp_path, "", "", name="a.xml")
    (tmp_path / "sub").mkdir()
    edited(tmp_path / "sub", "", "", name="b.xml")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    report = validate_paths([tmp_path], OFFICIAL)
    assert [Path(f.path).name for f in report.files] == ["a.xml", "b.xml"]


# --- layer 2: schema ------------------------------------------------------------------------------------

def test_schema_error_is_tied_to_activity_line_and_xpath(tmp_path: Path) -> None:
    path = edited(tmp_path, '<sector vocabulary="2" code="112" percentage="50" />',
                  '<sector vocabulary="2" percentage="50" />')
    report = validate_file(path, OFFICIAL)
    assert where(report.findings, "0.3.1") == [(163, "/iati-activities/iati-activity[1]/sector[2]")]
    finding = next(f for f in report.findings if f.rule_id == "0.3.1")
    assert finding.identifier == "AA-AAA-123456789-ABC123" and "code" in finding.message
    assert not report.valid


def test_root_level_schema_errors(tmp_path: Path) -> None:
    path = edited(tmp_path, 'generated-datetime="2014-09-10T07:15:37Z"', 'generated-datetime="yesterday"')
    report = validate_file(path, OFFICIAL)
    found = [f for f in report.findings if f.rule_id == "0.3.1"]
    assert len(found) == 1 and found[0].identifier == "file" and found[0].line == 5


def test_many_activities_each_checked_and_numbered(tmp_path: Path) -> None:
    start, end = EXAMPLE.index(" <iati-activity "), EXAMPLE.index("</iati-activity>") + len("</iati-activity>")
    activity = EXAMPLE[start:end]
    copies = [activity.replace("AA-AAA-123456789-ABC123", f"AA-AAA-123456789-N{i}") for i in range(5)]
    copies[3] = copies[3].replace('<sector vocabulary="2" code="112" percentage="50" />',
                                  '<sector vocabulary="2" percentage="50" />')
    path = tmp_path / "many.xml"
    path.write_text(EXAMPLE[:start] + "\n".join(copies) + EXAMPLE[end:], encoding="utf-8")
    report = validate_file(path, OFFICIAL)
    assert report.activities == 5
    schema = [f for f in report.findings if f.rule_id == "0.3.1"]
    assert [(f.identifier, f.xpath) for f in schema] == [
        ("AA-AAA-123456789-N3", "/iati-activities/iati-activity[4]/sector[2]")
    ]


def test_duplicate_identifier_is_1_1_2(tmp_path: Path) -> None:
    start, end = EXAMPLE.index(" <iati-activity "), EXAMPLE.index("</iati-activity>") + len("</iati-activity>")
    path = tmp_path / "dup.xml"
    path.write_text(EXAMPLE[:end] + "\n" + EXAMPLE[start:end] + EXAMPLE[end:], encoding="utf-8")
    dup = [f for f in validate_file(path, OFFICIAL).findings if f.rule_id == "1.1.2"]
    assert len(dup) == 1
    assert dup[0].xpath == "/iati-activities/iati-activity[2]/iati-identifier[1]"
    assert "line 11" in dup[0].message


# --- layer 3: codelists ---------------------------------------------------------------------------------

def test_example_codelist_findings() -> None:
    findings = validate_file(EXAMPLE_ACTIVITY, OFFICIAL).findings
    act = "/iati-activities/iati-activity[1]"
    assert where(findings, "9.40.1") == [(51, f"{act}/participating-org[3]/@crs-channel-code")]
    assert where(findings, "9.86.1") == [(282, f"{act}/transaction[1]/recipient-region[1]/@code")]


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('vocabulary="1" code="99999"', ["9.76.1"]),
        ('code="99999"', ["9.76.1"]),  # no vocabulary: DAC 5-digit by default
        ('vocabulary="2" code="99999"', ["9.77.1"]),
        ('vocabulary="99" code="99999"', []),  # publisher's own vocabulary: not checked (official)
        ('vocabulary="10" code="99999"', []),  # a vocabulary with no mapping: not checked
        ('vocabulary="777" code="111"', ["9.78.1"]),  # the vocabulary itself is checked
    ],
)
def test_sector_vocabulary_conditions(tmp_path: Path, attributes: str, expected: list[str]) -> None:
    path = edited(tmp_path, 'vocabulary="2" code="112"', attributes)
    found = [f for f in validate_file(path, OFFICIAL).findings if f.rule_id.startswith("9.")]
    assert [f.rule_id for f in found if f.line == 163] == expected


def test_withdrawn_code_is_accepted_officially_and_warned_by_iaticonv(tmp_path: Path) -> None:
    path = edited(tmp_path, 'vocabulary="2" code="112"', 'vocabulary="1" code="11321"')
    official = [f for f in validate_file(path, OFFICIAL).findings if f.line == 163 and f.rule_id.startswith("9.")]
    assert official == []
    extra = [f for f in validate_file(path).findings if f.line == 163 and f.rule_id.startswith(("9.", "2002"))]
    assert [(f.rule_id, f.severity) for f in extra] == [("2002.1.1", "warning")]
    assert "2019-12-31" in extra[0].message


def test_channel_code_text_is_checked(tmp_path: Path) -> None:
    path = edited(tmp_path, "<channel-code>21039</channel-code>", "<channel-code>00000</channel-code>")
    assert "9.16.1" in ids(validate_file(path, OFFICIAL).findings)


# --- layers 5–6: advisories and iaticonv's own checks -------------------------------------------------------

def test_links_resolve_across_the_files_given(tmp_path: Path) -> None:
    linked = edited(tmp_path, "AA-AAA-123456789-ABC123", "AA-AAA-123456789-6789", name="linked.xml")
    alone = validate_paths([EXAMPLE_ACTIVITY], OFFICIAL)
    both = validate_paths([EXAMPLE_ACTIVITY, linked], OFFICIAL)
    assert "AA-AAA-123456789-6789" in [f.value for f in alone.findings if f.rule_id == "1000.0.6"]
    assert "AA-AAA-123456789-6789" not in [f.value for f in both.files[0].findings if f.rule_id == "1000.0.6"]


def test_lookup_is_pluggable() -> None:
    class Everything:
        def existing(self, identifiers: object) -> set[str]:
            return set(identifiers)  # type: ignore[call-overload]

    report = validate_paths([EXAMPLE_ACTIVITY], ValidateOptions(lookup=Everything()))
    assert not [f for f in report.findings if f.severity == "advisory"]


def test_every_future_transaction_is_reported(tmp_path: Path) -> None:
    start, end = EXAMPLE.index("  <transaction "), EXAMPLE.index("</transaction>") + len("</transaction>")
    second = EXAMPLE[start:end].replace("2012-01-01", "2031-05-01")
    path = tmp_path / "future.xml"
    path.write_text(EXAMPLE[:end] + "\n" + second + EXAMPLE[end:], encoding="utf-8")
    options = ValidateOptions(today=dt.date(2026, 1, 1))
    found = [f for f in validate_file(path, options).findings if f.rule_id.startswith("2001.")]
    assert [(f.rule_id, f.xpath) for f in found] == [
        ("2001.1.1", "/iati-activities/iati-activity[1]/transaction[2]/transaction-date[1]/@iso-date"),
        ("2001.1.2", "/iati-activities/iati-activity[1]/transaction[2]/value[1]/@value-date"),
    ]


@pytest.mark.parametrize("value", ["2026-01-01", "2026-01-02", "2026-01-02T00:00:00Z", "2025-12-31T23:59:59+05:00",
                                   " 2030-01-01", "2030-01-01 ", "20300101", "2030-1-1", "2030-13-45", "abcd-ef-gh",
                                   "", "2O30-01-01", "9999-12-31"])
def test_future_transaction_dates_as_python_reads_them(tmp_path: Path, value: str) -> None:
    """XPath sends to Python only the later transactions whose date is not plainly on or before today:
    a finding exactly when Python's reading of the date (``leading_date``) is after today."""
    from iaticonv._dates import leading_date

    start, end = EXAMPLE.index("  <transaction "), EXAMPLE.index("</transaction>") + len("</transaction>")
    second = EXAMPLE[start:end].replace('iso-date="2012-01-01"', f'iso-date="{value}"', 1)
    assert second != EXAMPLE[start:end]
    path = tmp_path / "dates.xml"
    path.write_text(EXAMPLE[:end] + "\n" + second + EXAMPLE[end:], encoding="utf-8")
    today = dt.date(2026, 1, 1)
    found = [f.value for f in validate_file(path, ValidateOptions(today=today)).findings if f.rule_id == "2001.1.1"]
    when = leading_date(value)
    assert found == ([value] if when is not None and when > today else [])


def test_policy_marker_99_needs_vocabulary_uri(tmp_path: Path) -> None:
    path = edited(tmp_path, 'vocabulary="99" vocabulary-uri="http://example.com/vocab.html" code="A1" significance',
                  'vocabulary="99" code="A1" significance')
    found = where(validate_file(path).findings, "2003.1.1")
    assert found == [(206, "/iati-activities/iati-activity[1]/policy-marker[3]")]


def test_xml_lang_checked_against_language_codelist(tmp_path: Path) -> None:
    path = edited(tmp_path, '<narrative xml:lang="fr">Rapport', '<narrative xml:lang="zz">Rapport')
    found = [f for f in validate_file(path).findings if f.rule_id == "2004.1.1"]
    assert [(f.value, f.xpath) for f in found] == [
        ("zz", "/iati-activities/iati-activity[1]/document-link[1]/title[1]/narrative[2]/@xml:lang")
    ]
    assert "2004.1.1" not in ids(validate_file(path, OFFICIAL).findings)


def test_fiscal_year_budget_periods() -> None:
    calendar = validate_file(EXAMPLE_ACTIVITY, ValidateOptions(fiscal_year_start=(1, 1))).findings
    april = validate_file(EXAMPLE_ACTIVITY, ValidateOptions(fiscal_year_start=(4, 1))).findings
    assert "2005.1.1" not in ids(calendar)  # the example's budgets are calendar years
    assert where(april, "2005.1.1") and all("04-01" in f.message for f in april if f.rule_id == "2005.1.1")


def test_percentages_that_reach_100_only_after_rounding(tmp_path: Path) -> None:
    path = edited(tmp_path, 'code="111" percentage="50" />\n  <sector vocabulary="2" code="112" percentage="50" />',
                  'code="111" percentage="49.99" />\n  <sector vocabulary="2" code="112" percentage="50" />')
    found = [f for f in validate_file(path).findings if f.rule_id == "2006.1.1"]
    assert [(f.line, f.value) for f in found] == [(162, "99.99")]


# --- whole files ------------------------------------------------------------------------------------------

def test_official_organisation_example_is_valid() -> None:
    report = validate_file(EXAMPLE_ORGANISATION)
    assert report.valid and not report.blocking, [(f.rule_id, f.message) for f in report.findings]
    assert report.file_type == "iati-organisations" and report.activities == 1


def test_real_files_findings_have_line_and_identifier() -> None:
    report = validate_paths(sorted(REAL_IATI.glob("*.xml")))
    assert report.findings
    for finding in report.findings:
        assert finding.line, finding
        assert finding.identifier, finding
