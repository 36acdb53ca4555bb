"""Batch options shared by ``convert``, ``validate`` and ``merge``, declared once, and the glue that
runs a batch from a command and prints its closing summary.

Commands stay thin: they parse options and call ``convert_many``/``validate_many`` here, which call
``iaticonv.batch`` and map the result to an exit code (0 ok, 1 a file failed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import UsageError
from .common import echo_json

if TYPE_CHECKING:
    from ..validate import Report, ValidateOptions

__all__ = [
    "batch_options",
    "convert_many",
    "force_option",
    "split_by_option",
    "validate_many",
    "wants_batch",
]

F = TypeVar("F", bound=Callable[..., Any])

force_option = click.option("--force", is_flag=True,
                            help="Redo every input, even those unchanged since the last run into this folder.")
split_by_option = click.option("--split-by", metavar="status|country|size:60MB",
                               help="Split each input into several files: by activity status (2+3, 4…), "
                               "recipient country, or parts of at most a size.")


def batch_options(function: F) -> F:
    """``--jobs``, ``--quiet`` and ``--progress/--no-progress``."""
    function = click.option("--progress/--no-progress", "progress", default=None,
                            help="Show progress on stderr (default: only when stderr is a terminal).")(function)
    function = click.option("-q", "--quiet", is_flag=True, help="No progress and no summary on stderr.")(function)
    return click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                        help="Worker processes (default: the number of CPUs; one for small batches).")(function)


def wants_batch(inputs: Sequence[Path], output: Path, *, split: bool, split_by: str | None, jobs: int | None,
                force: bool, progress: bool | None) -> bool:
    """Whether ``convert`` runs as a batch (parallel, resumable) into a folder.

    It does when the output is a folder and a batch option was given, or the folder holds the state
    of an earlier batch (so re-running the same command resumes). Otherwise ``convert`` keeps its
    single-pass behaviour (docs/convert.md).
    """
    from ..batch.state import STATE_FILE

    asked = jobs is not None or force or split_by is not None or progress is not None
    folder = split or bool(split_by) or any(p.is_dir() for p in inputs) or output.is_dir() or not output.suffix
    return folder and (asked or (output / STATE_FILE).is_file())


def validate_many(paths: Sequence[Path], options: ValidateOptions, *, output: Path | None, jobs: int | None,
                  quiet: bool, progress: bool | None, force: bool = False) -> Report:
    """Validate on workers; resumable when the report goes to a file (state beside it)."""
    from ..batch import progress_wanted, render_summary, validate_batch

    run = validate_batch(list(paths), options, jobs=jobs, show_progress=progress_wanted(quiet=quiet, progress=progress),
                         state_dir=output.parent if output is not None else None, force=force)
    if not quiet and len(run.outcomes) > 1:
        render_summary(run.summary)
    return run.report


def convert_many(inputs: Sequence[Path], output: Path, *, target: str | None, output_format: str, quiet: bool,
                 progress: bool | None, split_by: str | None, **options: Any) -> int:
    """Convert into the folder ``output`` on workers; exit 1 if a file failed or a reader left notes."""
    from ..batch import convert_batch, parse_split_by, progress_wanted, render_summary

    if target is None:
        raise UsageError("the output is a folder: name the output format with --to")
    if output.exists() and not output.is_dir():
        raise UsageError(f"{output}: a batch writes into a folder, and this is a file")
    run = convert_batch(list(inputs), output, target=target, split_by=parse_split_by(split_by) if split_by else None,
                        show_progress=progress_wanted(quiet=quiet, progress=progress), **options)
    notes = [note for outcome in run.outcomes for note in outcome.notes]
    if output_format == "json":
        echo_json({"records": run.summary.activities, "outputs": [p for o in run.outcomes for p in o.outputs],
                   "notes": notes, "summary": run.summary.to_dict(), "files": [o.to_dict() for o in run.outcomes]})
    if not quiet:
        render_summary(run.summary)
    return 1 if run.summary.failed or notes else 0
