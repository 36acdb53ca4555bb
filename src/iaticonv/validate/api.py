"""The entry points: validate files and folders into one ``Report``.

Files are validated one after another, each in one streaming pass (a file of more lines than
libxml2 numbers exactly, by ranges: ``ranges.walk_exact``); what needs the whole batch (the
advisories' links between activities) is resolved at the end from what each pass collected.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..standard.store import STATE_FILE, require_store
from .catalogue import load_catalogue
from .context import ValidateOptions
from .findings import Finding
from .layers import advisory
from .ranges import walk_exact
from .report import FileReport, Report, render_messages
from .walker import WalkResult

__all__ = ["collect_paths", "validate_file", "validate_paths"]


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


def validate_paths(paths: Iterable[Path], options: ValidateOptions | None = None) -> Report:
    """Validate files and folders; never raises for bad data (only for a missing standard store)."""
    options = options or ValidateOptions()
    info = _standard_info()
    results = [walk_exact(path, options, sort=False) for path in collect_paths(paths)]
    _resolve(results, options)
    return Report(files=[result.report for result in results], standard=info)


def validate_file(path: Path, options: ValidateOptions | None = None) -> FileReport:
    """Validate one file on its own (activity links resolved within this file only)."""
    options = options or ValidateOptions()
    require_store()
    result = walk_exact(path, options, sort=False)
    _resolve([result], options)
    return result.report
