"""iaticonv: aid-project records ⇄ IATI XML, offline IATI validation, registry publishing.

The package's face, for a Python caller::

    import iaticonv
    from pathlib import Path

    for finding in iaticonv.iter_findings([Path("activities.xml")]):   # lazily, file by file
        print(finding.file, finding.line, finding.rule_id, finding.message)
    iaticonv.is_valid([Path("activities.xml")])          # stops at the first blocking finding
    report = iaticonv.validate_paths([Path("folder")])   # everything, as one Report
    iaticonv.validate([Path("activities.xml")])          # the Report, or raises ValidationFailed
    iaticonv.convert([Path("projects.csv")], Path("activities.xml"))
    sorted(iaticonv.FORMATS)                              # the formats convert reads and writes

The validator and the converters are imported on first use, so ``import iaticonv`` (and the command
line's ``--help``) stay quick. Everything not named in ``__all__`` is internal.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import (
    EnvironmentProblem,
    IaticonvError,
    InputError,
    OutputError,
    RegistryError,
    StandardIntegrityError,
    StandardMissingError,
    UsageError,
)

if TYPE_CHECKING:
    from .formats.base import FORMATS, FormatInfo
    from .formats.convert import ConvertResult, convert
    from .validate.api import ValidationFailed, is_valid, iter_findings, validate, validate_paths
    from .validate.context import ValidateOptions
    from .validate.findings import Finding
    from .validate.report import FileReport, Report

__version__ = "0.1.0"

# name → module it comes from, imported when the name is first used
_LAZY: dict[str, str] = {
    "iter_findings": "iaticonv.validate.api",
    "is_valid": "iaticonv.validate.api",
    "validate_paths": "iaticonv.validate.api",
    "ValidationFailed": "iaticonv.validate.api",
    "ValidateOptions": "iaticonv.validate.context",
    "Finding": "iaticonv.validate.findings",
    "Report": "iaticonv.validate.report",
    "FileReport": "iaticonv.validate.report",
    "convert": "iaticonv.formats.convert",
    "ConvertResult": "iaticonv.formats.convert",
    "FORMATS": "iaticonv.formats.base",
    "FormatInfo": "iaticonv.formats.base",
}

__all__ = [
    "FORMATS",
    "ConvertResult",
    "EnvironmentProblem",
    "FileReport",
    "Finding",
    "FormatInfo",
    "IaticonvError",
    "InputError",
    "OutputError",
    "RegistryError",
    "Report",
    "StandardIntegrityError",
    "StandardMissingError",
    "UsageError",
    "ValidateOptions",
    "ValidationFailed",
    "__version__",
    "convert",
    "is_valid",
    "iter_findings",
    "validate",
    "validate_paths",
]


def __getattr__(name: str) -> Any:
    if name == "validate":
        # the subpackage itself, which is callable as its ``validate`` verb (see validate/__init__.py):
        # Python binds the subpackage to this name as soon as anything imports it, so a function of the
        # same name could not stay here
        return importlib.import_module("iaticonv.validate")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'iaticonv' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # found once
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
