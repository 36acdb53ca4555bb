"""The Project Browser table layout shared by the CSV and XLSX forms: columns, header check, row ⇄ record.

The header is GAC's own, byte for byte when written (``Project Number`` first, `` Description`` with
its leading space), and matched leniently when read (BOM, spaces and case ignored), because tools
downstream of GAC's export rely on the exact spelling while people re-saving a sheet change it.
A header that is missing, unknown (renamed) or repeated is an error naming the column, since a
silently ignored column is data lost.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from ._common import GacProject, Where, format_amount, identifier_from, parse_amount, parse_date, split_items
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

__all__ = ["COLUMNS", "REQUIRED", "cells_from_project", "column_positions", "neutralise", "project_from_cells",
           "unneutralise"]

COLUMNS = (
    "Project Number", "Date Modified", "Title", " Description", "Status", "Start Date", "End Date", "Country",
    "Region", "Locations", "Executing Agency Partner", "Contributing Organization", "Maximum Contribution",
    "Budget", "Program Name", "DAC Sector", "Aid Type", "Collaboration Type", "Finance Type", "Flow Type",
    "Reporting Organization", "Selection Mechanism", "Expected Results", "Progress and Results Achieved",
    "Policy Markers", "Alternate IM Position", "Other Identifier",
)
REQUIRED = ("Project Number", "Title", "Status")
_KEYS = {column.strip().casefold(): column for column in COLUMNS}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# coded column → (codelist, GacProject attribute)
CODED = {"Status": ("ActivityStatus", "status"), "Aid Type": ("AidType", "aid_type"),
         "Collaboration Type": ("CollaborationType", "collaboration_type"),
         "Finance Type": ("FinanceType", "finance_type"), "Flow Type": ("FlowType", "flow_type")}


def column_positions(header: Sequence[str], where: Where) -> dict[str, int]:
    """Header cells → {canonical column: position}; errors for unknown, repeated or missing columns."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(header):
        text = raw.lstrip("\ufeff").strip()
        if not text:
            continue
        column = _KEYS.get(text.casefold())
        if column is None:
            close = difflib.get_close_matches(text, [c.strip() for c in COLUMNS], n=1, cutoff=0.5)
            raise where.at(text).error(
                f"unknown column {text!r} (header position {index + 1})",
                hint=f"did you mean {close[0]!r}?" if close else "the Project Browser columns are: "
                + ", ".join(c.strip() for c in COLUMNS))
        if column in positions:
            raise where.at(column.strip()).error(
                f"column {column.strip()!r} appears twice (positions {positions[column] + 1} and {index + 1})")
        positions[column] = index
    for column in REQUIRED:
        if column not in positions:
            raise where.at(column).error(f"the header has no {column!r} column",
                                         hint="is this a Project Browser export?")
    return positions


def neutralise(text: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``).

    An apostrophe already followed by such a character is doubled, so ``unneutralise`` is exact.
    """
    return "'" + text if _needs_prefix(text) else text


def _needs_prefix(text: str) -> bool:
    return text.startswith(_FORMULA_START) or (text.startswith("'") and text[1:].startswith(_FORMULA_START))


def unneutralise(text: str) -> str:
    """Undo ``neutralise`` exactly (a cell the writer would have prefixed loses its apostrophe)."""
    return text[1:] if text.startswith("'") and _needs_prefix(text[1:]) else text


def project_from_cells(cells: dict[str, str], where: Where) -> GacProject:
    """One row's cells (canonical column → text, missing columns absent) → a record."""

    def cell(column: str) -> str:
        return cells.get(column, "").strip()

    def items(column: str) -> list[str]:
        return split_items(cells.get(column, ""))

    project = GacProject(identifier_from(cell("Project Number"), where.at("Project Number")))
    project.title = cell("Title")
    project.description = cells.get(" Description", "").strip()
    for column, (codelist, attribute) in CODED.items():
        if cell(column):
            setattr(project, attribute, resolve(codelist, cell(column), where.at(column)))
    for column, name in (("Start Date", "start"), ("End Date", "end"), ("Date Modified", "date_modified")):
        if cell(column):
            setattr(project, name, parse_date(cell(column), where.at(column)))
    project.countries = [parse_share(i, ("Country",), where.at("Country"))[1] for i in items("Country")]
    project.regions = [parse_share(i, ("Region",), where.at("Region"))[1] for i in items("Region")]
    project.sectors = [parse_share(i, ("Sector",), where.at("DAC Sector"))[1] for i in items("DAC Sector")]
    project.locations = items("Locations")
    project.executing_agencies = items("Executing Agency Partner")
    project.contributing_organizations = items("Contributing Organization")
    if cell("Maximum Contribution"):
        project.maximum_contribution = parse_amount(cell("Maximum Contribution"), where.at("Maximum Contribution"))
    project.budgets = [parse_budget(i, where.at("Budget")) for i in items("Budget")]
    project.policy_markers = [parse_marker(i, where.at("Policy Markers")) for i in items("Policy Markers")]
    project.program_name = cell("Program Name")
    project.reporting_organization = cell("Reporting Organization")
    project.selection_mechanism = cell("Selection Mechanism")
    project.expected_results = cell("Expected Results")
    project.results_achieved = cell("Progress and Results Achieved")
    project.alternate_im_position = cell("Alternate IM Position")
    for item in items("Other Identifier"):
        ref, _, kind = item.partition(" (")
        project.other_identifiers.append((ref.strip(), kind.rstrip(")").strip() or "A2"))
    return project


def cells_from_project(project: GacProject) -> list[str]:
    """A record → one row of cells in ``COLUMNS`` order (not yet neutralised)."""

    def joined(values: Sequence[str]) -> str:
        return "; ".join(values)

    def coded(codelist: str, code: str | None) -> str:
        return label_for(codelist, code) if code else ""

    row = {
        "Project Number": project.project_number,
        "Date Modified": project.date_modified.isoformat() if project.date_modified else "",
        "Title": project.title,
        " Description": project.description,
        "Status": coded("ActivityStatus", project.status),
        "Start Date": project.start.isoformat() if project.start else "",
        "End Date": project.end.isoformat() if project.end else "",
        "Country": joined([format_share("Country", s) for s in project.countries]),
        "Region": joined([format_share("Region", s) for s in project.regions]),
        "Locations": joined(project.locations),
        "Executing Agency Partner": joined(project.executing_agencies),
        "Contributing Organization": joined(project.contributing_organizations),
        "Maximum Contribution": (format_amount(project.maximum_contribution)
                                 if project.maximum_contribution is not None else ""),
        "Budget": joined([format_budget(b) for b in project.budgets]),
        "Program Name": project.program_name,
        "DAC Sector": joined([format_share("Sector", s) for s in project.sectors]),
        "Aid Type": coded("AidType", project.aid_type),
        "Collaboration Type": coded("CollaborationType", project.collaboration_type),
        "Finance Type": coded("FinanceType", project.finance_type),
        "Flow Type": coded("FlowType", project.flow_type),
        "Reporting Organization": project.reporting_organization,
        "Selection Mechanism": project.selection_mechanism,
        "Expected Results": project.expected_results,
        "Progress and Results Achieved": project.results_achieved,
        "Policy Markers": joined([format_marker(m) for m in project.policy_markers]),
        "Alternate IM Position": project.alternate_im_position,
        "Other Identifier": joined([ref if kind == "A2" else f"{ref} ({kind})"
                                    for ref, kind in project.other_identifiers]),
    }
    return [row[column] for column in COLUMNS]
