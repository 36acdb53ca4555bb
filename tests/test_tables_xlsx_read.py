"""The streaming XLSX cell reader on a workbook shaped like the ones spreadsheet programs save.

Excel and LibreOffice write shared strings (escaping a carriage return as ``_x000D_``), numbers with
date styles, booleans, cached formula results, ISO dates and sparse rows; openpyxl's write-only mode
writes inline strings. Each case is built by hand here so the test does not depend on the program
that made the file.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from iaticonv.errors import InputError
from iaticonv.formats.tables._xlsx_read import Workbook

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PKG = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

SHEET = f"""<worksheet {NS}><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t xml:space="preserve"> lead</t></is></c></row>
<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" s="1"><v>45292</v></c><c r="C3"><v>4000.5</v></c>
<c r="D3"><v>12</v></c><c r="E3" t="b"><v>1</v></c><c r="F3" t="str"><f>A1&amp;"x"</f><v>cachedx</v></c>
<c r="G3" t="e"><v>#N/A</v></c><c r="H3" t="d"><v>2024-03-31T00:00:00</v></c><c r="I3"><f>1+1</f></c></row>
</sheetData></worksheet>"""

PARTS = {
    "xl/workbook.xml": f'<workbook {NS} {RNS}><workbookPr/><sheets><sheet name="README" sheetId="1" r:id="rId1"/>'
                       f'<sheet name="budget" sheetId="2" r:id="rId2"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships {PKG}>'
                                  f'<Relationship Id="rId1" Type="{TYPE}/worksheet" Target="worksheets/sheet1.xml"/>'
                                  f'<Relationship Id="rId2" Type="{TYPE}/worksheet" Target="/xl/worksheets/s2.xml"/>'
                                  f'<Relationship Id="rId3" Type="{TYPE}/sharedStrings" Target="strings.xml"/>'
                                  f'<Relationship Id="rId4" Type="{TYPE}/styles" Target="styles.xml"/>'
                                  f'</Relationships>',
    "xl/strings.xml": f'<sst {NS}><si><t>a_x000D_b</t></si><si><r><t>rich </t></r><r><t>text</t></r>'
                      f'<rPh><t>ignored</t></rPh></si></sst>',
    "xl/styles.xml": f'<styleSheet {NS}><numFmts><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
                     f'<cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>',
    "xl/worksheets/sheet1.xml": f"<worksheet {NS}><sheetData/></worksheet>",
    "xl/worksheets/s2.xml": SHEET,
}


def make(path: Path, parts: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_every_cell_type_and_sparse_rows(tmp_path: Path) -> None:
    book = Workbook(make(tmp_path / "b.xlsx", PARTS))
    sheets = {name: list(rows) for name, rows in book.sheets()}
    book.close()
    assert list(sheets) == ["README", "budget"]
    rows = sheets["budget"]
    assert rows[0] == ["a\rb", None, " lead"]
    assert rows[1] == []  # the missing row 2 keeps row numbers aligned with the spreadsheet's
    assert rows[2] == ["rich text", datetime(2024, 1, 1), 4000.5, 12, True, "cachedx", "#N/A",
                       datetime(2024, 3, 31), None]


def test_damaged_workbooks_are_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="not a readable XLSX workbook"):
        Workbook(bad)
    missing = make(tmp_path / "m.xlsx", {k: v for k, v in PARTS.items() if k != "xl/workbook.xml"})
    with pytest.raises(InputError, match="not a readable XLSX workbook"):
        Workbook(missing)


def test_a_broken_sheet_names_the_sheet(tmp_path: Path) -> None:
    from iaticonv.formats.tables._xlsx_io import xlsx_tables

    parts = dict(PARTS)
    parts["xl/worksheets/s2.xml"] = SHEET.replace("</sheetData>", "<row r='9'><c r='A9'><v>1")
    path = make(tmp_path / "b.xlsx", parts)
    with pytest.raises(InputError) as caught:
        for _name, _where, rows in xlsx_tables(path):
            list(rows)
    assert "(sheet budget)" in str(caught.value)
