"""Merge many activity files into one, reporting every duplicate ``iati-identifier``.

Publishers merge per-country or per-year files into one registry file, and the IATI Datastore keeps
only one activity per identifier, so a duplicate across inputs is a real problem: each is reported
with where it was first seen. By default every activity is kept (nothing is lost; the output then
fails the validator's 1.1.2 check, and ``merge`` exits 1); ``drop_duplicates`` keeps the first.

Records stream from the readers to one writer and only identifiers are remembered, so memory stays
flat. The output is written atomically: an input that turns out to be broken halfway aborts the
merge and leaves no output file, rather than a merge that silently lacks part of one input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .._io import atomic_writer, check_output_path
from ..errors import UsageError
from ..formats import FORMATS, detect_format, format_info, open_reader, open_writer
from ..formats.convert import merged_header
from ..model import Activity
from ._inputs import collect_inputs, looks_readable

__all__ = ["Duplicate", "MergeResult", "merge_files"]


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An identifier seen again: where (file, n-th activity of that file) and where first."""

    identifier: str
    file: str
    position: int
    first_file: str
    first_position: int

    def __str__(self) -> str:
        return (f"{self.file}, activity {self.position}: duplicate iati-identifier {self.identifier!r} "
                f"(first in {self.first_file}, activity {self.first_position})")

    def to_dict(self) -> dict[str, Any]:
        return {"identifier": self.identifier, "file": self.file, "position": self.position,
                "firstFile": self.first_file, "firstPosition": self.first_position}


@dataclass(slots=True)
class MergeResult:
    output: Path
    inputs: list[str] = field(default_factory=list)
    records: int = 0
    dropped: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"output": str(self.output), "inputs": self.inputs, "records": self.records, "dropped": self.dropped,
                "duplicates": [d.to_dict() for d in self.duplicates], "notes": self.notes}


def merge_files(
    args: Iterable[Path], output: Path, *, source: str | None = None, target: str | None = None,
    drop_duplicates: bool = False, overwrite: bool = False, reader_options: dict[str, Any] | None = None,
    writer_options: dict[str, Any] | None = None, progress: Callable[[int], None] | None = None,
) -> MergeResult:
    """Merge the activities of files, folders and globs into ``output``."""
    extensions = {e for f in ([format_info(source)] if source else FORMATS.values()) if f.reader for e in f.extensions}
    items = collect_inputs(args, extensions=extensions, accept=None if source else looks_readable)
    if not items:
        raise UsageError("merge: no input files")
    check_output_path(output, [item.path for item in items], overwrite=overwrite)
    target_info = format_info(target) if target else detect_format(output, for_writing=True)
    writer = open_writer(target_info, **(writer_options or {}))
    if not writer.multi:
        raise UsageError(f"merge: the {target_info.name} format holds one record per file")
    readers = []
    for item in items:
        info = format_info(source) if source else detect_format(item.path)
        readers.append(open_reader(info, item.path, **(reader_options or {})))
    result = MergeResult(output=output, inputs=[str(item.path) for item in items])
    header = replace(merged_header([reader.header() for reader in readers]), generated_datetime=None)
    seen: dict[str, tuple[int, int]] = {}

    def stream() -> Iterator[Activity]:
        for index, reader in enumerate(readers):
            for position, record in enumerate(reader.records(), start=1):
                ident = (record.iati_identifier or "").strip()
                if ident and ident in seen:
                    first_index, first_position = seen[ident]
                    result.duplicates.append(Duplicate(ident, result.inputs[index], position,
                                                       result.inputs[first_index], first_position))
                    if drop_duplicates:
                        result.dropped += 1
                        continue
                elif ident:
                    seen[ident] = (index, position)
                result.records += 1
                if progress is not None:
                    progress(result.records)
                yield record
            result.notes += [f"{n.file or result.inputs[index]}: {n.activity or '?'}: {n.message} [{n.code}]"
                             for n in reader.notes]

    with atomic_writer(output) as handle:
        writer.write(handle, stream(), header)
    return result
