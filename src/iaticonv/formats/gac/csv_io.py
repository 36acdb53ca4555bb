"""``gac-csv``: the Project Browser CSV export, read as a stream and written the way GAC ships it.

Reading holds one row at a time (``csv`` over a text stream), so memory stays flat however many
projects the export has; only the project numbers already seen are kept, to refuse a duplicate.
Writing uses GAC's exact header, a UTF-8 BOM (Excel then opens accents correctly) and neutralises
cells a spreadsheet would execute as formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from ...errors import InputError
from ...model import Activity, FileHeader
from ..base import HeaderlessReader, ReadNote
from ._common import GacProject, Where
from ._model import from_activity, to_activity
from ._table import COLUMNS, cells_from_project, column_positions, neutralise, project_from_cells, unneutralise

__all__ = ["GacCsvReader", "GacCsvWriter", "RowStream", "records_from_rows"]

csv.field_size_limit(16 * 1024 * 1024)  # long results texts exceed the 128 KiB default

RowStream = Iterator[tuple[int, int | None, Sequence[str]]]  # (row number, first line, cells)


def _share_notes(project: GacProject, where: Where, notes: list[ReadNote]) -> None:
    """Percentages that do not add up to 100 are converted as written, and reported (IATI rejects them)."""
    groups = (("Country/Region", [*project.countries, *project.regions]), ("DAC Sector", project.sectors))
    for column, shares in groups:
        given = [s.percentage for s in shares if s.percentage is not None]
        if given and sum(given) != 100:
            notes.append(ReadNote(code="gac.percentages-not-100", file=where.file, line=where.line, severity="warning",
                                  activity=project.identifier,
                                  message=f"row {where.row}, column {column!r}: the percentages add up to "
                                          f"{sum(given)}%, not 100% (converted as written)"))


def records_from_rows(rows: RowStream, file: str, notes: list[ReadNote] | None = None) -> Iterator[Activity]:
    """Rows (header first) → activities; shared by the CSV and XLSX readers."""
    try:
        row_number, line, header = next(rows)
    except StopIteration:
        raise InputError("the file is empty: no header row", file=file, row=1) from None
    positions = column_positions(header, Where(file, line, row_number))
    seen: dict[str, int] = {}
    unnamed = [index for index in range(len(header)) if index not in positions.values()]
    for row_number, line, raw in rows:
        if not any(cell.strip() for cell in raw):
            continue
        where = Where(file, line, row_number)
        if len(raw) > len(header) and any(cell.strip() for cell in raw[len(header):]):
            raise where.error(f"the row has {len(raw)} cells but the header only {len(header)} columns",
                              hint="a cell holding a comma or line break must be quoted")
        for index in unnamed:  # a value under an empty header cell would otherwise be dropped unseen
            if index < len(raw) and raw[index].strip():
                raise where.error(f"cell {index + 1} holds {raw[index].strip()[:40]!r} but its column has no header",
                                  hint="name the column or empty the cell")
        cells = {column: unneutralise(raw[index]) for column, index in positions.items() if index < len(raw)}
        project = project_from_cells(cells, where)
        if project.identifier in seen:
            raise where.at("Project Number").error(
                f"project {project.project_number!r} appears twice (rows {seen[project.identifier]} and "
                f"{row_number})", hint="each project is one row; merge or remove the duplicate")
        seen[project.identifier] = row_number
        if notes is not None:
            _share_notes(project, where, notes)
        yield to_activity(project, where)


def _csv_rows(handle: IO[str], file: str) -> RowStream:
    reader = csv.reader(handle)
    row_number = 0
    last_line = 0
    try:
        for cells in reader:
            row_number += 1
            yield row_number, last_line + 1, cells
            last_line = reader.line_num
    except csv.Error as exc:
        raise InputError(f"not a readable CSV: {exc}", file=file, line=reader.line_num) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=file,
                         line=last_line + 1, hint="save the export as UTF-8 CSV") from None


class GacCsvReader(HeaderlessReader):
    """Reads a Project Browser CSV (BOM or not) into activities, one row at a time."""

    def records(self) -> Iterator[Activity]:
        try:
            handle = self.path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=self.path) from None
        with handle:
            yield from records_from_rows(_csv_rows(handle, str(self.path)), str(self.path), self.notes)


class GacCsvWriter:
    """Writes activities as Project Browser CSV rows (what the GAC layout has a column for)."""

    multi = True

    def __init__(self, **_options: object) -> None:
        """Options meant for XML writers (``generated_at``) mean nothing here and are ignored."""

    def write(self, stream: IO[bytes], records: Iterable[Activity], header: FileHeader | None = None) -> int:
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        try:
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(COLUMNS)
            count = 0
            for activity in records:
                writer.writerow([neutralise(cell) for cell in cells_from_project(from_activity(activity))])
                count += 1
            text.flush()
        finally:
            text.detach()
        return count
