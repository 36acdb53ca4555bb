"""The ``tables`` reader: a CSV folder or an XLSX workbook → file header and activity stream.

Sheets/files are matched to tables by name and columns by header, so a person may reorder columns,
drop a column they do not use, or reorder rows; label columns (``… (name)``) are ignored. What
cannot be matched — an unknown sheet, an unknown column, a value in a column without a header — is
an error rather than data silently left behind.

Rows of every table are loaded first (as compact tuples of text, grouped by activity), because an
activity's rows are spread over many tables and an edited file need not keep them together; the
activities are then built and handed out one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from sys import intern

from ...errors import InputError
from ...model import Activity, FileHeader
from ..base import ReadNote
from ._build import Builder, SourceRow
from ._csv_io import csv_tables
from ._labels import LABEL_SUFFIX
from ._xlsx_io import README_SHEET, xlsx_tables
from .layout import ACTIVITY, FILE, Layout, Table, layout

__all__ = ["TablesReader"]

INTERN_MAX = 40


class TablesReader:
    """Reads the tables written by :class:`~.writer.TablesWriter` (a folder, or a ``.xlsx`` file)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.notes: list[ReadNote] = []
        self.layout: Layout = layout()
        self._where: dict[str, str] = {}
        self._rows: dict[str, dict[str, list[SourceRow]]] | None = None
        self._activities: list[tuple[str, SourceRow]] = []
        self._header: FileHeader | None = None
        self._builder = Builder(self.layout, lambda name: self._where.get(name, name))

    def header(self) -> FileHeader:
        self._load()
        assert self._header is not None
        return self._header

    def records(self) -> Iterator[Activity]:
        self._load()
        assert self._rows is not None
        table = self.layout.by_name[ACTIVITY]
        rows, activities = self._rows, self._activities
        self._rows, self._activities = {}, []  # handed out once: let built activities' rows go
        for key, row in activities:
            mine = {name: per_key.pop(key) for name, per_key in rows.items() if key in per_key}
            yield self._builder.activity(table, row, mine)

    # -- loading -------------------------------------------------------------------------------------
    def _load(self) -> None:
        if self._rows is not None:
            return
        if self.path.is_dir():
            sources = csv_tables(self.path)
        elif self.path.suffix.lower() == ".xlsx":
            sources = xlsx_tables(self.path)
        else:
            raise InputError("tables are read from a folder of CSV files or an .xlsx workbook", file=self.path)
        grouped: dict[str, dict[str, list[SourceRow]]] = {}
        file_rows: list[SourceRow] | None = None
        for name, where, numbered in sources:
            table = self.layout.by_name.get(name)
            if table is None:
                known = ", ".join(t.name for t in self.layout.tables[:6])
                raise InputError(f"{name!r} is not a table of the layout", file=where,
                                 hint=f"tables are named as in docs/tables.md ({known}, …); the {README_SHEET} "
                                      "sheet lists them all")
            self._where[name] = where
            rows = self._table_rows(table, where, numbered)
            if table.name == FILE:
                file_rows = rows
            elif table.name == ACTIVITY:
                self._index_activities(table, where, rows)
            else:
                per_key = grouped.setdefault(name, {})
                for row in rows:
                    key = row.cells[0]
                    if not key:
                        raise InputError("the activity key is empty", file=where, row=row.number, column=ACTIVITY)
                    per_key.setdefault(key, []).append(row)
        if ACTIVITY not in self._where:
            raise InputError(f"no {ACTIVITY} table: this is not a set of iaticonv tables", file=self.path,
                             hint=f"the {ACTIVITY} sheet (or {ACTIVITY}.csv) holds one row per activity")
        self._check_keys(grouped)
        self._header = (FileHeader() if file_rows is None
                        else self._builder.header(self.layout.by_name[FILE], file_rows))
        self._rows = grouped

    def _table_rows(self, table: Table, where: str,
                    numbered: Iterator[tuple[int, list[str | None]]]) -> list[SourceRow]:
        first = next(numbered, None)
        if first is None:
            return []
        positions = self._columns(table, where, first[1])
        width = len(table.headers)
        read = set(positions.values())
        labels = {i for i, h in enumerate(first[1]) if h and i not in read}  # label columns (checked in _columns)
        rows: list[SourceRow] = []
        for number, cells in numbered:
            if not any(cells):
                continue
            for i, cell in enumerate(cells):
                if cell is not None and i not in read and i not in labels:
                    raise InputError("a value in a column without a header", file=where, row=number,
                                     column=f"#{i + 1}", hint="give the column a header of the layout, or clear it")
            aligned: list[str | None] = [None] * width
            for target, source in positions.items():
                if source < len(cells):
                    cell = cells[source]
                    # keys, paths' repeated parts, codes and currencies repeat on thousands of rows:
                    # one shared string each keeps the in-memory tables small
                    aligned[target] = intern(cell) if cell is not None and len(cell) <= INTERN_MAX else cell
            rows.append(SourceRow(number, tuple(aligned)))
        return rows

    def _columns(self, table: Table, where: str, header: list[str | None]) -> dict[int, int]:
        """Header text → position of each layout column in this file."""
        wanted = {h: i for i, h in enumerate(table.headers)}
        positions: dict[int, int] = {}
        for source, text in enumerate(header):
            name = (text or "").strip()
            if not name:
                continue
            target = wanted.get(name)
            if target is None:
                if name.endswith(LABEL_SUFFIX) and name[: -len(LABEL_SUFFIX)] in wanted:
                    continue  # a label: written for people, never read
                raise InputError(f"unknown column {name!r}", file=where, row=1, column=name,
                                 hint=f"the columns of {table.name} are: {', '.join(table.headers)}")
            if target in positions:
                raise InputError(f"column {name!r} appears twice", file=where, row=1, column=name)
            positions[target] = source
        for index, key in enumerate(table.keys):
            if index not in positions:
                raise InputError(f"the key column {key!r} is missing", file=where, row=1, column=key)
        return positions

    def _index_activities(self, table: Table, where: str, rows: list[SourceRow]) -> None:
        seen: dict[str, int] = {}
        for row in rows:
            key = row.cells[0]
            if not key:
                raise InputError("the activity key is empty", file=where, row=row.number, column=ACTIVITY)
            if key in seen:
                raise InputError(f"activity {key!r} already has row {seen[key]}", file=where, row=row.number,
                                 column=ACTIVITY, hint="each activity has one row in the activity table")
            seen[key] = row.number
            self._activities.append((key, row))

    def _check_keys(self, grouped: dict[str, dict[str, list[SourceRow]]]) -> None:
        known = {key for key, _row in self._activities}
        for name, per_key in grouped.items():
            for key, rows in per_key.items():
                if key not in known:
                    raise InputError(f"no activity {key!r} in the activity table", file=self._where[name],
                                     row=rows[0].number, column=ACTIVITY,
                                     hint="the activity column must match a row of the activity table")
