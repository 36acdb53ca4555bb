"""Activity → table rows, following the generated layout (the writing half of the tables format).

Each row node (the activity, a transaction, a period, …) gives one row of its table, then its
verbatim leftovers go to ``extras``, then the rows of its repeated children are emitted with their
path. Nothing here knows an IATI element by name: the walk is the layout's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ...model import Activity, FileHeader, Kind, Node, plan_for
from ._cells import encode, encode_typed
from ._labels import Labeller, label_header
from ._paths import encode_order, join
from .layout import ACTIVITY, EXTRAS, FILE, Column, Layout, Table, TableKind

__all__ = ["CHUNK", "Flattener", "Row"]

Row = list[str | None]
Cell = Callable[[Any], str | None]
CHUNK = 32000  # longest text put in one extras cell (Excel keeps at most 32,767 characters)


def _follow(node: Any, steps: tuple[Any, ...]) -> Any:
    for step in steps:
        if node is None:
            return None
        node = getattr(node, step.name)
    return node


def _value_cell(column: Column) -> Cell:
    field = column.field
    assert field is not None
    name, scalar, steps = field.name, field.scalar, column.steps
    typed = column.typed

    def cell(node: Any) -> str | None:
        holder = _follow(node, steps)
        if holder is None:
            return None
        value = getattr(holder, name)
        if typed:
            return encode_typed(scalar, value)
        return encode(value)

    return cell


def _label_cell(column: Column, label: Callable[[Any, str | None], str | None]) -> Cell:
    field = column.field
    assert field is not None
    name, steps = field.name, column.steps

    def cell(node: Any) -> str | None:
        holder = _follow(node, steps)
        return None if holder is None else encode(label(holder, getattr(holder, name)))

    return cell


class Flattener:
    """Turns activities into rows; ``headers[table]`` are the column headers it writes."""

    def __init__(self, layout: Layout, labeller: Labeller) -> None:
        self.layout = layout
        self.headers: dict[str, list[str]] = {}
        self._cells: dict[str, list[Cell]] = {}
        self._children = {t.name: layout.children_of(t.name) for t in layout.tables}
        for table in layout.tables:
            headers = list(table.keys)
            cells: list[Cell] = []
            if table.kind in (TableKind.ACTIVITY, TableKind.ELEMENT):
                for column in table.columns:
                    headers.append(column.header)
                    cells.append(_value_cell(column))
                    if labeller.has_label(column):
                        headers.append(label_header(column.header))
                        cells.append(_label_cell(column, labeller.labeller(column)))
            else:
                headers.extend(c.header for c in table.columns)
            self.headers[table.name] = headers
            self._cells[table.name] = cells
        self._activity = layout.by_name[ACTIVITY]
        self._extras = layout.by_name[EXTRAS]
        self._file = layout.by_name[FILE]

    def header_rows(self, header: FileHeader) -> Iterator[tuple[Table, Row]]:
        """The ``file`` table: the root's attributes and namespace declarations."""
        named = (("version", header.version), ("generated-datetime", header.generated_datetime),
                 ("linked-data-default", header.linked_data_default), *header.extra_attrs.items())
        for name, value in named:
            if value is not None:
                yield self._file, ["attribute", name, encode(value)]
        for prefix, uri in header.nsmap.items():
            yield self._file, ["namespace", prefix or None, encode(uri)]

    def rows(self, activity: Activity, key: str) -> Iterator[tuple[Table, Row]]:
        """Every row of one activity, in document order within each table."""
        # the key is guarded like any value (an identifier may start with '='); rows are linked by
        # the cell text, so the reader compares keys exactly as written
        yield from self._node_rows(self._activity, activity, "", encode(key, nullable=False) or key)

    def _node_rows(self, table: Table, node: Node, path: str, key: str) -> Iterator[tuple[Table, Row]]:
        keys: Row = [key] if table.kind is TableKind.ACTIVITY else [key, path]
        yield table, keys + [cell(node) for cell in self._cells[table.name]]
        yield from self._extra_rows(node, path, key, hollow_check=False)
        for child in self._children[table.name]:
            holder = _follow(node, child.steps)
            if holder is None:
                continue
            base = path
            for step in child.steps:
                base = join(base, step.xml)
            field = child.field
            assert field is not None
            items = getattr(holder, field.name)
            tag = field.xml
            if child.kind is TableKind.NARRATIVE:
                for index, (lang, text) in enumerate(items.items(), 1):
                    yield child, [key, join(base, f"{tag} {index}"), encode(lang, nullable=False),
                                  encode(text, nullable=False)]
            elif child.kind is TableKind.TEXT:
                typed = field.scalar.python_type is not str
                for index, item in enumerate(items, 1):
                    text = encode_typed(field.scalar, item) if typed else encode(item, nullable=False)
                    yield child, [key, join(base, f"{tag} {index}"), text]
            else:
                for index, item in enumerate(items, 1):
                    yield from self._node_rows(child, item, join(base, f"{tag} {index}"), key)

    def _extra_rows(self, node: Node, path: str, key: str, *, hollow_check: bool) -> Iterator[tuple[Table, Row]]:
        """What the typed columns cannot say about ``node`` and its 0..1 children."""
        extras = self._extras
        for name, value in node.extra_attrs.items():
            yield from self._chunked(extras, [key, path or None, "attribute", name], value)
        for xml in node.extras:
            yield from self._chunked(extras, [key, path or None, "xml", None], xml)
        if node.order is not None:
            yield from self._chunked(extras, [key, path or None, "order", None],
                                     encode_order(type(node), node.order))
        plan = plan_for(type(node))
        if hollow_check and _hollow(node, plan):
            yield extras, [key, path or None, "element", None, None]
        for fplan in plan.children:
            if fplan.kind is Kind.CHILD and not fplan.many:
                sub = getattr(node, fplan.name)
                if sub is not None:
                    yield from self._extra_rows(sub, join(path, fplan.xml), key, hollow_check=True)

    @staticmethod
    def _chunked(table: Table, head: Row, value: str) -> Iterator[tuple[Table, Row]]:
        yield table, [*head, encode(value[:CHUNK], nullable=False)]
        for start in range(CHUNK, len(value), CHUNK):
            yield table, [head[0], head[1], "more", None, encode(value[start:start + CHUNK], nullable=False)]


def _hollow(node: Node, plan: Any) -> bool:
    """True when no column, row or extra would show that this 0..1 element is present."""
    if node.extra_attrs or node.extras or node.order is not None:
        return False
    for fplan in plan.attrs:
        if getattr(node, fplan.name) is not None:
            return False
    if plan.text is not None and getattr(node, plan.text.name) is not None:
        return False
    for fplan in plan.children:
        value = getattr(node, fplan.name)
        if (len(value) if fplan.many or fplan.kind is Kind.NARRATIVES else value is not None):
            return False
    return True
