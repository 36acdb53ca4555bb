"""``iaticonv merge``: many activity files into one, duplicate identifiers reported."""

from __future__ import annotations

from pathlib import Path

import click

from ..formats import FORMATS
from .common import echo_json, format_option

__all__ = ["merge"]


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path, dir_okay=False), help="Merged file.")
@click.option("--from", "source", type=click.Choice(sorted(FORMATS)), help="Input format (default: detected).")
@click.option("--to", "target", type=click.Choice(sorted(FORMATS)), help="Output format (default: by extension).")
@click.option("--drop-duplicates", is_flag=True, help="Keep only the first activity of each identifier.")
@click.option("--overwrite", is_flag=True, help="Replace an existing output file.")
@click.option("--no-upgrade", is_flag=True, help="Read IATI 2.01/2.02 as is (default: upgrade to 2.03).")
@format_option
def merge(inputs: tuple[Path, ...], output: Path, source: str | None, target: str | None, drop_duplicates: bool,
          overwrite: bool, no_upgrade: bool, output_format: str) -> int:
    """Merge the activities of INPUT files, folders or globs into one OUTPUT file.

    Every repeated iati-identifier is reported with where it was first seen; exit 1 when the output
    keeps duplicates (the default: nothing is dropped unless --drop-duplicates).
    """
    from ..batch import merge_files

    result = merge_files(list(inputs), output, source=source, target=target, drop_duplicates=drop_duplicates,
                         overwrite=overwrite, reader_options={"upgrade": not no_upgrade})
    if output_format == "json":
        echo_json(result.to_dict())
    for line in [*map(str, result.duplicates), *result.notes]:
        click.echo(f"iaticonv: {line}", err=True)
    kept = len(result.duplicates) - result.dropped
    click.echo(f"{len(result.inputs)} files → {result.records} activities in {output}; "
               f"{len(result.duplicates)} duplicate identifiers ({result.dropped} dropped)", err=True)
    return 1 if kept else 0
