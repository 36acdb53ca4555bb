"""The ``tables`` writer: activity stream → a CSV folder or an XLSX workbook.

``write(stream, …)`` follows the common :class:`~iaticonv.formats.base.Writer` protocol and writes
a workbook (one file, so it fits a byte stream). ``write_to(path, …)`` picks by the target: a path
ending in ``.xlsx`` gets a workbook (written atomically), anything else a folder of CSV files.

Each activity gets a key in the ``activity`` column: its ``iati-identifier``, or — when that is
missing or already used in the file — the identifier followed by ``#`` and the activity's position,
so child rows can never attach to the wrong activity.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from ..._io import atomic_writer
from ...model import Activity, FileHeader
from ._csv_io import CsvSink, replace_folder
from ._docs import readme_rows
from ._flatten import Flattener
from ._labels import Labeller
from ._xlsx_io import XlsxSink
from .layout import ACTIVITY, EXTRAS, FILE, Layout, layout

__all__ = ["TablesWriter", "activity_key"]

ALWAYS = (ACTIVITY, EXTRAS, FILE)


def activity_key(activity: Activity, position: int, used: set[str]) -> str:
    """The row key of an activity: its identifier, made unique when it has to be."""
    ident = (activity.iati_identifier or "").strip()
    key = ident
    suffix = 0
    while not key or key in used:
        suffix += 1
        key = f"{ident}#{position}" if suffix == 1 else f"{ident}#{position}.{suffix}"
    used.add(key)
    return key


class TablesWriter:
    """Writes activities as flat tables; ``labels=False`` leaves the ``(name)`` columns out."""

    multi = True

    def __init__(self, *, labels: bool = True, overwrite: bool = False, **_options: Any) -> None:
        self.layout: Layout = layout()
        self.labels = labels
        self.overwrite = overwrite
        self._flattener: Flattener | None = None

    @property
    def flattener(self) -> Flattener:
        if self._flattener is None:
            self._flattener = Flattener(self.layout, Labeller(self.layout, enabled=self.labels))
        return self._flattener

    def write(self, stream: IO[bytes], records: Iterable[Activity], header: FileHeader | None = None) -> int:
        """Write an XLSX workbook to ``stream``; returns the number of activities."""
        flat = self.flattener
        order = [t.name for t in self.layout.tables]
        sink = XlsxSink(flat.headers, order, ALWAYS, readme_rows(self.layout, flat.headers))
        try:
            count = self._feed(sink, records, header)
        except BaseException:
            # finish the half-written sheets into the void: openpyxl's write-only sheets are open
            # generators that complain noisily when dropped unfinished
            with contextlib.suppress(Exception):
                sink.close(io.BytesIO())
            raise
        sink.close(stream)
        return count

    def write_to(self, path: Path, records: Iterable[Activity], header: FileHeader | None = None) -> int:
        """Write a workbook when ``path`` ends in ``.xlsx``, else a folder of CSV files."""
        path = Path(path)
        if path.suffix.lower() == ".xlsx":
            with atomic_writer(path) as stream:
                return self.write(stream, records, header)

        def build(folder: Path) -> int:
            sink = CsvSink(folder, self.flattener.headers, ALWAYS)
            try:
                return self._feed(sink, records, header)
            finally:
                sink.close()

        count: int = replace_folder(path, build, overwrite=self.overwrite)
        return count

    def _feed(self, sink: Any, records: Iterable[Activity], header: FileHeader | None) -> int:
        flat = self.flattener
        for table, row in flat.header_rows(header if header is not None else FileHeader()):
            sink.row(table, row)
        used: set[str] = set()
        count = 0
        for count, activity in enumerate(records, 1):
            key = activity_key(activity, count, used)
            for table, row in flat.rows(activity, key):
                sink.row(table, row)
        return count
