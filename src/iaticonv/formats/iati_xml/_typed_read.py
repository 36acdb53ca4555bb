"""lxml element → model node, driven by the model's metadata plans (one generic mapper for every class).

The rule that keeps this lossless: a child element becomes a typed field only if the field can hold it
*exactly*; anything else (an element or attribute the model does not know, a comment, a second copy of a
0..1 element, a narrative with an unusual attribute, mixed content) is kept verbatim as serialized XML
in ``Node.extras``, and ``Node.order`` records the input order whenever the writer's XSD order would
not reproduce it.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ...model import EXTRA_KEY, STR, XML_LANG, Kind, Node, exact_parser, plan_for
from ...model._meta import _PLANS  # the plan cache itself: one dict lookup per node on the hot path

__all__ = ["element_to_node", "raw_xml"]

_CHILD = Kind.CHILD
_NARRATIVES = Kind.NARRATIVES


def raw_xml(element: Any) -> str:
    """The exact serialization of one node (element, comment or PI) without its tail.

    lxml repeats every namespace declared on the ancestors; a copy with the unused ones cleaned
    away keeps the verbatim text down to what the node itself needs.
    """
    if isinstance(element.tag, str) and element.nsmap:
        element = element.__copy__()  # what copy.deepcopy calls, without its dispatch (a hot path)
        etree.cleanup_namespaces(element)
    return etree.tostring(element, encoding="unicode", with_tail=False)


# What the hot loop needs about a class, as plain tuples and dicts (no attribute lookups per element):
# attributes {xml name: (field, parser or None for plain strings)}, the text field and its parser, and
# children {tag: (field, kind code, class or parser, many, XSD index)}.
_NODE, _NARR, _TEXT = range(3)
_Attrs = dict[str, tuple[str, Any]]
_Tags = dict[str, tuple[str, int, Any, bool, int]]
_TABLES: dict[type[Node], tuple[_Attrs, tuple[str, Any] | None, _Tags]] = {}


def _tables(cls: type[Node]) -> tuple[_Attrs, tuple[str, Any] | None, _Tags]:
    plan = _PLANS.get(cls) or plan_for(cls)
    attrs = {f.xml: (f.name, None if f.scalar is STR else exact_parser(f.scalar)) for f in plan.attrs}
    text = (plan.text.name, exact_parser(plan.text.scalar)) if plan.text is not None else None
    tags: _Tags = {}
    for f in plan.children:
        code = _NODE if f.kind is _CHILD else _NARR if f.kind is _NARRATIVES else _TEXT
        tags[f.xml] = (f.name, code, f.cls if code == _NODE else exact_parser(f.scalar), f.many, f.index)
    _TABLES[cls] = result = (attrs, text, tags)
    return result


def element_to_node(element: Any, cls: type[Node], *, top: bool = False) -> Node | None:
    """Map ``element`` to an instance of ``cls``; None when the class cannot hold it exactly.

    ``top`` (the activity itself) never returns None: stray text directly inside ``iati-activity``
    has no place in IATI and is dropped there only. This is the reader's hot loop, hence one
    function with the per-kind cases inlined and per-class tables (every call and every lxml
    proxy counts).
    """
    attrs, text_field, tags = _TABLES.get(cls) or _tables(cls)
    node = cls()
    for name, raw in element.items():
        target = attrs.get(name)
        if target is None:
            node.extra_attrs[name] = raw
        elif target[1] is None:
            setattr(node, target[0], raw)
        else:
            setattr(node, target[0], target[1](raw))
    content = element.text
    if text_field is not None:
        if content is not None:
            setattr(node, text_field[0], text_field[1](content))
    elif content is not None and not top and not content.isspace():
        return None
    if not len(element):  # a leaf (most elements): no child loop to set up
        return node
    keys: list[str] = []
    last = -1
    seen_extra = False
    needs_order = False
    for sub in element:
        if not top:
            tail = sub.tail
            if tail is not None and not tail.isspace():
                return None
        tag = sub.tag
        entry = tags.get(tag) if tag.__class__ is str else None
        if entry is not None:
            name, code, how, many, index = entry
            value: Any = None
            if code == _NODE:
                value = element_to_node(sub, how)
            elif code == _NARR:
                store = getattr(node, name)
                if not len(sub):
                    items = sub.items()
                    if not items:
                        lang: str | None = ""
                    elif len(items) == 1 and items[0][0] == XML_LANG and items[0][1]:
                        lang = items[0][1]
                    else:  # another attribute, or xml:lang="" (kept verbatim to stay distinct from none)
                        lang = None
                    if lang is not None and lang not in store:
                        store[lang] = sub.text or ""
                        value = store
            elif not len(sub) and not sub.items():  # a text-only child: no attributes, no children
                value = how(sub.text or "")
            if value is not None and code != _NARR:
                if many:
                    getattr(node, name).append(value)
                elif getattr(node, name) is None:
                    setattr(node, name, value)
                else:
                    value = None  # a repeated 0..1 element: the second copy is carried verbatim
            if value is not None:
                keys.append(name)
                if index < last or seen_extra:
                    needs_order = True
                last = index
                continue
        node.extras.append(raw_xml(sub))
        keys.append(EXTRA_KEY)
        seen_extra = True
    if needs_order:
        node.order = keys
    return node
