"""XML → tables → XML on the official example and every real 2.03 activity file: nothing may change.

Both containers are exercised (a folder of CSV files and an XLSX workbook), through the format table
exactly as the ``convert`` command uses it. The comparison is the shared canonical one
(``xmlcompare``): same elements in the same order, same attributes including namespaced ones, same
lexical values and text; on failure it lists what differs where.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from iati_files import activity_files
from iaticonv._xml import parse_file
from iaticonv.formats import format_info, open_reader, open_writer
from iaticonv.formats.iati_xml.xml_io import IatiXmlWriter
from iaticonv.formats.tables import TablesWriter
from xmlcompare import assert_same_xml

FILES_203 = activity_files("2.03")
BIG = 1_000_000  # bytes: XLSX round trips of files above this are marked slow


def xml_to_tables(source: Path, target: Path) -> int:
    reader = open_reader(format_info("iati-xml"), source)
    writer = open_writer(format_info("tables"))
    assert isinstance(writer, TablesWriter)
    return writer.write_to(target, reader.records(), reader.header())


def tables_to_xml(source: Path) -> bytes:
    reader = open_reader(format_info("tables"), source)
    out = io.BytesIO()
    IatiXmlWriter().write(out, reader.records(), reader.header())
    return out.getvalue()


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def test_the_acceptance_set_is_complete() -> None:
    names = {p.name for p in FILES_203}
    # the official example and the real 2.03 files, including one whose root uses single quotes
    assert "activity-standard-example-annotated.xml" in names
    assert {"beis-activity.xml", "usaid-activity.xml", "multi-publisher-dportal-covid.xml"} <= names
    assert len(FILES_203) >= 16


@pytest.mark.parametrize("source", FILES_203, ids=_ids(FILES_203))
def test_csv_folder_round_trip(source: Path, tmp_path: Path) -> None:
    count = xml_to_tables(source, tmp_path / "tables")
    assert count == len(parse_file(source).getroot().findall("iati-activity"))
    assert_same_xml(source, tables_to_xml(tmp_path / "tables"))


def _xlsx_params() -> list[object]:
    params: list[object] = []
    for path in FILES_203:
        marks = [pytest.mark.slow] if path.stat().st_size > BIG else []
        params.append(pytest.param(path, marks=marks, id=path.name))
    return params


@pytest.mark.parametrize("source", _xlsx_params())
def test_xlsx_workbook_round_trip(source: Path, tmp_path: Path) -> None:
    xml_to_tables(source, tmp_path / "tables.xlsx")
    assert_same_xml(source, tables_to_xml(tmp_path / "tables.xlsx"))


OLDER = activity_files("2.01", "2.02", None, example=False)


@pytest.mark.parametrize("source", OLDER, ids=_ids(OLDER))
def test_upgraded_files_survive_the_tables_too(source: Path, tmp_path: Path) -> None:
    """2.01/2.02 files are upgraded on reading; the tables must then give the same 2.03 XML as the model."""
    direct = io.BytesIO()
    reader = open_reader(format_info("iati-xml"), source)
    IatiXmlWriter().write(direct, reader.records(), reader.header())
    xml_to_tables(source, tmp_path / "tables")
    assert_same_xml(direct.getvalue(), tables_to_xml(tmp_path / "tables"))


def test_csv_output_is_deterministic(tmp_path: Path) -> None:
    source = next(p for p in FILES_203 if p.name == "usaid-activity.xml")
    xml_to_tables(source, tmp_path / "one")
    xml_to_tables(source, tmp_path / "two")
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()}
    assert one == two
    assert {"activity.csv", "extras.csv", "file.csv", "transaction.csv"} <= set(one)


def test_workbook_has_readme_first_frozen_headers_and_filters(tmp_path: Path) -> None:
    source = FILES_203[0]  # the official example: results, locations, document links …
    xml_to_tables(source, tmp_path / "t.xlsx")
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames[0] == "README"
    readme = [row[0] for row in book["README"].iter_rows(values_only=True) if row and row[0]]
    assert "path" in readme and "transaction" in readme
    data = book.sheetnames[1:]
    assert data[0] == "activity"
    assert {"transaction", "period", "target", "actual", "location", "document-link"} <= set(data)
    for name in data:
        sheet = book[name]
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A1:"), name
    # the sheets follow the documented layout order whatever order rows were produced in
    from iaticonv.formats.tables import layout

    rank = {t.name: i for i, t in enumerate(layout().tables)}
    assert [rank[n] for n in data] == sorted(rank[n] for n in data)


def test_write_to_refuses_a_non_empty_folder_without_overwrite(tmp_path: Path) -> None:
    from iaticonv.errors import OutputError

    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    source = next(p for p in FILES_203 if p.name == "3fi-activity.xml")
    with pytest.raises(OutputError, match="not empty"):
        xml_to_tables(source, target)
    assert (target / "keep.txt").read_text() == "mine"
    reader = open_reader(format_info("iati-xml"), source)
    TablesWriter(overwrite=True).write_to(target, reader.records(), reader.header())
    assert not (target / "keep.txt").exists()
    assert_same_xml(source, tables_to_xml(target))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary folders left behind"
