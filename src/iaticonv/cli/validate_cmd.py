"""``iaticonv validate`` and ``iaticonv rules``: thin wrappers over ``iaticonv.validate``."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from .._io import check_output_path, write_text_atomic
from ..errors import UsageError
from .common import format_option

__all__ = ["rules", "validate"]

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def parse_month_day(text: str | None) -> tuple[int, int] | None:
    """``"04-01"`` → (4, 1); a usage error for anything that is not a real month and day."""
    if text is None:
        return None
    match = _MONTH_DAY.match(text)
    if not match or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31):
        raise UsageError(f"--fiscal-year-start {text!r}: expected MM-DD, e.g. 04-01")
    return int(match[1]), int(match[2])


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here.")
@click.option("--fiscal-year-start", metavar="MM-DD", help="Check budget periods against this fiscal year.")
@click.option("--official-only", is_flag=True, help="Only the official IATI Validator's checks (no 2000.* ids).")
def validate(paths: tuple[Path, ...], output_format: str, output: Path | None, fiscal_year_start: str | None,
             official_only: bool) -> int:
    """Validate IATI XML files or folders offline: exit 0 clean, 1 critical/error findings."""
    from ..validate import ValidateOptions, validate_paths
    from ..validate.render.json import render_json
    from ..validate.render.text import render_text

    options = ValidateOptions(fiscal_year_start=parse_month_day(fiscal_year_start), extra=not official_only)
    if output is not None:
        check_output_path(output, paths, overwrite=True)
    report = validate_paths(list(paths), options)
    if output_format == "json":
        text = render_json(report)
    else:
        text = render_text(report, color=output is None and sys.stdout.isatty())
    if output is not None:
        write_text_atomic(output, text)
        click.echo(f"report written to {output}", err=True)
    else:
        click.echo(text, nl=False)
    return 1 if report.blocking else 0


@click.command()
@format_option
def rules(output_format: str) -> int:
    """List every rule id the validator can emit (the catalogue)."""
    from ..validate import load_catalogue
    from ..validate.render.json import render_catalogue_json
    from ..validate.render.text import render_catalogue_text

    catalogue = load_catalogue()
    text = render_catalogue_json(catalogue) if output_format == "json" else render_catalogue_text(catalogue)
    click.echo(text, nl=False)
    return 0
