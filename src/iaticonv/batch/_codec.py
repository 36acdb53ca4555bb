"""Validation results as JSON lines: what the batch state stores for a file it may skip next time.

A skipped file must still appear in the report exactly as when it was validated, so its whole
``WalkResult`` (report, findings, identifiers, unresolved activity links) is stored. JSON rather
than pickle: the state file sits in a user folder and must never be able to run code.

One line per finding, produced and read one at a time, because a big file can give hundreds of
thousands of findings: one JSON document of them all, built as dicts and then as one string, cost
about four times the findings' own memory (~600 MB for 200,000 findings). Lines: the file's own
data first (a JSON object), then ``F`` + one finding, then ``L`` + one unresolved link.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from ..validate.findings import Finding
from ..validate.layers.advisory import Link
from ..validate.report import FileReport
from ..validate.walker import WalkResult

__all__ = ["finding_from_dict", "finding_to_dict", "walk_from_lines", "walk_to_lines"]

_FINDING_FIELDS = tuple(f.name for f in dataclasses.fields(Finding))
FINDING, LINK = b"F", b"L"
_REPEATED = ("rule_id", "severity", "category", "message", "file", "identifier")


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    data = {name: getattr(finding, name) for name in _FINDING_FIELDS}
    data["params"] = dict(finding.params)
    return data


def finding_from_dict(data: dict[str, Any], *, file: str | None = None) -> Finding:
    values = {name: data[name] for name in _FINDING_FIELDS if name in data}
    if file is not None:
        values["file"] = file
    return Finding(**values)


def _plain(value: Any) -> Any:
    """What the encoders do not write themselves: findings and mappings (their params) as objects, the
    rest as text (dates, numbers of the message parameters)."""
    if isinstance(value, Finding):
        return finding_to_dict(value)
    return dict(value) if isinstance(value, Mapping) else str(value)


def _dump(value: Any) -> bytes:
    try:
        return orjson.dumps(value, default=_plain, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:  # what orjson refuses (a lone surrogate): the standard encoder escapes it
        return json.dumps(_plain(value) if isinstance(value, Finding) else value, default=_plain).encode("ascii")


def _load(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)  # raises ValueError on a damaged line, as orjson's error does


def walk_to_lines(result: WalkResult) -> Iterator[bytes]:
    """The stored form of ``result``, one line (without its newline) at a time."""
    report = result.report
    yield _dump({"path": report.path, "file_type": report.file_type, "iati_version": report.iati_version,
                 "activities": report.activities, "seconds": report.seconds,
                 "identifiers": sorted(result.identifiers)})
    for finding in report.findings:  # orjson writes the dataclass's fields itself, in order (no dict built)
        yield FINDING + _dump(finding)
    for link in result.links:
        yield LINK + _dump({"target": link.target, "finding": link.finding})


def walk_from_lines(lines: Iterable[bytes], path: str) -> WalkResult:
    """Rebuild a stored result for ``path`` (the name this run uses for the file).

    Raises ``ValueError`` (or ``KeyError``/``TypeError``) on a damaged record; the caller redoes the file.
    """
    iterator = iter(lines)
    head = _load(next(iterator, b""))
    stored = str(head.get("path", ""))

    shared: dict[str, str] = {}  # one copy of each repeated text, as the validator itself keeps them

    def rename(finding: dict[str, Any]) -> Finding:
        for name in _REPEATED:
            text = finding.get(name)
            if isinstance(text, str):
                finding[name] = shared.setdefault(text, text)
        return finding_from_dict(finding, file=path if finding.get("file") == stored else None)

    findings: list[Finding] = []
    links: list[Link] = []
    for line in iterator:
        kind, data = line[:1], _load(line[1:])
        if kind == FINDING:
            findings.append(rename(data))
        elif kind == LINK:
            links.append(Link(str(data["target"]), rename(data["finding"])))
        else:
            raise ValueError(f"unknown line in a stored result: {line[:20]!r}")
    report = FileReport(path=path, file_type=head.get("file_type"), iati_version=head.get("iati_version"),
                        activities=int(head.get("activities", 0)), seconds=float(head.get("seconds", 0.0)),
                        findings=findings)
    return WalkResult(report, set(head.get("identifiers", [])), links)
