"""gac-csv and gac-xlsx: GAC's export quirks, lossless round trips of what the layout holds, clear errors."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from openpyxl import load_workbook

from conftest import REAL_IATI, SAMPLES, SEED_PROFILE
from iaticonv._xml import parse_file
from iaticonv.errors import InputError
from iaticonv.formats.base import detect_format
from iaticonv.formats.gac._table import COLUMNS
from iaticonv.formats.gac.csv_io import GacCsvReader, GacCsvWriter
from iaticonv.formats.gac.profile_page import GacProfileReader
from iaticonv.formats.gac.xlsx_io import GacXlsxReader, GacXlsxWriter
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader, IatiXmlWriter
from iaticonv.model import Activity, Description, Narrated
from iaticonv.standard import require_store

SAMPLE_CSV = SAMPLES / "gac-project-browser.csv"
GAC_XML = REAL_IATI / "gac-CA-3-sample-3-activities-v2.01.xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _xml(activities: Any) -> bytes:
    buffer = io.BytesIO()
    IatiXmlWriter().write(buffer, activities)
    return buffer.getvalue()


def _valid(data: bytes) -> etree._Element:
    schema = etree.XMLSchema(parse_file(require_store() / "schemas" / "2.03" / "iati-activities-schema.xsd"))
    root = etree.fromstring(data)
    assert schema.validate(root), schema.error_log
    return root


def _en(element: etree._Element | None) -> str | None:
    """The English (or untagged) narrative under ``element``, read straight from the XML."""
    if element is None:
        return None
    for narrative in element.iterfind("narrative"):
        if narrative.get(XML_LANG, "en").lower() == "en":
            return narrative.text
    return None


def _num(text: str | None) -> Decimal | None:
    return Decimal(text.strip()) if text else None


def gac_view(a: etree._Element) -> dict[str, Any]:
    """Every value of an activity that the Project Browser layout has a column for (independent of iaticonv)."""
    dates = {d.get("type"): d.get("iso-date") for d in a.iterfind("activity-date")}
    commitments = a.xpath("transaction[transaction-type/@code='2']")
    flows = a.xpath("transaction/flow-type/@code") or a.xpath("default-flow-type/@code")
    return {
        "id": a.findtext("iati-identifier"),
        "updated": (a.get("last-updated-datetime") or "")[:10],
        "title": _en(a.find("title")),
        "description": _en(next(iter(a.xpath("description[not(@type) or @type='1']")), None)),
        "status": a.xpath("string(activity-status/@code)"),
        "start": dates.get("2") or dates.get("1"),
        "end": dates.get("4") or dates.get("3"),
        "countries": [(c.get("code"), _num(c.get("percentage"))) for c in a.iterfind("recipient-country")],
        "regions": [(r.get("code"), _num(r.get("percentage"))) for r in a.iterfind("recipient-region")],
        "sectors": [(s.get("code"), _num(s.get("percentage"))) for s in a.xpath("sector[@vocabulary='1']")],
        "markers": [(m.get("vocabulary"), m.get("code"), m.get("significance")) for m in a.iterfind("policy-marker")],
        "aid": a.xpath("default-aid-type/@code"),
        "finance": a.xpath("default-finance-type/@code"),
        "collaboration": a.xpath("collaboration-type/@code"),
        "budgets": [(b.xpath("string(period-start/@iso-date)"), b.xpath("string(period-end/@iso-date)"),
                     _num(b.findtext("value"))) for b in a.iterfind("budget")],
        "commitment": _num(commitments[0].findtext("value")) if commitments else None,
        "flow": flows[:1],
        "implementers": [_en(o) for o in a.xpath("participating-org[@role='4']")],
        "reporting": _en(a.find("reporting-org")),
        "other_ids": a.xpath("other-identifier/@ref"),
        "results": sorted(_en(r.find("description")) or "" for r in a.iterfind("result")),
        "legacy": [(d.get("name"), d.get("value")) for d in a.iterfind("legacy-data")],
    }


def _activities() -> list[Activity]:
    return [*GacProfileReader(SEED_PROFILE).records(), *IatiXmlReader(GAC_XML).records()]


def _through(writer: Any, reader: Callable[[Path], Any], suffix: str, tmp_path: Path,
             activities: list[Activity]) -> bytes:
    path = tmp_path / f"table{suffix}"
    with path.open("wb") as handle:
        assert writer.write(handle, activities) == len(activities)
    return _xml(reader(path).records())


@pytest.mark.parametrize(("writer", "reader", "suffix"), [(GacCsvWriter(), GacCsvReader, ".csv"),
                                                          (GacXlsxWriter(), GacXlsxReader, ".xlsx")])
def test_xml_to_gac_table_to_xml_keeps_every_column(writer: Any, reader: Any, suffix: str, tmp_path: Path) -> None:
    activities = _activities()
    before = etree.fromstring(_xml(activities))
    after = _valid(_through(writer, reader, suffix, tmp_path, activities))
    assert len(after) == len(before) == 4
    for original, again in zip(before, after, strict=True):
        old, new = gac_view(original), gac_view(again)
        assert {k: (v, new[k]) for k, v in old.items() if v != new[k]} == {}
    # the real GAC activities (not only our own output) hold what the view compares
    real = gac_view(etree.parse(str(GAC_XML)).getroot()[2])
    assert gac_view(after[3]) == real


def test_sample_csv_reads_gac_quirks() -> None:
    raw = SAMPLE_CSV.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfProject Number,") and b", Description," in raw and b"\t" in raw
    root = _valid(_xml(GacCsvReader(SAMPLE_CSV).records()))
    views = [gac_view(a) for a in root]
    assert [v["id"] for v in views] == ["CA-3-P999002001", "CA-3-P999003001", "CA-3-P999004001"]
    assert views[0]["description"].startswith("An invented project: solar mini-grids")
    assert [(v["start"], v["end"], v["updated"]) for v in views] == [
        ("2019-06-01", "2026-03-31", "2024-11-05"), ("2014-03-31", "2019-12-31", "2020-01-15"),
        ("2021-09-01", "2023-08-31", "2023-02-28")]
    assert [v["status"] for v in views] == ["2", "4", "3"]
    assert [v["commitment"] for v in views] == [Decimal(4750000), Decimal(1234), Decimal(75000)]
    assert views[0]["budgets"][1] == ("2020-04-01", "2021-03-31", Decimal(1500000))
    assert views[0]["countries"] == [("KE", Decimal(55)), ("UG", Decimal(45))]
    assert views[1]["regions"] == [("489", Decimal(100))] and views[1]["collaboration"] == ["2"]
    assert views[1]["implementers"] == ["Example Agricultural Research Centre", "Example Seed Savers Network"]
    assert ("99", "12", "1") in views[0]["markers"] and ("1", "6", "2") in views[0]["markers"]
    assert views[1]["other_ids"] == ["2013009999", "ABC-123"]
    assert ("Contributing Organization", "Example Foundation") in views[1]["legacy"]
    assert root[0].xpath("location/point/pos/text()") == ["3.11911 35.59727"]
    assert root[0].xpath("location/location-id/@code") == ["189280"]


def test_writer_uses_gac_header_exactly(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    GacCsvWriter().write(buffer, GacProfileReader(SEED_PROFILE).records())
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbfProject Number,Date Modified,Title, Description,Status,")
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(header) == COLUMNS
    cells = dict(zip(header, row, strict=True))
    assert cells["Project Number"] == "A034224001" and cells["Maximum Contribution"] == "$19,075,668"
    assert cells["Policy Markers"].startswith("Level 1 Gender equality; Level 2 Participatory development")
    assert cells["Budget"] == "2010-04-01 to 2011-03-31 $19,075,668 CAD"


def _formula_activity() -> Activity:
    return Activity(iati_identifier="CA-3-Z000000001", title=Narrated(narratives={"en": "=HYPERLINK(\"x\")"}),
                    descriptions=[Description(type="1", narratives={"en": "-2+3 and more"})])


def test_formula_cells_are_neutralised_and_read_back(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    GacCsvWriter().write(buffer, [_formula_activity()])
    _, row = list(csv.reader(io.StringIO(buffer.getvalue().decode("utf-8-sig"))))
    assert row[2] == "'=HYPERLINK(\"x\")" and row[3] == "'-2+3 and more"
    (tmp_path / "f.csv").write_bytes(buffer.getvalue())
    (back,) = GacCsvReader(tmp_path / "f.csv").records()
    assert back.title is not None and back.title.narratives == {"en": "=HYPERLINK(\"x\")"}
    with (tmp_path / "f.xlsx").open("wb") as handle:
        GacXlsxWriter().write(handle, [_formula_activity()])
    sheet = load_workbook(tmp_path / "f.xlsx").worksheets[0]
    title = sheet.cell(row=2, column=3)
    assert title.value == "'=HYPERLINK(\"x\")" and title.data_type == "s"
    (back,) = GacXlsxReader(tmp_path / "f.xlsx").records()
    assert back.descriptions[0].narratives == {"en": "-2+3 and more"}


def _edited(tmp_path: Path, edit: Callable[[list[list[str]]], None]) -> Path:
    rows = list(csv.reader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8-sig"))))
    edit(rows)
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _set(row: int, column: str, value: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows[row - 1][COLUMNS.index(column)] = value
    return edit


def _header(old: str, new: str) -> Callable[[list[list[str]]], None]:
    def edit(rows: list[list[str]]) -> None:
        rows[0][rows[0].index(old)] = new
    return edit


BAD = {
    "missing required header": (_header("Project Number", ""), 1, "Project Number", "no 'Project Number' column"),
    "renamed header": (_header("DAC Sector", "DAC Sectors"), 1, "DAC Sectors", "did you mean 'DAC Sector'"),
    "duplicated header": (_header("Region", "Country"), 1, "Country", "appears twice"),
    "bad amount": (_set(2, "Maximum Contribution", "$1,234.5x"), 2, "Maximum Contribution", "not an amount"),
    "impossible date": (_set(3, "End Date", "31/02/2017"), 3, "End Date", "not a date"),
    "unknown label": (_set(4, "Aid Type", "Donor countri personel"), 4, "Aid Type", "D01 'Donor country personnel'"),
    "unknown sector": (_set(2, "DAC Sector", "Solar energy on the moon 100%"), 2, "DAC Sector", "not a known Sector"),
    "bad budget": (_set(2, "Budget", "2019-04-01 to 2020-03-31 $1,2x"), 2, "Budget", "not a budget line"),
    "duplicate project": (_set(4, "Project Number", "P999002001"), 4, "Project Number", "appears twice (rows 2 and 4)"),
    "extra cells": (lambda rows: rows[2].extend(["surplus"]), 3, None, "header only 27 columns"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_csv_names_file_row_and_column(case: str, tmp_path: Path) -> None:
    edit, row, column, message = BAD[case]
    path = _edited(tmp_path, edit)
    with pytest.raises(InputError) as caught:
        list(GacCsvReader(path).records())
    error = caught.value
    assert (error.file, error.row, error.column) == (str(path), row, column)
    assert message in str(error)


def test_bad_xlsx_names_the_sheet_row(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    with path.open("wb") as handle:
        GacXlsxWriter().write(handle, GacCsvReader(SAMPLE_CSV).records())
    book = load_workbook(path)
    book.worksheets[0].cell(row=3, column=COLUMNS.index("Start Date") + 1, value="31/02/2017")
    book.save(path)
    with pytest.raises(InputError) as caught:
        list(GacXlsxReader(path).records())
    assert (caught.value.row, caught.value.column) == (3, "Start Date")


@pytest.mark.parametrize(("content", "message"), [(b"", "empty"), (b"Project Number,Title,Status\n\xff\xfe,x,y\n",
                                                                  "not UTF-8")])
def test_unreadable_csv(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        list(GacCsvReader(path).records())
    (tmp_path / "x.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"not a readable \.xlsx"):
        list(GacXlsxReader(tmp_path / "x.xlsx").records())


def test_the_format_table_finds_gac_tables(tmp_path: Path) -> None:
    assert detect_format(SAMPLE_CSV).name == "gac-csv"
    assert detect_format(tmp_path / "out.xlsx", for_writing=True).name == "gac-xlsx"


def _big_csv(path: Path, rows: int) -> Path:
    """``rows`` invented projects built from the sample's rows, each with its own number."""
    sample = list(csv.reader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8-sig"))))
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(sample[0])
        for index in range(rows):
            row = list(sample[1 + index % 3])
            row[0] = f"Q{index:09d}"
            writer.writerow(row)
    return path


def _peak(path: Path) -> int:
    tracemalloc.start()
    try:
        count = sum(1 for _ in GacCsvReader(path).records())
        return tracemalloc.get_traced_memory()[1] if count else 0
    finally:
        tracemalloc.stop()


def test_csv_reading_streams_with_flat_memory(tmp_path: Path) -> None:
    list(GacCsvReader(SAMPLE_CSV).records())  # codelists and label caches loaded before measuring
    small = _peak(_big_csv(tmp_path / "small.csv", 500))
    large = _peak(_big_csv(tmp_path / "large.csv", 5000))
    # ten times the rows: only the set of seen project numbers grows (~100 bytes a row)
    assert large < small + 5000 * 250, (small, large)


def test_cli_converts_between_gac_formats(tmp_path: Path) -> None:
    from iaticonv.cli.main import run

    assert run(["convert", str(SAMPLE_CSV), "-o", str(tmp_path / "p.xlsx")]) == 0
    assert run(["convert", str(tmp_path / "p.xlsx"), "-o", str(tmp_path / "pages"), "--to", "gac-profile",
                "--split"]) == 0
    pages = sorted(p.name for p in (tmp_path / "pages").iterdir())
    assert pages == ["CA-3-P999002001.txt", "CA-3-P999003001.txt", "CA-3-P999004001.txt"]
    assert run(["convert", str(tmp_path / "pages"), "-o", str(tmp_path / "back"), "--to", "iati-xml"]) == 0
    direct = etree.fromstring(_xml(GacCsvReader(SAMPLE_CSV).records()))
    again = [etree.parse(str(p)).getroot()[0] for p in sorted((tmp_path / "back").iterdir())]
    assert [gac_view(a) for a in again] == [gac_view(a) for a in direct]
    bad = _edited(tmp_path, _set(2, "End Date", "31/02/2017"))
    assert run(["convert", str(bad), "-o", str(tmp_path / "bad.xml")]) == 1
    assert not (tmp_path / "bad.xml").exists()


def test_xlsx_cells_typed_by_excel_are_read_as_text(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    row: list[object] = [""] * len(COLUMNS)
    row[COLUMNS.index("Project Number")] = "P999005001"
    row[COLUMNS.index("Title")] = "Typed cells (invented)"
    row[COLUMNS.index("Status")] = "Closed"
    row[COLUMNS.index("Start Date")] = dt.datetime(2012, 4, 1)
    row[COLUMNS.index("End Date")] = dt.date(2015, 3, 31)
    row[COLUMNS.index("Maximum Contribution")] = 1234567.5
    row[COLUMNS.index("Other Identifier")] = 2012000123
    sheet.append(row)
    book.save(tmp_path / "typed.xlsx")
    (activity,) = GacXlsxReader(tmp_path / "typed.xlsx").records()
    view = gac_view(etree.fromstring(_xml([activity]))[0])
    assert (view["start"], view["end"], view["status"]) == ("2012-04-01", "2015-03-31", "4")
    assert view["commitment"] == Decimal("1234567.5") and view["other_ids"] == ["2012000123"]
