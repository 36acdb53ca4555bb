"""``gac-xlsx``: the Project Browser table as an Excel workbook, same columns and rules as ``gac-csv``.

openpyxl's read-only and write-only modes stream rows, so a large sheet costs little memory. Every
cell is written as text: an Excel number would lose "$1,234" formatting and leading zeros, and a
cell starting with ``=`` would become a formula — so such cells are also neutralised as in CSV.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..._io import check_archive
from ...errors import InputError, OutputError
from ...model import Activity, FileHeader
from ..base import HeaderlessReader
from ._model import from_activity
from ._table import COLUMNS, cells_from_project, neutralise
from .csv_io import RowStream, records_from_rows

__all__ = ["GacXlsxReader", "GacXlsxWriter"]

SHEET_TITLE = "Project Browser"


def _text(value: Any) -> str:
    """A cell value as the text a CSV export would hold (Excel may have typed dates and numbers)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f") if value != int(value) else str(int(value))
    return str(value)


class GacXlsxReader(HeaderlessReader):
    """Reads the first sheet of a Project Browser workbook, row by row."""

    def _rows(self, sheet: Any) -> RowStream:
        for number, cells in enumerate(sheet.iter_rows(), 1):
            for cell in cells:
                if getattr(cell, "data_type", None) == "f":  # a formula: its result may be stale or absent
                    raise InputError(f"cell {cell.coordinate} holds a formula ({str(cell.value)[:80]}); "
                                     "iaticonv reads values, never formulas", file=self.path, row=number,
                                     hint="in the spreadsheet: copy the cells, then Paste Special → Values")
            yield number, None, [_text(getattr(cell, "value", None)) for cell in cells]

    def records(self) -> Iterator[Activity]:
        check_archive(self.path)  # openpyxl reads the shared-string table whole: refuse a zip bomb first
        try:
            workbook = load_workbook(self.path, read_only=True, data_only=False)
        except (BadZipFile, KeyError, ValueError, OSError) as exc:
            raise InputError(f"not a readable .xlsx workbook: {exc}", file=self.path,
                             hint="save it from Excel as .xlsx, or export CSV") from None
        try:
            yield from records_from_rows(self._rows(workbook.worksheets[0]), str(self.path), self.notes)
        finally:
            workbook.close()


class GacXlsxWriter:
    """Writes activities as one sheet with the Project Browser columns, every cell as text."""

    multi = True

    def __init__(self, **_options: object) -> None:
        """Options meant for XML writers (``generated_at``) mean nothing here and are ignored."""

    def write(self, stream: IO[bytes], records: Iterable[Activity], header: FileHeader | None = None) -> int:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(SHEET_TITLE)
        sheet.append(list(COLUMNS))
        count = 0
        for activity in records:
            row = []
            for column, value in zip(COLUMNS, cells_from_project(from_activity(activity)), strict=True):
                if ILLEGAL_CHARACTERS_RE.search(value):
                    raise OutputError(f"activity {activity.iati_identifier!r}: column {column.strip()!r} holds a "
                                      "control character an .xlsx cell cannot store")
                cell = WriteOnlyCell(sheet, value=neutralise(value))
                cell.data_type = "s"
                row.append(cell)
            sheet.append(row)
            count += 1
        workbook.save(stream)
        return count
