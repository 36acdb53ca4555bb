"""A report shaped for reading: files → panels (file level, then one per activity) → categories → findings.

The HTML template only loops over this view; every decision about order, grouping, labels and links
is made here, in plain Python that tests can call, and in one language (``lang``). The view holds
strings and numbers only, so the template cannot reach back into the report or the catalogue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...i18n import CATEGORY_LABELS, Translations, category_label, severity_label
from ..catalogue import Catalogue
from ..findings import FILE_IDENTIFIER, SEVERITIES, Finding
from ..report import FileReport, Report
from ..walker import NO_IDENTIFIER
from ._titles import read_titles

__all__ = ["FileView", "FindingView", "Panel", "ReportView", "build_view", "verdict_of"]

# The official validator's category order (identification first, results last), then iaticonv's own.
CATEGORY_ORDER = tuple(CATEGORY_LABELS)


@dataclass(frozen=True, slots=True)
class Tally:
    key: str
    label: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingView:
    rule_id: str
    severity: str
    severity_label: str
    category: str
    message: str
    line: int | None
    column: int | None
    xpath: str | None
    value: str | None
    source: str | None
    link: str | None


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    label: str
    findings: list[FindingView]


@dataclass(frozen=True, slots=True, kw_only=True)
class Panel:
    kind: str  # "file" or the record kind
    anchor: str
    identifier: str
    title: str
    tally: list[Tally]
    groups: list[Group]


@dataclass(frozen=True, slots=True, kw_only=True)
class FileView:
    path: str
    anchor: str
    verdict: str
    iati_version: str
    activities: int
    seconds: str
    counts: Mapping[str, int]
    panels: list[Panel]
    clean: int


@dataclass(frozen=True, slots=True)
class Pin:
    component: str
    version: str
    commit: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportView:
    title: str
    verdict: str
    partial: bool
    generator: str
    files: list[FileView]
    iati_versions: list[str]
    activities: int
    seconds: str
    standard_version: str
    pins: list[Pin]
    severities: list[Tally]
    categories: list[Tally]
    rules: list[Tally]


def verdict_of(valid: bool, blocking: bool) -> str:
    """``invalid`` (a critical finding), ``errors`` (valid, but an error fails the run) or ``valid``."""
    if not valid:
        return "invalid"
    return "errors" if blocking else "valid"


def _seconds(value: float) -> str:
    return f"{value:.2f}"


def _category_key(category: str) -> tuple[int, str]:
    return (CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER), category)


def _tally(findings: Iterable[Finding], tr: Translations, *, keep_zero: bool) -> list[Tally]:
    counts = Counter(finding.severity for finding in findings)
    return [
        Tally(sev, severity_label(sev, tr.lang), counts[sev]) for sev in SEVERITIES if keep_zero or counts[sev]
    ]


def _finding_view(finding: Finding, catalogue: Catalogue, tr: Translations) -> FindingView:
    info = catalogue.get(finding.rule_id)
    return FindingView(
        rule_id=finding.rule_id, severity=finding.severity, severity_label=severity_label(finding.severity, tr.lang),
        category=finding.category, message=finding.message, line=finding.line, column=finding.column,
        xpath=finding.xpath, value=finding.value, source=finding.source,
        link=info.link if info is not None else None,
    )


def _panels(file: FileReport, index: int, catalogue: Catalogue, tr: Translations,
            titles: Mapping[str, str]) -> list[Panel]:
    """File-level findings first, then one panel per record in the order its first finding appears."""
    by_record: dict[str, list[Finding]] = {}
    for finding in sorted(file.findings, key=Finding.sort_key):
        key = finding.identifier if finding.identifier not in (None, FILE_IDENTIFIER) else FILE_IDENTIFIER
        by_record.setdefault(str(key), []).append(finding)
    order = sorted(by_record, key=lambda key: key != FILE_IDENTIFIER)  # stable: file first, then document order
    kind = "organisation" if (file.file_type or "").endswith("organisations") else "activity"
    panels: list[Panel] = []
    for position, key in enumerate(order, start=1):
        findings = by_record[key]
        title = titles.get(key, "")
        groups: dict[str, list[FindingView]] = {}
        for finding in findings:
            groups.setdefault(finding.category, []).append(_finding_view(finding, catalogue, tr))
        panels.append(Panel(
            kind="file" if key == FILE_IDENTIFIER else kind, anchor=f"file-{index}-record-{position}",
            identifier="" if key in (FILE_IDENTIFIER, NO_IDENTIFIER) else key, title=title,
            tally=_tally(findings, tr, keep_zero=False),
            groups=[Group(cat, category_label(cat, tr.lang), groups[cat]) for cat in sorted(groups, key=_category_key)],
        ))
    return panels


def _titles(file: FileReport, lang: str) -> Mapping[str, str]:
    """Record identifier → title: from the report when it records titles, else read from the file."""
    recorded = getattr(file, "titles", None)
    if isinstance(recorded, Mapping) and recorded:
        return recorded
    wanted = {f.identifier for f in file.findings if f.identifier and f.identifier != FILE_IDENTIFIER}
    return read_titles(file.path, wanted, lang)


def _pins(standard: Mapping[str, Any]) -> list[Pin]:
    """Flatten the store's pins (``component → commit`` or ``component → {version → commit}``)."""
    rows: list[Pin] = []
    for component, pinned in sorted((standard.get("pins") or {}).items()):
        if isinstance(pinned, Mapping):
            rows.extend(Pin(component, str(version), str(commit)) for version, commit in sorted(pinned.items()))
        else:
            rows.append(Pin(component, "", str(pinned)))
    return rows


