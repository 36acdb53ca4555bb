"""Table rows → Activity (the reading half): paths find parents, numbers give order, cells are checked.

Rows arrive already grouped by activity. Tables are visited in layout order, parents before their
children, so every row's parent row has been built when the row is read; a row whose parent does not
exist, a path that does not fit its table, a repeated position or a value that is not a valid number,
date or boolean is an :class:`InputError` naming the sheet (or CSV file), the row and the column.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from ...errors import InputError
from ...model import Activity, FieldPlan, FileHeader, Kind, Node, plan_for
from ._cells import KEEP, decode, is_lexical
from ._paths import PathError, Step, decode_order, fit_order, parse_path
from .layout import EXTRAS, Column, Layout, Table, TableKind

__all__ = ["Builder", "SourceRow"]


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One data row: its number as the spreadsheet shows it, and its cells in ``table.headers`` order."""

    number: int
    cells: tuple[str | None, ...]


class Builder:
    """Builds activities and the file header from rows; ``where(table)`` names a sheet or CSV file."""

    def __init__(self, layout: Layout, where: Callable[[str], str]) -> None:
        self.layout = layout
        self.where = where
        self._element_tables = [t for t in layout.tables
                                if t.kind in (TableKind.ELEMENT, TableKind.NARRATIVE, TableKind.TEXT)]

    def error(self, table: Table, row: SourceRow | None, column: str | None, message: str,
              hint: str | None = None) -> InputError:
        return InputError(message, file=self.where(table.name), row=row.number if row else None,
                          column=column, hint=hint)

    # -- the file header ---------------------------------------------------------------------------
    def header(self, table: Table, rows: Sequence[SourceRow]) -> FileHeader:
        header = FileHeader(version=None)
        for row in rows:
            kind, name, value = row.cells[0], decode(row.cells[1]), decode(row.cells[2], nullable=False) or ""
            if kind == "namespace":
                header.nsmap[name or ""] = value
            elif kind == "attribute" and name:
                if name in ("version", "generated-datetime", "linked-data-default"):
                    setattr(header, name.replace("-", "_"), value)
                else:
                    header.extra_attrs[name] = value
            else:
                raise self.error(table, row, "kind", f"unknown kind {kind!r} (or no name)",
                                 hint="kind is 'attribute' (with a name) or 'namespace'")
        return header

    # -- one activity -------------------------------------------------------------------------------
    def activity(self, table: Table, row: SourceRow, rows: dict[str, list[SourceRow]]) -> Activity:
        activity = Activity()
        self._fill(table, row, activity, 1)
        index: dict[tuple[Step, ...], Node] = {(): activity}
        for child in self._element_tables:
            child_rows = rows.get(child.name)
            if child_rows:
                self._table(child, child_rows, index)
        extra_rows = rows.get(EXTRAS)
        if extra_rows:
            self._extras(self.layout.by_name[EXTRAS], extra_rows, index)
        return activity

    def _fill(self, table: Table, row: SourceRow, node: Node, first: int) -> None:
        cells = row.cells
        for offset, column in enumerate(table.columns):
            raw = cells[first + offset]
            if raw is None:
                continue
            value = self._value(table, row, column, raw)
            if value is None:
                continue
            holder = _descend(node, column.steps)
            assert column.field is not None
            setattr(holder, column.field.name, value)

    def _value(self, table: Table, row: SourceRow, column: Column, raw: str) -> Any:
        text = decode(raw, nullable=column.nullable)
        if text is None or not column.typed:
            return text
        assert column.field is not None
        scalar = column.field.scalar
        if text.startswith(KEEP):
            return text[1:]
        if not is_lexical(scalar, text):
            raise self.error(table, row, column.header, f"{text!r} is not a valid {scalar.name}",
                             hint=f"write a {scalar.name} (e.g. {_EXAMPLES[scalar.name]}); to keep a value "
                                  f"exactly as typed, start it with {KEEP}")
        return scalar.parse(text)

    def _path(self, table: Table, row: SourceRow) -> tuple[Step, ...]:
        try:
            steps = parse_path(row.cells[1])
        except PathError as exc:
            raise self.error(table, row, "path", str(exc)) from None
        pattern = table.pattern
        fits = len(steps) == len(pattern) and all(
            tag == seg.tag and (number is not None) == seg.repeated
            for (tag, number), seg in zip(steps, pattern, strict=True))
        if not fits:
            raise self.error(table, row, "path", f"{row.cells[1]!r} is not a path of this table",
                             hint=f"paths here look like {table.pattern_text!r}")
        return steps

    def _table(self, table: Table, rows: list[SourceRow], index: dict[tuple[Step, ...], Node]) -> None:
        field = table.field
        assert field is not None
        depth = len(table.pattern) - 1 - len(table.steps)
        groups: dict[int, tuple[Any, list[tuple[int, SourceRow, Any]]]] = {}
        for row in rows:
            steps = self._path(table, row)
            parent = index.get(steps[:depth])
            if parent is None:
                raise self.error(table, row, "path",
                                 f"no row for its parent {_show(steps[:depth])!r} in {table.parent}",
                                 hint="add the parent row first, or correct the path")
            holder = _descend(parent, table.steps)
            item = self._item(table, row, field)
            if table.kind is TableKind.ELEMENT:
                index[steps] = item
            position = steps[-1][1]
            assert position is not None
            groups.setdefault(id(holder), (holder, []))[1].append((position, row, item))
        for holder, items in groups.values():
            items.sort(key=lambda entry: (entry[0], entry[1].number))
            for (pos_a, _row_a, _), (pos_b, row_b, _) in pairwise(items):
                if pos_a == pos_b:
                    raise self.error(table, row_b, "path", f"position {pos_b} is already used by another row",
                                     hint="give each row under one parent its own number")
            if table.kind is TableKind.NARRATIVE:
                store: dict[str, str] = {}
                for _pos, row, (lang, text) in items:
                    if lang in store:
                        raise self.error(table, row, "xml:lang", f"a second narrative in language {lang!r}",
                                         hint="one narrative per language under one element")
                    store[lang] = text
                setattr(holder, field.name, store)
            else:
                setattr(holder, field.name, [entry[2] for entry in items])

    def _item(self, table: Table, row: SourceRow, field: Any) -> Any:
        if table.kind is TableKind.NARRATIVE:
            return decode(row.cells[2], nullable=False) or "", decode(row.cells[3], nullable=False) or ""
        if table.kind is TableKind.TEXT:
            value = self._value(table, row, table.columns[0], row.cells[2] or "")
            return "" if value is None else value
        assert table.cls is not None
        node = table.cls()
        self._fill(table, row, node, 2)
        return node

    # -- extras ------------------------------------------------------------------------------------
    def _extras(self, table: Table, rows: list[SourceRow], index: dict[tuple[Step, ...], Node]) -> None:
        entries: list[list[Any]] = []
        for row in rows:
            kind, name = row.cells[2], decode(row.cells[3])
            value = decode(row.cells[4], nullable=False) or ""
            if kind == "more":
                if not entries:
                    raise self.error(table, row, "kind", "a 'more' row must follow the row it continues")
                entries[-1][3] += value
                continue
            if kind not in ("attribute", "xml", "order", "element"):
                raise self.error(table, row, "kind", f"unknown kind {kind!r}",
                                 hint="kind is attribute, xml, order, element or more")
            if kind == "attribute" and not name:
                raise self.error(table, row, "name", "an attribute row needs the attribute's name")
            entries.append([self._resolve(table, row, index), kind, name, value, row])
        ordered: list[Node] = []
        for node, kind, name, value, row in entries:
            if kind == "attribute":
                node.extra_attrs[name] = value
            elif kind == "xml":
                node.extras.append(value)
            elif kind == "order":
                try:
                    node.order = decode_order(type(node), value)
                except PathError as exc:
                    raise self.error(table, row, "value", str(exc)) from None
                ordered.append(node)
        for node in ordered:
            node.order = fit_order(node)

    def _resolve(self, table: Table, row: SourceRow, index: dict[tuple[Step, ...], Node]) -> Node:
        try:
            steps = parse_path(row.cells[1])
        except PathError as exc:
            raise self.error(table, row, "path", str(exc)) from None
        node: Any = index[()]
        for depth, (tag, number) in enumerate(steps, 1):
            if number is not None:
                node = index.get(steps[:depth])
                if node is None:
                    raise self.error(table, row, "path", f"no row for {_show(steps[:depth])!r}")
                continue
            fplan = plan_for(type(node)).by_tag.get(tag)
            if fplan is None or fplan.kind is not Kind.CHILD or fplan.many:
                raise self.error(table, row, "path", f"{tag!r} is not a single child element here")
            node = _descend(node, (fplan,))
        return node  # type: ignore[no-any-return]


def _show(steps: tuple[Step, ...]) -> str:
    return " / ".join(tag if number is None else f"{tag} {number}" for tag, number in steps)


_EXAMPLES = {"decimal": "1234.56", "integer": "2", "boolean": "true or false", "date": "2024-03-31",
             "datetime": "2024-03-31T12:00:00"}


def _descend(node: Any, steps: tuple[FieldPlan, ...]) -> Any:
    """Follow 0..1 child fields from ``node``, creating each missing child on the way (a cell of
    ``value/@currency`` needs a ``value`` even when no other cell of it was filled)."""
    holder = node
    for step in steps:
        sub = getattr(holder, step.name)
        if sub is None:
            assert step.cls is not None
            sub = step.cls()
            setattr(holder, step.name, sub)
        holder = sub
    return holder
