"""The validation gate: a file with critical or error findings is not registered unless forced.

Registering a URL tells the whole IATI pipeline to fetch it, so an invalid file published by
mistake spreads quickly; checking first is cheap. The full validation report is always written
under the data directory, named after the file and its hash, so a refusal can say where to look
and the publication log can point at the report that let a file through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .._io import write_text_atomic
from .._paths import data_home
from ..errors import EnvironmentProblem

__all__ = ["GateResult", "report_dir", "run_gate"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GateResult:
    """What publishing needs from validation: block or not, the counts, where the report is."""

    blocking: bool
    summary: dict[str, int]
    report_path: Path


def report_dir() -> Path:
    return data_home() / "publish" / "reports"


def run_gate(path: Path, sha256: str) -> GateResult:
    """Validate ``path`` with default options and write the JSON report beside the publication log."""
    try:
        from ..validate import ValidateOptions, validate_paths
    except ImportError as exc:  # only a build without the validator; a bug inside it must surface
        if not (exc.name or "").startswith("iaticonv.validate"):
            raise
        raise EnvironmentProblem("the validator is not available in this installation of iaticonv") from exc
    report = validate_paths([path], ValidateOptions())
    target = report_dir() / f"{path.stem}-{sha256[:12]}.validation.json"
    write_text_atomic(target, json.dumps(report.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n")
    return GateResult(blocking=bool(report.blocking), summary={k: int(v) for k, v in report.summary.items()},
                      report_path=target)
