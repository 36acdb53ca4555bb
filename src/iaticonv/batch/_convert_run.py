"""``convert`` over many files on N workers, resumable, optionally split: a folder in, a folder out.

Each worker converts whole files with the converter's own library (``formats.convert``), or splits
one with ``split``; outputs mirror the input tree under the output folder and are written
atomically by the worker, so a killed run leaves finished files and no partial one. The parent keeps
the state: an input whose content and options are unchanged, and whose outputs are all still there,
is skipped next time. A bad input fails alone, with its reason; the others carry on.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..bigfile.ranges import range_bytes
from ..errors import IaticonvError, InputError
from ..formats import FORMATS, detect_format, format_info, open_reader, open_writer
from ..formats.convert import convert
from ._convert_ranges import ConvertChunk, convert_chunk, join_parts, plan_convert_chunks
from ._inputs import WorkItem, collect_inputs, looks_readable
from ._outcome import FileOutcome, Status
from ._pool import Done, choose_workers, run_units
from ._progress import BatchProgress
from ._split import SPOOL_PREFIX, SplitBy, write_split
from ._summary import BatchSummary
from .state import STATE_FILE, BatchState, content_hash, options_key

__all__ = ["PART_BYTES", "ConvertJob", "ConvertRun", "convert_any", "convert_batch", "convert_unit"]

PART_BYTES = 32 * 1024 * 1024  # the most of one file a worker converts at once
ALONE_MIN_BYTES = 20 * 1024 * 1024  # a file alone in a run is cut from this size (see convert_file.MIN_BYTES)


@dataclass(frozen=True, slots=True)
class ConvertJob:
    """One input and where its output goes (a file; a folder with ``split``), with every option."""

    source: str
    output: str
    size: int
    source_format: str | None
    target: str
    split: bool = False
    split_by: SplitBy | None = None
    overwrite: bool = False
    reader_options: dict[str, Any] = field(default_factory=dict)
    writer_options: dict[str, Any] = field(default_factory=dict)


def _split_by(job: ConvertJob, split_by: SplitBy) -> tuple[list[Path], int, list[str]]:
    info = format_info(job.source_format) if job.source_format else detect_format(Path(job.source))
    reader = open_reader(info, Path(job.source), **job.reader_options)
    target = format_info(job.target)
    notes: list[str] = []
    outputs, records = write_split(reader, open_writer(target, **job.writer_options), target, Path(job.output),
                                   split_by, notes)
    notes += [f"{n.activity or '?'}: {n.message} [{n.code}]" for n in reader.notes]
    return outputs, records, notes


def convert_unit(job: ConvertJob) -> FileOutcome:
    """Worker entry point: convert one input; every failure becomes an outcome with its reason."""
    started = time.perf_counter()
    try:
        if job.split_by is not None:
            outputs, records, notes = _split_by(job, job.split_by)
        else:
            result = convert([Path(job.source)], Path(job.output), source=job.source_format, target=job.target,
                             split=job.split, overwrite=job.overwrite, reader_options=job.reader_options,
                             writer_options=job.writer_options)
            outputs, records = result.outputs, result.records
            notes = [f"{n.activity or '?'}: {n.message} [{n.code}]" for n in result.notes]
    except IaticonvError as exc:
        # Bad data fails the same way next time (cacheable); a full disk or a refused output may not.
        reason = str(exc) if str(exc).startswith(job.source) else f"{job.source}: {exc}"
        return FileOutcome(source=job.source, status="failed", reason=reason, size=job.size,
                           seconds=time.perf_counter() - started, cacheable=isinstance(exc, InputError))
    except Exception as exc:  # a bug must not stop the batch; it is reported, never cached
        return FileOutcome(source=job.source, status="failed", size=job.size, cacheable=False,
                           reason=f"{job.source}: internal error: {type(exc).__name__}: {exc}",
                           seconds=time.perf_counter() - started)
    return FileOutcome(source=job.source, status="ok", activities=records, outputs=[str(p) for p in outputs],
                       notes=notes, size=job.size, seconds=time.perf_counter() - started)


@dataclass(slots=True)
class ConvertRun:
    outcomes: list[FileOutcome]
    summary: BatchSummary


def _clean_debris(folder: Path) -> None:
    """Remove what a killed run may have left: atomic-write temporaries and split spools."""
    if not folder.is_dir():
        return
    for path in folder.rglob(".*"):
        with contextlib.suppress(OSError):
            if path.is_dir() and path.name.startswith(SPOOL_PREFIX):
                shutil.rmtree(path, ignore_errors=True)
            elif path.is_file() and path.name.endswith(".part"):
                path.unlink()


def _readable_extensions(source: str | None) -> set[str]:
    infos = [format_info(source)] if source else [f for f in FORMATS.values() if f.reader]
    return {ext for info in infos for ext in info.extensions}


def _planned(item: WorkItem, output: Path, target: str, split: bool) -> Path:
    if split:
        return output / item.rel.parent
    return output / item.rel.with_suffix(format_info(target).extensions[0])


def convert_batch(
    args: Iterable[Path], output: Path, *, target: str, source: str | None = None, split: bool = False,
    split_by: SplitBy | None = None, overwrite: bool = False, reader_options: dict[str, Any] | None = None,
    writer_options: dict[str, Any] | None = None, jobs: int | None = 1, show_progress: bool = False,
    force: bool = False, part_bytes: int = PART_BYTES,
) -> ConvertRun:
    """Convert files, folders and globs into the folder ``output`` on ``jobs`` workers (None: auto)."""
    workers = 1
    started = time.perf_counter()
    items = collect_inputs(args, extensions=_readable_extensions(source), for_outputs=True,
                           accept=None if source else looks_readable)
    options = {"source": source, "target": target, "split": split, "split_by": str(split_by or ""),
               "reader": reader_options or {}, "writer": writer_options or {}}
    _clean_debris(output)
    # A folder that already holds a batch state is the batch's own: its files may be replaced (a
    # killed run can leave outputs it never had the time to record).
    owned = (output / STATE_FILE).is_file()
    state = BatchState(output, "convert", options_key(options))
    outcomes: dict[str, FileOutcome] = {}
    digests: dict[str, str] = {}
    previous: dict[str, list[str]] = {}
    todo: list[ConvertJob] = []
    try:
        for item in items:
            key, planned = str(item.path), _planned(item, output, target, split)
            if item.path.resolve() == (output / STATE_FILE).resolve():
                continue
            if item.exists:
                digests[key] = content_hash(item.path)
                previous[key] = state.outputs_of(item.path)
                stored = None if force else state.lookup(item.path, digests[key])
                if stored is not None and _still_valid(stored.payload, planned):
                    outcomes[key] = FileOutcome(source=key, status="skipped", previous=_status(stored.status),
                                                reason=stored.payload.get("reason"), size=item.size,
                                                activities=int(stored.payload.get("activities", 0)),
                                                outputs=list(stored.payload.get("outputs", [])))
                    continue
            todo.append(ConvertJob(key, str(planned), item.size, source, target, split, split_by,
                                   overwrite or owned or bool(previous.get(key)), reader_options or {},
                                   writer_options or {}))
        workers = choose_workers(jobs, sum(job.size for job in todo))
        with BatchProgress("convert", files=len(items), total_bytes=sum(job.size for job in todo),
                           enabled=show_progress) as bar:
            bar.skipped(files=len(outcomes), activities=sum(o.activities for o in outcomes.values()))
            joiner = _Joiner({job.source: job for job in todo})
            units = _units(todo, workers, part_bytes)
            for done in run_units(convert_any, units, workers=workers, weight=lambda unit: unit.size):
                outcome = joiner.take(done)
                if outcome is None:
                    continue
                outcomes[outcome.source] = outcome
                bar.advance(size=outcome.size, activities=outcome.activities)
                _finish(state, outcome, digests.get(outcome.source), previous.get(outcome.source, []),
                        planned=joiner.jobs[outcome.source].output)
    finally:
        state.close()
    ordered = [outcomes[str(item.path)] for item in items if str(item.path) in outcomes]
    summary = BatchSummary.of("convert", ordered, seconds=time.perf_counter() - started, jobs=workers)
    return ConvertRun(ordered, summary)


Unit = ConvertJob | ConvertChunk


def convert_any(unit: Unit) -> FileOutcome:
    """Worker entry point for a whole file or a range of one."""
    return convert_chunk(unit) if isinstance(unit, ConvertChunk) else convert_unit(unit)


def _units(jobs: list[ConvertJob], workers: int, part_bytes: int) -> list[Unit]:
    """Whole files, except a big IATI XML or JSON file converted on several workers: its ranges."""
    units: list[Unit] = []
    for job in jobs:
        chunks = None
        alone = len(jobs) == 1 and job.size >= min(ALONE_MIN_BYTES, 2 * part_bytes)
        if workers > 1 and not job.split and job.split_by is None and (job.size >= 2 * part_bytes or alone):
            chunks = plan_convert_chunks(Path(job.source), Path(job.output), source_format=job.source_format,
                                         target=job.target, part_bytes=range_bytes(job.size, workers, limit=part_bytes),
                                         reader_options=job.reader_options, writer_options=job.writer_options)
        units.extend(chunks or [job])
    return units


class _Joiner:
    """Finished units → finished files: a file's ranges wait for each other, then are joined."""

    def __init__(self, jobs: dict[str, ConvertJob]) -> None:
        self.jobs = jobs
        self.parts: dict[str, list[FileOutcome]] = {}

    def take(self, done: Done[Unit, FileOutcome]) -> FileOutcome | None:
        unit, job = done.job, self.jobs[done.job.source]
        result = done.result or FileOutcome(source=unit.source, status="failed", cacheable=False,
                                            reason=f"{unit.source}: {done.error}", size=unit.size)
        if not isinstance(unit, ConvertChunk):
            return result
        parts = self.parts.setdefault(unit.source, [])
        parts.append(result)
        if len(parts) < unit.cut.count:
            return None
        joined = join_parts(Path(job.output), self.parts.pop(unit.source), overwrite=job.overwrite, target=job.target)
        shutil.rmtree(Path(unit.part).parent, ignore_errors=True)  # the parts' private folder
        outcome = joined or convert_unit(job)  # ranges that cannot be joined: the file whole, here
        outcome.size = job.size
        return outcome


def _still_valid(payload: dict[str, Any], planned: Path) -> bool:
    """A stored result stands only for the same planned output and while all its outputs exist."""
    if payload.get("planned") != str(planned):
        return False
    return all(Path(path).is_file() for path in payload.get("outputs", []))


def _finish(state: BatchState, outcome: FileOutcome, digest: str | None, previous: list[str], *, planned: str) -> None:
    """Record the outcome at once; a redo removes the outputs it no longer writes."""
    if outcome.status == "ok":
        for stale in set(previous) - set(outcome.outputs):
            with contextlib.suppress(OSError):
                Path(stale).unlink()
    if digest is None or not outcome.cacheable:
        return
    state.record(Path(outcome.source), digest, outcome.status, {**outcome.to_dict(), "planned": planned})


def _status(text: str) -> Status:
    return "failed" if text == "failed" else "ok"
