"""Broken Project Browser tables, built at test time from the invented sample export in ``samples/``.

``table()`` reads the sample into rows; each builder changes one thing and writes a CSV (or, with
``write_xlsx``, a workbook) so every test starts from a file that converts cleanly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from conftest import SAMPLES

SAMPLE_CSV = SAMPLES / "gac-project-browser.csv"
Rows = list[list[str]]


def table() -> Rows:
    return [list(row) for row in csv.reader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8-sig")))]


def column(rows: Rows, name: str) -> int:
    return [cell.strip() for cell in rows[0]].index(name)


def write_csv(path: Path, rows: Rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def write_xlsx(path: Path, rows: Rows, formulas: dict[str, str] | None = None) -> Path:
    """A workbook with every cell as text, plus real formula cells at the given coordinates."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for coordinate, formula in (formulas or {}).items():
        sheet[coordinate] = formula
    workbook.save(path)
    return path


def _set(name: str, value: str, row: int = 1) -> Callable[[Rows], Rows]:
    def change(rows: Rows) -> Rows:
        rows[row][column(rows, name)] = value
        return rows
    return change


def _drop(name: str) -> Callable[[Rows], Rows]:
    def change(rows: Rows) -> Rows:
        index = column(rows, name)
        return [[cell for i, cell in enumerate(row) if i != index] for row in rows]
    return change


def _rename(old: str, new: str) -> Callable[[Rows], Rows]:
    def change(rows: Rows) -> Rows:
        rows[0][column(rows, old)] = new
        return rows
    return change


def _extra_column(rows: Rows) -> Rows:
    return [[*row, "Notes" if i == 0 else "a note"] for i, row in enumerate(rows)]


def _extra_cells(rows: Rows) -> Rows:
    return [row if i == 0 else [*row, "surplus"] for i, row in enumerate(rows)]


def _duplicate_number(rows: Rows) -> Rows:
    rows[2][0] = rows[1][0]
    return rows


# case → (change, what the error says); every one names the file, the row and (where there is one) the column
BROKEN_TABLES: dict[str, tuple[Callable[[Rows], Rows], tuple[str, ...]]] = {
    "missing-header": (_drop("Title"), ("row 1", "column 'Title'", "the header has no 'Title' column")),
    "renamed-header": (_rename("Title", "Titel"), ("row 1", "unknown column 'Titel'", "did you mean 'Title'?")),
    "duplicated-header": (_rename("Region", "Country"), ("row 1", "column 'Country' appears twice",
                                                           "positions 8 and 9")),
    "extra-column": (_extra_column, ("row 1", "unknown column 'Notes'", "the Project Browser columns are")),
    "extra-cells": (_extra_cells, ("row 2",)),  # and what each form says: see the test
    "bad-amount": (_set("Maximum Contribution", "$1,234.5x"),
                   ("row 2", "column 'Maximum Contribution'", "not an amount: '$1,234.5x'")),
    "impossible-date": (_set("Start Date", "31/02/2017"), ("row 2", "column 'Start Date'", "not a date: '31/02/2017'")),
    "unknown-label": (_set("Status", "Operationnal"),
                      ("row 2", "column 'Status'", "'Operationnal' is not a known ActivityStatus", "nearest:")),
    "duplicate-project-number": (_duplicate_number, ("row 3", "column 'Project Number'", "appears twice",
                                                     "rows 2 and 3")),
}
