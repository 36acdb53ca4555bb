"""The tables layout, generated from the model's field metadata (never written table by table).

Walking ``plan_for(Activity)`` gives one table per *repeated* element of the activity: every
``children(...)`` field (participating-org, transaction, transaction/sector, result/indicator/period,
…), every ``narratives()`` field (the narratives of a title, of a participating-org, of a
transaction's provider-org, …) and every ``text_children(...)`` field (contact-info/telephone). A
0..1 element is not a table: its attributes and text become columns of the row of the nearest
repeated ancestor (``value``, ``value/@currency``, ``provider-org/@ref``), so a transaction stays one
row. Three fixed tables complete the layout: ``activity`` (one row per activity), ``extras`` (what the
model carries verbatim: other-namespace attributes, unmodelled XML, child-order hints, empty 0..1
elements) and ``file`` (the ``iati-activities`` root).

Because everything is derived, adding an element to the model adds its table or columns here, in
the docs (:mod:`._docs`) and in both readers and writers at once.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache

from ...model import XML_LANG, XML_NS, Activity, FieldPlan, Kind, Node, plan_for

__all__ = [
    "ACTIVITY",
    "EXTRAS",
    "FILE",
    "SHEET_NAME_LIMIT",
    "Column",
    "Layout",
    "Segment",
    "Table",
    "TableKind",
    "attr_header",
    "layout",
]

ACTIVITY = "activity"
EXTRAS = "extras"
FILE = "file"
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names


class TableKind(enum.Enum):
    ACTIVITY = "activity"  # one row per iati-activity
    ELEMENT = "element"  # one row per repeated element (a model node)
    NARRATIVE = "narrative"  # one row per narrative of a container element
    TEXT = "text"  # one row per repeated text-only element (telephone, email, website)
    EXTRAS = "extras"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class Segment:
    """One step of a path pattern: an element name, numbered when the element repeats."""

    tag: str
    repeated: bool


@dataclass(frozen=True, slots=True)
class Column:
    """One value column: where its value sits below the row's node, and how it is typed.

    ``steps`` are the 0..1 child fields from the row node down to the node holding the value;
    ``field`` is an attribute, the element's own text, or a 0..1 text-only child. ``nullable`` says
    the model distinguishes an absent value (None) from an empty one (""), so the cell encoding
    must too. ``codelist_path`` is the ``mapping.xml`` path of a coded attribute: a label column
    follows such a column.
    """

    header: str
    steps: tuple[FieldPlan, ...]
    field: FieldPlan | None
    nullable: bool = True
    codelist_path: str | None = None

    @property
    def typed(self) -> bool:
        return self.field is not None and self.field.scalar.python_type is not str


@dataclass(frozen=True, slots=True)
class Table:
    """One table of the layout: its name, the XML it holds, how its rows hang off their parent rows.

    ``pattern`` is the path of the table's rows from the activity (``transaction N / sector N``);
    ``parent`` names the table whose rows hold this table's rows (None for the fixed tables and
    for the activity's own repeated children, whose parent is the ``activity`` row); ``steps`` are
    the 0..1 child fields from the parent row's node down to the node that holds ``field``, the
    repeated field itself.
    """

    name: str
    kind: TableKind
    xpath: str
    pattern: tuple[Segment, ...]
    parent: str | None
    steps: tuple[FieldPlan, ...]
    field: FieldPlan | None
    cls: type[Node] | None
    keys: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        """Key and value column headers (label columns are added by the writer, after their code)."""
        return (*self.keys, *(c.header for c in self.columns))

    @property
    def pattern_text(self) -> str:
        return " / ".join(f"{s.tag} N" if s.repeated else s.tag for s in self.pattern)


@dataclass(frozen=True, slots=True)
class Layout:
    tables: tuple[Table, ...]
    by_name: dict[str, Table]

    def children_of(self, name: str | None) -> tuple[Table, ...]:
        return tuple(t for t in self.tables if t.parent == name and t.kind is not TableKind.ACTIVITY)


def attr_header(xml: str, *, own: bool = False) -> str:
    """``@name``; ``@xml:lang`` for the XML namespace; ``@{uri}local`` for any other namespace.

    The row element's ``own`` attributes drop the ``@`` (``code``, ``xml:lang``): a header cell that
    starts with ``@`` is a formula start for spreadsheet programs opening the CSV. Attributes of a 0..1
    child keep it after their path (``value/@currency``), which no spreadsheet reads as a formula.
    """
    name = "xml:" + xml.split("}", 1)[1] if xml.startswith(f"{{{XML_NS}}}") else xml
    return name if own else "@" + name


def _columns(cls: type[Node], prefix: str, steps: tuple[FieldPlan, ...], xpath: str) -> list[Column]:
    """Columns of a row node of class ``cls``: its attributes and text, then its 0..1 children's."""
    plan = plan_for(cls)
    columns: list[Column] = []
    for fplan in plan.attrs:
        mapping = f"//iati-activity/{xpath}/@{fplan.xml}" if xpath else f"//iati-activity/@{fplan.xml}"
        columns.append(Column(prefix + attr_header(fplan.xml, own=not prefix), steps, fplan, codelist_path=mapping))
    if plan.text is not None:
        columns.append(Column(prefix.rstrip("/") or "text()", steps, plan.text))
    for fplan in plan.children:
        if fplan.many or fplan.kind is Kind.NARRATIVES:
            continue
        sub = f"{xpath}/{fplan.xml}" if xpath else fplan.xml
        if fplan.kind is Kind.TEXT_CHILD:
            columns.append(Column(prefix + fplan.xml, steps, fplan, codelist_path=f"//iati-activity/{sub}/text()"))
        else:
            assert fplan.cls is not None
            columns.extend(_columns(fplan.cls, f"{prefix}{fplan.xml}/", (*steps, fplan), sub))
    return columns


