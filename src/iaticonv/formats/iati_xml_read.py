"""lxml element → model node, driven by the model's metadata plans (one generic mapper for every class).

The rule that keeps this lossless: a child element becomes a typed field only if the field can hold it
*exactly*; anything else (an element or attribute the model does not know, a comment, a second copy of a
0..1 element, a narrative with an unusual attribute, mixed content) is kept verbatim as serialized XML
in ``Node.extras``, and ``Node.order`` records the input order whenever the writer's XSD order would
not reproduce it.
"""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

from ..model._meta import _PLANS, EXTRA_KEY, XML_LANG, FieldPlan, Kind, Node, plan_for
from ..model._scalars import STR

__all__ = ["element_to_node", "raw_xml"]

_CHILD = Kind.CHILD
_NARRATIVES = Kind.NARRATIVES


def raw_xml(element: Any) -> str:
    """The exact serialization of one node (element, comment or PI) without its tail.

    lxml repeats every namespace declared on the ancestors; a copy with the unused ones cleaned
    away keeps the verbatim text down to what the node itself needs.
    """
    if isinstance(element.tag, str) and element.nsmap:
        element = copy.deepcopy(element)
        etree.cleanup_namespaces(element)
    return etree.tostring(element, encoding="unicode", with_tail=False)


def element_to_node(element: Any, cls: type[Node], *, top: bool = False) -> Node | None:
    """Map ``element`` to an instance of ``cls``; None when the class cannot hold it exactly.

    ``top`` (the activity itself) never returns None: stray text directly inside ``iati-activity``
    has no place in IATI and is dropped there only. This is the reader's hot loop, hence one
    function with the per-kind cases inlined (every call and every lxml proxy counts).
    """
    plan = _PLANS.get(cls) or plan_for(cls)
    node = cls()
    by_attr = plan.by_attr
    for name, value in element.items():
        fplan = by_attr.get(name)
        if fplan is None:
            node.extra_attrs[name] = value
        elif fplan.scalar is STR:
            setattr(node, fplan.name, value)
        else:
            setattr(node, fplan.name, fplan.scalar.parse(value))
    content = element.text
    if plan.text is not None:
        if content is not None:
            setattr(node, plan.text.name, plan.text.scalar.parse(content))
    elif content is not None and not top and not content.isspace():
        return None
    by_tag = plan.by_tag
    keys: list[str] = []
    last = -1
    seen_extra = False
    needs_order = False
    for sub in element:
        tail = sub.tail
        if tail is not None and not top and not tail.isspace():
            return None
        tag = sub.tag
        fplan = by_tag.get(tag) if isinstance(tag, str) else None
        if fplan is not None and _take(node, fplan, sub):
            keys.append(fplan.name)
            if fplan.index < last or seen_extra:
                needs_order = True
            last = fplan.index
        else:
            node.extras.append(raw_xml(sub))
            keys.append(EXTRA_KEY)
            seen_extra = True
    if needs_order:
        node.order = keys
    return node


def _take(node: Node, fplan: FieldPlan, sub: Any) -> bool:
    """Put ``sub`` into ``fplan``'s field; False when that field cannot hold it exactly."""
    kind = fplan.kind
    if kind is _CHILD:
        value: Any = element_to_node(sub, fplan.cls)  # type: ignore[arg-type]
        if value is None:
            return False
    elif kind is _NARRATIVES:
        if len(sub):
            return False
        items = sub.items()
        if not items:
            lang = ""
        elif len(items) == 1 and items[0][0] == XML_LANG and items[0][1]:
            lang = items[0][1]
        else:  # another attribute, or xml:lang="" (kept verbatim to stay distinct from none)
            return False
        store = getattr(node, fplan.name)
        if lang in store:
            return False
        store[lang] = sub.text or ""
        return True
    else:  # TEXT_CHILD: no attributes, no children
        if len(sub) or sub.items():
            return False
        value = fplan.scalar.parse(sub.text or "")
    if fplan.many:
        getattr(node, fplan.name).append(value)
        return True
    if getattr(node, fplan.name) is not None:
        return False  # a repeated 0..1 element: the second copy is carried verbatim
    setattr(node, fplan.name, value)
    return True
