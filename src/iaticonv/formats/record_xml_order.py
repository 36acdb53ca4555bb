"""The children of a record that carries an ``order`` hint, written in that order (see :mod:`.record_xml`).

Few records have one (an input whose children were not in XSD order, or with extras between
them), so this is plain Python rather than generated code; it follows the typed writer's
``_write_in_order`` step by step: the hinted children first, ``"+"`` taking the next verbatim
extra, then whatever the hint did not cover in XSD order, then the remaining extras.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import Kind
from ..model._meta import EXTRA_KEY
from .iati_xml_write import NamespaceContext

__all__ = ["OrderSpec", "write_in_order"]

# Per child field: (record key, kind, many, XML tag, text of a scalar value, writer of a child record)
ChildSpec = tuple[str, Kind, bool, str, Callable[[Any], str], Any]
# (the field names an order may hold, the child fields, how to escape an attribute value and a text)
OrderSpec = tuple[frozenset[str], tuple[ChildSpec, ...], Callable[[str], str], Callable[[str], str]]


class _Decline(Exception):
    pass


def _items(value: Any, kind: Kind, many: bool, text_of: Callable[[Any], str]) -> list[Any]:
    """The items of one field, checked as the fast path checks them (``decline`` on anything else)."""
    if value is None:
        return []
    if kind is Kind.NARRATIVES:
        if type(value) is not dict or not all(type(v) is str for v in value.values()):
            raise _Decline
        return list(value.items())
    if many and type(value) is not list:
        raise _Decline
    items = value if many else [value]
    return items if kind is Kind.CHILD else [text_of(item) for item in items]


def write_in_order(d: dict[str, Any], order: Any, extras: list[str] | None, out: list[str], ns: NamespaceContext,
                   q: bool, spec: OrderSpec, pad: str, decline: type[Exception]) -> None:
    """Append the children of record ``d`` following ``order``; ``decline`` is raised on anything wrong."""
    names, children, escape_attr, escape_text = spec
    if type(order) is not list:
        raise decline
    for key in order:
        if key != EXTRA_KEY and (type(key) is not str or key not in names):
            raise decline
    try:
        pending = {field: _items(d.get(field), kind, many, text_of) for field, kind, many, _, text_of, _ in children}
    except _Decline:
        raise decline from None
    by_name = {child[0]: child for child in children}
    used = dict.fromkeys(pending, 0)
    extras = extras or []
    next_extra = 0

    def emit(field: str, item: Any) -> None:
        _, kind, _, tag, _, write = by_name[field]
        if kind is Kind.CHILD:
            write(item, out, ns, q)  # writes its own indentation
        elif kind is Kind.NARRATIVES:
            lang, content = item
            start = f'<narrative xml:lang="{escape_attr(lang)}">' if lang else "<narrative>"
            out.append(f"{pad}{start}{escape_text(content)}</narrative>")
        else:
            out.append(f"{pad}<{tag}>{escape_text(item)}</{tag}>")

    for key in order:
        if key == EXTRA_KEY:
            if next_extra < len(extras):
                out.append(pad + extras[next_extra])
                next_extra += 1
            continue
        items = pending.get(key)
        if items is None or used[key] >= len(items):
            continue
        emit(key, items[used[key]])
        used[key] += 1
    for field, *_ in children:
        for item in pending[field][used[field]:]:
            emit(field, item)
    out.extend(pad + extra for extra in extras[next_extra:])
