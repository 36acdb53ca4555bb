"""The tables as a folder of CSV files: one ``<table>.csv`` per table, UTF-8 with a byte-order mark.

The mark is there because Excel opens a CSV file without one in the machine's legacy code page and
garbles every accent; every CSV reader we know of skips it. Files are written into a temporary
folder beside the target and moved into place at the end, so a failed conversion leaves no
half-written folder behind.
"""

from __future__ import annotations

import contextlib
import csv
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ...errors import InputError, OutputError
from .layout import Table

__all__ = ["CsvSink", "csv_tables", "replace_folder"]

ENCODING = "utf-8-sig"
FIELD_LIMIT = 1 << 28


class CsvSink:
    """Writes rows to ``<folder>/<table>.csv``, opening a file when its table gets its first row."""

    def __init__(self, folder: Path, headers: dict[str, list[str]], always: tuple[str, ...]) -> None:
        self.folder = folder
        self.headers = headers
        self.always = always
        self._files: dict[str, tuple[IO[str], Any]] = {}

    def _open(self, name: str) -> Any:
        handle = (self.folder / f"{name}.csv").open("w", encoding=ENCODING, newline="")
        writer = csv.writer(handle)
        writer.writerow(self.headers[name])
        self._files[name] = (handle, writer)
        return writer

    def row(self, table: Table, row: list[str | None]) -> None:
        entry = self._files.get(table.name)
        writer = entry[1] if entry is not None else self._open(table.name)
        writer.writerow(row)

    def close(self) -> None:
        for name in self.always:
            if name not in self._files:
                self._open(name)
        for handle, _writer in self._files.values():
            handle.close()
        self._files.clear()


def replace_folder(target: Path, build: Any, *, overwrite: bool) -> Any:
    """Call ``build(tmp_folder)`` and move the folder to ``target``; returns what ``build`` returns."""
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder", hint="name a folder (or a .xlsx file)")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise OutputError(f"{target}: the folder is not empty", hint="pass --overwrite to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    try:
        result = build(tmp)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
            target.replace(old / target.name)
            tmp.replace(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
    return result


def csv_tables(folder: Path) -> Iterator[tuple[str, str, Iterator[tuple[int, list[str | None]]]]]:
    """(table name, file shown in errors, rows with their numbers; row 1 is the header) per CSV file."""
    if not folder.is_dir():
        raise InputError("not a folder of CSV tables", file=folder)
    for path in sorted(folder.glob("*.csv")):
        yield path.stem, str(path), _rows(path)


def _rows(path: Path) -> Iterator[tuple[int, list[str | None]]]:
    # the csv module refuses fields over 128 KiB by default; a long description is legitimate data
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
    try:
        with path.open(encoding=ENCODING, newline="") as handle:
            first = handle.readline()
            handle.seek(0)
            # Excel in a French (or other comma-decimal) locale saves CSV with semicolons; headers
            # never contain either character, so the header line tells which one was used
            delimiter = ";" if ";" in first and "," not in first else ","
            for number, record in enumerate(csv.reader(handle, delimiter=delimiter, strict=True), 1):
                yield number, [cell if cell != "" else None for cell in record]
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path,
                         hint="save the CSV file as UTF-8") from None
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file: {exc}", file=path) from None
