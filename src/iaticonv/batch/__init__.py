"""Batch at scale: many files, N worker processes, progress, resumable runs, split and merge.

    from iaticonv.batch import validate_batch, convert_batch, merge_files
    run = validate_batch([Path("folder")], jobs=4, state_dir=Path("out"))
    run.report, run.outcomes, run.summary

A batch never stops at a bad file: every file gets a ``FileOutcome`` (ok, failed with its reason,
or skipped because nothing changed), and ``BatchSummary`` closes the run. See docs/batch.md.

Names are imported on first use: a spawned validation worker imports this package to find its
entry point, and should not pay for the converter's modules (nor a conversion worker for the
validator's).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._convert_run import ConvertRun, convert_batch
    from ._inputs import WorkItem, collect_inputs
    from ._merge import Duplicate, MergeResult, merge_files
    from ._outcome import FileOutcome
    from ._pool import default_jobs
    from ._progress import progress_wanted
    from ._split import SplitBy, parse_split_by
    from ._summary import BatchSummary, render_summary
    from ._validate_run import ValidateRun, validate_batch

__all__ = [
    "BatchSummary",
    "ConvertRun",
    "Duplicate",
    "FileOutcome",
    "MergeResult",
    "SplitBy",
    "ValidateRun",
    "WorkItem",
    "collect_inputs",
    "convert_batch",
    "default_jobs",
    "merge_files",
    "parse_split_by",
    "progress_wanted",
    "render_summary",
    "validate_batch",
]

_HOME = {
    "BatchSummary": "_summary", "render_summary": "_summary",
    "ConvertRun": "_convert_run", "convert_batch": "_convert_run",
    "Duplicate": "_merge", "MergeResult": "_merge", "merge_files": "_merge",
    "FileOutcome": "_outcome",
    "SplitBy": "_split", "parse_split_by": "_split",
    "ValidateRun": "_validate_run", "validate_batch": "_validate_run",
    "WorkItem": "_inputs", "collect_inputs": "_inputs",
    "default_jobs": "_pool",
    "progress_wanted": "_progress",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
