"""Editing the tables the way a person does in a spreadsheet, and getting the expected XML back.

Each edit is made on the real FCDO activity (CSV) or the official example (XLSX); the expected XML is
the input document with the same change made to its XML tree, and the result must also be valid
against the IATI 2.03 schema. Broken edits must be an InputError naming sheet/file, row and column.
"""

from __future__ import annotations

import copy
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openpyxl import load_workbook

from conftest import EXAMPLE_ACTIVITY, REAL_IATI
from iaticonv._xml import parse_bytes, parse_file
from iaticonv.errors import InputError
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from iaticonv.formats.tables import TablesReader, TablesWriter
from iaticonv.standard import require_store
from xmlcompare import assert_same_xml

FCDO = REAL_IATI / "fcdo-activity.xml"


def to_tables(source: Path, target: Path) -> None:
    reader = IatiXmlReader(source)
    TablesWriter().write_to(target, reader.records(), reader.header())


def to_xml(source: Path) -> bytes:
    reader = TablesReader(source)
    out = io.BytesIO()
    IatiXmlWriter().write(out, reader.records(), reader.header())
    return out.getvalue()


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def assert_schema_valid(xml: bytes) -> None:
    schema = etree.XMLSchema(parse_file(require_store() / "schemas" / "2.03" / "iati-activities-schema.xsd"))
    document = parse_bytes(xml)
    assert schema.validate(document), [str(e) for e in schema.error_log][:5]


def expected(change: Any) -> Any:
    """The input document with ``change(activity_element)`` applied."""
    root = copy.deepcopy(parse_file(FCDO).getroot())
    change(root.find("iati-activity"))
    return root


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    to_tables(FCDO, tmp_path / "t")
    return tmp_path / "t"


def test_change_a_value(folder: Path) -> None:
    rows = read_csv(folder / "transaction.csv")
    header = rows[0]
    rows[2][header.index("value")] = "99999.50"
    write_csv(folder / "transaction.csv", rows)

    def change(activity: Any) -> None:
        activity.findall("transaction")[1].find("value").text = "99999.50"

    xml = to_xml(folder)
    assert_same_xml(expected(change), xml)
    assert_schema_valid(xml)


def test_add_a_sector_row(folder: Path) -> None:
    rows = read_csv(folder / "sector.csv")
    header = rows[0]
    new = [""] * len(header)
    new[header.index("activity")] = rows[1][0]
    new[header.index("path")] = "sector 7"  # any unused number after the last one
    new[header.index("vocabulary")] = "1"
    new[header.index("code")] = "12220"
    new[header.index("code (name)")] = "whatever a person writes here is ignored"
    rows.append(new)
    write_csv(folder / "sector.csv", rows)

    def change(activity: Any) -> None:
        last = activity.findall("sector")[-1]
        last.addnext(etree.Element("sector", {"vocabulary": "1", "code": "12220"}))

    xml = to_xml(folder)
    assert_same_xml(expected(change), xml)
    assert_schema_valid(xml)


def test_delete_a_transaction_row_and_its_rows(folder: Path) -> None:
    # transaction 1 has a description and provider/receiver narratives: delete every row under it
    for path in folder.glob("*.csv"):
        rows = read_csv(path)
        if "path" not in rows[0]:
            continue
        at = rows[0].index("path")
        kept = [r for r in rows if not (r[at] == "transaction 1" or r[at].startswith("transaction 1 /"))]
        if len(kept) != len(rows):
            write_csv(path, kept)

    def change(activity: Any) -> None:
        activity.remove(activity.find("transaction"))

    xml = to_xml(folder)
    assert_same_xml(expected(change), xml)
    assert_schema_valid(xml)


def test_deleting_only_the_parent_row_names_the_orphan(folder: Path) -> None:
    rows = read_csv(folder / "transaction.csv")
    write_csv(folder / "transaction.csv", [rows[0], *rows[2:]])  # transaction 1 gone, its narratives stay
    with pytest.raises(InputError) as caught:
        to_xml(folder)
    error = caught.value
    assert error.file is not None and error.file.endswith("tran.description.narrative.csv")
    assert (error.row, error.column) == (2, "path")
    assert "transaction 1" in error.message and "transaction" in error.message


def test_a_row_whose_parent_does_not_exist(folder: Path) -> None:
    rows = read_csv(folder / "tran.receiver-org.narrative.csv")
    rows.append([rows[1][0], "transaction 40 / receiver-org / narrative 1", "", "Nobody"])
    write_csv(folder / "tran.receiver-org.narrative.csv", rows)
    with pytest.raises(InputError) as caught:
        to_xml(folder)
    error = caught.value
    assert error.file is not None and error.file.endswith("tran.receiver-org.narrative.csv")
    assert (error.row, error.column) == (len(rows), "path")
    assert "transaction 40" in str(error)


@pytest.mark.parametrize(("column", "bad", "kind"), [
    ("value", "12,5 GBP", "decimal"),
    ("transaction-date/@iso-date", "31/12/2020", "date"),
    ("humanitarian", "yes", "boolean"),
])
def test_a_bad_number_date_or_boolean_names_file_row_and_column(folder: Path, column: str, bad: str,
                                                                 kind: str) -> None:
    rows = read_csv(folder / "transaction.csv")
    rows[5][rows[0].index(column)] = bad
    write_csv(folder / "transaction.csv", rows)
    with pytest.raises(InputError) as caught:
        to_xml(folder)
    error = caught.value
    assert error.file is not None and error.file.endswith("transaction.csv")
    assert (error.row, error.column) == (6, column)
    assert kind in error.message and bad in error.message


