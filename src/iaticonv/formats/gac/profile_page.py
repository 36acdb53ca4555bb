"""The GAC Project Browser profile page, as text: read it field by field, write it back readable.

A profile is what a person copies from the Project Browser page: labelled lines ("Status: Closed"),
labels whose value sits on the next lines ("Executing Agency:" then the name), section headings
("Project Description", "Policy Markers") followed by text or list lines, and page furniture
("Key Information", a map widget's "Geographic Information" / "900"). The reader is a small line
scanner keyed on those labels: each value is handed to ``_common``/``_labels`` with its line
number, so every error names the line. Lines it does not know are kept as notes, never a crash.
Derived lines (Duration, "Major Funding (>$1M)") are checked against the data and otherwise ignored;
the writer recomputes them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

from ...errors import InputError
from ...model import Activity, FileHeader
from ..base import HeaderlessReader, ReadNote
from ._common import (
    GacProject,
    Note,
    Where,
    duration_years,
    format_amount,
    format_date_long,
    identifier_from,
    parse_amount,
    parse_date,
)
from ._labels import (
    format_budget,
    format_marker,
    format_share,
    label_for,
    parse_budget,
    parse_marker,
    parse_share,
    resolve,
)
from ._model import from_activity, to_activity

__all__ = ["GacProfileReader", "GacProfileWriter", "ProfileText", "read_profile", "write_profile"]

MAX_PROFILE_BYTES = 4 * 1024 * 1024  # a real page is 5-20 KB: anything this big is not one page
MAJOR_FUNDING = "Major Funding (>$1M)"
MAJOR_FUNDING_THRESHOLD = Decimal(1_000_000)
GRANT_HEADING = "International Development Grant"
NOISE = "gac-profile.page-noise"  # page furniture skipped (nothing of the record is in it)
DERIVED = "gac-profile.derived-mismatch"  # a derived line that disagrees with the data it derives from

# label (as printed, lower-case, without the colon) → field key
LABELS = {
    "project number": "number", "status": "status", "country/region": "places", "country": "places",
    "region": "places", "maximum contribution": "max", "start date": "start", "end date": "end",
    "duration": "duration", "executing agency": "agency", "executing agency partner": "agency",
    "contributing organization": "contributors", "reporting organization": "reporting",
    "program": "program", "program name": "program", "last modified": "modified", "date modified": "modified",
    "dac sector": "sectors", "aid type": "aid", "collaboration": "collaboration",
    "collaboration type": "collaboration", "finance type": "finance", "flow type": "flow",
    "selection mechanism": "selection", "locations": "locations", "alternate im position": "alternate",
    "other identifier": "other_ids",
}
SECTIONS = {
    "project description": "description", "description": "description", "expected results": "expected",
    "progress & results achieved": "achieved", "progress and results achieved": "achieved",
    "policy markers": "markers", "budget breakdown": "budgets",
}
TEXT_KEYS = frozenset({"description", "expected", "achieved"})  # free text: paragraphs, not items
FURNITURE = {"key information", "development classifications", "geographic information", "project information"}
_LABEL_LINE = re.compile(r"^([A-Za-z/&' ()]+?):\s*(.*)$")


@dataclass(slots=True)
class _Field:
    key: str
    line: int
    values: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class ProfileText:
    """A profile split into fields (with their line numbers) before any value is interpreted."""

    fields: dict[str, _Field]
    headings: list[tuple[int, str]]
    notes: list[Note]


def _scan(lines: list[str], file: str | None) -> ProfileText:
    fields: dict[str, _Field] = {}
    headings: list[tuple[int, str]] = []
    notes: list[Note] = []
    current: _Field | None = None
    gap = False
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            gap = True
            continue
        after_gap, gap = gap, False
        lower = line.casefold().rstrip(":")
        label = _LABEL_LINE.match(line)
        key = LABELS.get(label.group(1).strip().casefold()) if label else None
        if label and key:
            value = label.group(2).strip()
            if key in fields and key == "number":  # the page repeats the number in its footer
                if identifier_from(value, Where(file, number)) != identifier_from(
                    fields[key].values[0][1], Where(file, fields[key].line)
                ):
                    raise Where(file, number, column="Project Number").error(
                        f"the page names two projects: {fields[key].values[0][1]!r} and {value!r}")
                current = None
                continue
            current = fields.setdefault(key, _Field(key, number))
            if value:
                current.values.append((number, value))
        elif lower in SECTIONS:
            current = fields.setdefault(SECTIONS[lower], _Field(SECTIONS[lower], number))
        elif lower in FURNITURE:
            current = None
            if lower == "geographic information":
                notes.append(Note(Where(file, number), f"page furniture ignored: {line!r}", NOISE))
        elif line == MAJOR_FUNDING:
            fields.setdefault("major", _Field("major", number))
            current = None
        elif current is not None:
            if current.key in TEXT_KEYS and current.values and not after_gap:
                # adjacent lines belong to one paragraph (a single line break in the text)
                current.values[-1] = (current.values[-1][0], f"{current.values[-1][1]}\n{line}")
            else:
                current.values.append((number, line))
        elif not fields:
            headings.append((number, line))
        else:
            notes.append(Note(Where(file, number), f"line outside any field ignored: {line!r}", NOISE))
    return ProfileText(fields, headings, notes)


def read_profile(text: str, file: str | Path | None = None) -> tuple[GacProject, list[Note]]:
    """Parse one profile page into a ``GacProject`` and the notes about what was skipped."""
    name = str(file) if file is not None else None
    scanned = _scan(text.lstrip("\ufeff").splitlines(), name)
    got = scanned.fields
    notes = scanned.notes
    if "number" not in got or not got["number"].values:
        raise Where(name, 1, column="Project Number").error("no 'Project Number:' line: is this a GAC profile page?")

    def where(key: str, line: int | None = None, column: str = "") -> Where:
        return Where(name, line if line is not None else got[key].line, column=column or key)

    def one(key: str, column: str) -> tuple[int, str] | None:
        entry = got.get(key)
        if entry is None or not entry.values:
            return None
        if len(entry.values) > 1:
            raise where(key, entry.values[1][0], column).error(f"{column!r} has more than one value")
        return entry.values[0]

    def many(key: str) -> list[tuple[int, str]]:
        entry = got.get(key)
        return entry.values if entry else []

    def text_of(key: str) -> str:
        return "\n\n".join(value for _, value in many(key))

    number_line, number = got["number"].values[0]
    project = GacProject(identifier_from(number, Where(name, number_line, column="Project Number")))
    titles = scanned.headings
    if titles:
        project.title = titles[-1][1]

    def coded(key: str, column: str, codelist: str) -> str | None:
        found = one(key, column)
        return resolve(codelist, found[1], Where(name, found[0], column=column)) if found else None

    project.status = coded("status", "Status", "ActivityStatus")
    project.aid_type = coded("aid", "Aid Type", "AidType")
    project.collaboration_type = coded("collaboration", "Collaboration", "CollaborationType")
    project.finance_type = coded("finance", "Finance Type", "FinanceType")
    project.flow_type = coded("flow", "Flow Type", "FlowType")
    parse: list[tuple[str, str, Callable[[tuple[int, str], Where], None]]] = [
        ("start", "Start Date", lambda v, w: setattr(project, "start", parse_date(v[1], w))),
        ("end", "End Date", lambda v, w: setattr(project, "end", parse_date(v[1], w))),
        ("modified", "Last Modified", lambda v, w: setattr(project, "date_modified", parse_date(v[1], w))),
        ("max", "Maximum Contribution", lambda v, w: setattr(project, "maximum_contribution",
                                                             parse_amount(v[1].removesuffix("CAD"), w))),
        ("reporting", "Reporting Organization", lambda v, w: setattr(project, "reporting_organization", v[1])),
        ("program", "Program", lambda v, w: setattr(project, "program_name", v[1])),
        ("selection", "Selection Mechanism", lambda v, w: setattr(project, "selection_mechanism", v[1])),
        ("alternate", "Alternate IM Position", lambda v, w: setattr(project, "alternate_im_position", v[1])),
    ]
    for key, column, apply in parse:
        found = one(key, column)
        if found:
            apply(found, Where(name, found[0], column=column))
    for line, item in many("places"):
        codelist, share = parse_share(item, ("Country", "Region"), Where(name, line, column="Country/Region"))
        (project.countries if codelist == "Country" else project.regions).append(share)
    project.sectors = [parse_share(item, ("Sector",), Where(name, line, column="DAC Sector"))[1]
                       for line, item in many("sectors")]
    project.policy_markers = [parse_marker(item, Where(name, line, column="Policy Markers"))
                              for line, item in many("markers")]
    for line, item in many("budgets"):
        if item.isdigit() and len(item) < 5:  # the map widget's stray counters land here on some pages
            notes.append(Note(Where(name, line), f"page noise ignored: {item!r}", NOISE))
            continue
        project.budgets.append(parse_budget(item, Where(name, line, column="Budget Breakdown")))
    project.executing_agencies = [value for _, value in many("agency")]
    project.contributing_organizations = [value for _, value in many("contributors")]
    project.locations = [value for _, value in many("locations")]
    for _line, item in many("other_ids"):
        ref, _, kind = item.partition(" (")
        project.other_identifiers.append((ref.strip(), kind.rstrip(")").strip() or "A2"))
    project.description = text_of("description")
    project.expected_results = text_of("expected")
    project.results_achieved = text_of("achieved")
    notes.extend(_check_derived(project, got, scanned.headings[:-1], name))
    return project, notes


def _check_derived(project: GacProject, got: dict[str, _Field], headings: list[tuple[int, str]],
                   name: str | None) -> Iterable[Note]:
    """Derived lines that agree with the data are simply recomputed; only a disagreement is a note."""
    duration = got.get("duration")
    if duration and duration.values and project.start and project.end:
        expected = f"{duration_years(project.start, project.end)} years"
        if duration.values[0][1] != expected:
            yield Note(Where(name, duration.values[0][0], column="Duration"),
                       f"page says {duration.values[0][1]!r}, the dates give {expected!r}; recomputed", DERIVED)
    major = got.get("major")
    if major and not (project.maximum_contribution or 0) > MAJOR_FUNDING_THRESHOLD:
        yield Note(Where(name, major.line), f"{MAJOR_FUNDING!r} disagrees with the Maximum Contribution; "
                   "recomputed", DERIVED)
    for line, heading in headings:
        if heading != _heading(project):
            yield Note(Where(name, line), f"page heading above the title ignored: {heading!r}", NOISE)


def _heading(project: GacProject) -> str | None:
    """The category heading the page prints above the title (known for grants only)."""
    return GRANT_HEADING if project.finance_type and project.finance_type.startswith("1") else None


def write_profile(project: GacProject) -> str:
    """A readable profile page for a record; ``read_profile`` reads it back to the same record."""
    out: list[str] = []

    def block(*lines: str) -> None:
        out.extend([*lines, ""])

    if heading := _heading(project):
        block(heading)
    block(project.title or "(untitled)")
    block(f"Project Number: {project.identifier}")
    if project.status:
        block(f"Status: {label_for('ActivityStatus', project.status)}")
    places = [format_share("Country", s) for s in project.countries]
    places += [format_share("Region", s) for s in project.regions]
    if places:
        block("Country/Region:", *places)
    if project.locations:
        block("Locations:", *project.locations)
    if project.maximum_contribution is not None:
        block(f"Maximum Contribution: {format_amount(project.maximum_contribution)}")
    if project.start:
        block(f"Start Date: {format_date_long(project.start)}")
    if project.end:
        block(f"End Date: {format_date_long(project.end)}")
    if project.start and project.end:
        block(f"Duration: {duration_years(project.start, project.end)} years")
    for heading, body in (("Project Description", project.description), ("Expected Results",
                          project.expected_results), ("Progress & Results Achieved", project.results_achieved)):
        if body:
            block(heading)
            for paragraph in (p for p in body.split("\n\n") if p.strip()):
                block(paragraph)
    block("Key Information")
    for label, values in (("Executing Agency", project.executing_agencies),
                          ("Contributing Organization", project.contributing_organizations),
                          ("Reporting Organization", [project.reporting_organization]),
                          ("Program", [project.program_name])):
        if any(values):
            block(f"{label}:", *[v for v in values if v])
    if project.date_modified:
        block("Last Modified:", format_date_long(project.date_modified))
    block("Development Classifications")
    if project.sectors:
        block("DAC Sector:", *[format_share("Sector", s) for s in project.sectors])
    for label, codelist, code in (("Aid Type", "AidType", project.aid_type),
                                  ("Collaboration", "CollaborationType", project.collaboration_type),
                                  ("Finance Type", "FinanceType", project.finance_type),
                                  ("Flow Type", "FlowType", project.flow_type)):
        if code:
            block(f"{label}: {label_for(codelist, code)}")
    for label, value in (("Selection Mechanism", project.selection_mechanism),
                         ("Alternate IM Position", project.alternate_im_position)):
        if value:
            block(f"{label}:", value)
    if project.other_identifiers:
        block("Other Identifier:", *[ref if kind == "A2" else f"{ref} ({kind})"
                                     for ref, kind in project.other_identifiers])
    tail: list[str] = []
    if project.policy_markers:
        tail += ["Policy Markers", *[format_marker(m) for m in project.policy_markers]]
    if project.maximum_contribution is not None and project.maximum_contribution > MAJOR_FUNDING_THRESHOLD:
        tail.append(MAJOR_FUNDING)
    if project.budgets:
        tail += ["Budget Breakdown", *[format_budget(b) for b in project.budgets]]
    tail.append(f"Project Number: {project.identifier}")
    out.extend(tail)
    return "\n".join(out) + "\n"


class GacProfileReader(HeaderlessReader):
    """Reads one profile page (a ``.txt`` file) as one activity; what it skipped goes to ``notes``."""

    def records(self) -> Iterator[Activity]:
        try:
            size = self.path.stat().st_size
            if size > MAX_PROFILE_BYTES:  # read whole and scanned line by line: bound it first
                raise InputError(f"{size / 2**20:.1f} MB is far more than a profile page (a few kilobytes)",
                                 file=self.path, hint="is this really one GAC Project Browser profile?")
            text = self.path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=self.path) from None
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=self.path) from None
        project, notes = read_profile(text, self.path)
        self.notes.extend(ReadNote(code=note.code, message=note.message, activity=project.identifier,
                                   file=note.where.file, line=note.where.line,
                                   severity="info" if note.code == NOISE else "warning") for note in notes)
        yield to_activity(project, Where(str(self.path), column="Project Number"))


class GacProfileWriter:
    """Writes one activity as a profile page (one page per file: use ``--split`` for several)."""

    multi = False

    def __init__(self, **_options: object) -> None:
        """Options meant for XML writers (``generated_at``) mean nothing here and are ignored."""

    def write(self, stream: IO[bytes], records: Iterable[Activity], header: FileHeader | None = None) -> int:
        count = 0
        for activity in records:
            if count:
                stream.write(b"\n\f\n")  # a form feed between pages when a caller insists on one stream
            stream.write(write_profile(from_activity(activity)).encode("utf-8"))
            count += 1
        return count
