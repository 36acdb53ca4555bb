"""The text report for people: findings grouped by file and by activity, severity colours, a summary.

Built with rich so colours appear only on a terminal (``color=False`` gives plain text for files and
pipes); the words are the same either way, so tests can read the plain form.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import groupby

from rich.console import Console
from rich.text import Text

from ..catalogue import Catalogue
from ..findings import SEVERITIES, Finding
from ..report import Report

__all__ = ["render_catalogue_text", "render_text"]

STYLES = {"critical": "bold white on red", "error": "bold red", "warning": "yellow", "info": "cyan",
          "advisory": "magenta"}


def _summary(report: Report) -> Text:
    counts = report.summary
    verdict = "INVALID" if not report.valid else ("FAILED" if report.blocking else "OK")
    line = Text(f"{verdict}: {len(report.files)} file(s), "
                f"{sum(f.activities for f in report.files)} record(s) — ",
                style="bold red" if report.blocking else "bold green")
    parts = [Text(f"{counts[s]} {s}", style=STYLES[s] if counts[s] else "") for s in SEVERITIES]
    return line + Text(", ").join(parts)


def _finding(finding: Finding) -> Text:
    where = f"line {finding.line}" if finding.line else "no line"
    text = Text("  ")
    text.append(f"{finding.severity:<8}", style=STYLES[finding.severity])
    text.append(f" {finding.rule_id:<9} {where:>10}  {finding.message}")
    if finding.xpath:
        text.append(f"\n{'':32}{finding.xpath}", style="dim")
    return text


def _by_record(findings: Iterable[Finding]) -> Iterable[tuple[str, list[Finding]]]:
    """Findings grouped by identifier, file-level first, then in the order records appear."""
    ordered = sorted(findings, key=lambda f: (f.identifier != "file", f.line or 0))
    first: dict[str, int] = {}
    for index, finding in enumerate(ordered):
        first.setdefault(finding.identifier or "", index)
    ordered.sort(key=lambda f: (first[f.identifier or ""], f.line or 0))
    for identifier, group in groupby(ordered, key=lambda f: f.identifier or ""):
        yield identifier, list(group)


def render_text(report: Report, *, color: bool = False, width: int = 120) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False,
                      soft_wrap=True)
    for file in report.files:
        status = "invalid" if not file.valid else ("errors" if file.blocking else "ok")
        console.print(Text(f"{file.path}  [{file.file_type or '?'} {file.iati_version or ''}; "
                           f"{file.activities} record(s); {status}]", style="bold"))
        for identifier, group in _by_record(file.findings):
            label = "File level" if identifier == "file" else identifier
            console.print(Text(f" {label}", style="bold underline"))
            for finding in group:
                console.print(_finding(finding))
    console.print(_summary(report))
    return buffer.getvalue()


def render_catalogue_text(catalogue: Catalogue) -> str:
    lines = []
    for info in catalogue.values():
        official = f" (official {info.official_id})" if info.official_id and info.official_id != info.id else ""
        lines.append(f"{info.id:<10} {info.severity:<8} {info.layer:<10} {info.category:<15} {info.title}{official}")
    return "\n".join(lines) + "\n"
