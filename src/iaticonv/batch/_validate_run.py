"""``validate`` over many files on N workers, resumable, with a report identical to a serial run.

Each worker validates whole files (or, for one very large file, ranges of its activities: see
``validate.ranges``) and sends back the file's findings. The parent records each file in the state as soon
as it is done, then, once every file is in, resolves the links between activities across the whole
batch, exactly as ``validate_paths`` does, so the report does not depend on the number of workers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..bigfile.ranges import range_bytes
from ..validate import Report, ValidateOptions, validate_paths
from ..validate.catalogue import load_catalogue
from ..validate.findings import Finding
from ..validate.layers import advisory
from ..validate.ranges import Chunk, ChunkResult, assemble, plan_chunks, validate_chunk, walk_exact
from ..validate.report import FileReport, count, render_messages
from ..validate.walker import WalkResult
from ._codec import walk_from_lines, walk_to_lines
from ._inputs import WorkItem, collect_inputs
from ._outcome import FileOutcome
from ._pool import Done, choose_workers, run_units
from ._progress import BatchProgress
from ._summary import BatchSummary
from .state import BatchState, content_hash, options_key

__all__ = ["PART_BYTES", "ValidateRun", "validate_batch"]

PART_BYTES = 32 * 1024 * 1024  # the most of one file a worker takes at once (it holds that range's findings)
ALONE_MIN_BYTES = 16 * 1024 * 1024  # a file alone is cut from this size (about 3 CPU s; a worker starts in 1–2)
WALK_CORES = 2  # a big file's walk by pieces keeps two busy: its own and its helper thread's (``validate._pieces``)


@dataclass(frozen=True, slots=True)
class WholeFile:
    source: str
    size: int
    options: ValidateOptions


Unit = WholeFile | Chunk


def validate_unit(unit: Unit) -> WalkResult | ChunkResult:
    """Worker entry point (module level, so spawned workers can import it)."""
    if isinstance(unit, Chunk):
        return validate_chunk(unit)
    return walk_exact(Path(unit.source), unit.options, sort=False)  # sorted once, in ``_resolve``


@dataclass(slots=True)
class ValidateRun:
    """The merged report, one outcome per input (in input order) and the closing summary."""

    report: Report
    outcomes: list[FileOutcome]
    summary: BatchSummary


def _outcome(source: str, result: WalkResult, size: int) -> FileOutcome:
    """A file "fails" when it is not valid in the official sense: a critical finding (broken XML…)."""
    # the first critical of the sorted report (the findings are sorted only once the batch is resolved)
    critical = min((f for f in result.report.findings if f.severity == "critical"), key=Finding.sort_key,
                   default=None)
    reason = None
    if critical is not None:
        where = f"line {critical.line}: " if critical.line else ""
        reason = f"{where}{critical.message} [{critical.rule_id}]"
    return FileOutcome(source=source, status="failed" if critical else "ok", reason=reason,
                       activities=result.report.activities, size=size, seconds=result.report.seconds)


def _resolve(results: list[WalkResult], options: ValidateOptions) -> list[FileReport]:
    """Activity links resolved against every identifier of the batch (as ``validate_paths`` does); each
    file's findings, walked unsorted, sorted once with them."""
    known: set[str] = set()
    for result in results:
        known |= result.identifiers
    catalogue = load_catalogue()
    reports: list[FileReport] = []
    for result in results:
        extra = advisory.resolve(result.links, known, options.lookup)
        report = result.report
        merged = sorted([*report.findings, *render_messages(extra, catalogue)], key=Finding.sort_key)
        reports.append(FileReport(path=report.path, file_type=report.file_type, iati_version=report.iati_version,
                                  activities=report.activities, seconds=report.seconds, findings=merged))
    return reports


def _walk_here(path: Path, options: ValidateOptions, error: BaseException | None) -> tuple[WalkResult, str | None]:
    """Walk a file whose unit crashed in a worker; a second crash fails the file with its reason.
    By ranges when it is longer than libxml2 numbers exactly (``walk_exact``), as a worker would."""
    try:
        return walk_exact(path, options, sort=False), None
    except Exception as exc:
        return WalkResult(FileReport(path=str(path))), f"internal error: {type(exc).__name__}: {exc or error}"


def _units(items: list[WorkItem], options: ValidateOptions, workers: int, part_bytes: int) -> list[Unit]:
    """Whole files; a file is cut into ranges when it is very large (``2 * part_bytes``) among others,
    so that the workers share it, or when it is alone and big enough (``ALONE_MIN_BYTES``) that its
    ranges are the only way to use the workers. A walk by pieces (``validate._pieces``) already keeps
    two cores busy, its own and the helper thread's: then a file alone is cut only for more than two
    workers (on two, its ranges were slower than its walk, 5.6 s against 4.8 s for 100 MB, by the cost
    of sending their findings back, and the parent's peak went over 150 MB). A whole file longer than
    libxml2 numbers exactly is walked by pieces, or else by ranges, in its unit (``walk_exact``)."""
    units: list[Unit] = []
    for item in items:
        chunks = None
        if len(items) == 1:
            cut = workers > WALK_CORES and item.size >= min(ALONE_MIN_BYTES, 2 * part_bytes)
        else:
            cut = workers > 1 and item.size >= 2 * part_bytes
        if cut:
            chunks = plan_chunks(item.path, options, part_bytes=range_bytes(item.size, workers, limit=part_bytes))
        units.extend(chunks or [WholeFile(str(item.path), item.size, options)])
    return units


