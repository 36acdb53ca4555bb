"""``iaticonv validate`` and ``iaticonv rules``: thin wrappers over ``iaticonv.validate``.

Their ``--format`` choices are the names of the renderer tables (``validate.render.formats``), read
when the option is first parsed or shown (``TableChoice``), so listing the commands never imports the
validator. ``validate_command`` builds ``validate`` over a table: the CLI's is ``REPORT_FORMATS``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .._io import atomic_writer, check_output_path
from ..errors import UsageError
from .batch_common import batch_options, force_option, validate_many

if TYPE_CHECKING:
    from ..validate.render.formats import FormatTable, ReportFormat

__all__ = ["TableChoice", "rules", "validate", "validate_command"]

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


class TableChoice(click.Choice[str]):
    """A ``click.Choice`` over the names of a table, asked for when click first needs them."""

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        self._names = names
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._names())

    @choices.setter
    def choices(self, value: tuple[str, ...]) -> None:
        """Ignored: the table decides (``click.Choice.__init__`` sets the attribute)."""


def _report_formats() -> FormatTable[ReportFormat]:
    from ..validate.render.formats import REPORT_FORMATS

    return REPORT_FORMATS


def _rules_formats() -> Iterable[str]:
    from ..validate.render.formats import RULES_FORMATS

    return RULES_FORMATS

lang_option = click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
                           help="Language of the headings and labels of html/markdown output (rule messages "
                           "stay as the IATI rule data words them).")


def parse_month_day(text: str | None) -> tuple[int, int] | None:
    """``"04-01"`` → (4, 1); a usage error for anything that is not a real month and day."""
    if text is None:
        return None
    match = _MONTH_DAY.match(text)
    if not match or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31):
        raise UsageError(f"--fiscal-year-start {text!r}: expected MM-DD, e.g. 04-01")
    return int(match[1]), int(match[2])


def validate_command(formats: Callable[[], FormatTable[ReportFormat]] = _report_formats) -> click.Command:
    """The ``validate`` command, writing its report in the formats of ``formats()``."""

    @click.command()
    @click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
    @click.option("--format", "output_format", type=TableChoice(formats), default="text", show_default=True,
                  help="How to write the report: text for people, json for scripts, html for a page to share, "
                  "junit for CI.")
    @lang_option
    @click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here.")
    @click.option("--fiscal-year-start", metavar="MM-DD", help="Check budget periods against this fiscal year.")
    @click.option("--official-only", is_flag=True, help="Only the official IATI Validator's checks (no 2000.* ids).")
    @click.option("--publishers", "publishers_file", type=click.Path(path_type=Path, dir_okay=False),
                  help="Registered IATI publishers' identifiers to grandfather in the identifier rules, as the "
                       "official validator does (default: the list `iaticonv standard publishers` saved, if any).")
    @batch_options
    @force_option
    def validate(paths: tuple[Path, ...], output_format: str, output: Path | None, fiscal_year_start: str | None,
                 official_only: bool, publishers_file: Path | None, lang: str, jobs: int | None, quiet: bool,
                 progress: bool | None, force: bool) -> int:
        """Validate IATI XML files or folders offline: exit 0 clean, 1 critical/error findings."""
        from ..standard.publishers import read_publishers, saved_publishers
        from ..validate import ValidateOptions

        registered = read_publishers(publishers_file) if publishers_file is not None else saved_publishers()
        options = ValidateOptions(fiscal_year_start=parse_month_day(fiscal_year_start), extra=not official_only,
                                  registered_org_ids=registered)
        if output is not None:
            check_output_path(output, paths, overwrite=True)
        report = validate_many(paths, options, output=output, jobs=jobs, quiet=quiet, progress=progress, force=force)
        _emit(report, output_format, output, lang, formats())
        if not registered and not quiet:
            _hint_publishers(report.findings)
        return 1 if report.blocking else 0

    return validate


validate = validate_command()


def _emit(report: Any, output_format: str, output: Path | None, lang: str, formats: FormatTable[ReportFormat]) -> None:
    """The report to ``output``, or to standard output (coloured on a terminal)."""
    from ..validate.render.formats import render_report, write_report

    if output is not None:
        with atomic_writer(output) as handle:
            write_report(report, output_format, handle, lang=lang, formats=formats)
        click.echo(f"report written to {output}", err=True)
    elif not hasattr(sys.stdout, "buffer"):  # a text stream only (captured output)
        click.echo(render_report(report, output_format, lang=lang, color=_colours(), formats=formats), nl=False)
    else:
        sys.stdout.flush()
        write_report(report, output_format, sys.stdout.buffer, lang=lang, color=_colours(), formats=formats)
        sys.stdout.buffer.flush()


def _colours() -> bool:
    """Severity colours on a terminal, unless the user set ``NO_COLOR`` (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _hint_publishers(findings: list[Any]) -> None:
    """Say, once, why identifier rules fired on what may be a registered publisher, and how to align."""
    from ..validate.layers.rules import id_condition_rule_ids
    from ..validate.ruleinfo import VERSIONS

    skipped = frozenset().union(*(id_condition_rule_ids(version) for version in VERSIONS))
    fired = sorted({f.rule_id for f in findings if f.rule_id in skipped})
    if fired:
        click.echo(f"hint: {', '.join(fired)} ran on every identifier: the registered IATI publishers' identifiers, "
                   "which the official validator skips, are not known here; run `iaticonv standard publishers` "
                   "once (online), or pass --publishers FILE", err=True)


@click.command()
@click.option("--format", "output_format", type=TableChoice(_rules_formats), default="text", show_default=True,
              help="text or json to read or script, html or markdown for a documentation page.")
@lang_option
def rules(output_format: str, lang: str) -> int:
    """List every rule id the validator can emit (the catalogue)."""
    from ..validate import load_catalogue
    from ..validate.render.formats import render_rules

    text = render_rules(load_catalogue(), output_format, lang=lang)
    click.echo(text, nl=False)
    return 0
