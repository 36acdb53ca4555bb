"""``iaticonv convert`` and ``iaticonv upgrade``: thin layers over :func:`iaticonv.formats.convert.convert`.

Exit codes: 0 converted (notes of severity info or warning are printed, nothing was lost); 1 converted,
but a reader reported something it could not carry over (e.g. a 2.01 result without indicator), or the
input data is wrong; 2 usage; 3 environment.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..formats import FORMATS
from ..formats.convert import ConvertResult, Progress
from ..formats.convert import convert as run_convert
from .batch_common import batch_options, convert_many, force_option, split_by_option, wants_batch
from .common import echo_json, format_option

__all__ = ["convert", "upgrade"]

_paths = click.Path(path_type=Path)


def _progress() -> Progress | None:
    """Record counts on stderr, only for a person watching (a TTY) and only once a run is long."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()

    def report(count: int) -> None:
        if time.monotonic() - started > 2:
            click.echo(f"\r{count} activities…", err=True, nl=False)

    return report


def _report(result: ConvertResult, output_format: str) -> int:
    notes = [{"code": n.code, "severity": n.severity, "activity": n.activity, "file": n.file, "line": n.line,
              "message": n.message} for n in result.notes]
    if output_format == "json":
        echo_json({"records": result.records, "outputs": [str(p) for p in result.outputs], "notes": notes})
    for note in result.notes:
        where = f"{note.file}:{note.line}" if note.line else (note.file or "")
        click.echo(f"iaticonv: {note.severity}: {where}: {note.activity or '?'}: {note.message} [{note.code}]",
                   err=True)
    click.echo(f"{result.records} activities → {len(result.outputs)} file(s)", err=True)
    return 1 if any(note.blocking for note in result.notes) else 0


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=_paths)
@click.option("-o", "--output", required=True, type=_paths, help="Output file, or directory.")
@click.option("--from", "source", type=click.Choice(sorted(FORMATS)), help="Input format (default: detected).")
@click.option("--to", "target", type=click.Choice(sorted(FORMATS)), help="Output format (default: by extension).")
@click.option("--split", is_flag=True, help="One output file per activity, in the OUTPUT directory.")
@click.option("--overwrite", is_flag=True, help="Replace existing output files.")
@click.option("--no-upgrade", is_flag=True, help="Read IATI 2.01/2.02 as is (default: upgrade to 2.03).")
@click.option("--generated-at", help="Write this iati-activities/@generated-datetime (IATI XML output).")
@split_by_option
@batch_options
@force_option
@format_option
def convert(inputs: tuple[Path, ...], output: Path, source: str | None, target: str | None, split: bool,
            overwrite: bool, no_upgrade: bool, generated_at: str | None, output_format: str, split_by: str | None,
            jobs: int | None, quiet: bool, progress: bool | None, force: bool) -> int:
    """Convert INPUT files (or directories) between formats: iati-xml, json, yaml, ...

    Many inputs go into one OUTPUT file; a directory input gives a directory output; --split writes
    one file per activity. With --jobs N, one big IATI XML or JSON file converted to one IATI XML,
    JSON or YAML file is cut into ranges of activities converted on N processes.
    """
    writer_options = {"generated_at": generated_at} if generated_at else {}
    if wants_batch(inputs, output, split=split, split_by=split_by, jobs=jobs, force=force, progress=progress):
        return convert_many(inputs, output, target=target, source=source, split=split, overwrite=overwrite,
                            reader_options={"upgrade": not no_upgrade}, writer_options=writer_options, jobs=jobs,
                            force=force, split_by=split_by, quiet=quiet, progress=progress, output_format=output_format)
    result = None
    if jobs is not None and jobs > 1 and len(inputs) == 1 and not split:
        from ..batch.convert_file import convert_file_parallel  # one big file on several processes

        result = convert_file_parallel(inputs[0], output, jobs=jobs, target=target, source_format=source,
                                       overwrite=overwrite, reader_options={"upgrade": not no_upgrade},
                                       writer_options=writer_options)
    if result is None:
        result = run_convert(list(inputs), output, source=source, target=target, split=split, overwrite=overwrite,
                             reader_options={"upgrade": not no_upgrade}, writer_options=writer_options,
                             progress=_progress())
    return _report(result, output_format)


@click.command()
@click.argument("input_path", metavar="INPUT", type=_paths)
@click.option("-o", "--output", required=True, type=_paths, help="Output IATI 2.03 file.")
@click.option("--overwrite", is_flag=True, help="Replace an existing output file.")
@format_option
def upgrade(input_path: Path, output: Path, overwrite: bool, output_format: str) -> int:
    """Upgrade an IATI 2.01/2.02 activity file to 2.03; report what cannot be upgraded."""
    result = run_convert([input_path], output, source="iati-xml", target="iati-xml", overwrite=overwrite,
                         reader_options={"upgrade": True})
    return _report(result, output_format)