def _tables_below(cls: type[Node], parent: str | None, pattern: tuple[Segment, ...],
                  steps: tuple[FieldPlan, ...], xpath: str, out: list[Table]) -> None:
    """Append the tables of the repeated elements found below a row node of class ``cls``."""
    for fplan in plan_for(cls).children:
        sub = f"{xpath}/{fplan.xml}" if xpath else fplan.xml
        if not fplan.many and fplan.kind is Kind.CHILD:
            assert fplan.cls is not None
            _tables_below(fplan.cls, parent, (*pattern, Segment(fplan.xml, False)), (*steps, fplan), sub, out)
            continue
        if not fplan.many and fplan.kind is not Kind.NARRATIVES:
            continue  # a 0..1 text child: a column of the row
        own = (*pattern, Segment(fplan.xml, True))
        keys = (ACTIVITY, "path")
        if fplan.kind is Kind.NARRATIVES:
            lang = Column(attr_header(XML_LANG, own=True), (), None, nullable=False)
            out.append(Table("", TableKind.NARRATIVE, sub, own, parent, steps, fplan, None, keys,
                             (lang, Column("text()", (), None, nullable=False))))
        elif fplan.kind is Kind.TEXT_CHILD:
            out.append(Table("", TableKind.TEXT, sub, own, parent, steps, fplan, None, keys,
                             (Column("text()", (), fplan, nullable=False),)))
        else:
            assert fplan.cls is not None
            index = len(out)
            out.append(Table("", TableKind.ELEMENT, sub, own, parent, steps, fplan, fplan.cls, keys,
                             tuple(_columns(fplan.cls, "", (), sub))))
            _tables_below(fplan.cls, f"#{index}", own, (), sub, out)


def _names(tables: list[Table]) -> list[str]:
    """Short unique names: the shortest tail of the XML path no other table's path ends with.

    ``result/indicator/period`` is ``period``, ``transaction/sector`` stays ``transaction.sector``
    because ``sector`` alone is the activity's. A name still over Excel's 31 characters has its
    leading element names shortened to their initials (``document-link`` → ``dl``).
    """
    chains = [t.xpath.split("/") for t in tables]
    names: list[str] = []
    for chain in chains:
        for size in range(1, len(chain) + 1):
            tail = chain[-size:]
            clash = any(other != chain and other[-size:] == tail for other in chains)
            if not clash or size == len(chain):
                break
        parts = list(tail)
        index = 0
        while len(".".join(parts)) > SHEET_NAME_LIMIT and index < len(parts) - 1:
            parts[index] = _short(parts[index])
            index += 1
        names.append(".".join(parts))
    if len(set(names)) != len(names) or any(len(n) > SHEET_NAME_LIMIT for n in names):
        raise AssertionError(f"the generated table names are not unique or too long: {names}")
    return names


def _short(tag: str) -> str:
    return "".join(word[0] for word in tag.split("-")) if "-" in tag else tag[:4]


@cache
def layout() -> Layout:
    """The layout for the current model (built once per process)."""
    found: list[Table] = []
    _tables_below(Activity, ACTIVITY, (), (), "", found)
    names = _names(found)
    fixed_names = {f"#{i}": name for i, name in enumerate(names)}
    tables = [
        Table(ACTIVITY, TableKind.ACTIVITY, "", (), None, (), None, Activity, (ACTIVITY,),
              tuple(_columns(Activity, "", (), ""))),
    ]
    for table, name in zip(found, names, strict=True):
        parent = fixed_names.get(table.parent or "", table.parent)
        tables.append(Table(name, table.kind, table.xpath, table.pattern, parent, table.steps, table.field,
                            table.cls, table.keys, table.columns))
    tables.append(Table(EXTRAS, TableKind.EXTRAS, "", (), None, (), None, None,
                        (ACTIVITY, "path", "kind", "name", "value"), ()))
    tables.append(Table(FILE, TableKind.FILE, "", (), None, (), None, None, ("kind", "name", "value"), ()))
    by_name = {t.name: t for t in tables}
    if len(by_name) != len(tables):
        raise AssertionError("a generated table name clashes with a fixed one")
    for table in tables:  # own attributes carry no "@": an attribute must never share a child's header
        if len(set(table.headers)) != len(table.headers):
            raise AssertionError(f"table {table.name} has repeated column headers: {table.headers}")
    return Layout(tuple(tables), by_name)
