"""The entry points: one walk of files and folders behind three verbs.

* ``iter_findings`` yields each file's findings as soon as that file is walked, then the links between
  activities that only the whole batch can resolve (advisories 1000.*);
* ``is_valid`` answers whether there is no blocking finding (critical or error), and stops at the first
  one: the walk of that file stops after the chunk of records that gave it, and no further file is read;
* ``validate_paths`` (and ``validate_file``) collect everything into a ``Report``; ``validate`` does the
  same and raises ``ValidationFailed`` when the report has a blocking finding.

Files are validated one after another, each in one streaming pass (a file of more lines than
libxml2 numbers exactly, by ranges: ``ranges.walk_exact``).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import IaticonvError
from ..standard.store import STATE_FILE, require_store
from .catalogue import load_catalogue
from .context import ValidateOptions
from .findings import Finding
from .layers import advisory
from .ranges import walk_exact
from .report import FileReport, Report, render_messages
from .walker import WalkResult

__all__ = ["ValidationFailed", "collect_paths", "is_valid", "iter_findings", "validate", "validate_file",
           "validate_paths"]


class ValidationFailed(IaticonvError, ValueError):
    """Raised by ``validate`` when a file has a blocking finding (critical or error); ``report`` holds
    every finding, as ``validate_paths`` returns it."""

    def __init__(self, report: Report) -> None:
        first = next(finding for finding in report.findings if finding.blocking)
        count = sum(1 for finding in report.findings if finding.blocking)
        super().__init__(f"{count} blocking finding(s); the first: {first.file}:{first.line or '?'}: "
                         f"{first.rule_id} {first.message}")
        self.report = report


def collect_paths(paths: Iterable[Path]) -> list[Path]:
    """Files to validate: each file as given, each folder's ``*.xml`` files (recursively, sorted).

    A path that does not exist is kept, so its report says so instead of it vanishing from the run.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.xml") if p.is_file()))
        else:
            found.append(path)
    return found


def _standard_info() -> dict[str, Any]:
    store = require_store()
    try:
        state = json.loads((store / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    return {"store": str(store), "versions": state.get("versions", []), "pins": state.get("pins", {})}


def _resolve(results: list[WalkResult], options: ValidateOptions) -> None:
    """The links between activities resolved across ``results``; each file's findings, walked unsorted,
    are then sorted once with them."""
    known: set[str] = set()
    for result in results:
        known |= result.identifiers
    catalogue = load_catalogue()
    for result in results:
        extra = advisory.resolve(result.links, known, options.lookup)
        if extra:
            result.report.findings += render_messages(extra, catalogue)
        result.report.findings.sort(key=Finding.sort_key)
        result.links = []


def _walks(paths: Iterable[Path], options: ValidateOptions) -> Iterator[WalkResult]:
    """Each file walked, one at a time, when the caller asks for the next (the one walk of every verb)."""
    for path in collect_paths(paths):
        yield walk_exact(path, options, sort=False)


def iter_findings(paths: Iterable[Path], options: ValidateOptions | None = None) -> Iterator[Finding]:
    """Every finding of ``validate_paths``, lazily: each file's own (in document order) once it is
    walked, then the links between activities resolved across all files. Stop iterating and no
    further file is read. Raises only for a missing standard store."""
    options = options or ValidateOptions()
    require_store()
    walked: list[WalkResult] = []
    for result in _walks(paths, options):
        result.report.findings.sort(key=Finding.sort_key)
        yield from result.report.findings
        result.report.findings = []  # already handed out: keep only what the links need
        walked.append(result)
    known = set().union(*(result.identifiers for result in walked))
    catalogue = load_catalogue()
    for result in walked:
        extra = advisory.resolve(result.links, known, options.lookup)
        yield from sorted(render_messages(extra, catalogue), key=Finding.sort_key)


def is_valid(paths: Iterable[Path], options: ValidateOptions | None = None) -> bool:
    """True when no file has a blocking finding (critical or error: what makes ``iaticonv validate``
    exit 1). Stops at the first one, within its file."""
    stopping = dataclasses.replace(options or ValidateOptions(), stop_at_blocking=True)
    return not any(finding.blocking for finding in iter_findings(paths, stopping))


def validate_paths(paths: Iterable[Path], options: ValidateOptions | None = None) -> Report:
    """Validate files and folders; never raises for bad data (only for a missing standard store)."""
    options = options or ValidateOptions()
    info = _standard_info()
    results = list(_walks(paths, options))
    _resolve(results, options)
    return Report(files=[result.report for result in results], standard=info)


def validate(paths: Iterable[Path], options: ValidateOptions | None = None) -> Report:
    """``validate_paths``, raising ``ValidationFailed`` (with the report) when a finding is blocking."""
    report = validate_paths(paths, options)
    if report.blocking:
        raise ValidationFailed(report)
    return report


def validate_file(path: Path, options: ValidateOptions | None = None) -> FileReport:
    """Validate one file on its own (activity links resolved within this file only)."""
    options = options or ValidateOptions()
    require_store()
    result = walk_exact(path, options, sort=False)
    _resolve([result], options)
    return result.report
