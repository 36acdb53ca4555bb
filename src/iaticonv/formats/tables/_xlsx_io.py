"""The tables as one XLSX workbook: a README sheet, then one sheet per table.

Writing uses openpyxl's write-only mode, which streams each sheet to a temporary file instead of
holding every cell in memory — the difference between flat memory and gigabytes on a big file.
Sheets are created when their table gets its first row and inserted at their layout position, so
the workbook's sheet order is the documented one whatever order rows arrive in. Every sheet has its
header row frozen and an auto-filter over its rows.

Reading streams the sheets with :mod:`._xlsx_read` (openpyxl's read-only mode is several times
slower); a cell a person turned into a formula is read as the value the spreadsheet last computed,
never as formula text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree
from openpyxl import Workbook as WriteBook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

from ..._io import check_archive
from ...errors import InputError, OutputError
from ._cells import cell_text
from ._xlsx_read import Workbook
from .layout import Table

__all__ = ["CELL_LIMIT", "README_SHEET", "XlsxSink", "xlsx_tables"]

README_SHEET = "README"
CELL_LIMIT = 32767  # Excel's (and openpyxl's) longest cell text


class XlsxSink:
    """Writes rows to sheets of a write-only workbook; ``close(stream)`` saves it."""

    def __init__(self, headers: dict[str, list[str]], order: list[str], always: tuple[str, ...],
                 readme: list[list[str]]) -> None:
        self.headers = headers
        self.rank = {name: index for index, name in enumerate(order)}
        self.always = always
        self.book = WriteBook(write_only=True)
        self._sheets: dict[str, Any] = {}
        self._counts: dict[str, int] = {}
        self._bold = Font(bold=True)
        notes = self.book.create_sheet(README_SHEET)
        notes.column_dimensions["A"].width = 34
        notes.column_dimensions["B"].width = 60
        for line in readme:
            notes.append(line)

    def _open(self, name: str) -> Any:
        index = 1 + sum(1 for other in self._sheets if self.rank[other] < self.rank[name])
        sheet = self.book.create_sheet(name, index)
        sheet.freeze_panes = "A2"
        headers = self.headers[name]
        for number, header in enumerate(headers, 1):
            sheet.column_dimensions[get_column_letter(number)].width = max(10, min(40, len(header) + 2))
        cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = self._bold
            cells.append(cell)
        sheet.append(cells)
        self._sheets[name] = sheet
        self._counts[name] = 1
        return sheet

    def row(self, table: Table, row: list[str | None]) -> None:
        sheet = self._sheets.get(table.name)
        if sheet is None:
            sheet = self._open(table.name)
        for number, value in enumerate(row):
            if value is not None and len(value) > CELL_LIMIT:
                raise OutputError(f"sheet {table.name}, column {self.headers[table.name][number]!r}: a value of "
                                  f"{len(value)} characters does not fit an XLSX cell ({CELL_LIMIT} at most)",
                                  hint="write the tables as a CSV folder instead")
        try:
            sheet.append(row)
        except IllegalCharacterError:
            raise OutputError(f"sheet {table.name}: a value holds a control character XLSX cannot store",
                              hint="remove control characters from the record") from None
        self._counts[table.name] += 1

    def close(self, stream: IO[bytes]) -> None:
        for name in self.always:
            if name not in self._sheets:
                self._open(name)
        for name, sheet in self._sheets.items():
            last = get_column_letter(len(self.headers[name]))
            sheet.auto_filter.ref = f"A1:{last}{self._counts[name]}"
        self.book.save(stream)


def xlsx_tables(path: Path) -> Iterator[tuple[str, str, Iterator[tuple[int, list[str | None]]]]]:
    """(sheet name, where for errors, numbered rows; row 1 is the header) for every data sheet."""
    check_archive(path)  # the shared-string table is read whole: refuse a zip bomb first
    book = Workbook(path)
    try:
        for name, rows in book.sheets():
            if name == README_SHEET:
                continue
            yield name, f"{path} (sheet {name})", _numbered(path, name, rows)
    finally:
        book.close()


def _numbered(path: Path, name: str, rows: Iterator[list[Any]]) -> Iterator[tuple[int, list[str | None]]]:
    number = 0
    try:
        for number, values in enumerate(rows, 1):
            yield number, [cell_text(value) for value in values]
    except (ValueError, KeyError, IndexError, OSError, zipfile.BadZipFile) as exc:
        raise InputError(f"cannot read the sheet: {exc}", file=f"{path} (sheet {name})", row=number + 1) from None
    except etree.XMLSyntaxError as exc:
        raise InputError(f"the sheet is not well-formed XML: {exc}", file=f"{path} (sheet {name})") from None
