"""Offline IATI validation with the official checks, in the official order, streamed record by record.

One walk behind three verbs (see ``api``)::

    from iaticonv.validate import iter_findings, is_valid, validate, validate_paths, ValidateOptions
    for finding in iter_findings([Path("a.xml")]): ...      # lazily, file by file
    is_valid([Path("a.xml")])                               # stops at the first blocking finding
    report = validate_paths([Path("a.xml")], ValidateOptions())
    report.valid, report.blocking, report.summary, report.findings, report.to_dict()
    validate([Path("a.xml")])                               # the report, or raises ValidationFailed

Bad data never raises from ``iter_findings``, ``is_valid`` or ``validate_paths``: unreadable files, broken
XML and wrong roots are findings. Only a missing IATI Standard store raises (``StandardMissingError``,
exit code 3), because then nothing can be checked.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterable
from pathlib import Path

from .api import ValidationFailed, collect_paths, is_valid, iter_findings, validate, validate_file, validate_paths
from .catalogue import Catalogue, RuleInfo, load_catalogue
from .context import ActivityLookup, ValidateOptions
from .findings import SEVERITIES, Finding, Severity
from .report import FileReport, Report

__all__ = [
    "SEVERITIES",
    "ActivityLookup",
    "Catalogue",
    "FileReport",
    "Finding",
    "Report",
    "RuleInfo",
    "Severity",
    "ValidateOptions",
    "ValidationFailed",
    "collect_paths",
    "is_valid",
    "iter_findings",
    "load_catalogue",
    "validate",
    "validate_file",
    "validate_paths",
]


class _Verb(types.ModuleType):
    """This package, callable as its ``validate`` verb: ``iaticonv.validate(paths)`` is the package face's
    third verb, and ``iaticonv.validate`` is also this subpackage (Python binds a subpackage to its
    parent's attribute of the same name when it is imported)."""

    def __call__(self, paths: Iterable[Path], options: ValidateOptions | None = None) -> Report:
        return validate(paths, options)


sys.modules[__name__].__class__ = _Verb
