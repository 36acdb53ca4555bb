"""The documented layout, generated: ``docs/tables.md`` and the workbook's README sheet.

Both come from the same layout the reader and writer use, so the documentation cannot describe a
table or column that the code does not write (a test compares the committed ``docs/tables.md`` with
a fresh :func:`layout_markdown`).
"""

from __future__ import annotations

from ._cells import KEEP
from ._labels import LABEL_SUFFIX, Labeller
from .layout import ACTIVITY, EXTRAS, FILE, Layout, Table, TableKind, layout

__all__ = ["RULES", "layout_markdown", "readme_rows", "table_headers"]

RULES: tuple[tuple[str, str], ...] = (
    ("Tables", "One table per repeated IATI element (a sheet of the workbook, or TABLE.csv in the folder). "
               "A 0..1 element is not a table: its attributes and text are columns of its parent's row "
               "(value, value/@currency, provider-org/@ref)."),
    ("activity", f"Every row starts with the activity's key (the '{ACTIVITY}' column): its iati-identifier, "
                 "or identifier#position when the identifier is missing or repeated in the file. Change an "
                 "identifier in the iati-identifier column; the key only links the rows."),
    ("path", "Where the row's element sits in the activity: repeated elements numbered by position, 0..1 "
             "elements named (result 2 / indicator 1 / period 3, transaction 4 / provider-org / narrative 1). "
             "A row's parent is its path without the last step. The numbers give the order; gaps are "
             "fine, a number may be used once under one parent."),
    ("Editing", "Change a cell; add a row with a new path number (a new sector: sector 4); delete a row "
                "(and the rows below it). Columns may be reordered or left out; an unknown column, sheet or "
                "file is an error, never ignored. CSV files are UTF-8, separated by commas or semicolons."),
    ("Empty cells", "An empty cell means the attribute or element is absent. A lone apostrophe (') means "
                    "present but empty (ref=\"\")."),
    ("Formulas", "A value starting with = + - @ (other than a plain negative number), a tab or a carriage "
                 "return is written after one apostrophe ('=…) so spreadsheets never run it as a formula; "
                 "reading removes that apostrophe, so the value comes back exactly."),
    ("Kept values", f"A number, date or boolean the source file spelled in a way that is not valid "
                    f"(1.000,00) is written after {KEEP} ({KEEP}1.000,00) and kept exactly. Without "
                    f"{KEEP}, an invalid number/date/boolean is an error naming sheet, row and column."),
    ("Labels", f"Columns ending in '{LABEL_SUFFIX}' show the codelist name of the code beside them, for "
               "people. They are ignored on reading: edit the code."),
    (EXTRAS, "What the typed columns cannot hold, kept exactly: kind 'attribute' (an attribute the "
             "model does not know, name in {namespace}local form), 'xml' (an unmodelled element or comment, "
             "verbatim), 'order' (the input's child order when it differs from the standard's), 'element' "
             "(an empty 0..1 element), 'more' (the continuation of a long value)."),
    (FILE, "The iati-activities root: its attributes (version, generated-datetime, …) and namespace "
           "declarations."),
    ("Limits", "An XLSX cell holds at most 32,767 characters: a longer text is refused with a clear error "
               "(write a CSV folder instead); verbatim XML in extras is split over 'more' rows by itself. "
               "Writing streams; reading holds the rows of all tables in memory, since a person may put "
               "an activity's rows anywhere (about 90 MB for the tables of a 20 MB XML file)."),
)


def table_headers(labels: bool = True) -> dict[str, list[str]]:
    """The headers the writer writes (needs the installed standard for the label columns)."""
    from ._flatten import Flattener

    current = layout()
    return Flattener(current, Labeller(current, enabled=labels)).headers


def _describe(table: Table) -> str:
    if table.kind is TableKind.ACTIVITY:
        return "one row per iati-activity"
    if table.kind in (TableKind.EXTRAS, TableKind.FILE):
        return dict(RULES)[table.name].split(":")[0]
    return f"iati-activity/{table.xpath}"


def readme_rows(current: Layout, headers: dict[str, list[str]]) -> list[list[str]]:
    """The README sheet: the rules, then every table with its path pattern and columns."""
    rows: list[list[str]] = [["IATI activities as tables (iaticonv)", "docs/tables.md has the same text"], []]
    rows.extend([name, text] for name, text in RULES)
    rows.extend([[], ["table (sheet)", "XML element", "path", "columns"]])
    for table in current.tables:
        rows.append([table.name, _describe(table), table.pattern_text, ", ".join(headers[table.name])])
    return rows


def layout_markdown(current: Layout | None = None, headers: dict[str, list[str]] | None = None) -> str:
    """The whole of ``docs/tables.md``."""
    current = current or layout()
    headers = headers or table_headers()
    lines = [
        "# Flat tables: IATI activities as a CSV folder or an XLSX workbook",
        "",
        "<!-- generated by iaticonv.formats.tables._docs.layout_markdown(); do not edit by hand -->",
        "",
        "```",
        "iaticonv convert activities.xml -o tables/ --to tables        # a folder of CSV files",
        "iaticonv convert activities.xml -o activities.xlsx --to tables  # one workbook",
        "iaticonv convert tables/ -o activities.xml --from tables",
        "```",
        "",
        "XML → tables → XML gives back the same XML (elements, order, attributes including namespaced",
        "ones, values as written). The layout below is generated from the activity model, so it lists",
        "every table the writer can write; a file only holds the tables its activities use (plus",
        f"`{ACTIVITY}`, `{EXTRAS}` and `{FILE}`). To add rows to a table a file does not have, add a sheet",
        "(or CSV file) with the table's name and header row.",
        "",
        "From Python:",
        "",
        "```python",
        "from iaticonv.formats.iati_xml.xml_io import IatiXmlReader",
        "from iaticonv.formats.tables import TablesReader, TablesWriter",
        "",
        "xml = IatiXmlReader(Path(\"activities.xml\"))",
        "TablesWriter().write_to(Path(\"activities.xlsx\"), xml.records(), xml.header())  # or a folder path",
        "tables = TablesReader(Path(\"activities.xlsx\"))",
        "header, activities = tables.header(), tables.records()  # model Activity objects, one at a time",
        "```",
        "",
        "## Rules",
        "",
    ]
    lines.extend(f"- **{name}**: {text}" for name, text in RULES)
    lines.extend(["", f"## Tables ({len(current.tables)})", "",
                  "| table (sheet / CSV file) | XML element | path | columns |", "|---|---|---|---|"])
    for table in current.tables:
        columns = ", ".join(f"`{h}`" for h in headers[table.name])
        pattern = f"`{table.pattern_text}`" if table.pattern_text else ""
        lines.append(f"| `{table.name}` | {_describe(table)} | {pattern} | {columns} |")
    lines.append("")
    return "\n".join(lines)
