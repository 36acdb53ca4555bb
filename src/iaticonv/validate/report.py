"""A validation report: pure data (files, findings, counts), merged across files, rendered elsewhere.

Renderers (text, JSON, HTML, JUnit) are functions of a ``Report``; nothing here formats for people
except ``render_message``, which fills a finding's message from the catalogue once, when the file's
report is assembled, so every renderer shows the same words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .catalogue import Catalogue
from .findings import BLOCKING, SEVERITIES, Finding

__all__ = ["REPORT_SCHEMA_VERSION", "FileReport", "Report", "count", "render_messages"]

REPORT_SCHEMA_VERSION = "1.0"


def count(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity, every severity present (zeros included)."""
    summary: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        summary[finding.severity] += 1
    return summary


def render_messages(findings: Iterable[Finding], catalogue: Catalogue) -> list[Finding]:
    """Fill each finding's ``message`` from its catalogue template and params. A list is filled in
    place and returned (nearly every finding already has its message: a big file's list is not
    copied for the few that do not); anything else is read into a new list."""
    out = findings if isinstance(findings, list) else list(findings)
    for index, finding in enumerate(out):
        if not finding.message:
            params = {"value": finding.value or "", **finding.params}
            out[index] = dataclasses.replace(finding, message=catalogue[finding.rule_id].render(params))
    return out


@dataclass(slots=True, kw_only=True)
class FileReport:
    """What one file gave: its type and version, how many records, its findings, how long it took."""

    path: str
    file_type: str | None = None
    iati_version: str | None = None
    activities: int = 0
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    # True when the walk stopped at the first blocking finding (``ValidateOptions.stop_at_blocking``):
    # the findings are then only those found up to that point
    stopped: bool = False

    @property
    def summary(self) -> dict[str, int]:
        return count(self.findings)

    @property
    def valid(self) -> bool:
        """The official meaning: no critical finding (errors and warnings do not invalidate)."""
        return not any(f.severity == "critical" for f in self.findings)

    @property
    def blocking(self) -> bool:
        return any(f.severity in BLOCKING for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "fileType": self.file_type or "",
            "iatiVersion": self.iati_version or "",
            "valid": self.valid,
            "blocking": self.blocking,
            "activities": self.activities,
            "seconds": round(self.seconds, 4),
            "summary": self.summary,
        }


@dataclass(slots=True, kw_only=True)
class Report:
    """All files of one run. ``valid``: no critical finding; ``blocking``: a critical or error finding."""

    files: list[FileReport] = field(default_factory=list)
    standard: dict[str, Any] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return [finding for file in self.files for finding in file.findings]

    @property
    def summary(self) -> dict[str, int]:
        return count(self.findings)

    @property
    def valid(self) -> bool:
        return all(file.valid for file in self.files)

    @property
    def blocking(self) -> bool:
        return any(file.blocking for file in self.files)

    def merge(self, other: Report) -> Report:
        """A report holding the files of both (for runs split across workers)."""
        return Report(files=[*self.files, *other.files], standard={**self.standard, **other.standard})

    def to_dict(self, *, with_findings: bool = True) -> dict[str, Any]:
        """JSON-able data following ``schemas/validation-report.schema.json``.

        The top-level ``valid``, ``fileType``, ``iatiVersion`` and ``summary`` keep the official
        validator's meaning; with several files, ``fileType``/``iatiVersion`` are those of the
        files when they all agree and "" otherwise. ``with_findings=False`` leaves the (last)
        ``findings`` list empty, for a writer that streams the findings one by one.
        """
        types = {file.file_type or "" for file in self.files}
        versions = {file.iati_version or "" for file in self.files}
        return {
            "reportVersion": REPORT_SCHEMA_VERSION,
            "valid": self.valid,
            "blocking": self.blocking,
            "fileType": types.pop() if len(types) == 1 else "",
            "iatiVersion": versions.pop() if len(versions) == 1 else "",
            "summary": self.summary,
            "standard": self.standard,
            "files": [file.to_dict() for file in self.files],
            "findings": [finding.to_dict() for finding in self.findings] if with_findings else [],
        }
