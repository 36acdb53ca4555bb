"""The tables format through ``iaticonv convert`` and the format table, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REAL_IATI
from iaticonv.cli.main import run
from iaticonv.formats import FORMATS, Reader, Writer, format_info, open_reader, open_writer
from iaticonv.formats.tables import TablesReader, TablesWriter
from xmlcompare import assert_same_xml

USAID = REAL_IATI / "usaid-activity.xml"


def test_registered_in_the_format_table_and_conforms_to_the_protocols(tmp_path: Path) -> None:
    info = FORMATS["tables"]
    assert info.reader and info.writer
    writer = open_writer(format_info("tables"))
    assert isinstance(writer, TablesWriter) and isinstance(writer, Writer) and writer.multi
    reader = open_reader(format_info("tables"), tmp_path)
    assert isinstance(reader, TablesReader) and isinstance(reader, Reader)
    # .xlsx stays gac-xlsx's by extension: the tables format is always named with --to/--from
    assert ".xlsx" not in info.extensions


def test_convert_to_a_workbook_and_back(tmp_path: Path) -> None:
    book = tmp_path / "usaid.xlsx"
    assert run(["convert", str(USAID), "-o", str(book), "--to", "tables"]) == 0
    assert run(["convert", str(book), "-o", str(tmp_path / "back.xml"), "--from", "tables"]) == 0
    assert_same_xml(USAID, tmp_path / "back.xml")


def test_convert_reports_a_broken_workbook_without_traceback(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from openpyxl import load_workbook

    book = tmp_path / "usaid.xlsx"
    assert run(["convert", str(USAID), "-o", str(book), "--to", "tables"]) == 0
    workbook = load_workbook(book)
    sheet = workbook["transaction"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("value") + 1, value="one million")
    workbook.save(book)
    capsys.readouterr()
    assert run(["convert", str(book), "-o", str(tmp_path / "back.xml"), "--from", "tables"]) == 1
    err = capsys.readouterr().err
    assert "(sheet transaction), row 3, column 'value'" in err and "Traceback" not in err
    assert not (tmp_path / "back.xml").exists()


def test_convert_to_a_csv_folder_and_back(tmp_path: Path) -> None:
    folder = tmp_path / "usaid"
    assert run(["convert", str(USAID), "-o", str(folder), "--to", "tables"]) == 0
    assert (folder / "activity.csv").is_file()
    assert run(["convert", str(folder), "-o", str(tmp_path / "back.xml"), "--from", "tables"]) == 0
    assert_same_xml(USAID, tmp_path / "back.xml")
    # an existing folder is a document too: refused without --overwrite, replaced with it
    assert run(["convert", str(USAID), "-o", str(folder), "--to", "tables"]) == 1
    assert run(["convert", str(USAID), "-o", str(folder), "--to", "tables", "--overwrite"]) == 0
    assert (folder / "activity.csv").is_file()
