"""Validation results as JSON: what the batch state stores for a file it may skip next time.

A skipped file must still appear in the report exactly as when it was validated, so its whole
``WalkResult`` (report, findings, identifiers, unresolved activity links) is stored. JSON rather
than pickle: the state file sits in a user folder and must never be able to run code.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..validate.findings import Finding
from ..validate.layers.advisory import Link
from ..validate.report import FileReport
from ..validate.walker import WalkResult

__all__ = ["finding_from_dict", "finding_to_dict", "walk_from_dict", "walk_to_dict"]

_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    data = {name: getattr(finding, name) for name in _FINDING_FIELDS}
    data["params"] = dict(finding.params)
    return data


def finding_from_dict(data: dict[str, Any], *, file: str | None = None) -> Finding:
    values = {name: data[name] for name in _FINDING_FIELDS if name in data}
    if file is not None:
        values["file"] = file
    return Finding(**values)


def walk_to_dict(result: WalkResult) -> dict[str, Any]:
    report = result.report
    return {
        "path": report.path,
        "file_type": report.file_type,
        "iati_version": report.iati_version,
        "activities": report.activities,
        "seconds": report.seconds,
        "findings": [finding_to_dict(f) for f in report.findings],
        "identifiers": sorted(result.identifiers),
        "links": [{"target": link.target, "finding": finding_to_dict(link.finding)} for link in result.links],
    }


def walk_from_dict(data: dict[str, Any], path: str) -> WalkResult:
    """Rebuild a stored result for ``path`` (the name this run uses for the file)."""
    stored = str(data.get("path", ""))

    def rename(finding: dict[str, Any]) -> Finding:
        return finding_from_dict(finding, file=path if finding.get("file") == stored else None)

    report = FileReport(path=path, file_type=data.get("file_type"), iati_version=data.get("iati_version"),
                        activities=int(data.get("activities", 0)), seconds=float(data.get("seconds", 0.0)),
                        findings=[rename(f) for f in data.get("findings", [])])
    links = [Link(str(link["target"]), rename(link["finding"])) for link in data.get("links", [])]
    return WalkResult(report, set(data.get("identifiers", [])), links)