def _standard_version(standard: Mapping[str, Any]) -> str:
    """The newest IATI version the installed Standard covers (the store records every version it holds)."""
    if standard.get("standard_version"):
        return str(standard["standard_version"])
    versions = [str(v) for v in standard.get("versions") or ()]
    return max(versions) if versions else ""


def _file_view(file: FileReport, index: int, catalogue: Catalogue, tr: Translations) -> FileView:
    panels = _panels(file, index, catalogue, tr, _titles(file, tr.lang))
    with_findings = sum(1 for panel in panels if panel.kind != "file")
    return FileView(
        path=file.path, anchor=f"file-{index}", verdict=verdict_of(file.valid, file.blocking),
        iati_version=file.iati_version or "", activities=file.activities, seconds=_seconds(file.seconds),
        counts=file.summary, panels=panels, clean=max(file.activities - with_findings, 0),
    )


def build_view(report: Report, catalogue: Catalogue, tr: Translations, *, generator: str) -> ReportView:
    """The whole report as a view, in the language of ``tr``."""
    files = [_file_view(file, index, catalogue, tr) for index, file in enumerate(report.files, start=1)]
    findings = report.findings
    categories = sorted({f.category for f in findings}, key=_category_key)
    rule_order = {rule_id: position for position, rule_id in enumerate(catalogue)}
    rules = sorted({f.rule_id for f in findings}, key=lambda rule: (rule_order.get(rule, len(rule_order)), rule))
    rule_counts = Counter(f.rule_id for f in findings)
    category_counts = Counter(f.category for f in findings)
    standard = report.standard
    return ReportView(
        title=files[0].path if len(files) == 1 else f"{len(files)} {tr.gettext('Files').lower()}",
        verdict=verdict_of(report.valid, report.blocking),
        partial=bool(getattr(report, "partial", False)),
        generator=generator,
        files=files,
        iati_versions=sorted({file.iati_version for file in files if file.iati_version}),
        activities=sum(file.activities for file in files),
        seconds=_seconds(sum(file.seconds for file in report.files)),
        standard_version=_standard_version(standard),
        pins=_pins(standard),
        severities=_tally(findings, tr, keep_zero=True),
        categories=[Tally(cat, category_label(cat, tr.lang), category_counts[cat]) for cat in categories],
        rules=[Tally(rule_id, rule_id, rule_counts[rule_id]) for rule_id in rules],
    )
