"""Offline IATI validation with the official checks, in the official order, streamed record by record.

    from iaticonv.validate import validate_paths, ValidateOptions
    report = validate_paths([Path("a.xml")], ValidateOptions())
    report.valid, report.blocking, report.summary, report.findings, report.to_dict()

Bad data never raises: unreadable files, broken XML and wrong roots are findings. Only a missing IATI
Standard store raises (``StandardMissingError``, exit code 3), because then nothing can be checked.
"""

from __future__ import annotations

from .api import collect_paths, validate_file, validate_paths
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
    "collect_paths",
    "load_catalogue",
    "validate_file",
    "validate_paths",
]
