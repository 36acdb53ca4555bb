"""One exception family for everything iaticonv refuses to do.

Every error a user can cause carries *where* (file, line or row, field) and, where we know it,
*what to do*. The CLI prints ``str(error)`` on stderr without a traceback and maps the class to an
exit code: data problems 1, usage 2, environment 3.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "EnvironmentProblem",
    "IaticonvError",
    "InputError",
    "OutputError",
    "RegistryError",
    "StandardIntegrityError",
    "StandardMissingError",
    "UsageError",
]


class IaticonvError(Exception):
    """Base of every error iaticonv raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class InputError(IaticonvError, ValueError):
    """An input could not be read: names the file, the line or row, and the field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        row: int | None = None,
        column: str | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.row = row
        self.column = column
        self.field = field
        super().__init__(message, hint=hint)

    @property
    def where(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where
        text = f"{where}: {self.message}" if where else self.message
        return text if not self.hint else f"{text}\n  hint: {self.hint}"


class OutputError(IaticonvError, OSError):
    """An output could not be written safely (exists, equals an input, disk problem)."""

    exit_code = 1


class UsageError(IaticonvError):
    """The command line asks for something that does not make sense."""

    exit_code = 2


class EnvironmentProblem(IaticonvError):
    """Something outside the data is missing or broken: exit code 3."""

    exit_code = 3


class StandardMissingError(EnvironmentProblem):
    """The IATI Standard store is not installed."""


class StandardIntegrityError(EnvironmentProblem):
    """A file of the IATI Standard does not match the project's manifest."""


class RegistryError(EnvironmentProblem):
    """The registry refused or could not be reached."""
