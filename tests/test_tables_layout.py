"""The generated layout: complete (every model field has exactly one home), well named, documented.

The coverage test walks the model's metadata on its own and compares with the layout, so a field added
to the model without reaching the tables (or reaching them twice) fails here.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from conftest import EXAMPLE_ACTIVITY, ROOT
from iaticonv.formats.iati_xml.xml_io import IatiXmlReader
from iaticonv.formats.tables import TableKind, TablesWriter, layout
from iaticonv.formats.tables._docs import layout_markdown, table_headers
from iaticonv.formats.tables.layout import attr_header
from iaticonv.model import Activity, Kind, Node, plan_for
from iaticonv.standard.codelists import load_codelists

DOC = ROOT / "docs" / "tables.md"


def _model_paths(cls: type[Node], path: str, values: set[str], repeated: set[str]) -> None:
    plan = plan_for(cls)
    for fplan in plan.attrs:
        values.add(f"{path}/{attr_header(fplan.xml)}".lstrip("/"))
    if plan.text is not None:
        values.add(f"{path}/text()".lstrip("/"))
    for fplan in plan.children:
        sub = f"{path}/{fplan.xml}".lstrip("/")
        if fplan.kind is Kind.NARRATIVES or fplan.many:
            repeated.add(sub)
            if fplan.kind is Kind.NARRATIVES:
                values.update({f"{sub}/@xml:lang", f"{sub}/text()"})
            elif fplan.kind is Kind.TEXT_CHILD:
                values.add(f"{sub}/text()")
        if fplan.kind is Kind.CHILD:
            assert fplan.cls is not None
            _model_paths(fplan.cls, sub, values, repeated)
        elif fplan.kind is Kind.TEXT_CHILD and not fplan.many:
            values.add(f"{sub}/text()")


def _layout_paths() -> tuple[list[str], set[str]]:
    """Each column's XML path, computed from its steps and field (not from its header text)."""
    values: list[str] = []
    repeated: set[str] = set()
    for table in layout().tables:
        if table.kind in (TableKind.EXTRAS, TableKind.FILE):
            continue
        if table.kind is not TableKind.ACTIVITY:
            repeated.add(table.xpath)
        if table.kind is TableKind.NARRATIVE:
            values.extend([f"{table.xpath}/@xml:lang", f"{table.xpath}/text()"])
            continue
        if table.kind is TableKind.TEXT:
            values.append(f"{table.xpath}/text()")
            continue
        for column in table.columns:
            field = column.field
            assert field is not None
            parts = [table.xpath, *(step.xml for step in column.steps)]
            if field.kind is Kind.ATTR:
                parts.append(attr_header(field.xml))
            elif field.kind is Kind.TEXT:
                parts.append("text()")
            else:
                parts.extend([field.xml, "text()"])
            values.append("/".join(p for p in parts if p))
    return values, repeated


def test_every_model_field_has_exactly_one_column_or_table() -> None:
    model_values: set[str] = set()
    model_repeated: set[str] = set()
    _model_paths(Activity, "", model_values, model_repeated)
    values, repeated = _layout_paths()
    assert len(values) == len(set(values)), "a field reaches two columns"
    assert set(values) == model_values, (set(values) ^ model_values)
    assert repeated == model_repeated


def test_one_table_per_repeated_element_with_parents_before_children() -> None:
    tables = layout().tables
    names = [t.name for t in tables]
    for index, table in enumerate(tables):
        if table.parent is not None:
            assert names.index(table.parent) < index, table.name
    wanted = {"title.narrative": "title/narrative", "participating-org.narrative": "participating-org/narrative",
              "transaction.sector": "transaction/sector", "period": "result/indicator/period",
              "target": "result/indicator/period/target", "actual": "result/indicator/period/actual",
              "baseline": "result/indicator/baseline", "policy-marker": "policy-marker", "budget": "budget",
              "location": "location", "document-link": "document-link", "aid-type": "transaction/aid-type"}
    by_name = layout().by_name
    for name, xpath in wanted.items():
        assert by_name[name].xpath == xpath
    assert by_name["period"].pattern_text == "result N / indicator N / period N"
    assert by_name["tran.provider-org.narrative"].pattern_text == "transaction N / provider-org / narrative N"


def test_table_names_are_valid_sheet_names() -> None:
    names = [t.name for t in layout().tables]
    assert len(set(names)) == len(names)
    for name in names:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
        assert name.lower() != "readme"


def test_committed_doc_is_the_generated_one() -> None:
    fresh = layout_markdown()
    assert DOC.read_text(encoding="utf-8") == fresh, (
        "docs/tables.md is stale: regenerate it with "
        "python -c 'from iaticonv.formats.tables._docs import layout_markdown; print(layout_markdown(), end=\"\")'"
        " > docs/tables.md")


def test_label_columns_follow_the_vocabulary(tmp_path: Path) -> None:
    headers = table_headers()["sector"]
    assert headers.index("code (name)") == headers.index("code") + 1
    reader = IatiXmlReader(EXAMPLE_ACTIVITY)
    TablesWriter().write_to(tmp_path / "t", reader.records(), reader.header())
    with (tmp_path / "t" / "sector.csv").open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    header, first = lines[0], lines[1]
    codelists = load_codelists()
    # the example's first sector is vocabulary 2: a DAC 3-digit category, not a 5-digit purpose code
    assert first[header.index("vocabulary")] == "2"
    code = first[header.index("code")]
    category = codelists.get("SectorCategory", code)
    assert category is not None
    assert first[header.index("code (name)")] == category.name
    assert codelists.get("Sector", code) is None
    # vocabulary 99 (the publisher's own codes) has no codelist: no label rather than a wrong one
    third = lines[3]
    assert third[header.index("vocabulary")] == "99" and third[header.index("code (name)")] == ""


def test_labels_can_be_left_out(tmp_path: Path) -> None:
    reader = IatiXmlReader(EXAMPLE_ACTIVITY)
    TablesWriter(labels=False).write_to(tmp_path / "t", reader.records(), reader.header())
    header = (tmp_path / "t" / "sector.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",")[-2:] == ["code (name)", "percentage"]  # columns stay, left empty
    assert ",,,Education" not in (tmp_path / "t" / "sector.csv").read_text(encoding="utf-8-sig")
