"""IATI XML → record: the compiled walk where it is built, driven by plans built from the model.

The mapping is defined once, by the typed path: the model's metadata plans (:func:`~iaticonv.model.plan_for`)
read by :func:`._typed_read.element_to_node` and :func:`..records.record.node_to_record`. The fast path is
:mod:`._xml_record_native` (optional, see setup.py), a C walk over libxml2's nodes that writes the
record's JSON line. It interprets the plans this module builds from the same metadata, and hands any
element it does not handle to the typed mapper of that element's class, whose record stands in its
place. Where the walk is not built (or ``IATICONV_PURE_PYTHON`` is set) the typed path does all the work.

Why a compiled walk over plans, and no generated Python: only the walk reaches the speed wanted
(the time of a Python mapper goes into lxml's element proxies, ~1 µs per element, whatever the
mapper's code), and a walk that reads plans needs no generated source, no ``exec`` and no cache.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import orjson

from ..._speedups import compiled
from ...model import BOOL, DATE, DATETIME, DECIMAL, STR, Activity, Node, Scalar, plan_for
from ..records.record import node_to_record, record_value
from ._typed_read import element_to_node, raw_xml

__all__ = ["activity_json", "activity_record", "native_available", "typed_record", "value_rule"]


def typed_record(cls: type[Node], top: bool, element: Any) -> dict[str, Any] | None:
    """The typed path's record of one element (None where the parent keeps it verbatim)."""
    node = element_to_node(element, cls, top=top)
    return None if node is None else node_to_record(node)


def value_rule(native: Any, scalar: Scalar) -> tuple[Any, Callable[[str], Any]]:
    """How the walk turns the text of a ``scalar`` field into its record value: a member of the
    walk's ``ValueRule`` (its one declaration) and the typed rule (:func:`..records.record.record_value`).

    The shortcuts rest on the typed rule: a scalar keeps its text unless printing the parsed value
    gives that text back, so a string, date, date-time or decimal records as its own text, and a
    boolean as ``True``/``False`` for ``true``/``false``, else its text. A decimal with an exponent
    still goes through the typed rule, so that an absurd exponent fails as it does there; integers
    become ``int`` and always do.
    """
    rules = native.ValueRule
    rule = functools.partial(record_value, scalar)
    if scalar is STR or scalar is DATE or scalar is DATETIME:
        return rules.TEXT_ITSELF, rule
    if scalar is BOOL:
        return rules.BOOLEAN, rule
    if scalar is DECIMAL:
        return rules.DECIMAL_TEXT, rule
    return rules.TYPED_RULE, rule


def _split_name(xml: str) -> tuple[str | None, str]:
    """``{ns}local`` → (ns, local); a plain name → (None, name)."""
    if xml.startswith("{"):
        ns, _, local = xml[1:].partition("}")
        return ns, local
    return None, xml


def _classes(root: type[Node]) -> list[type[Node]]:
    """``root`` and every model class reachable from it through child fields."""
    found = [root]
    for cls in found:
        for field in plan_for(cls).children:
            if field.cls is not None and field.cls not in found:
                found.append(field.cls)
    return found


def _native_plans(native: Any) -> Any:
    """One ``NativePlan`` per model class, linked like the classes, each with its typed mapper as
    the fallback; the plan of ``Activity`` is returned. None when a child tag is namespaced (the
    walk matches un-namespaced child tags only): the typed path then does everything."""
    plans = {}
    for cls in _classes(Activity):
        plan = plan_for(cls)
        text = None if plan.text is None else (plan.text.name, *value_rule(native, plan.text.scalar))
        attrs = [(*_split_name(f.xml), f.name, *value_rule(native, f.scalar)) for f in plan.attrs]
        fallback = functools.partial(typed_record, cls, cls is Activity)
        plans[cls] = native.NativePlan(fallback, raw_xml, cls is Activity, text=text, attrs=attrs)
    for cls, native_plan in plans.items():
        children = []
        for field in plan_for(cls).children:
            if field.xml.startswith("{"):
                return None
            if field.cls is not None:
                target, rule = plans[field.cls], native.ValueRule.TEXT_ITSELF
            else:
                rule, target = value_rule(native, field.scalar)
            children.append((field.xml, field.index, field.kind, field.many, field.name, rule, target))
        if children:
            native_plan.set_children(children)
    return plans[Activity]


@functools.cache
def _native_writer() -> Callable[[Any], bytes | None] | None:
    """The compiled walk that writes a record's JSON line from libxml2's nodes, when the extension is
    built for this lxml, and not turned off with ``IATICONV_PURE_PYTHON``; else None."""
    native = compiled("formats.iati_xml._xml_record_native")
    if native is None:
        return None
    plan = _native_plans(native)
    if plan is None:
        return None
    writer: Callable[[Any], bytes | None] = functools.partial(native.activity_json, plan)
    return writer


def native_available() -> bool:
    """Whether the compiled walk is in use (it is optional: see setup.py)."""
    return _native_writer() is not None


def activity_json(element: Any) -> bytes | None:
    """The record of one ``iati-activity`` element as one compact JSON line — the bytes orjson writes
    for :func:`activity_record`'s result — straight from the compiled walk. None when the walk is not
    built, or orjson refuses a value of this record: the caller then encodes the record itself."""
    writer = _native_writer()
    return None if writer is None else writer(element)


def activity_record(element: Any) -> dict[str, Any]:
    """The record of one ``iati-activity`` element: what ``node_to_record(element_to_node(...))`` gives."""
    line = activity_json(element)
    if line is not None:  # JSON holds every record value exactly (str, bool, int) and keeps key order
        record: dict[str, Any] = orjson.loads(line)
        return record
    record_of_typed = typed_record(Activity, True, element)
    assert record_of_typed is not None  # the activity itself is never kept verbatim
    return record_of_typed
