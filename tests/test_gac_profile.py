"""The GAC profile page: the seed converts to valid IATI 2.03 holding every accepted value, and round-trips."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from conftest import SAMPLES, SEED_PROFILE
from iaticonv._xml import parse_file
from iaticonv.errors import InputError
from iaticonv.formats.base import detect_format, open_reader
from iaticonv.formats.gac.profile_page import GacProfileReader, GacProfileWriter, read_profile, write_profile
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from iaticonv.model import Activity
from iaticonv.standard import require_store

GAC_URI = ("https://www.international.gc.ca/department-ministere/open_data-donnees_ouvertes/dev/"
           "data_field_definitions-definitions_champs_donnees.aspx?lang=eng#a2")


def _xml(activities: list[Activity]) -> bytes:
    buffer = io.BytesIO()
    IatiXmlWriter().write(buffer, activities)
    return buffer.getvalue()


def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(parse_file(require_store() / "schemas" / "2.03" / "iati-activities-schema.xsd"))


@pytest.fixture(scope="module")
def seed_xml() -> etree._Element:
    data = _xml(list(GacProfileReader(SEED_PROFILE).records()))
    schema = _schema()
    root = etree.fromstring(data)
    assert schema.validate(root), schema.error_log
    return root


def test_seed_holds_every_accepted_value(seed_xml: etree._Element) -> None:
    a = seed_xml.find("iati-activity")
    assert a is not None
    assert a.findtext("iati-identifier") == "CA-3-A034224001"
    assert a.xpath("reporting-org/@ref") == ["CA-3"] and a.xpath("reporting-org/@type") == ["10"]
    assert a.xpath("activity-status/@code") == ["4"]
    assert a.xpath("recipient-country/@code") == ["PE"] and a.xpath("recipient-country/@percentage") == ["100"]
    assert [(s.get("code"), s.get("vocabulary"), s.get("percentage")) for s in a.iterfind("sector")] == [
        ("15112", "1", "100")]
    assert a.xpath("default-aid-type/@code") == ["D01"]
    assert a.xpath("default-finance-type/@code") == ["110"]
    assert a.xpath("collaboration-type/@code") == ["1"]
    assert a.xpath("activity-date[@type='2']/@iso-date") == ["2011-07-20"]
    assert a.xpath("activity-date[@type='4']/@iso-date") == ["2017-12-31"]
    markers = [(m.get("vocabulary"), m.get("code"), m.get("significance"), m.findtext("narrative"))
               for m in a.iterfind("policy-marker")]
    assert markers == [("1", "1", "1", None), ("1", "3", "2", None), ("99", "9", "1", "Children issues"),
                       ("99", "10", "1", "Adolescent (Youth) Issues"), ("99", "11", "1", "Indigenous issues")]
    assert set(a.xpath("policy-marker[@vocabulary='99']/@vocabulary-uri")) == {GAC_URI}
    budget = a.find("budget")
    assert budget is not None and (budget.get("type"), budget.get("status")) == ("1", "2")
    assert budget.xpath("period-start/@iso-date") == ["2010-04-01"]
    assert budget.xpath("period-end/@iso-date") == ["2011-03-31"]
    assert budget.findtext("value") == "19075668" and a.get("default-currency") == "CAD"
    commitment = a.xpath("transaction[transaction-type/@code='2']")
    assert len(commitment) == 1 and commitment[0].findtext("value") == "19075668"
    assert a.xpath("participating-org[@role='4']/narrative/text()") == ["Alinea International Ltd"]
    assert a.xpath("participating-org[@role='1']/@ref") == ["CA"]
    assert a.xpath("participating-org[@role='3']/@ref") == ["CA-3"]
    assert a.findtext("description/narrative", "").startswith("The project aims to enhance sustainable")
    results = a.xpath("result/description/narrative/text()")
    assert len(results) == 1 and results[0].startswith("Results achieved as of the end of the project include")
    assert results[0].endswith("IT tools to support regional government")
    assert a.xpath("result/indicator/@measure") == ["5"]
    assert a.get("last-updated-datetime", "").startswith("2025-09-19")
    assert a.xpath("document-link/category/@code") == ["A02", "A02"]
    assert "details/A034224001?Lang=eng" in a.xpath("document-link/@url")[0]
    assert {(d.get("name"), d.get("value")) for d in a.iterfind("legacy-data")} == {
        ("Program Name", "NGM Americas"), ("Selection Mechanism", "Pre-APP")}


def test_seed_page_noise_and_derived_lines_are_notes_not_errors() -> None:
    reader = GacProfileReader(SEED_PROFILE)
    list(reader.records())
    messages = " | ".join(note.message for note in reader.notes)
    assert "'900'" in messages and "Geographic Information" in messages
    assert "Major Funding" not in messages and "International Development Grant" not in messages
    assert {note.code for note in reader.notes} == {"gac-profile.page-noise"}
    assert all(note.line for note in reader.notes)


@pytest.mark.parametrize("path", [SEED_PROFILE, SAMPLES / "gac-profile-invented.txt"], ids=lambda p: p.name)
def test_profile_to_xml_to_profile_to_xml_is_identical(path: Path, tmp_path: Path) -> None:
    first = _xml(list(GacProfileReader(path).records()))
    (tmp_path / "a.xml").write_bytes(first)
    page = io.BytesIO()
    GacProfileWriter().write(page, IatiXmlReader(tmp_path / "a.xml").records())
    (tmp_path / "b.txt").write_bytes(page.getvalue())
    second = _xml(list(GacProfileReader(tmp_path / "b.txt").records()))
    assert second == first
    assert "Duration:" in page.getvalue().decode()


def test_invented_profile_is_valid_and_complete(tmp_path: Path) -> None:
    data = _xml(list(GacProfileReader(SAMPLES / "gac-profile-invented.txt").records()))
    root = etree.fromstring(data)
    assert _schema().validate(root), _schema().error_log
    a = root[0]
    assert a.xpath("activity-status/@code") == ["2"]
    assert a.xpath("activity-date/@type") == ["2", "3"]
    assert a.xpath("recipient-country/@code") == ["ML", "NE"]
    assert a.xpath("sector/@code") == ["14031", "14032"]
    assert a.xpath("budget/value/text()") == ["500000", "1000000", "1000000"]
    assert a.xpath("transaction/flow-type/@code") == ["10"]
    assert [r.findtext("title/narrative") for r in a.iterfind("result")] == ["Expected Results", "Results achieved"]
    assert len(a.xpath("description/narrative/text()")[0].split("\n\n")) == 2


def test_profile_of_a_non_gac_activity_keeps_its_identifier(tmp_path: Path) -> None:
    activity = Activity(iati_identifier="XM-DAC-41114-EXAMPLE-1")
    page = io.BytesIO()
    GacProfileWriter().write(page, [activity])
    (tmp_path / "p.txt").write_bytes(page.getvalue())
    (back,) = GacProfileReader(tmp_path / "p.txt").records()
    assert back.iati_identifier == "XM-DAC-41114-EXAMPLE-1" and back.document_links == []


def test_the_format_table_finds_profiles(tmp_path: Path) -> None:
    info = detect_format(SEED_PROFILE)
    assert info.name == "gac-profile"
    odd = tmp_path / "profile.page"
    odd.write_bytes(SEED_PROFILE.read_bytes())
    assert detect_format(odd).name == "gac-profile"
    assert len(list(open_reader(info, SEED_PROFILE).records())) == 1


def _broken(replace: str, by: str) -> str:
    text = SEED_PROFILE.read_text(encoding="utf-8")
    assert replace in text
    return text.replace(replace, by, 1)


@pytest.mark.parametrize(
    ("replace", "by", "line", "column", "message"),
    [
        ("Aid Type: Donor country personnel", "Aid Type: Donor countri personel", 49, "Aid Type", "D01"),
        ("End Date: December 31, 2017", "End Date: February 31, 2017", 17, "End Date", "not a date"),
        ("Peru 100.00%", "Peru 1O0%", 11, "Country/Region", "not a known"),
        ("Level 1 Youth Issues", "Level 1 Youth Isues", 62, "Policy Markers", "not a known policy marker"),
        ("$19,075,668 CAD", "$19,075,66B CAD", 66, "Budget Breakdown", "not a budget line"),
        ("Maximum Contribution: $19,075,668.00", "Maximum Contribution: $19,075,668.0x", 13,
         "Maximum Contribution", "not an amount"),
        ("Project Number: CA-3-A034224001\n\nStatus", "Project Number: CA-3-A034224002\n\nStatus", 69,
         "Project Number", "two projects"),
    ],
)
def test_bad_profiles_name_line_and_field(replace: str, by: str, line: int, column: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        read_profile(_broken(replace, by), "seed.txt")
    error = caught.value
    assert (error.file, error.line, error.column) == ("seed.txt", line, column)
    assert message in str(error)


def test_a_page_without_a_project_number_is_refused() -> None:
    with pytest.raises(InputError, match="no 'Project Number:' line"):
        read_profile("Just some text\nand more\n", "x.txt")


def test_derived_lines_that_disagree_are_notes() -> None:
    text = _broken("Duration: 6.5 years", "Duration: 9 years").replace(
        "Maximum Contribution: $19,075,668.00", "Maximum Contribution: $19,075.00")
    text = text.replace("$19,075,668 CAD", "$19,075 CAD")
    project, notes = read_profile(text, "seed.txt")
    derived = [note for note in notes if note.code == "gac-profile.derived-mismatch"]
    assert [note.where.line for note in derived] == [19, 64]
    assert "'6.5 years'" in derived[0].message
    assert "Major Funding" not in write_profile(project)
