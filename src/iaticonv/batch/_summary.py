"""The table that closes a batch: files ok/failed/skipped, activities, findings by severity, time.

A batch never stops at a bad file, so this table is where the failures are told: each failed file
by name with its reason. ``BatchSummary`` is data (``to_dict`` for ``--format json``); ``render``
draws it with rich on stderr, the channel for messages.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ._outcome import FileOutcome

__all__ = ["BatchSummary", "render_summary"]

SEVERITY_ORDER = ("critical", "error", "warning", "info", "advisory")


@dataclass(slots=True, kw_only=True)
class BatchSummary:
    """Counts of one run; ``failures`` lists (file, reason) in input order."""

    command: str
    files: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    activities: int = 0
    outputs: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    jobs: int = 1
    failures: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, command: str, outcomes: Iterable[FileOutcome], *, seconds: float, jobs: int,
           findings: dict[str, int] | None = None) -> BatchSummary:
        summary = cls(command=command, seconds=seconds, jobs=jobs, findings=dict(findings or {}))
        for outcome in outcomes:
            summary.files += 1
            summary.activities += outcome.activities
            summary.outputs += len(outcome.outputs)
            if outcome.status == "skipped":
                summary.skipped += 1
            if outcome.effective == "failed":
                summary.failed += 1
                summary.failures.append((outcome.source, outcome.reason or "failed"))
            else:
                summary.ok += 1
        return summary

    @property
    def exit_code(self) -> int:
        """1 when any file failed (this run or, for a skipped file, its last run), else 0."""
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "files": self.files,
            "ok": self.ok,
            "failed": self.failed,
            "skipped": self.skipped,
            "activities": self.activities,
            "outputs": self.outputs,
            "findings": self.findings,
            "seconds": round(self.seconds, 3),
            "jobs": self.jobs,
            "failures": [{"file": name, "reason": reason} for name, reason in self.failures],
        }


def render_summary(summary: BatchSummary, console: Console | None = None) -> None:
    """Print the closing table (and every failure with its reason) on stderr."""
    if console is None:  # a log file is not 80 columns wide: keep the table's headings whole there
        console = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)
    table = Table(title=f"iaticonv {summary.command}: summary", title_justify="left", show_header=True)
    for name in ("files", "ok", "failed", "skipped (unchanged)", "activities"):
        table.add_column(name, justify="right")
    if summary.command == "convert":
        table.add_column("outputs", justify="right")
    for severity in SEVERITY_ORDER if summary.findings else ():
        table.add_column(severity, justify="right")
    table.add_column("time", justify="right")
    row = [str(summary.files), str(summary.ok), str(summary.failed), str(summary.skipped), str(summary.activities)]
    if summary.command == "convert":
        row.append(str(summary.outputs))
    if summary.findings:
        row.extend(str(summary.findings.get(severity, 0)) for severity in SEVERITY_ORDER)
    row.append(f"{summary.seconds:.1f}s")
    table.add_row(*row)
    console.print(table)
    for name, reason in summary.failures:
        text = reason if reason.startswith(name) else f"{name}: {reason}"
        console.print(f"[red]failed[/red] {escape(text)}", soft_wrap=True)
