"""Report and catalogue formats are one table each (``render.formats``), and the CLI offers what they hold.

A new report format is one entry plus its renderer: shown by a renderer written here, added to a new
table (the CLI's own stays as it was), and run through the command the CLI runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from conftest import EXAMPLE_ACTIVITY
from iaticonv.cli.validate_cmd import rules, validate, validate_command
from iaticonv.validate import Report, ValidateOptions, validate_paths
from iaticonv.validate.render.formats import REPORT_FORMATS, RULES_FORMATS, ReportFormat, render_report


def _ids(report: Report, *, lang: str, color: bool) -> Iterator[bytes]:
    """A format made up here: one rule id per line, then the language asked for."""
    for finding in report.findings:
        yield f"{finding.rule_id}\n".encode()
    yield f"lang={lang}\n".encode()


def _choices(command: click.Command) -> list[str]:
    option = next(p for p in command.params if p.name == "output_format")
    assert isinstance(option.type, click.Choice)
    return list(option.type.choices)


def test_the_commands_offer_the_tables_formats() -> None:
    assert _choices(validate) == list(REPORT_FORMATS) == ["text", "json", "html", "junit"]
    assert _choices(rules) == list(RULES_FORMATS) == ["text", "json", "html", "markdown"]


def test_a_new_format_is_one_table_entry(tmp_path: Path) -> None:
    table = REPORT_FORMATS.extend(ids=ReportFormat(_ids, ".txt", "text/plain; charset=utf-8"))
    assert "ids" not in REPORT_FORMATS and list(table)[-1] == "ids"
    command = validate_command(lambda: table)
    assert _choices(command)[-1] == "ids"
    out = tmp_path / "report.txt"
    code = command.main(args=[str(EXAMPLE_ACTIVITY), "--format", "ids", "--lang", "fr", "-o", str(out), "-q"],
                        standalone_mode=False)
    assert code == 1  # the example has errors
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == "lang=fr"
    expected = validate_paths([EXAMPLE_ACTIVITY], ValidateOptions(today=dt.date.today()))
    assert sorted(lines[:-1]) == sorted(f.rule_id for f in expected.findings)
    assert len(lines) > 10
    with pytest.raises(click.BadParameter):  # the CLI's own command does not know it
        validate.main(args=[str(EXAMPLE_ACTIVITY), "--format", "ids"], standalone_mode=False)


def test_an_unknown_format_names_the_known_ones() -> None:
    report = validate_paths([EXAMPLE_ACTIVITY], ValidateOptions())
    with pytest.raises(ValueError, match="known: text, json, html, junit"):
        render_report(report, "yaml")
