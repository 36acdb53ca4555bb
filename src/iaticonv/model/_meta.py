"""The metadata that makes the model self-describing, and the per-class plans built from it.

Every field of a model dataclass declares, in ``dataclasses.field(metadata=...)``, how it appears in
IATI XML: an attribute, the element's own text, its ``narrative`` children, a child element of another
model class, or a child element holding only text. One generic reader, one writer, the JSON/YAML
codec, the JSON Schema generator and the tables format all walk this metadata instead of carrying
hand-written code per element, so they cannot drift apart. ``plan_for(cls)`` turns a class's
metadata into lookup tables once and caches them, which is what keeps the generic code fast.

The field declaration order of child fields IS the XSD sequence order: the writer emits children in
that order unless a node carries an ``order`` hint from an input that used another order.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Any

from ._scalars import STR, Scalar

__all__ = [
    "XML_LANG",
    "ClassPlan",
    "FieldPlan",
    "Kind",
    "Node",
    "attr",
    "child",
    "children",
    "narratives",
    "plan_for",
    "text",
    "text_child",
    "text_children",
]

XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
EXTRA_KEY = "+"  # the order-hint entry for the next item of ``Node.extras``


class Kind(enum.Enum):
    """How a field is spelled in XML."""

    ATTR = "attribute"
    TEXT = "text"  # the element's own text content
    NARRATIVES = "narratives"  # <narrative xml:lang=".."> children → {lang: text}
    CHILD = "child"  # a child element mapped to another model class
    TEXT_CHILD = "text-child"  # a child element with text only (e.g. <email>)


@dataclass(frozen=True, slots=True)
class FieldMeta:
    kind: Kind
    xml: str = ""
    scalar: Scalar = STR
    cls: type[Node] | None = None
    many: bool = False


def _meta(kind: Kind, xml: str = "", scalar: Scalar = STR, cls: type[Node] | None = None,
          many: bool = False) -> dict[str, FieldMeta]:
    return {"iati": FieldMeta(kind=kind, xml=xml, scalar=scalar, cls=cls, many=many)}


def attr(xml: str, scalar: Scalar = STR) -> Any:
    """An XML attribute (``xml`` is its name, ``{ns}local`` for a namespaced one)."""
    return field(default=None, metadata=_meta(Kind.ATTR, xml, scalar))


def text(scalar: Scalar = STR) -> Any:
    """The element's own text content."""
    return field(default=None, metadata=_meta(Kind.TEXT, "", scalar))


def narratives() -> Any:
    """``narrative`` children as {language: text}; the key ``""`` means "no xml:lang"."""
    return field(default_factory=dict, metadata=_meta(Kind.NARRATIVES, "narrative"))


def child(xml: str, cls: type[Node]) -> Any:
    """At most one child element of class ``cls``."""
    return field(default=None, metadata=_meta(Kind.CHILD, xml, cls=cls))


def children(xml: str, cls: type[Node]) -> Any:
    """Repeated child elements of class ``cls``, in document order."""
    return field(default_factory=list, metadata=_meta(Kind.CHILD, xml, cls=cls, many=True))


def text_child(xml: str, scalar: Scalar = STR) -> Any:
    """At most one child element that holds only text."""
    return field(default=None, metadata=_meta(Kind.TEXT_CHILD, xml, scalar))


def text_children(xml: str, scalar: Scalar = STR) -> Any:
    """Repeated text-only child elements."""
    return field(default_factory=list, metadata=_meta(Kind.TEXT_CHILD, xml, scalar, many=True))


@dataclass(slots=True, kw_only=True)
class Node:
    """Base of every model element: what the typed fields cannot hold is kept here, verbatim.

    ``extra_attrs`` maps attribute names the model does not type ({namespace}local for namespaced
    ones) to their exact values. ``extras`` holds child nodes the model does not type (elements of
    other namespaces, future elements, comments, or a known element whose content the typed
    fields could not represent exactly) as serialized XML strings, in document order. ``order`` is
    only set when the input's child order is not the XSD order (or extras sit between children): it
    lists, per child, the field name (or ``"+"`` for the next extra), so the writer can reproduce it.
    """

    extra_attrs: dict[str, str] = field(default_factory=dict)
    extras: list[str] = field(default_factory=list)
    order: list[str] | None = None


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """One typed field, resolved: Python name, XML name, kind, scalar, child class, position."""

    name: str
    xml: str
    kind: Kind
    scalar: Scalar
    cls: type[Node] | None
    many: bool
    index: int  # position among the child fields (XSD order); -1 for attributes/text


@dataclass(frozen=True, slots=True)
class ClassPlan:
    """Everything the generic mapper needs about one model class, computed once."""

    cls: type[Node]
    attrs: tuple[FieldPlan, ...]
    text: FieldPlan | None
    children: tuple[FieldPlan, ...]  # NARRATIVES, CHILD and TEXT_CHILD fields in XSD order
    by_attr: dict[str, FieldPlan]
    by_tag: dict[str, FieldPlan]
    by_name: dict[str, FieldPlan]
    fields: tuple[FieldPlan, ...]  # attributes, text, children: the record's key order


_PLANS: dict[type[Node], ClassPlan] = {}


def plan_for(cls: type[Node]) -> ClassPlan:
    """The cached plan of a model class."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _build_plan(cls)
        _PLANS[cls] = plan
    return plan


def _build_plan(cls: type[Node]) -> ClassPlan:
    attrs: list[FieldPlan] = []
    kids: list[FieldPlan] = []
    text_field: FieldPlan | None = None
    for f in dataclasses.fields(cls):
        meta = f.metadata.get("iati")
        if meta is None:
            continue
        index = len(kids) if meta.kind in (Kind.NARRATIVES, Kind.CHILD, Kind.TEXT_CHILD) else -1
        plan = FieldPlan(f.name, meta.xml, meta.kind, meta.scalar, meta.cls, meta.many, index)
        if meta.kind is Kind.ATTR:
            attrs.append(plan)
        elif meta.kind is Kind.TEXT:
            text_field = plan
        else:
            kids.append(plan)
    every = [*attrs, *kids, *((text_field,) if text_field else ())]
    return ClassPlan(
        cls=cls,
        attrs=tuple(attrs),
        text=text_field,
        children=tuple(kids),
        by_attr={p.xml: p for p in attrs},
        by_tag={p.xml: p for p in kids},
        by_name={p.name: p for p in every},
        fields=(*attrs, *((text_field,) if text_field else ()), *kids),
    )
