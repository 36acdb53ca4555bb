"""Converting files between formats: many inputs into one file, one file per record, or dir → dir.

This is the library behind ``iaticonv convert`` and ``iaticonv upgrade``; it knows formats only
through the ``FORMATS`` table. Records stream from reader to writer, so memory stays flat; every
output is written atomically and never over an input or an existing file unless asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._io import atomic_writer, check_output_path
from ..errors import UsageError
from ..model import Activity, FileHeader
from ._direct import direct_path
from .base import FORMATS, FormatInfo, Reader, ReadNote, detect_format, format_info, open_reader, open_writer

__all__ = ["ConvertResult", "convert", "merged_header"]

Progress = Callable[[int], None]


@dataclass(slots=True)
class ConvertResult:
    """What a conversion did: files written, records converted, and the readers' notes."""

    outputs: list[Path] = field(default_factory=list)
    records: int = 0
    notes: list[ReadNote] = field(default_factory=list)


@dataclass(slots=True)
class _Job:
    inputs: list[Path]
    source: FormatInfo | None
    target: FormatInfo
    reader_options: dict[str, Any]
    writer_options: dict[str, Any]
    overwrite: bool
    progress: Progress | None
    result: ConvertResult
    durable: bool = True


def _looks_readable(path: Path) -> bool:
    """Whether a file found in a directory has the content its extension promises (a LICENSE.txt
    beside GAC profiles, an organisation file beside activity files, are skipped)."""
    info = next(f for f in FORMATS.values() if f.reader and path.suffix.lower() in f.extensions)
    if info.sniff is None:
        return True
    with path.open("rb") as handle:
        return info.sniff(handle.read(4096), path.suffix.lower())


def _expand(inputs: Sequence[Path], source: FormatInfo | None) -> list[tuple[Path, Path]]:
    """(file, path relative to its input root) for files and for the files inside directories.

    Inside a directory only files with an extension of the input format (or, without ``--from``, of
    any readable format, whose content looks right) are taken: a LICENSE beside the data is not an input.
    """
    readable = source.extensions if source else tuple(e for f in FORMATS.values() if f.reader for e in f.extensions)
    files: list[tuple[Path, Path]] = []
    for item in inputs:
        if item.is_dir() and source is not None and source.whole_path:
            files.append((item, Path(item.name)))  # a folder of tables is one document
        elif item.is_dir():
            found = sorted(p for p in item.rglob("*")
                           if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in readable
                           and (source is not None or _looks_readable(p)))
            files.extend((p, p.relative_to(item)) for p in found)
        elif item.is_file():
            files.append((item, Path(item.name)))
        else:
            raise UsageError(f"{item}: no such file or directory")
    if not files:
        raise UsageError("no input files")
    return files


def convert(
    inputs: Sequence[Path],
    output: Path,
    *,
    source: str | None = None,
    target: str | None = None,
    split: bool = False,
    overwrite: bool = False,
    reader_options: dict[str, Any] | None = None,
    writer_options: dict[str, Any] | None = None,
    progress: Progress | None = None,
    durable: bool = True,
) -> ConvertResult:
    """Convert ``inputs`` to ``output`` (a file, or a directory for dir inputs and ``--split``).

    A ``whole_path`` format (tables) is the exception: a folder given ``--from tables`` is one input,
    and an output folder given ``--to tables`` is one document, not a folder of outputs.
    ``durable=False`` skips ``fsync`` (scratch outputs: the parts of a file converted by ranges).
    """
    source_info = format_info(source) if source else None
    target_info_given = format_info(target) if target else None
    folder_documents_in = source_info is not None and source_info.whole_path
    folder_document_out = target_info_given is not None and target_info_given.whole_path and not split
    directory_in = not folder_documents_in and any(p.is_dir() for p in inputs)
    directory_out = split or directory_in or (output.is_dir() and not folder_document_out)
    if target is None and directory_out:
        raise UsageError("the output is a directory: name the output format with --to")
    target_info = target_info_given or detect_format(output, for_writing=True)
    _check_writer_options(target_info, writer_options or {})
    job = _Job(list(inputs), source_info, target_info, reader_options or {},
               writer_options or {}, overwrite, progress, ConvertResult(), durable)
    files = _expand(inputs, job.source)
    if not directory_out:
        _to_one_file(job, [f for f, _ in files], output)
    elif split:
        for path, _ in files:
            _split(job, path, output)
    else:
        for path, relative in files:
            _to_one_file(job, [path], output / relative.with_suffix(_extension(target_info)))
    return job.result


