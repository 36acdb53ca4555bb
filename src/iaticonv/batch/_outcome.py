"""What one unit of batch work produced: the small, picklable record a worker hands back.

Workers never send lxml objects or open files to the parent: only paths, counts, short reasons and
(for validation) the file's findings, which are plain frozen data. The same record is what the
resumable state stores and what the closing summary counts, so a skipped file and a redone file are
reported the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["FileOutcome", "Status"]

Status = Literal["ok", "failed", "skipped"]


@dataclass(slots=True, kw_only=True)
class FileOutcome:
    """The result of one input file.

    ``status`` is ``ok``, ``failed`` (``reason`` says why, naming the file, line or row, and field
    when the error did) or ``skipped`` (unchanged since a previous run; ``previous`` is what that run
    found). ``cacheable`` is False for failures that may not repeat (a full disk, a killed worker),
    so a re-run tries those files again.
    """

    source: str
    status: Status
    reason: str | None = None
    activities: int = 0
    outputs: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    size: int = 0
    seconds: float = 0.0
    cacheable: bool = True
    previous: Status | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def effective(self) -> Status:
        """``ok``/``failed`` for a skipped file too: what its last real run gave."""
        if self.status == "skipped":
            return self.previous or "ok"
        return self.status

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "status": self.status,
            "activities": self.activities,
            "outputs": self.outputs,
            "seconds": round(self.seconds, 4),
        }
        if self.reason:
            data["reason"] = self.reason
        if self.previous:
            data["previous"] = self.previous
        if self.notes:
            data["notes"] = self.notes
        return data
