"""What a check reports: a ``Finding``, plus the severity scale every layer and renderer shares.

A finding is plain, frozen data. It never holds an lxml element (elements die when the streaming
walker clears them), only the element's path and line, so findings can outlive the parse, be merged
across files, pickled to worker processes and rendered later. Its ``message`` is filled from the
catalogue template when the report is assembled (see ``report.render_message``), so a check only says
*which* rule failed and *with which values*.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Literal

__all__ = [
    "BLOCKING",
    "FILE_IDENTIFIER",
    "SEVERITIES",
    "Finding",
    "Severity",
    "located_finding",
    "truncate",
]

Severity = Literal["critical", "error", "warning", "info", "advisory"]

# Most to least severe; renderers sort and colour by this order.
SEVERITIES: tuple[Severity, ...] = ("critical", "error", "warning", "info", "advisory")

_RANK: dict[str, int] = {severity: rank for rank, severity in enumerate(SEVERITIES)}

# Severities that make ``iaticonv validate`` exit 1 and make ``publish`` refuse the file.
BLOCKING: frozenset[str] = frozenset({"critical", "error"})

# The identifier the official validator gives to problems that belong to the file, not to one record.
FILE_IDENTIFIER = "file"

VALUE_LIMIT = 200


def truncate(value: str | None, limit: int = VALUE_LIMIT) -> str | None:
    """Cut a reported value to about ``limit`` characters so one huge narrative cannot bloat a report."""
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One problem, located: which rule, how bad, where (file, line, XPath, record) and what was found.

    ``params`` are the template parameters of the rule's message (codelist name, the sum found…);
    ``source`` points back into the record a file was converted from (``"row 12, column Sector"``),
    when a converter supplies it.
    """

    rule_id: str
    severity: Severity
    category: str
    message: str = ""
    file: str = ""
    line: int | None = None
    column: int | None = None
    xpath: str | None = None
    identifier: str | None = None
    value: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    source: str | None = None

    @property
    def blocking(self) -> bool:
        """True for critical and error findings: the ones that fail a run."""
        return self.severity in BLOCKING

    def sort_key(self) -> tuple[str, int, int, str]:
        """Document order within a file, then severity: how people read a report."""
        return (self.file, self.line or 0, _RANK[self.severity], self.rule_id)

    def to_dict(self, params_texts: dict[int, dict[str, str]] | None = None) -> dict[str, Any]:
        """The JSON shape of a finding (see ``schemas/validation-report.schema.json``). ``params_texts``
        keeps the text form of each params object met (by identity) for the next finding that shares
        it: a report's repeated findings share one (``_locate._Shared``); only for the report's lifetime."""
        data: dict[str, Any] = {
            "id": self.rule_id,
            "severity": self.severity,
            "category": self.category,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "xpath": self.xpath,
            "identifier": self.identifier,
            "value": self.value,
        }
        if self.params:
            texts = params_texts.get(id(self.params)) if params_texts is not None else None
            if texts is None:
                texts = {key: str(value) for key, value in self.params.items()}
                if params_texts is not None:
                    params_texts[id(self.params)] = texts
            data["params"] = texts
        if self.source is not None:
            data["source"] = self.source
        return data


# The slots' own setters: a frozen dataclass's __init__ goes through object.__setattr__ once per field
# (about 3.8 µs for a Finding), and a big file has hundreds of thousands of findings.
(_RULE_ID, _SEVERITY, _CATEGORY, _MESSAGE, _FILE, _LINE, _COLUMN, _XPATH, _IDENTIFIER, _VALUE, _PARAMS,
 _SOURCE) = (getattr(Finding, item.name).__set__ for item in fields(Finding))
_new = object.__new__


def located_finding(
    rule_id: str, severity: Severity, category: str, message: str, file: str, line: int | None,
    column: int | None, xpath: str | None, identifier: str | None, value: str | None, params: Mapping[str, Any],
) -> Finding:
    """The same ``Finding`` as the keyword constructor gives (no ``source``), built about 4× faster by
    filling its slots directly; for the one place that locates every hit (``_locate.to_finding``)."""
    finding: Finding = _new(Finding)
    _RULE_ID(finding, rule_id)
    _SEVERITY(finding, severity)
    _CATEGORY(finding, category)
    _MESSAGE(finding, message)
    _FILE(finding, file)
    _LINE(finding, line)
    _COLUMN(finding, column)
    _XPATH(finding, xpath)
    _IDENTIFIER(finding, identifier)
    _VALUE(finding, value)
    _PARAMS(finding, params)
    _SOURCE(finding, None)
    return finding
