"""Reading an XLSX workbook's cells by streaming its sheet XML — several times faster than openpyxl.

openpyxl's read-only mode builds a styled cell object (and, for the inline strings its own write-only
mode produces, a rich-text object) per cell, and parses every sheet twice when the sheet declares no
size; on a big workbook that is most of the conversion time. The tables only need each cell's value,
so this module reads the few parts of the package that matter — the sheet list, the shared strings,
the number formats that mark a number as a date — and streams each sheet with ``iterparse``,
clearing rows as it goes. Cell types follow ECMA-376: shared string, inline string, formula string
(its cached value: formulas are never evaluated), boolean, error, ISO date, number. Dates typed in a
spreadsheet come back as ``datetime`` through openpyxl's own date helpers.

Every XML part is parsed with the safe settings (a workbook is untrusted input like any file).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from ..._xml import iterparse, parse_bytes
from ...errors import InputError

__all__ = ["Workbook"]

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_C, _IS, _V, _T = f"{MAIN}c", f"{MAIN}is", f"{MAIN}v", f"{MAIN}t"


class Workbook:
    """The sheets of one ``.xlsx`` file: ``sheets()`` → (name, rows), each row a list of cell values."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._columns: dict[str, int] = {}
        try:
            self.zip = zipfile.ZipFile(path)
            self._sheets = self._sheet_parts()
            self._strings = self._shared_strings()
            self._dates = self._date_styles()
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise InputError(f"not a readable XLSX workbook: {exc}", file=path) from None

    def close(self) -> None:
        self.zip.close()

    def _xml(self, name: str) -> Any:
        return parse_bytes(self.zip.read(name))

    def _sheet_parts(self) -> list[tuple[str, str]]:
        book = self._xml("xl/workbook.xml")
        pr = book.find(f"{MAIN}workbookPr")
        self.epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") \
            else CALENDAR_WINDOWS_1900
        rels = self._xml("xl/_rels/workbook.xml.rels")
        targets: dict[str, str] = {}
        self._shared_part = "xl/sharedStrings.xml"
        self._styles_part = "xl/styles.xml"
        for rel in rels.iter(f"{PKG_REL}Relationship"):
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            targets[rel.get("Id", "")] = part
            kind = rel.get("Type", "")
            if kind.endswith("/sharedStrings"):
                self._shared_part = part
            elif kind.endswith("/styles"):
                self._styles_part = part
        sheets: list[tuple[str, str]] = []
        for sheet in book.iter(f"{MAIN}sheet"):
            part = targets.get(sheet.get(f"{REL}id", ""))
            if part is not None:
                sheets.append((sheet.get("name", ""), part))
        return sheets

    def _shared_strings(self) -> list[str]:
        if self._shared_part not in self.zip.namelist():
            return []
        strings: list[str] = []
        with self.zip.open(self._shared_part) as handle:
            for _event, item in iterparse(handle, tag=f"{MAIN}si"):
                strings.append(_unescape(_text_of(item)))
                item.clear()
        return strings

    def _date_styles(self) -> set[int]:
        """Indexes of the cell styles whose number format shows a date or time."""
        if self._styles_part not in self.zip.namelist():
            return set()
        styles = self._xml(self._styles_part)
        formats = dict(BUILTIN_FORMATS)
        for fmt in styles.iter(f"{MAIN}numFmt"):
            formats[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
        xfs = styles.find(f"{MAIN}cellXfs")
        dates: set[int] = set()
        for index, xf in enumerate(xfs if xfs is not None else ()):
            code = formats.get(int(xf.get("numFmtId", "0")), "")
            if code and is_date_format(code):
                dates.add(index)
        return dates

    def sheets(self) -> Iterator[tuple[str, Iterator[list[Any]]]]:
        for name, part in self._sheets:
            yield name, self._rows(part)

    def _rows(self, part: str) -> Iterator[list[Any]]:
        """Rows in order from row 1, with empty rows filled in so numbers match the spreadsheet's."""
        expected = 1
        with self.zip.open(part) as handle:
            for _event, row in iterparse(handle, tag=f"{MAIN}row"):
                number = int(row.get("r") or expected)
                while expected < number:
                    yield []
                    expected += 1
                yield self._cells(row)
                expected = number + 1
                row.clear()
                while row.getprevious() is not None:
                    del row.getparent()[0]

    def _cells(self, row: Any) -> list[Any]:
        # the hot loop of a big workbook: direct child access instead of find(), column letters cached
        values: list[Any] = []
        columns = self._columns
        for cell in row:
            if cell.tag != _C:
                continue
            ref = cell.get("r")
            if ref:
                letters = ref.rstrip("0123456789")
                column = columns.get(letters)
                if column is None:
                    column = columns[letters] = column_index_from_string(letters) - 1
                gap = column - len(values)
                if gap < 0:
                    raise ValueError(f"cell {ref} out of order")
                if gap:
                    values.extend([None] * gap)
            kind = cell.get("t")
            if kind == "inlineStr":
                value = None
                for inline in cell:
                    if inline.tag == _IS:
                        value = _text_of(inline)
                values.append(value)
            else:
                values.append(self._value(cell, kind))
        return values

    def _value(self, cell: Any, kind: str | None) -> Any:
        raw = None
        for sub in cell:
            if sub.tag == _V:
                raw = sub.text
        if raw is None:
            return None
        if kind == "s":
            return self._strings[int(raw)]
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        number: int | float = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        style = cell.get("s")
        if style is not None and int(style) in self._dates:
            return from_excel(number, self.epoch)
        return number


def _unescape(text: str) -> str:
    """Spreadsheet programs store characters XML cannot hold as ``_xHHHH_`` in shared strings
    (``_x000D_`` for a carriage return; a literal ``_x`` sequence is itself escaped as ``_x005F_``)."""
    return _ESCAPED.sub(lambda m: chr(int(m[1], 16)), text) if "_x" in text else text


def _text_of(element: Any) -> str:
    """The text of a shared or inline string: its ``t`` runs, without phonetic (``rPh``) hints."""
    if len(element) == 1 and element[0].tag == _T:
        return element[0].text or ""
    parts = [t.text or "" for t in element.iter(f"{MAIN}t")
             if t.getparent() is not None and t.getparent().tag != f"{MAIN}rPh"]
    return "".join(parts)