class _Collector:
    """Turns finished units into finished files: ranges wait for their siblings, crashes are redone."""

    def __init__(self, options: ValidateOptions, bar: BatchProgress, sizes: dict[str, int]) -> None:
        self.options = options
        self.bar = bar
        self.sizes = sizes
        self.chunks: dict[str, list[ChunkResult]] = {}
        self.finished: set[str] = set()

    def take(self, done: Done[Unit, WalkResult | ChunkResult]) -> tuple[str, WalkResult, str | None] | None:
        """(file, result, crash reason) once a file is complete; None while it is not."""
        unit, source = done.job, done.job.source
        if source in self.finished:
            return None  # a range of a file already walked whole after a crash
        if isinstance(done.result, ChunkResult):
            parts = self.chunks.setdefault(source, [])
            parts.append(done.result)
            self.bar.advance(size=unit.size, activities=done.result.result.report.activities, file_done=False)
            if len(parts) < done.result.chunk.count:
                return None
            result = assemble(Path(source), self.chunks.pop(source), sort=False)
            crash = None
            if result is None:  # the ranges cannot stand for the file: walk it whole, here
                result, crash = _walk_here(Path(source), self.options, None)
            self.bar.advance(size=0, activities=0)
        elif isinstance(done.result, WalkResult):
            result, crash = done.result, None
            self.bar.advance(size=self.sizes[source], activities=result.report.activities)
        else:  # the unit crashed (a bug, a dead worker): walk the file here, where errors are findings
            self.chunks.pop(source, None)
            result, crash = _walk_here(Path(source), self.options, done.error)
            self.bar.advance(size=unit.size, activities=result.report.activities)
        self.finished.add(source)
        return source, result, crash


def _stored(state: BatchState, path: Path, digest: str, key: str) -> WalkResult | None:
    """The result a previous run stored for this content and these options; None to validate again
    (nothing stored, or a damaged row)."""
    found = state.lookup_lines(path, digest)
    if found is None:
        return None
    try:
        return walk_from_lines(found[1], key)
    except (zlib.error, ValueError, KeyError, TypeError, AttributeError):
        return None


def _options_text(options: ValidateOptions) -> str:
    """The options as the resumable state compares them: the registered publishers (a set, printed in
    no fixed order) by a digest of their sorted identifiers."""
    registered = hashlib.sha256("\n".join(sorted(options.registered_org_ids)).encode("utf-8")).hexdigest()[:16]
    return f"{dataclasses.replace(options, registered_org_ids=frozenset())!r} registered={registered}"


def validate_batch(
    args: Iterable[Path], options: ValidateOptions | None = None, *, jobs: int | None = 1, show_progress: bool = False,
    state_dir: Path | None = None, force: bool = False, part_bytes: int = PART_BYTES,
) -> ValidateRun:
    """Validate files, folders and globs on ``jobs`` workers (None: see ``choose_workers``); never
    raises for bad data.

    With ``state_dir``, files whose content and options are unchanged since the last run there are
    not validated again: their stored results are reused (``--force`` redoes all).
    """
    started = time.perf_counter()
    options = options or ValidateOptions()
    standard = validate_paths([], options).standard  # also fails early (exit 3) without the store
    items = collect_inputs(args, extensions={".xml"})
    state = (BatchState(state_dir, "validate", options_key({"options": _options_text(options), "standard": standard}))
             if state_dir is not None else None)
    results: dict[str, WalkResult] = {}
    outcomes: dict[str, FileOutcome] = {}
    digests: dict[str, str] = {}
    todo: list[WorkItem] = []
    for item in items:
        key = str(item.path)
        if state is not None and item.exists:
            digests[key] = content_hash(item.path)
            stored = None if force else _stored(state, item.path, digests[key], key)
            if stored is not None:
                results[key] = stored
                last = _outcome(key, results[key], item.size)
                outcomes[key] = FileOutcome(source=key, status="skipped", previous=last.status, reason=last.reason,
                                            activities=last.activities, size=item.size)
                continue
        todo.append(item)
    workers = choose_workers(jobs, sum(item.size for item in todo))
    try:
        with BatchProgress("validate", files=len(items), total_bytes=sum(i.size for i in todo),
                           enabled=show_progress) as bar:
            bar.skipped(files=len(outcomes), activities=sum(o.activities for o in outcomes.values()))
            collector = _Collector(options, bar, {str(item.path): item.size for item in items})
            units = _units(todo, options, workers, part_bytes)
            for done in run_units(validate_unit, units, workers=workers, weight=lambda unit: unit.size):
                complete = collector.take(done)
                if complete is None:
                    continue
                source, result, crash = complete
                results[source] = result
                outcomes[source] = _outcome(source, result, collector.sizes[source])
                if crash is not None:  # not stored: a re-run tries again
                    outcomes[source].status, outcomes[source].reason = "failed", crash
                elif state is not None and source in digests:
                    state.record_lines(Path(source), digests[source], outcomes[source].status, walk_to_lines(result))
    finally:
        if state is not None:
            state.close()
    order = [str(item.path) for item in items]
    report = Report(files=_resolve([results[key] for key in order], options), standard=standard)
    ordered = [outcomes[key] for key in order]
    summary = BatchSummary.of("validate", ordered, seconds=time.perf_counter() - started, jobs=workers,
                              findings=count(report.findings))
    return ValidateRun(report=report, outcomes=ordered, summary=summary)