def _check_writer_options(target: FormatInfo, options: dict[str, Any]) -> None:
    """An option the target's writer does not take is the user's mistake: say which, before any work."""
    refused = sorted(set(options) - set(target.writer_options))
    if refused:
        flags = ", ".join("--" + name.replace("_", "-") for name in refused)
        takers = [f.name for f in FORMATS.values() if set(refused) <= set(f.writer_options)]
        raise UsageError(f"{flags} does not apply to {target.name} output",
                         hint=f"it applies to {', '.join(takers)} output" if takers else None)


def _writer_options(job: _Job) -> dict[str, Any]:
    return {**job.writer_options, "overwrite": job.overwrite} if job.target.whole_path else job.writer_options


def _extension(info: FormatInfo) -> str:
    """The extension of an output file of format ``info`` (a format may have none)."""
    return info.extensions[0] if info.extensions else ""


def _reader(job: _Job, path: Path) -> Reader:
    info = job.source or detect_format(path)
    return open_reader(info, path, **job.reader_options)


def _counted(job: _Job, records: Iterator[Activity]) -> Iterator[Activity]:
    for record in records:
        job.result.records += 1
        if job.progress is not None and job.result.records % 500 == 0:
            job.progress(job.result.records)
        yield record


def _to_one_file(job: _Job, paths: list[Path], output: Path) -> None:
    check_output_path(output, job.inputs + paths, overwrite=job.overwrite)
    readers = [_reader(job, path) for path in paths]
    header = merged_header([reader.header() for reader in readers])
    if _direct(job, paths, readers, output, header):
        return
    writer = open_writer(job.target, **_writer_options(job))

    def stream() -> Iterator[Activity]:
        for reader in readers:
            yield from reader.records()
            job.result.notes.extend(reader.notes)

    records = _counted(job, stream())
    if not writer.multi:
        records = _at_most_one(records, output, job.target.name)
    _write(job, writer, output, records, header)
    job.result.outputs.append(output)


def _direct(job: _Job, paths: list[Path], readers: list[Reader], output: Path, header: FileHeader) -> bool:
    """Convert through the pair's direct path (``_direct``) when it has one; False when it has none."""
    sources = {(job.source or detect_format(path)).name for path in paths}
    direct = direct_path(sources.pop(), job.target.name) if len(sources) == 1 else None
    if direct is None or job.target.whole_path:
        return False

    def tick() -> None:
        job.result.records += 1
        if job.progress is not None and job.result.records % 500 == 0:
            job.progress(job.result.records)

    try:
        with atomic_writer(output, durable=job.durable) as handle:
            direct(readers, handle, header, job.writer_options, tick)
    finally:
        for reader in readers:
            job.result.notes.extend(reader.notes)
    job.result.outputs.append(output)
    return True


def _write(job: _Job, writer: Any, output: Path, records: Iterator[Activity], header: FileHeader) -> None:
    """Through a byte stream into an atomic file, or, for a whole-path format, by the writer itself."""
    if job.target.whole_path:
        writer.write_to(output, records, header)
        return
    with atomic_writer(output, durable=job.durable) as handle:
        writer.write(handle, records, header)


def _at_most_one(records: Iterator[Activity], output: Path, name: str) -> Iterator[Activity]:
    for count, record in enumerate(records):
        if count == 1:
            raise UsageError(f"{output}: the {name} format holds one record per file",
                             hint="pass --split and an output directory")
        yield record


def merged_header(headers: list[FileHeader]) -> FileHeader:
    """The first input's header, with the namespace declarations of all inputs."""
    first = headers[0]
    nsmap = dict(first.nsmap)
    for header in headers[1:]:
        for prefix, uri in header.nsmap.items():
            nsmap.setdefault(prefix, uri)
    return FileHeader(version=first.version, generated_datetime=first.generated_datetime,
                      linked_data_default=first.linked_data_default, extra_attrs=dict(first.extra_attrs),
                      nsmap=nsmap)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _split(job: _Job, path: Path, directory: Path) -> None:
    reader = _reader(job, path)
    header = reader.header()
    extension = _extension(job.target)
    used: set[str] = set()
    for index, record in enumerate(_counted(job, reader.records())):
        stem = _UNSAFE.sub("_", (record.iati_identifier or "").strip()).strip("._") or f"record-{index + 1}"
        name, number = stem, 1
        while name in used:
            number += 1
            name = f"{stem}-{number}"
        used.add(name)
        output = directory / f"{name}{extension}"
        check_output_path(output, job.inputs, overwrite=job.overwrite)
        _write(job, open_writer(job.target, **_writer_options(job)), output, iter([record]), header)
        job.result.outputs.append(output)
    job.result.notes.extend(reader.notes)