def test_kept_values_are_marked_and_accepted(folder: Path) -> None:
    rows = read_csv(folder / "transaction.csv")
    rows[1][rows[0].index("value")] = "~1.000,00"  # deliberately kept as typed
    write_csv(folder / "transaction.csv", rows)
    activity = next(TablesReader(folder).records())
    assert activity.transactions[0].value is not None
    assert activity.transactions[0].value.amount == "1.000,00"


def test_a_repeated_position_and_a_wrong_path_are_errors(folder: Path) -> None:
    rows = read_csv(folder / "transaction.csv")
    at = rows[0].index("path")
    rows[3][at] = "transaction 1"
    write_csv(folder / "transaction.csv", rows)
    with pytest.raises(InputError, match="already used") as caught:
        to_xml(folder)
    assert (caught.value.row, caught.value.column) == (4, "path")
    rows[3][at] = "result 1"
    write_csv(folder / "transaction.csv", rows)
    with pytest.raises(InputError, match="not a path of this table") as caught:
        to_xml(folder)
    assert (caught.value.row, caught.value.column) == (4, "path")
    assert caught.value.hint is not None and "transaction N" in caught.value.hint


def test_unknown_columns_sheets_and_activities_are_errors(folder: Path) -> None:
    rows = read_csv(folder / "sector.csv")
    write_csv(folder / "sector.csv", [[*rows[0], "my notes"], *[[*r, ""] for r in rows[1:]]])
    with pytest.raises(InputError, match="unknown column") as caught:
        to_xml(folder)
    assert caught.value.column == "my notes" and caught.value.row == 1
    write_csv(folder / "sector.csv", rows)
    rows[1][0] = "GB-NOT-THERE"
    write_csv(folder / "sector.csv", rows)
    with pytest.raises(InputError, match="no activity 'GB-NOT-THERE'") as caught:
        to_xml(folder)
    assert (caught.value.row, caught.value.column) == (2, "activity")
    rows[1][0] = read_csv(folder / "activity.csv")[1][0]
    write_csv(folder / "sector.csv", rows)
    write_csv(folder / "sectors.csv", rows)
    with pytest.raises(InputError, match="not a table of the layout"):
        to_xml(folder)


def test_rows_in_any_order_and_columns_reordered_or_dropped(folder: Path) -> None:
    rows = read_csv(folder / "transaction.csv")
    header, body = rows[0], rows[1:]
    order = list(reversed(range(len(header))))
    labels = [i for i, h in enumerate(header) if h.endswith(" (name)")]
    shuffled = [[r[i] for i in order if i not in labels] for r in [header, *reversed(body)]]
    write_csv(folder / "transaction.csv", shuffled)
    assert_same_xml(FCDO, to_xml(folder))


def test_workbook_edit_with_typed_cells(tmp_path: Path) -> None:
    """A spreadsheet program stores what a person types as numbers and dates; they must read back right."""
    target = tmp_path / "example.xlsx"
    to_tables(EXAMPLE_ACTIVITY, target)
    book = load_workbook(target)
    sheet = book["budget"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("value") + 1, value=4000.5)
    import datetime as dt

    sheet.cell(row=2, column=header.index("period-end/@iso-date") + 1, value=dt.datetime(2014, 12, 30))
    sector = book["sector"]
    sector.append([sector.cell(row=2, column=1).value, "sector 9", "2", None, None, "111"])
    book.save(target)

    root = copy.deepcopy(parse_file(EXAMPLE_ACTIVITY).getroot())
    activity = root.find("iati-activity")
    budget = activity.find("budget")
    budget.find("value").text = "4000.5"
    budget.find("period-end").set("iso-date", "2014-12-30")
    activity.findall("sector")[-1].addnext(etree.Element("sector", {"vocabulary": "2", "code": "111"}))
    xml = to_xml(target)
    assert_same_xml(root, xml)
    assert_schema_valid(xml)  # the example carries a child-order hint: the new sector still lands in place


def test_workbook_error_names_the_sheet(tmp_path: Path) -> None:
    target = tmp_path / "example.xlsx"
    to_tables(EXAMPLE_ACTIVITY, target)
    book = load_workbook(target)
    sheet = book["period"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("path") + 1, value="result 1 / indicator 7 / period 1")
    book.save(target)
    with pytest.raises(InputError) as caught:
        to_xml(target)
    error = caught.value
    assert "sheet period" in str(error) and error.row == 2 and error.column == "path"
    assert "indicator 7" in error.message


def test_a_value_beyond_the_header_is_not_silently_dropped(folder: Path) -> None:
    rows = read_csv(folder / "sector.csv")
    rows[1].append("a note typed past the last column")
    write_csv(folder / "sector.csv", rows)
    with pytest.raises(InputError, match="without a header") as caught:
        to_xml(folder)
    assert (caught.value.row, caught.value.column) == (2, f"#{len(rows[0]) + 1}")


def test_a_folder_without_the_activity_table_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no activity table"):
        to_xml(tmp_path / "empty")
    with pytest.raises(InputError, match=r"folder of CSV files or an \.xlsx workbook"):
        to_xml(tmp_path / "missing.xml")


def test_semicolon_csv_as_saved_by_a_french_excel(folder: Path) -> None:
    for path in folder.glob("*.csv"):
        rows = read_csv(path)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows(rows)
    assert_same_xml(FCDO, to_xml(folder))
