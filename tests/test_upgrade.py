"""2.01/2.02 files upgrade to 2.03: valid against the 2.03 XSD except where a note says why, nothing lost."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from lxml import etree

from conftest import REAL_IATI
from iati_files import activity_files
from iaticonv._xml import parse_bytes
from iaticonv.formats.iati_xml._upgrade import activity_schema
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from xmlcompare import xml_differences

GAC_201 = REAL_IATI / "gac-CA-3-sample-3-activities-v2.01.xml"
OLD_FILES = activity_files("2.01", "2.02", example=False)


def _upgrade(path: Path) -> tuple[bytes, IatiXmlReader]:
    reader = IatiXmlReader(path)
    buffer = io.BytesIO()
    IatiXmlWriter().write(buffer, reader.records(), reader.header())
    return buffer.getvalue(), reader


def _invalid_activities(data: bytes) -> dict[str, list[str]]:
    """identifier → XSD errors, validating each upgraded activity on its own against the 2.03 XSD."""
    schema = activity_schema()
    root = parse_bytes(data)
    assert root.get("version") == "2.03"
    problems: dict[str, list[str]] = {}
    for activity in root.iterchildren("iati-activity"):
        wrapper = etree.Element("iati-activities", version="2.03")
        wrapper.append(activity)
        if not schema.validate(etree.ElementTree(wrapper)):
            problems[activity.findtext("iati-identifier") or "?"] = [e.message for e in schema.error_log]
    return problems


def test_the_old_files_are_there() -> None:
    assert GAC_201 in OLD_FILES and len(OLD_FILES) >= 5


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.name)
def test_upgrade_is_valid_203_except_where_reported(path: Path) -> None:
    data, reader = _upgrade(path)
    invalid = _invalid_activities(data)
    reported = {note.activity for note in reader.notes}
    assert set(invalid) <= reported, f"invalid but not reported: {sorted(set(invalid) - reported)[:5]}"
    assert reported <= set(invalid), "a note was raised for an activity that is valid 2.03"


@pytest.mark.parametrize("path", OLD_FILES, ids=lambda p: p.name)
def test_upgrade_keeps_everything_but_the_version(path: Path) -> None:
    data, _ = _upgrade(path)
    differences = xml_differences(parse_bytes(path.read_bytes()), parse_bytes(data))
    assert differences == [f"/iati-activities[1]/@version: {_old(path)!r} != '2.03'"]


def _old(path: Path) -> str:
    reader = IatiXmlReader(path)
    reader.header()
    assert reader.source_version is not None
    return reader.source_version


def test_gac_results_without_indicator_are_reported_per_activity() -> None:
    _, reader = _upgrade(GAC_201)
    notes = [(n.activity, n.code) for n in reader.notes]
    assert notes == [
        ("CA-3-A035198001", "upgrade.result-without-indicator"),
        ("CA-3-A032705001", "upgrade.result-without-indicator"),
        ("CA-3-D001001001", "upgrade.result-without-indicator"),
    ]
    assert all("indicator" in n.message and n.file == str(GAC_201) and n.line for n in reader.notes)


def test_no_upgrade_keeps_the_old_version() -> None:
    reader = IatiXmlReader(GAC_201, upgrade=False)
    list(reader.records())
    assert reader.header().version == "2.01" and reader.notes == []
