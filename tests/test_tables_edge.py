"""Shapes real files rarely show all at once: empty elements, empty attributes, repeated or missing
identifiers, other namespaces, comments, odd child order, values too long for one spreadsheet cell."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from iaticonv.errors import OutputError
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from iaticonv.formats.tables import TablesReader, TablesWriter
from xmlcompare import assert_same_xml

ODD = b"""<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" xmlns:usg="http://www.usaid.gov/iati" usg:note="root attr" linked-data-default="http://x">
  <iati-activity default-currency="EUR" usg:flag="yes">
    <iati-identifier>XM-1</iati-identifier>
    <!-- a comment between children -->
    <title/>
    <reporting-org ref="" type="10"><narrative xml:lang="fr">Org</narrative>
      <narrative>Org sans langue</narrative></reporting-org>
    <usg:treasury-account><usg:code>12</usg:code></usg:treasury-account>
    <activity-status code="2"/>
    <sector code="111" vocabulary="2" percentage="1.000,5"/>
    <sector/>
    <capital-spend/>
    <transaction>
      <transaction-type code="3"/>
      <value>=cmd|' /C calc'!A0</value>
      <provider-org/>
      <description><narrative>+ plus</narrative><narrative xml:lang="en">-minus</narrative></description>
    </transaction>
    <transaction><value currency="">-12.50</value><provider-org ref="@at"/></transaction>
    <result type="1"><indicator measure="1"><period>
      <target value=""/><target value="'quoted"/></period></indicator></result>
  </iati-activity>
  <iati-activity>
    <iati-identifier>XM-1</iati-identifier>
    <title><narrative>same identifier as the first</narrative></title>
  </iati-activity>
  <iati-activity>
    <iati-identifier>=HYPERLINK("http://evil")</iati-identifier>
    <sector code="1"/>
  </iati-activity>
  <iati-activity>
    <title><narrative>no identifier at all</narrative></title>
  </iati-activity>
</iati-activities>
"""


def round_trip(source: Path, target: Path) -> bytes:
    reader = IatiXmlReader(source)
    TablesWriter(overwrite=True).write_to(target, reader.records(), reader.header())
    tables = TablesReader(target)
    out = io.BytesIO()
    IatiXmlWriter().write(out, tables.records(), tables.header())
    return out.getvalue()


@pytest.mark.parametrize("container", ["folder", "book.xlsx"])
def test_odd_shapes_survive(tmp_path: Path, container: str) -> None:
    source = tmp_path / "odd.xml"
    source.write_bytes(ODD)
    assert_same_xml(source, round_trip(source, tmp_path / container))


def test_keys_stay_unique_when_identifiers_do_not(tmp_path: Path) -> None:
    source = tmp_path / "odd.xml"
    source.write_bytes(ODD)
    reader = IatiXmlReader(source)
    TablesWriter().write_to(tmp_path / "t", reader.records(), reader.header())
    with (tmp_path / "t" / "activity.csv").open(encoding="utf-8-sig", newline="") as handle:
        keys = [row[0] for row in csv.reader(handle)][1:]
    assert keys == ["XM-1", "XM-1#2", "'=HYPERLINK(\"http://evil\")", "#4"]  # guarded like any value
    text = (tmp_path / "t" / "transaction.csv").read_text(encoding="utf-8-sig")
    # a formula in a number column is not a number: kept behind ~; text columns get the apostrophe
    assert "~=cmd|" in text and "-12.50" in text and "'@at" in text and ",'," in text  # currency=""
    narratives = (tmp_path / "t" / "tran.description.narrative.csv").read_text(encoding="utf-8-sig")
    assert "'+ plus" in narratives and "'-minus" in narratives
    extras = (tmp_path / "t" / "extras.csv").read_text(encoding="utf-8-sig")
    assert "{http://www.usaid.gov/iati}flag" in extras and "<!-- a comment between children -->" in extras
    assert ",element," in extras  # <capital-spend/> and <provider-org/> are present though empty


def test_long_verbatim_xml_is_split_over_rows_and_joined_back(tmp_path: Path) -> None:
    big = "x" * 70_000
    source = tmp_path / "long.xml"
    source.write_bytes(ODD.replace(b"<usg:code>12</usg:code>", f"<usg:code>{big}</usg:code>".encode()))
    for container in ("folder", "book.xlsx"):
        assert_same_xml(source, round_trip(source, tmp_path / container))
    extras = (tmp_path / "folder" / "extras.csv").read_text(encoding="utf-8-sig")
    assert extras.count(",more,") == 2


def test_a_text_too_long_for_a_workbook_cell_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "long.xml"
    source.write_bytes(ODD.replace(b"+ plus", b"+" + b"y" * 40_000))
    with pytest.raises(OutputError, match="does not fit an XLSX cell") as caught:
        round_trip(source, tmp_path / "book.xlsx")
    assert "tran.description.narrative" in str(caught.value) and caught.value.hint is not None
    assert not (tmp_path / "book.xlsx").exists()
    assert_same_xml(source, round_trip(source, tmp_path / "folder"))  # the CSV folder holds it
