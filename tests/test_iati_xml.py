"""The iati-xml reader and writer on the official example, every real 2.03 file, and crafted edge cases."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from iati_files import activity_files
from iaticonv.errors import InputError
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from iaticonv.model import Activity, FileHeader, Narrated, ParticipatingOrg, ReportingOrg, Sector
from xmlcompare import assert_same_xml, xml_differences

FILES_203 = activity_files("2.03")


def _roundtrip(path: Path, **reader_options: bool) -> bytes:
    reader = IatiXmlReader(path, **reader_options)
    buffer = io.BytesIO()
    IatiXmlWriter().write(buffer, reader.records(), reader.header())
    return buffer.getvalue()


def test_there_are_real_203_files() -> None:
    assert len(FILES_203) >= 15


@pytest.mark.parametrize("path", FILES_203, ids=lambda p: p.name)
def test_xml_roundtrip_is_lossless(path: Path) -> None:
    assert_same_xml(path, _roundtrip(path))


def test_datastore_file_with_mixed_versions_roundtrips_without_upgrade(tmp_path: Path) -> None:
    path = next(p for p in activity_files(None, example=False) if "classic" in p.name)
    assert_same_xml(path, _roundtrip(path, upgrade=False))


def _xml(body: str, root_attrs: str = 'version="2.03"') -> bytes:
    return f'<?xml version="1.0"?>\n<iati-activities {root_attrs}>{body}</iati-activities>'.encode()


def _read(tmp_path: Path, data: bytes) -> tuple[list[Activity], IatiXmlReader]:
    path = tmp_path / "in.xml"
    path.write_bytes(data)
    reader = IatiXmlReader(path)
    return list(reader.records()), reader


MESSY = _xml(
    '<iati-activity default-currency="CAD" hierarchy="01" last-updated-datetime="2025-09-19T00:00:00Z"'
    ' xmlns:x="urn:x" x:flag="y">'
    "<title><narrative>No language</narrative><narrative xml:lang=\"en\">English</narrative>"
    "<narrative xml:lang=\"en\">Second English</narrative></title>"
    "<iati-identifier>CA-3-A1</iati-identifier>"
    "<!-- a comment kept in place -->"
    "<x:custom a=\"1\">text<x:inner/></x:custom>"
    '<activity-date type="2" iso-date="2011-07-20Z"/>'
    '<budget><period-start iso-date="2010-04-01"/><period-end iso-date="2011-03-31"/>'
    '<value currency="CAD" value-date="2010-04-01"> 1000 </value></budget>'
    '<budget><value>1.000,00</value></budget>'
    '<sector code="15112" vocabulary="1" percentage="100.0"/>'
    '<activity-status code="4"/><activity-status code="3"/>'
    "</iati-activity>"
)


def test_messy_input_keeps_order_lexical_forms_and_unknowns(tmp_path: Path) -> None:
    (activity,), reader = _read(tmp_path, MESSY)
    assert activity.iati_identifier == "CA-3-A1"
    assert activity.title is not None
    assert activity.title.narratives == {"": "No language", "en": "English"}
    assert activity.hierarchy == "01"  # not the canonical spelling of 1: kept as text
    assert activity.last_updated_datetime == "2025-09-19T00:00:00Z"
    assert activity.extra_attrs == {"{urn:x}flag": "y"}
    assert activity.activity_dates[0].iso_date == "2011-07-20Z"
    first, second = activity.budgets
    assert first.period_start is not None and first.period_start.iso_date == date(2010, 4, 1)
    assert first.value is not None and first.value.amount == " 1000 "
    assert second.value is not None and second.value.amount == "1.000,00"
    assert activity.sectors[0].percentage == Decimal("100.0")
    assert activity.activity_status is not None and activity.activity_status.code == "4"
    assert len(activity.extras) == 3  # the comment, x:custom, the 2nd activity-status
    assert activity.title.extras == ['<narrative xml:lang="en">Second English</narrative>']
    assert activity.order is not None and activity.order[0] == "title"
    buffer = io.BytesIO()
    IatiXmlWriter().write(buffer, [activity], reader.header())
    assert_same_xml(MESSY, buffer.getvalue())
    assert b"<!-- a comment kept in place -->" in buffer.getvalue()


def test_model_built_activity_is_written_in_xsd_order_deterministically() -> None:
    activity = Activity(
        iati_identifier="XM-EXAMPLE-1",
        sectors=[Sector(code="15112", vocabulary="1", percentage=Decimal("100"))],
        participating_orgs=[ParticipatingOrg(ref="CA-3", role="3", narratives={"en": "GAC", "fr": "AMC"})],
        title=Narrated(narratives={"en": "A & B <c>"}),
        reporting_org=ReportingOrg(ref="CA-3", type="10"),
    )
    first, second = io.BytesIO(), io.BytesIO()
    IatiXmlWriter().write(first, [activity])
    IatiXmlWriter().write(second, [activity])
    data = first.getvalue()
    assert data == second.getvalue()
    text = data.decode()
    positions = [text.index(tag) for tag in ("<iati-identifier", "<reporting-org", "<title", "<participating-org",
                                             "<sector")]
    assert positions == sorted(positions)
    assert "generated-datetime" not in text
    assert "A &amp; B &lt;c&gt;" in text
    assert '<narrative xml:lang="fr">AMC</narrative>' in text


def test_generated_datetime_only_when_asked() -> None:
    buffer = io.BytesIO()
    IatiXmlWriter(generated_at="2026-01-02T03:04:05Z").write(buffer, [], FileHeader())
    assert b'generated-datetime="2026-01-02T03:04:05Z"' in buffer.getvalue()


def test_header_namespaces_and_attributes_roundtrip(tmp_path: Path) -> None:
    data = _xml("<iati-activity><iati-identifier>A</iati-identifier></iati-activity>",
                'version="2.03" xmlns:usg="https://foreignassistance.gov" usg:note="n" '
                'linked-data-default="http://x/" generated-datetime="2024-01-01T00:00:00Z"')
    activities, reader = _read(tmp_path, data)
    header = reader.header()
    assert header.nsmap == {"usg": "https://foreignassistance.gov"}
    assert header.extra_attrs == {"{https://foreignassistance.gov}note": "n"}
    buffer = io.BytesIO()
    IatiXmlWriter().write(buffer, activities, header)
    assert_same_xml(data, buffer.getvalue())
    assert b'xmlns:usg="https://foreignassistance.gov"' in buffer.getvalue()


def test_comparison_helper_says_what_and_where(tmp_path: Path) -> None:
    from iaticonv._xml import parse_bytes

    left = parse_bytes(b'<a><b x="1"/><b x="2">t</b></a>')
    right = parse_bytes(b'<a><b x="1"/><b x="3">u</b></a>')
    differences = xml_differences(left, right)
    assert "/a[1]/b[2]/@x: '2' != '3'" in differences
    assert "/a[1]/b[2]/text(): 't' != 'u'" in differences


def test_malformed_xml_is_an_input_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(b'<iati-activities version="2.03">\n<iati-activity>\n<title></iati-activity>')
    with pytest.raises(InputError) as info:
        list(IatiXmlReader(path).records())
    assert info.value.file == str(path) and info.value.line == 3


def test_organisation_file_is_refused_clearly() -> None:
    from conftest import EXAMPLE_ORGANISATION

    with pytest.raises(InputError, match="not an IATI activity file"):
        list(IatiXmlReader(EXAMPLE_ORGANISATION).records())


def test_elements_outside_activities_are_reported_not_dropped_silently(tmp_path: Path) -> None:
    data = _xml("<foreign>a</foreign><iati-activity><iati-identifier>A</iati-identifier></iati-activity>"
                "<!-- fine --><iati-activity><iati-identifier>B</iati-identifier></iati-activity><tail/>")
    activities, reader = _read(tmp_path, data)
    assert [a.iati_identifier for a in activities] == ["A", "B"]
    assert [(n.code, n.message.split(">")[0], n.line) for n in reader.notes] == [
        ("read.not-an-activity", "<foreign", 2), ("read.not-an-activity", "<tail", 2)]
